/**
 * Status transitions driven by time or by the number of times a status is read, computed lazily on each
 * read (no timers), so they are deterministic in tests and survive persistence.
 */

export interface Step<S> {
  state: S;
  /** Enter this step once this many ms have passed in the previous one. */
  afterMs?: number;
  /** Enter this step once the previous one has been read this many times. */
  afterPolls?: number;
}

export interface LifecycleData<S> {
  steps: Step<S>[];
  index: number;
  enteredAt: number;
  polls: number;
}

export class Lifecycle<S> {
  constructor(
    private data: LifecycleData<S>,
    private readonly now: () => number = Date.now,
  ) {}

  static start<S>(steps: Step<S>[], now: () => number = Date.now): Lifecycle<S> {
    if (steps.length === 0) throw new Error("a lifecycle needs at least one step");
    return new Lifecycle({ steps, index: 0, enteredAt: now(), polls: 0 }, now);
  }

  /** The current state without counting a read. */
  peek(): S {
    this.advance();
    return this.data.steps[this.data.index].state;
  }

  /** The current state, counting one read. */
  poll(): S {
    this.advance();
    this.data.polls++;
    const s = this.data.steps[this.data.index].state;
    this.advance();
    return s;
  }

  get done(): boolean {
    this.advance();
    return this.data.index === this.data.steps.length - 1;
  }

  /** Plain data, for persistence. */
  toJSON(): LifecycleData<S> {
    return this.data;
  }

  private advance() {
    for (;;) {
      const next = this.data.steps[this.data.index + 1];
      if (!next) return;
      const t = this.now();
      const byTime = next.afterMs !== undefined && t - this.data.enteredAt >= next.afterMs;
      const byPolls = next.afterPolls !== undefined && this.data.polls >= next.afterPolls;
      const immediate = next.afterMs === undefined && next.afterPolls === undefined;
      if (!(byTime || byPolls || immediate)) return;
      // A time-driven step starts when it was due, not when it was noticed.
      const enteredAt = byTime && !byPolls ? this.data.enteredAt + next.afterMs! : t;
      this.data = { ...this.data, index: this.data.index + 1, enteredAt, polls: 0 };
    }
  }
}
