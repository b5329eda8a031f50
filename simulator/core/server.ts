/**
 * The HTTP side every vendor simulator shares: a loopback server on port 0, a route table with `:params`,
 * one vendor error renderer, a request log, and the /_sim/ control routes (reset, seed, inventory, faults,
 * requests). Vendor state lives apart from HTTP, in the vendor's own state module.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { FaultRule, FaultSet, FaultSpec } from "./faults";

export interface SimRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage["headers"];
  body: string;
  params: Record<string, string>;
}

export interface SimResponse {
  status: number;
  headers?: Record<string, string>;
  /** Text as it is, anything else as JSON. */
  body?: unknown;
}

export type Handler = (req: SimRequest) => SimResponse | Promise<SimResponse>;

export interface Route {
  /** One method, several, or "*" for any. */
  method: string | readonly string[];
  /** `/api/client/vps/:id/status`; a trailing `*` matches any rest. */
  path: string;
  handler: Handler;
}

/** Thrown by handlers: rendered by the vendor's error renderer. */
export class SimError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** What a vendor simulator supplies to the shared server. */
export interface VendorSim {
  name: string;
  routes: readonly Route[];
  /** Renders an error in the vendor's exact format. */
  renderError(status: number, message: string, extra: Record<string, unknown>): SimResponse;
  /** Back to the initial seed. */
  reset(): void;
  /** Adds objects (vendor-defined shape) to the state. */
  seed(body: unknown): void;
  /** Every object, by collection, for tests and the demo's "inventory empty" check. */
  inventory(): Record<string, unknown[]>;
  /** The whole state as JSON, and back: enables persistence to a file between commands. */
  snapshot?(): unknown;
  restore?(data: unknown): void;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: string;
  body: string;
  status: number;
  /** The response body as sent (empty for dropped connections and lost answers' bodies are kept). */
  response: string;
}

export interface SimServerOptions {
  host?: string;
  port?: number;
  /** Keep at most this many requests in the log (default 10 000). */
  logLimit?: number;
  /** A JSON file that holds the vendor state: read at start, written after every change. */
  statePath?: string;
}

interface CompiledRoute extends Route {
  methods: Set<string> | "*";
  regex: RegExp;
  names: string[];
}

function compile(route: Route): CompiledRoute {
  const names: string[] = [];
  const pattern = route.path
    .split("/")
    .map((seg) => {
      if (seg === "*") return ".*";
      if (seg.startsWith(":")) {
        names.push(seg.slice(1));
        return "([^/]+)";
      }
      return seg.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    })
    .join("/");
  const methods = route.method === "*" ? "*" : new Set((Array.isArray(route.method) ? route.method : [route.method]) as string[]);
  return { ...route, methods, regex: new RegExp(`^${pattern}/?$`), names };
}

export class SimServer {
  readonly faults = new FaultSet();
  readonly requests: RecordedRequest[] = [];
  private readonly routes: CompiledRoute[];
  private server?: Server;
  private readonly sockets = new Set<Socket>();

  constructor(
    readonly vendor: VendorSim,
    private readonly opts: SimServerOptions = {},
  ) {
    this.routes = vendor.routes.map(compile);
  }

  /** Starts listening (loopback, port 0 by default) and returns the base URL. */
  async start(): Promise<string> {
    if (this.opts.statePath && this.vendor.restore && existsSync(this.opts.statePath)) {
      this.vendor.restore(JSON.parse(readFileSync(this.opts.statePath, "utf8")));
    }
    this.server = createServer((req, res) => void this.handle(req, res));
    // Idle keep-alive connections outlive the clients' own idle timeouts (undici: 4 s for fetch, 30 s for
    // our pools), so that a client never reuses a socket the server is closing at that moment.
    this.server.keepAliveTimeout = 65_000;
    this.server.headersTimeout = 66_000;
    this.server.on("connection", (s) => {
      this.sockets.add(s);
      s.on("close", () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve) => this.server!.listen(this.opts.port ?? 0, this.opts.host ?? "127.0.0.1", resolve));
    return this.url;
  }

  get url(): string {
    const a = this.server?.address() as AddressInfo | null;
    if (!a) throw new Error(`${this.vendor.name} simulator is not started`);
    return `http://${a.address.includes(":") ? `[${a.address}]` : a.address}:${a.port}`;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = new URL(req.url ?? "/", "http://sim");
    const request: SimRequest = {
      method: req.method ?? "GET",
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body: Buffer.concat(chunks).toString("utf8"),
      params: {},
    };

    if (request.path.startsWith("/_sim/")) {
      // A control call that cannot be carried out (a seed naming what does not exist) is a 400 that says why.
      const answer = await this.control(request).catch((e: Error) => ({ status: 400, body: { error: e.message } }));
      return this.send(res, answer);
    }

    const fault = this.faults.take(request.method, request.path);
    const record = (status: number, response?: SimResponse) => {
      const text = response?.body === undefined ? "" : typeof response.body === "string" ? response.body : JSON.stringify(response.body);
      this.requests.push({ method: request.method, path: request.path, query: url.search, body: request.body, status, response: text });
      if (this.requests.length > (this.opts.logLimit ?? 10_000)) this.requests.shift();
    };
    if (fault?.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
    if (fault?.drop) {
      record(0);
      return req.socket.destroy();
    }
    if (fault?.status) {
      const headers: Record<string, string> = fault.retryAfter !== undefined ? { "Retry-After": String(fault.retryAfter) } : {};
      const r = this.vendor.renderError(fault.status, fault.message ?? "injected fault", {});
      record(fault.status, r);
      return this.send(res, { ...r, headers: { ...r.headers, ...headers } });
    }

    const response = await this.dispatch(request);
    record(response.status, response);
    if (request.method !== "GET") this.persist();
    if (fault?.lostResponse) return req.socket.destroy(); // the change is committed; the answer is lost
    return this.send(res, response);
  }

  /** Runs the route for a request; errors thrown by handlers are rendered in the vendor's format. */
  async dispatch(request: SimRequest): Promise<SimResponse> {
    let pathMatched = false;
    for (const r of this.routes) {
      const m = r.regex.exec(request.path);
      if (!m) continue;
      pathMatched = true;
      if (r.methods !== "*" && !r.methods.has(request.method)) continue;
      r.names.forEach((n, i) => (request.params[n] = decodeURIComponent(m[i + 1])));
      try {
        return await r.handler(request);
      } catch (e) {
        if (e instanceof SimError) {
          const out = this.vendor.renderError(e.status, e.message, e.extra);
          return { ...out, headers: { ...out.headers, ...e.headers } };
        }
        return this.vendor.renderError(500, `simulator bug: ${(e as Error).stack ?? e}`, {});
      }
    }
    return pathMatched
      ? this.vendor.renderError(405, `method ${request.method} not allowed on ${request.path}`, {})
      : this.vendor.renderError(404, `no route ${request.method} ${request.path}`, {});
  }

  private async control(req: SimRequest): Promise<SimResponse> {
    const json = () => (req.body ? JSON.parse(req.body) : {});
    const route = `${req.method} ${req.path.replace(/\/+$/, "")}`;
    switch (route) {
      case "POST /_sim/reset":
        this.vendor.reset();
        this.faults.clear();
        this.requests.length = 0;
        this.persist();
        return { status: 200, body: { ok: true } };
      case "POST /_sim/seed":
        this.vendor.seed(json());
        this.persist();
        return { status: 200, body: { ok: true } };
      case "GET /_sim/inventory":
        return { status: 200, body: this.vendor.inventory() };
      case "GET /_sim/requests":
        return { status: 200, body: this.requests };
      case "DELETE /_sim/requests":
        this.requests.length = 0;
        return { status: 200, body: { ok: true } };
      case "GET /_sim/faults":
        return { status: 200, body: this.faults.list() };
      case "POST /_sim/faults": {
        const rule: FaultRule = this.faults.add(json() as FaultSpec);
        return { status: 200, body: rule };
      }
      case "DELETE /_sim/faults":
        this.faults.clear();
        return { status: 200, body: { ok: true } };
      default:
        // Vendor-specific control routes (e.g. /_sim/tasks/:id/fail) live in the vendor's route table.
        return this.dispatch(req);
    }
  }

  private persist() {
    if (this.opts.statePath && this.vendor.snapshot) {
      writeFileSync(this.opts.statePath, JSON.stringify(this.vendor.snapshot()));
    }
  }

  private send(res: ServerResponse, r: SimResponse) {
    const isText = typeof r.body === "string";
    const body = r.body === undefined ? "" : isText ? (r.body as string) : JSON.stringify(r.body);
    const headers: Record<string, string> = {
      "Content-Type": isText ? "text/plain; charset=utf-8" : "application/json",
      ...r.headers,
    };
    res.writeHead(r.status, headers);
    res.end(body);
  }
}
