/**
 * HTTP for every vendor client: one undici Pool per endpoint (keep-alive), connect/headers/body timeouts,
 * TLS verification on by default, a private CA to trust, and an explicit insecure opt-out that warns.
 * Responses of any status are returned; vendor clients turn non-2xx into their own errors. Failures to
 * talk at all become `connection` or `timeout` ProviderErrors, with credentials redacted.
 */
import { createHash } from "node:crypto";
import type { Dispatcher, Pool } from "undici";
import { ProviderError, redact } from "./errors";

export interface TlsOptions {
  /** PEM text of a CA to trust in addition to the system's (private clouds often use their own CA). */
  ca?: string;
  /** Skip certificate verification. Dangerous; logs a warning once per endpoint. */
  insecure?: boolean;
}

/** What every vendor client takes beside its credentials: where, TLS, timing, and where the settings come from. */
export interface EndpointSettings extends TlsOptions {
  endpoint: string;
  /** Pause between polls of async work (default 1000 ms). */
  pollIntervalMs?: number;
  /** How long one request may take, to its last byte, before it is abandoned (default 60 000 ms). */
  requestTimeoutMs?: number;
  /** The config namespace of these settings (`cloudtower`, `cloudtower-site-b`), for error messages. */
  namespace?: string;
}

export interface HttpClientOptions extends TlsOptions {
  /** Base URL, with an optional path prefix: `https://tower.example.com/v2/api`. */
  baseUrl: string;
  connectTimeoutMs?: number;
  /** The time allowed for the answer's headers, then for its body (default 60 000 ms). */
  requestTimeoutMs?: number;
  /** Keep-alive connections per endpoint (default 16). */
  connections?: number;
  /** Values never to show in an error message (passwords, tokens). */
  secrets?: () => Iterable<string | undefined>;
  /** Where warnings go (default console.warn: dynamic providers have no engine log). */
  warn?: (message: string) => void;
  /** For tests: a dispatcher to use instead of the pool (undici MockAgent). */
  dispatcher?: Dispatcher;
}

export interface HttpRequest {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** Path below the base URL, with its query string if any. */
  path: string;
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

const pools = new Map<string, Pool>();
const warned = new Set<string>();

/** The pool for an endpoint and TLS setting, made once per process. */
function poolFor(origin: string, o: HttpClientOptions): Pool {
  const key = JSON.stringify([origin, o.ca ?? "", !!o.insecure, o.connectTimeoutMs, o.requestTimeoutMs]);
  let pool = pools.get(key);
  if (!pool) {
    // Loaded on first use: a program that only declares resources never sends a request.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Pool: UndiciPool } = require("undici") as typeof import("undici");
    pool = new UndiciPool(origin, {
      connections: o.connections ?? 16,
      keepAliveTimeout: 30_000,
      headersTimeout: o.requestTimeoutMs ?? 60_000,
      bodyTimeout: o.requestTimeoutMs ?? 60_000,
      connect: {
        timeout: o.connectTimeoutMs ?? 10_000,
        ...(o.ca ? { ca: o.ca } : {}),
        rejectUnauthorized: !o.insecure,
      },
    });
    pools.set(key, pool);
  }
  return pool;
}

/** Closes every pool (tests, and the end of a benchmark). */
export async function closeAllPools(): Promise<void> {
  const all = [...pools.values()];
  pools.clear();
  await Promise.all(all.map((p) => p.close()));
}

const TIMEOUT_CODES = new Set(["UND_ERR_CONNECT_TIMEOUT", "UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT", "ETIMEDOUT"]);
/** Failures to connect at all: the request was never sent. */
const NOT_SENT_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"]);
const TLS_HINT =
  "the server's TLS certificate is not trusted; set the endpoint's CA certificate (e.g. `<vendor>:caCertPath`) " +
  "or, only for a test system, `<vendor>:insecure`";

/**
 * The key of a login session shared by the clients of a process: the endpoint, the user and what else names
 * the account, and the secret's hash, so that a client with another (wrong) secret logs in itself.
 */
export function sessionKey(endpoint: string, secret: string, ...account: string[]): string {
  return [endpoint, ...account, createHash("sha256").update(secret).digest("hex")].join("|");
}

export class HttpClient {
  private readonly origin: string;
  private readonly basePath: string;

  constructor(private readonly opts: HttpClientOptions) {
    let url: URL;
    try {
      url = new URL(opts.baseUrl);
    } catch {
      throw new ProviderError("validation", `endpoint "${opts.baseUrl}" is not a URL`, { property: "endpoint" });
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      throw new ProviderError("validation", `endpoint "${opts.baseUrl}" must start with http:// or https://`, {
        property: "endpoint",
      });
    }
    this.origin = url.origin;
    this.basePath = url.pathname.replace(/\/+$/, "");
    if (opts.insecure && url.protocol === "https:" && !warned.has(this.origin)) {
      warned.add(this.origin);
      (opts.warn ?? console.warn)(`warning: TLS certificate verification is disabled for ${this.origin} (insecure); use a CA certificate instead`);
    }
  }

  get endpoint(): string {
    return this.origin + this.basePath;
  }

  async request(req: HttpRequest): Promise<HttpResponse> {
    const dispatcher = this.opts.dispatcher ?? poolFor(this.origin, this.opts);
    const path = this.basePath + (req.path.startsWith("/") ? req.path : `/${req.path}`);
    try {
      const res = await dispatcher.request({
        origin: this.origin,
        method: req.method,
        path,
        headers: req.headers,
        body: req.body,
        signal: req.signal,
      });
      const body = await res.body.text();
      return { status: res.statusCode, headers: res.headers as HttpResponse["headers"], body };
    } catch (e) {
      if (req.signal?.aborted) throw e;
      throw this.transportError(req, path, e);
    }
  }

  private transportError(req: HttpRequest, path: string, e: unknown): ProviderError {
    const err = e as { code?: string; message?: string; cause?: { code?: string; message?: string } };
    const code = err.code ?? err.cause?.code ?? "";
    const raw = err.message ?? String(e);
    const secrets = this.opts.secrets?.() ?? [];
    const where = `${req.method} ${this.origin}${path.split("?")[0]}`;
    if (TIMEOUT_CODES.has(code)) {
      return new ProviderError("timeout", redact(`${where} timed out (${code})`, secrets), { notSent: code === "UND_ERR_CONNECT_TIMEOUT" });
    }
    if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(code)) {
      return new ProviderError("tls", redact(`${where} failed: ${raw} (${code}); ${TLS_HINT}`, secrets));
    }
    const message = `${where} failed: ${raw}${code ? ` (${code})` : ""}`;
    return new ProviderError("connection", redact(message, secrets), { notSent: NOT_SENT_CODES.has(code) });
  }
}
