/**
 * One error tree for every vendor. Each error has a stable `code`; the message carries the vendor's own
 * message and request id. Errors are branded with a global symbol so that a second copy of this module
 * (a serialized closure may load one) still recognises them.
 */

export type ErrorCode =
  | "auth"
  | "not_found"
  | "conflict"
  | "rate_limited"
  | "server"
  | "connection"
  | "timeout"
  | "task_failed"
  | "wait_timeout"
  | "validation"
  /** The server's TLS certificate is not trusted: final, asking again cannot help. */
  | "tls";

const BRAND = Symbol.for("pulumi-private-cloud.ProviderError");

export interface ProviderErrorDetails {
  /** The vendor's own message, unchanged. */
  vendorMessage?: string;
  /** The vendor's own error code (e.g. CloudTower's `ResourceLocked`). */
  vendorCode?: string;
  requestId?: string;
  status?: number;
  /** Milliseconds the server asked us to wait (Retry-After). */
  retryAfterMs?: number;
  /** The vendor task that failed, for `task_failed`. */
  taskId?: string;
  /** The vendor object concerned. */
  resourceId?: string;
  /** For validation: the input that is wrong. */
  property?: string;
  /** The request never reached the server (the connection was refused): sending it again is safe. */
  notSent?: boolean;
  cause?: unknown;
}

export class ProviderError extends Error {
  readonly code: ErrorCode;
  readonly details: ProviderErrorDetails;

  constructor(code: ErrorCode, message: string, details: ProviderErrorDetails = {}) {
    super(composeMessage(message, details), details.cause === undefined ? undefined : { cause: details.cause });
    this.name = "ProviderError";
    this.code = code;
    this.details = details;
    Object.defineProperty(this, BRAND, { value: true });
  }

  get status(): number | undefined {
    return this.details.status;
  }
  get requestId(): string | undefined {
    return this.details.requestId;
  }
  get retryAfterMs(): number | undefined {
    return this.details.retryAfterMs;
  }
}

function composeMessage(message: string, d: ProviderErrorDetails): string {
  const parts = [message];
  if (d.vendorMessage && !message.includes(d.vendorMessage)) parts.push(`vendor says: ${d.vendorMessage}`);
  const tags: string[] = [];
  if (d.status !== undefined) tags.push(`HTTP ${d.status}`);
  if (d.vendorCode) tags.push(`code ${d.vendorCode}`);
  if (d.taskId) tags.push(`task ${d.taskId}`);
  if (d.resourceId) tags.push(`resource ${d.resourceId}`);
  if (d.requestId) tags.push(`request ${d.requestId}`);
  return tags.length ? `${parts.join(": ")} [${tags.join(", ")}]` : parts.join(": ");
}

/** True for any ProviderError, whichever copy of this module made it. */
export function isProviderError(e: unknown): e is ProviderError {
  return typeof e === "object" && e !== null && (e as Record<symbol, unknown>)[BRAND] === true;
}

export function hasCode(e: unknown, ...codes: ErrorCode[]): e is ProviderError {
  return isProviderError(e) && codes.includes(e.code);
}

/** The code an HTTP status maps to when the vendor gives nothing more specific. */
export function codeForStatus(status: number): ErrorCode {
  if (status === 401 || status === 403) return "auth";
  if (status === 404 || status === 410) return "not_found";
  if (status === 409 || status === 423) return "conflict";
  if (status === 429) return "rate_limited";
  if (status === 408 || status === 504) return "timeout";
  if (status === 400 || status === 422) return "validation";
  if (status >= 500) return "server";
  return "validation";
}

/** Builds the error for an HTTP response that was not a success. */
export function httpError(status: number, details: Omit<ProviderErrorDetails, "status"> & { code?: ErrorCode; what?: string } = {}): ProviderError {
  const { code = codeForStatus(status), what = "request failed", ...rest } = details;
  return new ProviderError(code, what, { ...rest, status });
}

/**
 * Parses a Retry-After header: delta-seconds or an HTTP date. Returns milliseconds (never negative)
 * or undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | string[] | undefined, now: number = Date.now()): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined || v.trim() === "") return undefined;
  const t = v.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Math.round(Number(t) * 1000);
  const date = Date.parse(t);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/**
 * Removes every occurrence of the given secrets from a text (error messages, logs). Short secrets are
 * redacted too: a password of any length must never leak.
 */
export function redact(text: string, secrets: Iterable<string | undefined>): string {
  let out = text;
  for (const s of secrets) {
    if (!s) continue;
    out = out.split(s).join("***");
  }
  return out;
}

/**
 * The result of `p`, or undefined when the vendor says the object does not exist: a read of a vanished
 * object, or a delete of one that is already gone (both fine for Pulumi). Any other error is thrown.
 */
export async function unlessGone<T>(p: Promise<T>): Promise<T | undefined> {
  try {
    return await p;
  } catch (e) {
    if (hasCode(e, "not_found")) return undefined;
    throw e;
  }
}
