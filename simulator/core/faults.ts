/**
 * Fault injection: rules that make the next N matching requests fail in a chosen way. Set through
 * `POST /_sim/faults` with a FaultSpec, cleared by `DELETE /_sim/faults` or a reset.
 */

export interface FaultSpec {
  /** Only this HTTP method (default any). */
  method?: string;
  /** A path prefix, or a regular expression when it starts with `^` (default any path). */
  path?: string;
  /** How many matching requests are hit (default 1). */
  count?: number;
  /** Answer with this status (rendered in the vendor's error format) instead of handling the request. */
  status?: number;
  /** The error message for `status`. */
  message?: string;
  /** A Retry-After header with `status`: seconds, or an HTTP date. */
  retryAfter?: number | string;
  /** Wait this long before doing anything else. */
  delayMs?: number;
  /** Close the connection without an answer; the request is not handled. */
  drop?: boolean;
  /** Handle the request (the change is committed), then close the connection without an answer. */
  lostResponse?: boolean;
  /**
   * Hit each matching request only with this probability (0-1) instead of the next `count` ones; `count`
   * then caps the hits (default: no cap). Drawn from a generator seeded with `seed` (default 1), so that a
   * run can be repeated exactly.
   */
  rate?: number;
  seed?: number;
}

export interface FaultRule extends FaultSpec {
  id: number;
  remaining: number;
  /** Requests that matched and how many were hit, for a rule with a rate. */
  seen: number;
  hit: number;
}

export class FaultSet {
  private rules: FaultRule[] = [];
  private next = 1;

  private random = new Map<number, () => number>();

  add(spec: FaultSpec): FaultRule {
    const count = spec.count ?? (spec.rate !== undefined ? Number.MAX_SAFE_INTEGER : 1);
    if (!Number.isInteger(count) || count < 1) throw new Error("fault count must be a positive whole number");
    if (spec.rate !== undefined && !(spec.rate >= 0 && spec.rate <= 1)) throw new Error("fault rate must be between 0 and 1");
    const rule: FaultRule = { ...spec, id: this.next++, remaining: count, seen: 0, hit: 0 };
    if (spec.rate !== undefined) this.random.set(rule.id, mulberry32(spec.seed ?? 1));
    this.rules.push(rule);
    return rule;
  }

  /** The first rule that matches and is drawn (a rule with a rate may let a request pass), with one use taken. */
  take(method: string, path: string): FaultRule | undefined {
    const rule = this.rules.find((r) => matches(r, method, path) && this.draw(r));
    if (!rule) return undefined;
    rule.hit++;
    rule.remaining--;
    if (rule.remaining <= 0) this.rules = this.rules.filter((r) => r !== rule);
    return rule;
  }

  private draw(r: FaultRule): boolean {
    if (r.rate === undefined) return true;
    r.seen++;
    return this.random.get(r.id)!() < r.rate;
  }

  list(): FaultRule[] {
    return [...this.rules];
  }

  clear() {
    this.rules = [];
    this.random.clear();
  }
}

/** A small seeded generator (mulberry32): the same seed draws the same faults. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function matches(r: FaultSpec, method: string, path: string): boolean {
  if (r.method && r.method.toUpperCase() !== method.toUpperCase()) return false;
  if (!r.path) return true;
  return r.path.startsWith("^") ? new RegExp(r.path).test(path) : path.startsWith(r.path);
}
