/**
 * Stack locks on DIY backends (file://, s3://, postgres://, ...): the CLI writes one lock per running update
 * and refuses to start another while one exists, naming each holder ("created by user@host (pid N) at T").
 * Nothing expires a lock left by a killed runner but `pulumi cancel`. Here an `up` that meets a lock waits
 * for it (up to --lock-wait), and removes it when every holder is older than --lock-expiry; each time the
 * caller re-checks what it was about to apply, since the state may have moved meanwhile.
 */
export interface LockHolder {
  /** Where the lock is (the backend URL's credentials are starred by the CLI). */
  where: string;
  who: string;
  pid: number;
  since: Date;
}

const LOCKED = /the stack is currently locked by (\d+) lock\(s\)/;
const HOLDER = /^\s*(\S+): created by (\S+@\S+) \(pid (\d+)\) at (\S+)\s*$/gm;

/** The holders named by a CLI error, or undefined when it is not a lock error. */
export function lockHolders(error: string): LockHolder[] | undefined {
  if (!LOCKED.test(error)) return undefined;
  return [...error.matchAll(HOLDER)].map((m) => ({ where: m[1], who: m[2], pid: Number(m[3]), since: new Date(m[4]) }));
}

export const describeHolder = (h: LockHolder) => `${h.who} (pid ${h.pid}) since ${h.since.toISOString()}`;

/** `90s`, `10m`, `1h`, `0`: milliseconds; an error names the option. */
export function parseDuration(option: string, text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!m) throw new Error(`${option} ${JSON.stringify(text)}: give a duration such as 30s, 10m or 1h`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] ?? "s"]!;
  return Number(m[1]) * unit;
}

export interface LockPolicy {
  /** How long to wait for another run's lock to go. */
  waitMs: number;
  /** A lock older than this is taken as left by a killed runner and removed; undefined: never. */
  expiryMs?: number;
  now?: () => number;
}

/** What to do about a lock error: remove expired locks, wait, or give up (with the reason). */
export function lockDecision(holders: LockHolder[], policy: LockPolicy, waitedMs: number): { action: "remove" | "wait" | "give-up"; reason: string } {
  const now = (policy.now ?? Date.now)();
  const names = holders.map(describeHolder).join("; ") || "a holder the CLI did not name";
  if (policy.expiryMs !== undefined && holders.length && holders.every((h) => now - h.since.getTime() > policy.expiryMs!)) {
    return {
      action: "remove",
      reason: `removed the stack's lock held by ${names}: older than the lock expiry of ${policy.expiryMs / 1000}s, taken as left by a killed runner`,
    };
  }
  if (waitedMs < policy.waitMs) return { action: "wait", reason: `the stack is locked by ${names}: waiting` };
  return {
    action: "give-up",
    reason: `the stack is locked by ${names}: another run is applying it${policy.waitMs ? ` (waited ${Math.round(waitedMs / 1000)}s)` : ""}; retry when it ends, or raise --lock-wait${policy.expiryMs === undefined ? ", or set --lock-expiry to remove locks left by killed runners" : ""}`,
  };
}
