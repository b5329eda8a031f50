/**
 * The only code that speaks CloudTower's wire: every call POST with JSON under `<endpoint>/v2/api`,
 * `Authorization: <token>` from `/login` (one token per endpoint and user, shared by every resource of the
 * process; a 401 logs in once more and retries), the `{path, status, message, code?, props?}` error body,
 * bare arrays from reads (paged with `first`/`after`), `WithTask` arrays from mutations, and waiting for
 * tasks through one batched `/get-tasks` poll per tick. Reads of objects by id, of their children (a VM's
 * disks) and of objects by marker are coalesced: every such read on the endpoint within a few ms is one
 * request (`id_in`, `OR`), shared by every resource of the process.
 */
import {
  BatchingWaiter,
  Batchers,
  MARKER_PREFIX,
  byKey,
  groupBy,
  EndpointSettings,
  HttpClient,
  HttpResponse,
  ProviderError,
  RunCache,
  codeForStatus,
  hasCode,
  httpError,
  isUnknown,
  parseRetryAfter,
  retryWhileBusy,
  sessionKey,
  sharedWaiter,
  sleep,
  withRetry,
} from "../core";

export type UserSource = "LOCAL" | "LDAP" | "AUTHN";

/** `endpoint` is e.g. `https://tower.example.com` (the `/v2/api` suffix is added when missing). */
export interface TowerSettings extends EndpointSettings {
  username: string;
  password: string;
  source?: UserSource;
  authConfigId?: string;
}

export interface WithTask<T> {
  task_id?: string | null;
  data: T;
}

export interface Task {
  id: string;
  status: "PENDING" | "EXECUTING" | "SUCCESSED" | "FAILED" | "PAUSED";
  description: string;
  progress: number;
  error_code?: string | null;
  error_message?: string | null;
  resource_id?: string | null;
  resource_mutation?: string | null;
}

export type Where = Record<string, unknown>;

export interface ChangeOptions {
  /** The object changed, and the read that shows its lock (`/get-vms`). */
  id: string;
  lockOf: string;
  timeoutMs: number;
  /** What is awaited, for messages. */
  what: string;
  /** Whether the mutation may be sent twice (default true: a change to the object). */
  idempotent?: boolean;
}

interface ErrorBody {
  path?: string;
  status?: number;
  message?: string;
  code?: string;
  props?: unknown;
}

/** Tokens per endpoint, user and password (its hash), shared by every client of the process. */
const tokens = new Map<string, Promise<string>>();
/** The resolved tokens, to redact them from error messages. */
const tokenValues = new Map<string, string>();

export function apiBase(endpoint: string): string {
  const e = endpoint.replace(/\/+$/, "");
  return /\/v2\/api$/.test(e) ? e : `${e}/v2/api`;
}

export class TowerClient {
  private readonly http: HttpClient;
  private readonly key: string;
  /** HTTP requests sent, for benchmarks. */
  static requests = 0;

  constructor(readonly settings: TowerSettings) {
    this.http = new HttpClient({
      baseUrl: apiBase(settings.endpoint),
      ca: settings.ca,
      insecure: settings.insecure,
      requestTimeoutMs: settings.requestTimeoutMs,
      secrets: () => [settings.password, tokenValues.get(this.key)],
    });
    this.key = sessionKey(this.http.endpoint, settings.password, settings.username, settings.source ?? "LOCAL");
  }

  get endpoint(): string {
    return this.http.endpoint;
  }

  // ---- Authentication ---------------------------------------------------------------------------

  private token(): Promise<string> {
    let t = tokens.get(this.key);
    if (!t) {
      t = this.login();
      tokens.set(this.key, t);
      t.catch(() => tokens.delete(this.key));
    }
    return t;
  }

  private async login(): Promise<string> {
    const body: Record<string, unknown> = {
      username: this.settings.username,
      password: this.settings.password,
      source: this.settings.source ?? "LOCAL",
    };
    if (this.settings.authConfigId) body.auth_config_id = this.settings.authConfigId;
    // A refused login (400, 401, 403) is final; a server or connection failure is retried like any read.
    const res = await withRetry(
      async () => {
        const r = await this.send("/login", body);
        if (r.status === 200) return r;
        const e = this.error("/login", r);
        if (e.code !== "auth") throw e;
        const ns = this.settings.namespace ?? "cloudtower";
        throw new ProviderError("auth", `CloudTower login as "${this.settings.username}" failed (check ${ns}:username, ${ns}:password and ${ns}:source)`, {
          ...e.details,
        });
      },
      { idempotent: true },
    );
    const token = (JSON.parse(res.body) as WithTask<{ token?: string }>).data?.token;
    if (!token) throw new ProviderError("auth", "CloudTower login answered without a token");
    tokenValues.set(this.key, token);
    return token;
  }

  // ---- Calls ------------------------------------------------------------------------------------

  private async send(path: string, body: unknown, token?: string): Promise<HttpResponse> {
    TowerClient.requests++;
    return this.http.request({
      method: "POST",
      path,
      headers: { "content-type": "application/json", accept: "application/json", "content-language": "en-US", ...(token ? { authorization: token } : {}) },
      body: JSON.stringify(body ?? {}),
    });
  }

  /** One authenticated call; a 401 logs in again once. Reads are retried on transient failures. */
  async call<T>(path: string, body: unknown, opts: { idempotent: boolean }): Promise<T> {
    return withRetry(
      async () => {
        let token = await this.token();
        let res = await this.send(path, body, token);
        if (res.status === 401) {
          if (tokens.get(this.key) && (await tokens.get(this.key)) === token) tokens.delete(this.key);
          token = await this.token();
          res = await this.send(path, body, token);
        }
        if (res.status < 200 || res.status >= 300) throw this.error(path, res);
        return (res.body ? JSON.parse(res.body) : undefined) as T;
      },
      { idempotent: opts.idempotent },
    );
  }

  private error(path: string, res: HttpResponse): ProviderError {
    let b: ErrorBody;
    try {
      b = JSON.parse(res.body);
    } catch {
      b = { message: res.body.slice(0, 300) };
    }
    const requestId = header(res, "x-tower-request-id");
    const locked = b.code === "ResourceLocked";
    return httpError(res.status, {
      code: locked ? "conflict" : res.status === 400 && path === "/login" ? "auth" : codeForStatus(res.status),
      what: `CloudTower ${path} failed`,
      vendorMessage: b.message,
      vendorCode: b.code,
      requestId,
      retryAfterMs: parseRetryAfter(res.headers["retry-after"]),
      ...(locked ? { resourceId: lockedIds(b.props)[0] } : {}),
    });
  }

  /** A read: the bare array of matches. */
  get<T>(path: string, body: { where?: Where; first?: number; after?: string; orderBy?: string } = {}): Promise<T[]> {
    return this.call<T[]>(path, body, { idempotent: true });
  }

  /** Every match of a read, fetched in pages of `pageSize` (after the last id of the previous page). */
  async getAll<T extends { id: string }>(path: string, where: Where = {}, pageSize = 200): Promise<T[]> {
    const out: T[] = [];
    for (let after: string | undefined; ;) {
      const page = await this.get<T>(path, { where, first: pageSize, ...(after ? { after } : {}) });
      out.push(...page);
      if (page.length < pageSize) return out;
      after = page[page.length - 1].id;
    }
  }

  /**
   * A mutation; returns one WithTask per object. A create is retried only when nothing was done (429, 503);
   * `idempotent` (a change to an existing object, which may be sent twice) on every transient failure.
   */
  mutate<T>(path: string, body: unknown, idempotent = false): Promise<WithTask<T>[]> {
    return this.call<WithTask<T>[]>(path, body, { idempotent });
  }

  /**
   * A mutation on a locked object is retried once its lock clears (`entityAsyncStatus` back to null),
   * until the deadline. `entity` reads the object's current lock state.
   */
  private mutateWhenFree<T>(
    path: string,
    body: unknown,
    idempotent: boolean,
    deadline: number,
    entity: () => Promise<{ entityAsyncStatus?: string | null } | undefined>,
  ): Promise<WithTask<T>[]> {
    return retryWhileBusy(() => this.mutate<T>(path, body, idempotent), {
      deadline,
      isBusy: (e) => hasCode(e, "conflict") && e.details.vendorCode === "ResourceLocked",
      whileBusy: async () => {
        for (;;) {
          const e = await entity();
          if (!e?.entityAsyncStatus || Date.now() >= deadline) return;
          await sleep(this.settings.pollIntervalMs ?? 1000);
        }
      },
    });
  }

  /** Reads coalesced by kind, shared by every resource of the process (see core/batch.ts). */
  private readonly reads = new Batchers();

  /** The object with this id, or undefined when it does not exist (one `id_in` read for all asked together). */
  one<T extends { id: string }>(path: string, id: string): Promise<T | undefined> {
    return this.reads.of<T>(`${path} by id`, async (ids) => byKey(await this.getAll<T>(path, { id_in: ids }), (o) => o.id)).get(id);
  }

  /** The objects whose `relation` is this parent (a VM's disks), read with every other parent's asked together. */
  async children<T extends { id: string }>(path: string, relation: string, parent: string): Promise<T[]> {
    const of = (o: T) => (o as unknown as Record<string, { id?: string } | undefined>)[relation]?.id ?? "";
    const read = this.reads.of<T[]>(`${path} by ${relation}`, async (ids) => groupBy(await this.getAll<T>(path, { [relation]: { id_in: ids } }), of));
    return (await read.get(parent)) ?? [];
  }

  /** The objects whose description carries this marker, read with every other marker asked together (`OR`). */
  async marked<T extends { id: string; description: string }>(path: string, marker: string): Promise<T[]> {
    const read = this.reads.of<T[]>(`${path} by marker`, async (markers) => {
      const all = await this.getAll<T>(path, { OR: markers.map((m) => ({ description_contains: m })) });
      return new Map(markers.map((m) => [m, all.filter((o) => o.description.includes(m))]));
    });
    return (await read.get(marker)) ?? [];
  }

  /** Objects that carry a marker, as this run first saw them (read once: see `markedEarlier`). */
  private readonly earlier = new RunCache<Array<{ id: string; description: string }>>();

  /**
   * The objects made before this run that carry this marker (a killed run's, looked for before each
   * create): every object that carries a marker is read once per run, and each create filters that.
   */
  async markedEarlier<T extends { id: string; description: string }>(path: string, marker: string): Promise<T[]> {
    const all = (await this.earlier.get(path, () => this.getAll<T>(path, { description_contains: MARKER_PREFIX }))) as T[];
    return all.filter((o) => o.description.includes(marker));
  }

  /** Objects known to exist, as first read in this run: `check` asks once per id, whatever the fleet's size. */
  private readonly existing = new RunCache<object>();

  /** The object with this id as this run first read it; undefined (and asked again next time) when there is none. */
  seen<T extends { id: string }>(path: string, id: string): Promise<T | undefined> {
    return this.existing.get(`${path} ${id}`, () => this.one<T>(path, id)) as Promise<T | undefined>;
  }

  /**
   * A check failure naming `property` when no object with this id exists (unknown values at preview
   * are not looked up), for `check` to report before anything is created.
   */
  async missing(path: string, id: string | undefined, property: string, noun: string): Promise<{ property: string; reason: string } | undefined> {
    if (!id || isUnknown(id)) return undefined;
    return (await this.seen(path, id)) ? undefined : { property, reason: `no ${noun} with id ${id} in CloudTower` };
  }

  /**
   * A mutation on one object, retried while the object is locked, then waited for. `lockOf` names the
   * read that shows the object's lock (e.g. `/get-vms`). A change to the object is sent again after a
   * transient failure (its answer lost, a 5xx): the same change twice is the change once; a mutation that
   * makes something (a snapshot of the object) says `idempotent: false`.
   */
  async change<T>(path: string, body: unknown, o: ChangeOptions): Promise<WithTask<T>[]> {
    const { results, wait } = await this.start<T>(path, body, o);
    await wait();
    return results;
  }

  /** `change` in two steps: the mutation (retried while locked), then a wait for its tasks. */
  async start<T>(path: string, body: unknown, o: ChangeOptions): Promise<{ results: WithTask<T>[]; wait: () => Promise<void> }> {
    const deadline = Date.now() + o.timeoutMs;
    const results = await this.mutateWhenFree<T>(path, body, o.idempotent ?? true, deadline, () =>
      this.one<{ id: string; entityAsyncStatus?: string | null }>(o.lockOf, o.id),
    );
    return { results, wait: () => this.waitTasks(results, Math.max(1000, deadline - Date.now()), o.what) };
  }

  // ---- Tasks ------------------------------------------------------------------------------------

  private taskWaiter(): BatchingWaiter<Task> {
    return sharedWaiter(
      `cloudtower-tasks|${this.key}`,
      () =>
        new BatchingWaiter<Task>({
          intervalMs: this.settings.pollIntervalMs ?? 1000,
          poll: async (ids) => {
            const tasks = await this.get<Task>("/get-tasks", { where: { id_in: ids } });
            return new Map(tasks.map((t) => [t.id, t]));
          },
          settle: (id, t) => {
            if (!t) return { done: false, progress: "not visible yet" };
            if (t.status === "SUCCESSED") return { done: true, value: t };
            if (t.status === "FAILED") throw taskFailed(t);
            return { done: false, progress: `${t.status} ${Math.round((t.progress ?? 0) * 100)}%` };
          },
        }),
    );
  }

  /** Waits for every task of these results (a null task_id has nothing to wait for). */
  async waitTasks(results: Array<WithTask<unknown>>, timeoutMs: number, what: string): Promise<void> {
    const ids = results.map((r) => r.task_id).filter((x): x is string => !!x);
    const outcomes = await Promise.allSettled(ids.map((id) => this.taskWaiter().wait(id, { timeoutMs, what: `${what} (task ${id})` })));
    const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === "rejected");
    if (failed) throw failed.reason;
  }

  /** Polls made by the shared task waiter of this endpoint, for benchmarks. */
  get taskPolls(): number {
    return this.taskWaiter().polls;
  }
}

export function taskFailed(t: Task): ProviderError {
  return new ProviderError("task_failed", `CloudTower task "${t.description}" failed${t.error_code ? ` with ${t.error_code}` : ""}`, {
    vendorMessage: t.error_message ?? undefined,
    vendorCode: t.error_code ?? undefined,
    taskId: t.id,
    resourceId: t.resource_id ?? undefined,
  });
}

function lockedIds(props: unknown): string[] {
  const list = (props as { locked_resources?: Array<{ id: string }> } | undefined)?.locked_resources ?? [];
  return list.map((l) => l.id);
}

function header(res: HttpResponse, name: string): string | undefined {
  const v = res.headers[name];
  return Array.isArray(v) ? v[0] : v;
}
