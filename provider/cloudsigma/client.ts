/**
 * The only code that speaks CloudSigma API 1.0: HTTP Basic auth (email and password), text/plain
 * key-value bodies both ways (codec.ts), GET to read and POST to change, and the `errors:<type> <message>`
 * bodies mapped to the core's error tree with the vendor's message intact. Reads of drives, servers, VLANs
 * and addresses that arrive together (a fleet's reads, polls and marker look-ups) are one read of the whole
 * collection (`/drives/info`: API 1.0 answers every object, unpaged).
 */
import {
  Batchers,
  EndpointSettings,
  ErrorCode,
  HttpClient,
  HttpResponse,
  RunCache,
  byKey,
  codeForStatus,
  httpError,
  parseRetryAfter,
  unlessGone,
  withRetry,
} from "../core";
import { KvObject, decode, decodeList, encode } from "./codec";

/**
 * The `user:*` key (user metadata, kept by drives and servers) that carries the ownership marker a create
 * writes, so that a create whose answer was lost is found again.
 */
export const MARKER_KEY = "user:pulumi";

/** The collections read whole: every object's path, one object's, and the key that is an object's id. */
export const COLLECTIONS = {
  drives: { all: "/drives/info", one: (id: string) => `/drives/${id}/info`, key: "drive" },
  servers: { all: "/servers/info", one: (id: string) => `/servers/${id}/info`, key: "server" },
  vlans: { all: "/resources/vlan/info", one: (id: string) => `/resources/vlan/${id}/info`, key: "resource" },
  ips: { all: "/resources/ip/info", one: (id: string) => `/resources/ip/${id}/info`, key: "resource" },
} as const;
export type Collection = keyof typeof COLLECTIONS;

/** `endpoint` is e.g. `https://api.zrh.cloudsigma.com` (no path prefix in API 1.0). */
export interface SigmaSettings extends EndpointSettings {
  username: string;
  password: string;
}

/** The vendor's error text: `errors:<type> <message>` lines (several for field errors). */
export function parseErrors(body: string): { type?: string; messages: string[] } {
  const lines = body.split("\n").filter((l) => l.startsWith("errors:"));
  if (lines.length === 0) return { messages: body.trim() ? [body.trim().slice(0, 500)] : [] };
  const type = lines[0].slice("errors:".length).split(" ")[0];
  return { type, messages: lines.map((l) => l.slice("errors:".length)) };
}

/** The code for a CloudSigma error: 400 carries "not found" and "in use" as well as bad input. */
export function sigmaCode(status: number, message: string): ErrorCode {
  if (status === 400 && /could not be found|not found|does not exist/i.test(message)) return "not_found";
  if (status === 400 && /currently in use|is mounted|is in use|busy/i.test(message)) return "conflict";
  if (status === 402) return "validation";
  return codeForStatus(status);
}

export class SigmaClient {
  private readonly http: HttpClient;
  private readonly auth: string;

  constructor(readonly settings: SigmaSettings) {
    this.http = new HttpClient({
      baseUrl: settings.endpoint,
      ca: settings.ca,
      insecure: settings.insecure,
      requestTimeoutMs: settings.requestTimeoutMs,
      secrets: () => [settings.password, this.auth],
    });
    this.auth = "Basic " + Buffer.from(`${settings.username}:${settings.password}`).toString("base64");
  }

  private async send(method: "GET" | "POST", path: string, body?: KvObject): Promise<HttpResponse> {
    const res = await this.http.request({
      method,
      path,
      headers: { authorization: this.auth, accept: "text/plain", ...(body ? { "content-type": "text/plain; charset=utf-8" } : {}) },
      body: body ? encode(body) : method === "POST" ? "" : undefined,
    });
    if (res.status >= 300) {
      const { type, messages } = parseErrors(res.body);
      const message = messages.join("; ");
      const ns = this.settings.namespace ?? "cloudsigma";
      throw httpError(res.status, {
        code: sigmaCode(res.status, message),
        what: res.status === 401 ? `CloudSigma rejected the credentials (check ${ns}:username and ${ns}:password)` : `CloudSigma ${method} ${path} failed`,
        vendorMessage: message || undefined,
        vendorCode: type,
        retryAfterMs: parseRetryAfter(res.headers["retry-after"]),
      });
    }
    return res;
  }

  /** A read: the objects of the answer (retried on transient failures), typed as the caller knows them. */
  async get<T = KvObject>(path: string): Promise<T[]> {
    return decode((await withRetry(() => this.send("GET", path), { idempotent: true })).body) as T[];
  }

  /** A bare list (UUIDs, or the values of `ip X` lines). */
  async list(path: string): Promise<string[]> {
    return decodeList((await withRetry(() => this.send("GET", path), { idempotent: true })).body);
  }

  /** The object at this info path, or undefined when the vendor says it does not exist. */
  async info<T = KvObject>(path: string): Promise<T | undefined> {
    return (await unlessGone(this.get<T>(path)))?.[0];
  }

  /**
   * A change. `idempotent` ones (set, destroy, stop) are retried on transient failures; creates and
   * clones are not.
   */
  async post<T = KvObject>(path: string, body: KvObject | undefined, opts: { idempotent: boolean }): Promise<T[]> {
    return decode((await withRetry(() => this.send("POST", path, body), { idempotent: opts.idempotent })).body) as T[];
  }

  /** Reads coalesced by kind, shared by every resource of the process (see core/batch.ts). */
  private readonly reads = new Batchers();

  /**
   * One object of a collection, or undefined when it does not exist. Objects asked for together are read
   * with one request for the whole collection; one alone with its own info path.
   */
  async object<T = KvObject>(c: Collection, id: string): Promise<T | undefined> {
    const { all, one, key } = COLLECTIONS[c];
    const o = await this.reads
      .of<T>(c, async (ids) => {
        if (ids.length > 1) return byKey(await this.get<T>(all), (x) => String((x as KvObject)[key]));
        const x = await this.info<T>(one(ids[0]));
        return new Map(x ? [[ids[0], x]] : []);
      })
      .get(id);
    // Seen in this run: a check that names it (a server's drive made just before) need not ask again.
    if (o) this.known.get(`${c} ${id}`, async () => o as KvObject);
    return o;
  }

  /** The objects of a collection that carry this ownership marker: one read of the collection for every marker asked at once. */
  async marked<T = KvObject>(c: Collection, marker: string): Promise<T[]> {
    const read = this.reads.of<T[]>(`${c} by marker`, async (markers) => {
      const all = await this.get<T>(COLLECTIONS[c].all);
      return new Map(markers.map((m) => [m, all.filter((o) => (o as KvObject)[MARKER_KEY] === m)]));
    });
    return (await read.get(marker)) ?? [];
  }

  /** Collections as this run first read them (see `markedEarlier`). */
  private readonly earlier = new RunCache<KvObject[]>();

  /**
   * The objects made before this run that carry this marker (a killed run's, looked for before each
   * create): the collection is read once per run, and each create filters that.
   */
  async markedEarlier<T = KvObject>(c: Collection, marker: string): Promise<T[]> {
    const all = (await this.earlier.get(c, () => this.get<KvObject>(COLLECTIONS[c].all))) ?? [];
    return all.filter((o) => o[MARKER_KEY] === marker) as T[];
  }

  /** Objects known to exist and the drive library, for the whole run: `check` asks once, whatever the fleet's size. */
  private readonly known = new RunCache<KvObject | KvObject[]>();

  /** Whether an object of a collection exists (asked once per run when it does). */
  async exists(c: Collection, id: string): Promise<boolean> {
    return !!(await this.known.get(`${c} ${id}`, () => this.object(c, id)));
  }

  /** The public library's drives (`/drives/standard/info`), read once per run. */
  async library(): Promise<KvObject[]> {
    return ((await this.known.get("library", () => this.get<KvObject>("/drives/standard/info"))) as KvObject[] | undefined) ?? [];
  }

  /** The pause between polls of async work. */
  get pollMs(): number {
    return this.settings.pollIntervalMs ?? 1000;
  }
}
