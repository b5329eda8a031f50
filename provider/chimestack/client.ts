/**
 * The only code that speaks ChimeStack's API: REST under `/v1`, `Authorization: Bearer <token>` from
 * `POST /v1/login` (`result.user.uuid` is the token), one token per endpoint and user for the whole
 * process, logged in again before it expires (`expired_at`) or on a 401, and logged out when the process
 * ends where it can. Every answer is the `{error:{code,message,status}, requestId, result}` envelope.
 */
import { HttpClient, HttpResponse, ProviderError, TlsOptions, codeForStatus, httpError, unlessGone, withRetry } from "../core";

export interface ChimeSettings extends TlsOptions {
  endpoint: string;
  username: string;
  password: string;
  pollIntervalMs?: number;
}

interface Envelope<T> {
  error?: { code?: number; message?: string; status?: string } | null;
  requestId?: string;
  result: T;
}

export interface Page<T> {
  elements: T[];
  size: number;
  total: number;
}

const sessions = new Map<string, Promise<{ token: string; expiresAt: number }>>();
const tokenValues = new Map<string, string>();
let logoutHooked = false;

export class ChimeClient {
  private readonly http: HttpClient;
  private readonly key: string;

  constructor(readonly settings: ChimeSettings) {
    this.http = new HttpClient({ baseUrl: settings.endpoint, ca: settings.ca, insecure: settings.insecure, secrets: () => [settings.password, tokenValues.get(this.key)] });
    this.key = `${this.http.endpoint}|${settings.username}`;
    if (!logoutHooked) {
      logoutHooked = true;
      // Best effort: the engine may end the provider process before this runs.
      process.once("beforeExit", () => void this.logout().catch(() => undefined));
    }
  }

  private async send(method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE", path: string, body?: unknown, token?: string): Promise<HttpResponse> {
    return this.http.request({
      method,
      path,
      headers: { accept: "application/json", ...(body !== undefined ? { "content-type": "application/json" } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  private unwrap<T>(method: string, path: string, res: HttpResponse): T {
    let env: Envelope<T> | undefined;
    try {
      env = res.body ? (JSON.parse(res.body) as Envelope<T>) : undefined;
    } catch {
      env = undefined;
    }
    if (res.status >= 300 || env?.error) {
      const status = res.status >= 300 ? res.status : (env?.error?.code ?? 500);
      throw httpError(status, {
        code: codeForStatus(status),
        what: res.status === 401 ? "ChimeStack rejected the credentials or token (check chimestack:username and chimestack:password)" : `ChimeStack ${method} ${path.split("?")[0]} failed`,
        vendorMessage: env?.error?.message ?? (res.body.slice(0, 300) || undefined),
        vendorCode: env?.error?.status ?? (env?.error?.code !== undefined ? String(env.error.code) : undefined),
        requestId: env?.requestId,
      });
    }
    if (!env) throw new ProviderError("server", `ChimeStack answered ${method} ${path} without a JSON envelope`);
    return env.result;
  }

  private session(): Promise<{ token: string; expiresAt: number }> {
    let s = sessions.get(this.key);
    if (!s) {
      s = (async () => {
        const res = await withRetry(() => this.send("POST", "/v1/login", { user_name: this.settings.username, password: this.settings.password }), { idempotent: true });
        const r = this.unwrap<{ user?: { uuid?: string; expired_at?: string } }>("POST", "/v1/login", res);
        const token = r.user?.uuid;
        if (!token) throw new ProviderError("auth", "ChimeStack login answered without a token");
        tokenValues.set(this.key, token);
        const exp = r.user?.expired_at ? Date.parse(r.user.expired_at) : NaN;
        return { token, expiresAt: Number.isFinite(exp) ? exp : Date.now() + 3600_000 };
      })();
      sessions.set(this.key, s);
      s.catch(() => sessions.delete(this.key));
    }
    return s;
  }

  private async token(): Promise<string> {
    const s = await this.session();
    // A minute of slack: log in again before the token expires rather than fail on it.
    if (s.expiresAt - Date.now() < 60_000) {
      if (sessions.get(this.key) && (await sessions.get(this.key)) === s) sessions.delete(this.key);
      return (await this.session()).token;
    }
    return s.token;
  }

  /** One call; a 401 logs in once more. Reads and `idempotent` changes are retried on transient failures. */
  async call<T>(method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE", path: string, body?: unknown, opts: { idempotent?: boolean } = {}): Promise<T> {
    return withRetry(
      async () => {
        let token = await this.token();
        let res = await this.send(method, path, body, token);
        if (res.status === 401) {
          if ((await sessions.get(this.key))?.token === token) sessions.delete(this.key);
          token = await this.token();
          res = await this.send(method, path, body, token);
        }
        return this.unwrap<T>(method, path, res);
      },
      { idempotent: opts.idempotent ?? method === "GET" },
    );
  }

  /** The object at `path` (`result[kind]`), or undefined on 404. */
  async getOne<T>(path: string, kind: string): Promise<T | undefined> {
    return (await unlessGone(this.call<Record<string, T>>("GET", path)))?.[kind];
  }

  async logout(): Promise<void> {
    const s = sessions.get(this.key);
    if (!s) return;
    sessions.delete(this.key);
    const { token } = await s;
    await this.send("POST", "/v1/logout", { token });
  }
}
