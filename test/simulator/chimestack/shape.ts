/**
 * Compares the shape of an answer with a documented example: the same keys, each value of the same JSON
 * type, arrays compared element by element with the example's first element. A `null` in the example
 * says nothing about the type (the documents print unset times and tags as null).
 */
export type Known = Map<string, Set<string>>;

const kind = (v: unknown) => (v === null ? "null" : Array.isArray(v) ? "array" : typeof v);

/** Every key each kind of object (named by the key it sits under) has in any example. */
export function knownKeys(examples: unknown[]): Known {
  const known: Known = new Map();
  const walk = (v: unknown, under: string) => {
    if (Array.isArray(v)) return v.forEach((x) => walk(x, under));
    if (kind(v) !== "object") return;
    const keys = known.get(under) ?? new Set<string>();
    known.set(under, keys);
    for (const [k, x] of Object.entries(v as object)) {
      keys.add(k);
      walk(x, k);
    }
  };
  examples.forEach((e) => walk(e, ""));
  return known;
}

/**
 * The differences between a documented example and an answer, as `path: what`. A key the answer has and
 * the example lacks is a difference unless another example shows it on the same kind of object (`known`).
 * `kinds` renames the kind of list elements (`elements` -> `vm`).
 */
export function compareShape(doc: unknown, got: unknown, known: Known, at = "", under = "", kinds: Record<string, string> = {}): string[] {
  if (doc === null) return [];
  if (kind(doc) !== kind(got))
    return [`${at || "."}: documented ${kind(doc)}, got ${kind(got)}${got === null ? "" : ` (${JSON.stringify(got).slice(0, 60)})`}`];
  if (Array.isArray(doc)) {
    const arr = got as unknown[];
    if (doc.length === 0) return [];
    if (arr.length === 0) return [`${at}: documented a non-empty array, got [] (nothing to compare)`];
    return arr.flatMap((x, i) => compareShape(doc[0], x, known, `${at}[${i}]`, under, kinds));
  }
  if (kind(doc) !== "object") return [];
  const d = doc as Record<string, unknown>;
  const g = got as Record<string, unknown>;
  const out: string[] = [];
  for (const k of Object.keys(d)) {
    if (!(k in g)) out.push(`${at}.${k}: documented, missing`);
    else out.push(...compareShape(d[k], g[k], known, `${at}.${k}`, kinds[k] ?? k, kinds));
  }
  const also = known.get(under) ?? new Set();
  for (const k of Object.keys(g)) if (!(k in d) && !also.has(k)) out.push(`${at}.${k}: not documented for ${under || "the body"}`);
  return out;
}
