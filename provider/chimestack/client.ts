/**
 * The only code that speaks ChimeStack's API: REST under `/v1`, `Authorization: Bearer <token>` from
 * `POST /v1/login` (`result.user.uuid` is the token), one token per endpoint and user for the whole
 * process, logged in again before it expires (`expired_at`) or on a 401, and logged out when the process
 * ends where it can. Every answer is the `{error:{code,message,status}, requestId, result}` envelope;
 * lists are paged as `{elements, size, total}`. Identical lists asked together (a fleet's creates looking
 * for their markers) are one list, and objects of one list asked together (a fleet's reads and polls) are
 * read with that list; check's look-ups are asked once per run.
 */
import {
  Batchers,
  EndpointSettings,
  Failure,
  Found,
  HttpClient,
  HttpResponse,
  ProviderError,
  RunCache,
  byKey,
  codeForStatus,
  groupBy,
  httpError,
  parseRetryAfter,
  sessionKey,
  splitMarker,
  unlessGone,
  waitFor,
  withMarker,
  withRetry,
} from "../core";

export interface ChimeSettings extends EndpointSettings {
  username: string;
  password: string;
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

type Method = "GET" | "POST" | "PATCH" | "PUT" | "DELETE";

/** The page size of our list requests. */
const PAGE_SIZE = 100;

const sessions = new Map<string, Promise<{ token: string; expiresAt: number }>>();
const tokenValues = new Map<string, string>();
/** Every client of the process, logged out (best effort) when it ends. */
const clients = new Set<ChimeClient>();

export class ChimeClient {
  private readonly http: HttpClient;
  private readonly key: string;

  constructor(readonly settings: ChimeSettings) {
    this.http = new HttpClient({
      baseUrl: settings.endpoint,
      ca: settings.ca,
      insecure: settings.insecure,
      requestTimeoutMs: settings.requestTimeoutMs,
      secrets: () => [settings.password, tokenValues.get(this.key)],
    });
    this.key = sessionKey(this.http.endpoint, settings.password, settings.username);
    if (clients.size === 0) {
      // Best effort: the engine may end the provider process before this runs.
      process.once("beforeExit", () => {
        for (const c of clients) void c.logout().catch(() => undefined);
      });
    }
    clients.add(this);
  }

  private get namespace(): string {
    return this.settings.namespace ?? "chimestack";
  }

  private async send(method: Method, path: string, body?: unknown, token?: string): Promise<HttpResponse> {
    return this.http.request({
      method,
      path,
      headers: {
        accept: "application/json",
        ...(body !== undefined ? { "content-type": "application/json" } : {}),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
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
      const ns = this.namespace;
      throw httpError(status, {
        code: codeForStatus(status),
        what:
          res.status === 401
            ? `ChimeStack rejected the credentials or token (check ${ns}:username and ${ns}:password)`
            : `ChimeStack ${method} ${path.split("?")[0]} failed`,
        vendorMessage: env?.error?.message ?? (res.body.slice(0, 300) || undefined),
        vendorCode: env?.error?.status ?? (env?.error?.code !== undefined ? String(env.error.code) : undefined),
        requestId: env?.requestId,
        retryAfterMs: parseRetryAfter(res.headers["retry-after"]),
      });
    }
    if (!env) throw new ProviderError("server", `ChimeStack answered ${method} ${path} without a JSON envelope`);
    return env.result;
  }

  private session(): Promise<{ token: string; expiresAt: number }> {
    let s = sessions.get(this.key);
    if (!s) {
      s = (async () => {
        // A refused login is final; a server or connection failure is retried like any read.
        const login = async () =>
          this.unwrap<{ user?: { uuid?: string; expired_at?: string } }>(
            "POST",
            "/v1/login",
            await this.send("POST", "/v1/login", { user_name: this.settings.username, password: this.settings.password }),
          );
        const r = await withRetry(login, { idempotent: true });
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
  async call<T>(method: Method, path: string, body?: unknown, opts: { idempotent?: boolean } = {}): Promise<T> {
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

  /** Every element of a paged list, page after page; `query` filters (undefined values are left out). */
  async list<T>(path: string, query: Record<string, string | undefined> = {}): Promise<T[]> {
    const out: T[] = [];
    const filters = Object.entries(query).filter((e): e is [string, string] => e[1] !== undefined);
    for (let page = 1; ; page++) {
      const q = new URLSearchParams([...filters, ["page", String(page)], ["size", String(PAGE_SIZE)]]);
      const r = await this.call<Page<T>>("GET", `${path}?${q}`);
      out.push(...r.elements);
      if (r.elements.length === 0 || out.length >= r.total) return out;
    }
  }

  /** Reads coalesced by kind, shared by every resource of the process (see core/batch.ts). */
  private readonly reads = new Batchers();

  /** A list, shared by every identical list asked within the window. */
  listed<T>(path: string, query: Record<string, string | undefined> = {}): Promise<T[]> {
    const read = this.reads.of<T[]>("lists", async (keys) => {
      const lists = await Promise.all(keys.map(async (k) => [k, await this.list<T>(...(JSON.parse(k) as [string, Record<string, string>]))] as const));
      return new Map(lists);
    });
    return read.get(JSON.stringify([path, query])) as Promise<T[]>;
  }

  /**
   * The object `<list>/<uuid>` (`result[kind]`), or undefined when it does not exist. Objects of one list
   * asked for together are read with the list (every page: one missing from it is gone); one alone by
   * its own path.
   */
  item<T extends { uuid: string }>(list: string, kind: string, uuid: string, query: Record<string, string | undefined> = {}): Promise<T | undefined> {
    const read = this.reads.of<T>("items", async (keys) => {
      const asked = keys.map((key) => ({ key, at: JSON.parse(key) as [string, string, Record<string, string | undefined>, string] }));
      const found = new Map<string, T>();
      const lists = groupBy(asked, ({ at: [l, , q] }) => JSON.stringify([l, q]));
      await Promise.all(
        [...lists.values()].map(async (group) => {
          const [l, k, q, u] = group[0].at;
          const items = group.length === 1 ? new Map([[u, await this.getOne<T>(`${l}/${u}`, k)]]) : byKey(await this.list<T>(l, q), (o) => o.uuid);
          for (const a of group) if (items.get(a.at[3])) found.set(a.key, items.get(a.at[3])!);
        }),
      );
      return found;
    });
    return read.get(JSON.stringify([list, kind, query, uuid]));
  }

  /** Lists as this run first read them (see `found`). */
  private readonly earlier = new RunCache<Array<{ uuid: string; description?: string }>>();

  /**
   * The objects of a list as the resource layer sees them: their uuid and the marker their description
   * carries. `earlier` (a killed run's objects, looked for before each create): the list as this run
   * first read it.
   */
  async found(path: string, query: Record<string, string | undefined> = {}, earlier = false): Promise<Found[]> {
    type Listed = { uuid: string; description?: string };
    const read = () => this.listed<Listed>(path, query);
    const all = earlier ? ((await this.earlier.get(JSON.stringify([path, query]), read)) ?? []) : await read();
    return all.map((o) => ({ id: o.uuid, marker: splitMarker(o.description).marker }));
  }

  /**
   * The description to send with an update of the object at `path`: the new text, with the marker the
   * object carries kept at its end (or `marker`, when it carries none).
   */
  async markedDescription(path: string, kind: string, text: string, marker: string | undefined): Promise<string> {
    const w = await this.getOne<{ description?: string }>(path, kind);
    return withMarker(text, splitMarker(w?.description).marker ?? marker);
  }

  /** Objects known to exist, for the whole run: `check` asks once per object, whatever the fleet's size. */
  private readonly known = new RunCache<true>();

  /** `failure`, when the object at `path` does not exist (for check; asked once per run when it does). */
  async missing(path: string, kind: string, failure: Failure): Promise<Failure[]> {
    return (await this.known.get(path, async () => ((await this.getOne(path, kind)) ? true : undefined))) ? [] : [failure];
  }

  async logout(): Promise<void> {
    const s = sessions.get(this.key);
    if (!s) return;
    sessions.delete(this.key);
    const { token } = await s;
    await this.send("POST", "/v1/logout", { token });
  }
}

/** Paths of the objects that live in an AZ and a cluster. */
export const azPath = (az: string) => `/v1/az/${az}`;
export const clusterPath = (az: string, cluster?: string) => `${azPath(az)}/cluster${cluster ? `/${cluster}` : ""}`;
export const networkPath = (i: { azUuid: string; clusterUuid: string }, network?: string) =>
  `${clusterPath(i.azUuid, i.clusterUuid)}/network${network ? `/${network}` : ""}`;
export const subnetPath = (i: { azUuid: string; clusterUuid: string; networkUuid: string }, subnet?: string) =>
  `${networkPath(i, i.networkUuid)}/subnet${subnet ? `/${subnet}` : ""}`;
export const volumePath = (i: { azUuid: string; clusterUuid: string }, volume?: string) =>
  `${clusterPath(i.azUuid, i.clusterUuid)}/volume${volume ? `/${volume}` : ""}`;

/** What ChimeStack shows of every object that has work under way: `operation` set, or state 0 while it is made. */
export interface Busy {
  state: number;
  operation?: string;
}

/**
 * Waits until the object at `path` (`result[kind]`) has no work under way (no `operation`, state not 0),
 * or `done` says so; the object as it then is. A vanished object ends the wait.
 */
export async function settledAt<T extends Busy>(
  c: ChimeClient,
  path: string,
  kind: string,
  what: string,
  timeoutSeconds: number,
  done: (o: T) => boolean = (o) => !o.operation && o.state !== 0,
): Promise<T> {
  return waitFor(
    async () => {
      const o = await c.getOne<T>(path, kind);
      if (!o) throw new ProviderError("not_found", `${what} vanished while it was awaited`);
      return done(o) ? { done: true, value: o } : { done: false, progress: o.operation || `state ${o.state}` };
    },
    { timeoutMs: timeoutSeconds * 1000, intervalMs: c.settings.pollIntervalMs, what: `${what} to be ready` },
  );
}
