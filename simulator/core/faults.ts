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
}

export interface FaultRule extends FaultSpec {
  id: number;
  remaining: number;
}

export class FaultSet {
  private rules: FaultRule[] = [];
  private next = 1;

  add(spec: FaultSpec): FaultRule {
    const count = spec.count ?? 1;
    if (!Number.isInteger(count) || count < 1) throw new Error("fault count must be a positive whole number");
    const rule: FaultRule = { ...spec, id: this.next++, remaining: count };
    this.rules.push(rule);
    return rule;
  }

  /** The first rule that matches, with one use taken from it. */
  take(method: string, path: string): FaultRule | undefined {
    const rule = this.rules.find((r) => matches(r, method, path));
    if (!rule) return undefined;
    rule.remaining--;
    if (rule.remaining <= 0) this.rules = this.rules.filter((r) => r !== rule);
    return rule;
  }

  list(): FaultRule[] {
    return [...this.rules];
  }

  clear() {
    this.rules = [];
  }
}

function matches(r: FaultSpec, method: string, path: string): boolean {
  if (r.method && r.method.toUpperCase() !== method.toUpperCase()) return false;
  if (!r.path) return true;
  return r.path.startsWith("^") ? new RegExp(r.path).test(path) : path.startsWith(r.path);
}
