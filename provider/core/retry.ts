/**
 * The one retry policy, by what an answer means: an answer that says the request was not carried out
 * (429, 503, a connection refused before anything was sent) is retried for every operation; other
 * transient failures (5xx, a dropped connection, a timeout) only for operations marked idempotent, since
 * the request may have been carried out. Retry-After is honoured; otherwise exponential backoff with full
 * jitter, capped. "Busy/locked" is retried by the caller that knows it is safe, with `retryWhileBusy`.
 */
import { ErrorCode, ProviderError, hasCode, isProviderError } from "./errors";

export interface RetryOptions {
  /** Idempotent operations are retried on every transient failure; others only when nothing was done. */
  idempotent: boolean;
  /** Total attempts including the first (default 5). */
  maxAttempts?: number;
  /** First backoff step in ms (default 250). */
  baseDelayMs?: number;
  /** Largest single wait in ms, Retry-After included (default 30 000). */
  maxDelayMs?: number;
  /** Codes worth another try (default: rate_limited, server, connection, timeout). */
  retryOn?: readonly ErrorCode[];
  /** Finer choice than `retryOn` (e.g. only a 503 that says the request was not carried out). */
  shouldRetry?: (e: ProviderError) => boolean;
  signal?: AbortSignal;
  /** Called before each wait; for logs and tests. */
  onRetry?: (info: { attempt: number; delayMs: number; error: ProviderError }) => void;
  /** Injectable for tests. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
}

export const RETRYABLE: readonly ErrorCode[] = ["rate_limited", "server", "connection", "timeout"];

/** True for an answer that says the request was not carried out: safe to send again, whatever it was. */
export function notProcessed(e: ProviderError): boolean {
  return e.code === "rate_limited" || e.status === 503 || e.details.notSent === true;
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** Delay before retry number `attempt` (1-based): full jitter over min(cap, base * 2^(attempt-1)). */
export function backoffDelay(attempt: number, baseMs: number, capMs: number, random: () => number): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** (attempt - 1));
  return Math.floor(random() * ceiling);
}

export async function withRetry<T>(fn: (attempt: number) => Promise<T>, opts: RetryOptions): Promise<T> {
  const {
    idempotent,
    maxAttempts = 5,
    baseDelayMs = 250,
    maxDelayMs = 30_000,
    retryOn = RETRYABLE,
    shouldRetry = (e: ProviderError) => retryOn.includes(e.code),
    signal,
    onRetry,
    sleep: wait = sleep,
    random = Math.random,
  } = opts;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (e) {
      if (attempt >= maxAttempts || !isProviderError(e) || !(idempotent ? shouldRetry(e) : notProcessed(e))) throw e;
      const delayMs = e.retryAfterMs !== undefined ? Math.min(e.retryAfterMs, maxDelayMs) : backoffDelay(attempt, baseDelayMs, maxDelayMs, random);
      onRetry?.({ attempt, delayMs, error: e });
      await wait(delayMs, signal);
    }
  }
}

export interface BusyRetryOptions {
  /** Absolute deadline (epoch ms); past it the last busy error is thrown. */
  deadline: number;
  /** Which errors mean "busy, try again later" (default: code `conflict`). */
  isBusy?: (e: unknown) => boolean;
  /**
   * Called while busy, before the next try: wait for the object to clear (e.g. poll its async status).
   * Default: a capped exponential pause.
   */
  whileBusy?: (attempt: number, error: unknown) => Promise<void>;
  signal?: AbortSignal;
}

/**
 * Retries `fn` while it fails with a "busy/locked" error, until the deadline. Any other error is final
 * and aborts at once.
 */
export async function retryWhileBusy<T>(fn: () => Promise<T>, opts: BusyRetryOptions): Promise<T> {
  const isBusy = opts.isBusy ?? ((e: unknown) => hasCode(e, "conflict"));
  const pause = opts.whileBusy ?? ((attempt: number) => sleep(Math.min(5_000, 200 * 2 ** (attempt - 1)), opts.signal));
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if (!isBusy(e)) throw e;
      if (Date.now() >= opts.deadline) {
        throw new ProviderError("wait_timeout", "the object stayed busy (locked) until the deadline", {
          ...(isProviderError(e) ? e.details : {}),
          cause: e,
        });
      }
      await pause(attempt, e);
    }
  }
}
