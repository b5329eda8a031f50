/**
 * Coalesced reads: calls of one kind on one endpoint that arrive within a short window go out as one
 * request for all their keys ("these ids", "these markers"), and each caller gets its own part of the
 * answer. Every resource of a stack runs in one provider process, so a fleet's creates, reads and waits
 * share these requests. `fetch` must page through the vendor's answer: a key it leaves out is taken as
 * absent (an object that is gone, a marker no object carries). A failed fetch fails each waiting caller
 * with an error of its own (a copy: the same class, code, message and details).
 */
export interface BatchOptions<K, V> {
  /** Fetches these keys in one go (paging as the vendor needs); a key absent from the map is absent. */
  fetch: (keys: K[]) => Promise<Map<K, V>>;
  /**
   * Calls are collected until none has come for `windowMs` (default 10), or `maxWaitMs` (default 100)
   * after the first: a burst of calls (a fleet's reads arriving one by one) goes out as one request.
   */
  windowMs?: number;
  maxWaitMs?: number;
  /** Largest number of keys in one fetch (default 100); more keys make more fetches, sent together. */
  maxBatch?: number;
}

interface Caller<V> {
  resolve: (v: V | undefined) => void;
  reject: (e: unknown) => void;
}

export class Batcher<K, V> {
  private queue = new Map<K, Caller<V>[]>();
  private timer?: NodeJS.Timeout;
  private first = 0;
  /** Fetches sent, for benchmarks and tests. */
  fetches = 0;

  constructor(private readonly opts: BatchOptions<K, V>) {}

  /** The value of one key, fetched with every other key asked for within the window. */
  get(key: K): Promise<V | undefined> {
    return new Promise((resolve, reject) => {
      const callers = this.queue.get(key) ?? [];
      callers.push({ resolve, reject });
      this.queue.set(key, callers);
      const now = Date.now();
      if (!this.timer) this.first = now;
      clearTimeout(this.timer);
      const wait = Math.min(this.opts.windowMs ?? 10, this.first + (this.opts.maxWaitMs ?? 100) - now);
      this.timer = setTimeout(() => void this.flush(), Math.max(0, wait));
    });
  }

  private async flush() {
    const queue = this.queue;
    this.queue = new Map();
    this.timer = undefined;
    const keys = [...queue.keys()];
    const size = this.opts.maxBatch ?? 100;
    await Promise.all(
      Array.from({ length: Math.ceil(keys.length / size) }, async (_, n) => {
        const part = keys.slice(n * size, (n + 1) * size);
        try {
          this.fetches++;
          const found = await this.opts.fetch(part);
          for (const k of part) for (const c of queue.get(k)!) c.resolve(found.get(k));
        } catch (e) {
          for (const k of part) for (const c of queue.get(k)!) c.reject(ownError(e));
        }
      }),
    );
  }
}

/** A caller's own copy of a shared failure (callers may add to its message): the same class, code and details. */
function ownError(e: unknown): unknown {
  if (!(e instanceof Error)) return e;
  return Object.defineProperties(Object.create(Object.getPrototypeOf(e)), Object.getOwnPropertyDescriptors(e));
}

/** A client's coalesced reads, by kind, made on first use (a client serves one endpoint with its settings). */
export class Batchers {
  private readonly byKind = new Map<string, Batcher<string, unknown>>();

  of<V>(kind: string, fetch: (keys: string[]) => Promise<Map<string, V>>): Batcher<string, V> {
    if (!this.byKind.has(kind)) this.byKind.set(kind, new Batcher({ fetch }) as Batcher<string, unknown>);
    return this.byKind.get(kind) as Batcher<string, V>;
  }
}

/**
 * A look-up whose answer holds for the whole run (a cluster, a VLAN, a template exists): the first call
 * asks, later ones share its answer. A failed or negative answer is not kept, so it is asked again.
 */
export class RunCache<V> {
  private readonly entries = new Map<string, Promise<V | undefined>>();

  get(key: string, load: () => Promise<V | undefined>): Promise<V | undefined> {
    let p = this.entries.get(key);
    if (!p) {
      p = load();
      this.entries.set(key, p);
      p.then(
        (v) => v === undefined && this.entries.delete(key),
        () => this.entries.delete(key),
      );
    }
    return p;
  }
}

/** Items by a key of each (the last one wins), for a coalesced read's answer. */
export function byKey<T>(items: T[], key: (o: T) => string): Map<string, T> {
  return new Map(items.map((o) => [key(o), o]));
}

/** Items grouped by a key of each, in their order, for a coalesced read of children. */
export function groupBy<T>(items: T[], key: (o: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const o of items) out.set(key(o), [...(out.get(key(o)) ?? []), o]);
  return out;
}
