/**
 * The only code that speaks the CVM panel's client API: token-pair headers, `{response}` / `{errors}`
 * bodies, numbers that arrive as strings, traffic in the combined or the split form, and errors mapped to
 * the core's tree (401/403 auth, 404 not found, 500 operation failed, 503 host node unreachable: retried).
 */
import { Batchers, EndpointSettings, RunCache, HttpClient, HttpResponse, ProviderError, codeForStatus, httpError, parseRetryAfter, withRetry } from "../core";

export interface CvmSettings extends EndpointSettings {
  publicToken: string;
  privateToken: string;
}

export type VpsStatus = "running" | "stopped" | "suspended" | "terminated" | "unknown";

/** A VPS from `/vps/list`, numbers parsed. Traffic in bytes, RAM and disk in MB. */
export interface Vps {
  id: string;
  node: string;
  virtualizationType: string;
  hostname: string;
  location?: string;
  template?: string;
  /** Guaranteed RAM. */
  ramMb: number;
  burstableRamMb?: number;
  diskMb: number;
  cpuCount: number;
  /** "combined" has trafficLimit/Used; "split" the in/out pairs. */
  trafficAccounting: "combined" | "split";
  trafficLimit?: number;
  trafficUsed?: number;
  trafficInLimit?: number;
  trafficInUsed?: number;
  trafficOutLimit?: number;
  trafficOutUsed?: number;
}

export interface VpsState {
  status: VpsStatus;
  ramUsedBytes: number;
  diskUsedBytes: number;
  trafficUsed?: number;
  trafficInUsed?: number;
  trafficOutUsed?: number;
}

const STATUSES: readonly VpsStatus[] = ["running", "stopped", "suspended", "terminated", "unknown"];

/** A number that may arrive as a string; absent or empty stays undefined. */
export function num(v: unknown, field: string): number | undefined {
  if (v === undefined || v === null || v === "") return undefined;
  const n = typeof v === "number" ? v : Number(String(v).trim());
  if (!Number.isFinite(n)) {
    throw new ProviderError("server", `the CVM API sent "${String(v)}" for ${field}, which is not a number`);
  }
  return n;
}

export function toVps(raw: Record<string, unknown>): Vps {
  const split = raw.traffic_in_limit !== undefined || raw.traffic_out_limit !== undefined;
  return {
    id: String(raw.id),
    node: String(raw.node ?? ""),
    virtualizationType: String(raw.virtualization_type ?? ""),
    hostname: String(raw.hostname ?? ""),
    location: raw.location === undefined ? undefined : String(raw.location),
    template: raw.template === undefined ? undefined : String(raw.template),
    ramMb: num(raw.guaranteed_ram, "guaranteed_ram") ?? 0,
    burstableRamMb: num(raw.burstable_ram, "burstable_ram"),
    diskMb: num(raw.disk_space, "disk_space") ?? 0,
    cpuCount: num(raw.cpu_count, "cpu_count") ?? 0,
    trafficAccounting: split ? "split" : "combined",
    trafficLimit: num(raw.traffic_limit, "traffic_limit"),
    trafficUsed: num(raw.traffic_used, "traffic_used"),
    trafficInLimit: num(raw.traffic_in_limit, "traffic_in_limit"),
    trafficInUsed: num(raw.traffic_in_used, "traffic_in_used"),
    trafficOutLimit: num(raw.traffic_out_limit, "traffic_out_limit"),
    trafficOutUsed: num(raw.traffic_out_used, "traffic_out_used"),
  };
}

export function toVpsState(raw: Record<string, unknown>): VpsState {
  const status = String(raw.status ?? "unknown") as VpsStatus;
  return {
    status: STATUSES.includes(status) ? status : "unknown",
    ramUsedBytes: num(raw.ram_used, "ram_used") ?? 0,
    diskUsedBytes: num(raw.disk_used, "disk_used") ?? 0,
    trafficUsed: num(raw.traffic_used, "traffic_used"),
    trafficInUsed: num(raw.traffic_in_used, "traffic_in_used"),
    trafficOutUsed: num(raw.traffic_out_used, "traffic_out_used"),
  };
}

/**
 * Start and stop set a state, so any transient failure may be retried. A restart is not idempotent: only a
 * 503 (the host node was not reached, nothing ran) is retried.
 */
const restartRetry = (e: ProviderError) => e.status === 503;

export class CvmClient {
  private readonly http: HttpClient;

  constructor(readonly settings: CvmSettings) {
    this.http = new HttpClient({
      baseUrl: settings.endpoint,
      ca: settings.ca,
      insecure: settings.insecure,
      requestTimeoutMs: settings.requestTimeoutMs,
      secrets: () => [settings.privateToken],
    });
  }

  /** Reads coalesced by kind, shared by every resource of the process (see core/batch.ts). */
  private readonly reads = new Batchers();

  /** Every VPS of the token pair: one request for every caller within the window (a fleet's look-ups). */
  async list(): Promise<Vps[]> {
    return (await this.reads.of<Vps[]>("list", async () => new Map([["all", await this.fetchList()]])).get("all"))!;
  }

  private readonly firstList = new RunCache<Vps[]>();

  /**
   * The VPS list as this run first read it: which VPS an id or hostname names does not change within a
   * run, so check and create (the engine calls them one resource at a time) ask once.
   */
  async listOnce(): Promise<Vps[]> {
    return (await this.firstList.get("all", () => this.list()))!;
  }

  private async fetchList(): Promise<Vps[]> {
    const r = await this.call("GET", "/api/client/vps/list", true);
    const vpses = (r as { vpses?: unknown }).vpses;
    if (!Array.isArray(vpses)) throw new ProviderError("server", "the CVM API answered /vps/list without a vpses list");
    return vpses.map((v) => toVps(v as Record<string, unknown>));
  }

  /** The VPS with this id, or undefined when it does not exist (or belongs to another user). */
  async find(id: string): Promise<Vps | undefined> {
    return (await this.list()).find((v) => v.id === id);
  }

  async status(id: string): Promise<VpsState> {
    return toVpsState((await this.call("GET", `/api/client/vps/${encodeURIComponent(id)}/status`, true)) as Record<string, unknown>);
  }

  async power(id: string, action: "start" | "stop" | "restart"): Promise<void> {
    await this.call("POST", `/api/client/vps/${encodeURIComponent(id)}/${action}`, action === "restart" ? restartRetry : true);
  }

  /**
   * One API call. `retry` true retries every transient failure; a predicate retries only the failures it
   * accepts.
   */
  private async call(method: "GET" | "POST", path: string, retry: true | ((e: ProviderError) => boolean)): Promise<unknown> {
    return withRetry(
      async () => {
        const res = await this.http.request({
          method,
          path,
          headers: {
            "API-Public-Token": this.settings.publicToken,
            "API-Private-Token": this.settings.privateToken,
            Accept: "application/json",
          },
        });
        return this.parse(method, path, res);
      },
      { idempotent: true, ...(retry === true ? {} : { shouldRetry: retry }) },
    );
  }

  private parse(method: string, path: string, res: HttpResponse): unknown {
    let body: { response?: unknown; errors?: unknown } = {};
    if (res.body.trim() !== "") {
      try {
        body = JSON.parse(res.body);
      } catch {
        if (res.status < 300) throw new ProviderError("server", `the CVM API answered ${method} ${path} with text that is not JSON`, { status: res.status });
      }
    }
    const errors = Array.isArray(body.errors) ? body.errors.map(String) : [];
    const ns = this.settings.namespace ?? "cvm";
    // The panel may send an error body with status 200 (see the README): treat `errors` as failure.
    if (res.status >= 300 || errors.length > 0) {
      const status = res.status >= 300 ? res.status : errors.some((m) => /does not exist/.test(m)) ? 404 : 500;
      const vendorMessage = errors.join("; ") || undefined;
      // A power action answered 500 ran and failed (the client API's documents): final, not retried.
      const failed = method === "POST" && status === 500;
      const what =
        status === 503
          ? `${method} ${path}: the VPS's host node is unreachable`
          : status === 401
            ? `the CVM API rejected the token pair (check ${ns}:publicToken and ${ns}:privateToken)`
            : status === 403
              ? "the CVM token pair has no access to the client API"
              : failed
                ? `${method} ${path}: the panel says the operation failed`
                : `${method} ${path} failed`;
      throw httpError(status, {
        code: failed ? "task_failed" : codeForStatus(status),
        what,
        vendorMessage,
        retryAfterMs: parseRetryAfter(res.headers["retry-after"]),
      });
    }
    return body.response;
  }
}
