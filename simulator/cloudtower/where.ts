/**
 * CloudTower's Prisma-1 style queries: `where` filters (field equality, `_not`, `_in`, `_not_in`, `_lt`,
 * `_lte`, `_gt`, `_gte`, `_contains`, `_starts_with`, `_ends_with` and their `_not_` forms, nested
 * relations, `AND`/`OR`/`NOT`) and paging (`orderBy`, `skip`, `first`, `last`, `after`, `before`).
 */

export type Entity = Record<string, unknown> & { id: string };

/** Looks up the full entity behind a nested `{id, name}` reference, for deeper filters. */
export type Resolver = (field: string, ref: { id: string }) => Entity | undefined;

const SUFFIXES = [
  "_not_starts_with",
  "_not_ends_with",
  "_not_contains",
  "_starts_with",
  "_ends_with",
  "_contains",
  "_not_in",
  "_in",
  "_not",
  "_lte",
  "_lt",
  "_gte",
  "_gt",
] as const;

function split(key: string): [string, string] {
  for (const s of SUFFIXES) if (key.endsWith(s)) return [key.slice(0, -s.length), s];
  return [key, ""];
}

function compare(op: string, actual: unknown, expected: unknown): boolean {
  const a = actual as string | number;
  const e = expected as string | number;
  switch (op) {
    case "":
      return actual === expected || (actual === undefined && expected === null);
    case "_not":
      return actual !== expected;
    case "_in":
      return (expected as unknown[]).includes(actual);
    case "_not_in":
      return !(expected as unknown[]).includes(actual);
    case "_lt":
      return a < e;
    case "_lte":
      return a <= e;
    case "_gt":
      return a > e;
    case "_gte":
      return a >= e;
    case "_contains":
      return typeof a === "string" && a.includes(String(e));
    case "_not_contains":
      return typeof a === "string" && !a.includes(String(e));
    case "_starts_with":
      return typeof a === "string" && a.startsWith(String(e));
    case "_not_starts_with":
      return typeof a === "string" && !a.startsWith(String(e));
    case "_ends_with":
      return typeof a === "string" && a.endsWith(String(e));
    case "_not_ends_with":
      return typeof a === "string" && !a.endsWith(String(e));
    default:
      return false;
  }
}

export function matches(e: Record<string, unknown>, where: Record<string, unknown> | undefined, resolve: Resolver): boolean {
  if (!where) return true;
  for (const [key, expected] of Object.entries(where)) {
    if (expected === undefined) continue;
    if (key === "AND") {
      if (!(expected as Record<string, unknown>[]).every((w) => matches(e, w, resolve))) return false;
      continue;
    }
    if (key === "OR") {
      if (!(expected as Record<string, unknown>[]).some((w) => matches(e, w, resolve))) return false;
      continue;
    }
    if (key === "NOT") {
      if ((expected as Record<string, unknown>[]).some((w) => matches(e, w, resolve))) return false;
      continue;
    }
    // A to-many relation on the object itself (`labels_some: {key}`): its list of references.
    const many = /^(.+)_(some|every|none)$/.exec(key);
    if (many && expected !== null && typeof expected === "object" && !Array.isArray(expected)) {
      if (!matchesRelation(many[1], e[many[1]] ?? [], { [key]: expected }, resolve)) return false;
      continue;
    }
    const [field, op] = split(key);
    const actual = e[field];
    // A relation: a nested where on a reference ({id, name}) or a list of references (_some/_every/_none).
    if (op === "" && expected !== null && typeof expected === "object" && !Array.isArray(expected)) {
      if (!matchesRelation(field, actual, expected as Record<string, unknown>, resolve)) return false;
      continue;
    }
    if (!compare(op, actual, expected)) return false;
  }
  return true;
}

function matchesRelation(field: string, actual: unknown, where: Record<string, unknown>, resolve: Resolver): boolean {
  const one = (ref: unknown) => {
    if (!ref || typeof ref !== "object") return false;
    const r = ref as { id: string };
    const full = resolve(field, r) ?? (r as Entity);
    return matches(full, where, resolve);
  };
  const list = Array.isArray(actual) ? actual : undefined;
  const keys = Object.keys(where);
  if (list && keys.some((k) => /_(some|every|none)$/.test(k))) {
    for (const [k, w] of Object.entries(where)) {
      const inner = w as Record<string, unknown>;
      const each = (ref: unknown) => {
        const full = resolve(k.replace(/_(some|every|none)$/, ""), ref as { id: string }) ?? (ref as Entity);
        return matches(full, inner, resolve);
      };
      if (k.endsWith("_some") && !list.some(each)) return false;
      if (k.endsWith("_every") && !list.every(each)) return false;
      if (k.endsWith("_none") && list.some(each)) return false;
    }
    return true;
  }
  return one(actual);
}

export interface Page {
  where?: Record<string, unknown>;
  orderBy?: string;
  skip?: number | null;
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
}

/** Filters, orders and pages a list as the API does. */
export function query<T extends Entity>(items: T[], page: Page, resolve: Resolver): T[] {
  let out = items.filter((e) => matches(e, page.where, resolve));
  if (page.orderBy) {
    const m = /^(.*)_(ASC|DESC)$/.exec(page.orderBy);
    if (m) {
      const [, field, dir] = m;
      const sign = dir === "ASC" ? 1 : -1;
      out = [...out].sort((a, b) => {
        const x = a[field] as string | number;
        const y = b[field] as string | number;
        return x === y ? 0 : x > y ? sign : -sign;
      });
    }
  }
  if (page.after) {
    const i = out.findIndex((e) => e.id === page.after);
    out = i >= 0 ? out.slice(i + 1) : [];
  }
  if (page.before) {
    const i = out.findIndex((e) => e.id === page.before);
    out = i >= 0 ? out.slice(0, i) : [];
  }
  if (page.last != null) {
    const end = out.length - (page.skip ?? 0);
    out = out.slice(Math.max(0, end - page.last), Math.max(0, end));
  } else {
    if (page.skip) out = out.slice(page.skip);
    if (page.first != null) out = out.slice(0, page.first);
  }
  return out;
}
