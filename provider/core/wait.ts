/**
 * Waiting for a vendor's async work. `waitFor` polls one thing until it settles or its deadline passes.
 * `BatchingWaiter` lets many concurrent waits on one endpoint share one poll request per tick: the vendor
 * supplies "poll these ids", and each wait still ends on its own result or its own deadline.
 */
import { ProviderError, hasCode, isProviderError } from "./errors";
import { RETRYABLE, sleep } from "./retry";

export type Probe<T> = { done: true; value: T } | { done: false; progress?: string };

export interface WaitOptions {
  /** How long to wait in all, in ms. */
  timeoutMs: number;
  /** Pause between polls, in ms (default 1000). */
  intervalMs?: number;
  /** What is awaited, for the timeout message ("VM vm-1 to be RUNNING"). */
  what: string;
  signal?: AbortSignal;
  onProgress?: (progress: string) => void;
}

/**
 * Polls `probe` until it reports done, rethrowing whatever it throws (a failed task is final). Transient
 * errors of a probe (5xx, connection) are tolerated until the deadline. Polls fall on the clock's ticks
 * of `intervalMs`, the same for every wait.
 */
export async function waitFor<T>(probe: () => Promise<Probe<T>>, opts: WaitOptions): Promise<T> {
  const deadline = Date.now() + opts.timeoutMs;
  const interval = opts.intervalMs ?? 1000;
  let last = "";
  let lastError: unknown;
  for (;;) {
    try {
      const r = await probe();
      if (r.done) return r.value;
      if (r.progress && r.progress !== last) {
        last = r.progress;
        opts.onProgress?.(r.progress);
      }
      lastError = undefined;
    } catch (e) {
      if (!hasCode(e, ...RETRYABLE)) throw e;
      lastError = e;
    }
    const left = deadline - Date.now();
    if (left <= 0) throw timeoutError(opts.what, opts.timeoutMs, last, lastError);
    // Every wait of one interval wakes on the same clock ticks, so that a fleet's polls of one kind are
    // asked together and coalesced into one request (core/batch.ts).
    await sleep(Math.min(interval - (Date.now() % interval), left), opts.signal);
  }
}

function timeoutError(what: string, timeoutMs: number, progress: string, cause: unknown): ProviderError {
  const tail = progress ? ` (last seen: ${progress})` : "";
  return new ProviderError("wait_timeout", `timed out after ${Math.round(timeoutMs / 1000)}s waiting for ${what}${tail}`, {
    ...(isProviderError(cause) ? { requestId: cause.requestId } : {}),
    cause,
  });
}

export interface BatchingWaiterOptions<T> {
  /** Fetches the current state of these ids in one request; missing ids are simply absent. */
  poll: (ids: string[]) => Promise<Map<string, T>>;
  /**
   * Decides one id from its polled state (undefined if absent): done with a value, still pending, or
   * throws (e.g. a failed task) to end that wait with the error.
   */
  settle: (id: string, item: T | undefined) => Probe<T>;
  /** Pause between ticks, in ms. */
  intervalMs: number;
  /** Largest number of ids in one poll request (default 100); more ids make more requests per tick. */
  maxBatch?: number;
}

interface Waiter<T> {
  resolve: (v: T) => void;
  reject: (e: unknown) => void;
  timer: NodeJS.Timeout;
  what: string;
  timeoutMs: number;
  lastError?: unknown;
  progress?: string;
}

export class BatchingWaiter<T> {
  private readonly waiters = new Map<string, Set<Waiter<T>>>();
  private ticking = false;
  /** Number of poll requests sent, for benchmarks and tests. */
  polls = 0;

  constructor(private readonly opts: BatchingWaiterOptions<T>) {}

  /** Waits for one id; resolves with its settled state, rejects on its failure or its own deadline. */
  wait(id: string, o: { timeoutMs: number; what?: string }): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const w: Waiter<T> = {
        resolve,
        reject,
        what: o.what ?? id,
        timeoutMs: o.timeoutMs,
        timer: setTimeout(() => {
          this.remove(id, w);
          reject(timeoutError(w.what, w.timeoutMs, w.progress ?? "", w.lastError));
        }, o.timeoutMs),
      };
      let set = this.waiters.get(id);
      if (!set) this.waiters.set(id, (set = new Set()));
      set.add(w);
      this.start();
    });
  }

  /** How many ids are being waited on now. */
  get pending(): number {
    return this.waiters.size;
  }

  private remove(id: string, w: Waiter<T>) {
    clearTimeout(w.timer);
    const set = this.waiters.get(id);
    set?.delete(w);
    if (set && set.size === 0) this.waiters.delete(id);
  }

  private start() {
    if (this.ticking) return;
    this.ticking = true;
    void this.loop();
  }

  private async loop() {
    try {
      while (this.waiters.size > 0) {
        await sleep(this.opts.intervalMs);
        if (this.waiters.size === 0) break;
        await this.tick();
      }
    } finally {
      this.ticking = false;
      // A wait may have arrived between the last check and the flag reset.
      if (this.waiters.size > 0) this.start();
    }
  }

  private async tick() {
    const ids = [...this.waiters.keys()];
    const size = this.opts.maxBatch ?? 100;
    const batches: string[][] = [];
    for (let i = 0; i < ids.length; i += size) batches.push(ids.slice(i, i + size));
    await Promise.all(batches.map((b) => this.pollBatch(b)));
  }

  private async pollBatch(ids: string[]) {
    let states: Map<string, T>;
    try {
      this.polls++;
      states = await this.opts.poll(ids);
    } catch (e) {
      for (const id of ids) {
        for (const w of [...(this.waiters.get(id) ?? [])]) {
          if (hasCode(e, ...RETRYABLE)) {
            w.lastError = e;
          } else {
            this.remove(id, w);
            w.reject(e);
          }
        }
      }
      return;
    }
    for (const id of ids) {
      const set = this.waiters.get(id);
      if (!set) continue;
      let outcome: Probe<T> | { error: unknown };
      try {
        outcome = this.opts.settle(id, states.get(id));
      } catch (error) {
        outcome = { error };
      }
      for (const w of [...set]) {
        if ("error" in outcome) {
          this.remove(id, w);
          w.reject(outcome.error);
        } else if (outcome.done) {
          this.remove(id, w);
          w.resolve(outcome.value);
        } else if (outcome.progress) {
          w.progress = outcome.progress;
        }
      }
    }
  }
}

const shared = new Map<string, BatchingWaiter<unknown>>();

/**
 * One waiter per key (an endpoint and what is awaited) per process. All dynamic resources of a stack run
 * in one provider process, so their waits share polls.
 */
export function sharedWaiter<T>(key: string, make: () => BatchingWaiter<T>): BatchingWaiter<T> {
  let w = shared.get(key);
  if (!w) shared.set(key, (w = make() as BatchingWaiter<unknown>));
  return w as BatchingWaiter<T>;
}
