/**
 * Glue between zod and Pulumi's dynamic provider protocol: check failures that name the field, the
 * preview-unknown sentinel, diffs with replaces from a per-resource list, and plain-JSON outputs.
 */
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { ProviderError } from "./errors";

/** What the engine sends for a value that is not known during preview (`runtime/rpc.js` unknownValue). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export function isUnknown(v: unknown): boolean {
  return v === UNKNOWN;
}

/** True when the value, or anything inside it, is unknown. */
export function containsUnknown(v: unknown): boolean {
  if (v === UNKNOWN) return true;
  if (Array.isArray(v)) return v.some(containsUnknown);
  if (v && typeof v === "object") return Object.values(v).some(containsUnknown);
  return false;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = root;
  for (const k of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[k];
  }
  return cur;
}

/** A vendor's uuid (any version: 8-4-4-4-12 hexadecimal digits), e.g. `uuid("a drive")`. */
export function uuid(of: string) {
  return z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, `must be the uuid of ${of} (8-4-4-4-12 hexadecimal digits)`);
}

/** A check failure: the input, and why it is wrong. */
export interface Failure {
  property: string;
  reason: string;
  /** The path into the inputs, where `property` alone cannot say it (a key with a dot, or an empty one). */
  path?: readonly PropertyKey[];
}

/**
 * Failures as the engine shows them. Pulumi prints a failure as "property P value V has a problem: R",
 * looking V up by P among the top-level inputs only, so a nested path (`disks[0].sizeGb`) would show
 * `{<nil>}`: the failure names the top-level input, and its reason starts with the path and ends with the
 * offending value (unless it is a secret's).
 */
export function forEngine(failures: Failure[], inputs: Record<string, unknown>, secrets: readonly string[] = []): Failure[] {
  return failures.map((f) => {
    const path = f.path ?? parsePath(f.property);
    if (path.length < 2) return { property: path.length ? String(path[0]) : f.property, reason: f.reason };
    const value = secrets.includes(String(path[0])) ? undefined : valueAt(inputs, path);
    return { property: String(path[0]), reason: `${f.property}: ${f.reason}${value === undefined ? "" : ` (got ${JSON.stringify(value)})`}` };
  });
}

/** `disks[0].size` as `["disks", 0, "size"]`. */
function parsePath(p: string): PropertyKey[] {
  return [...p.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map((m) => (m[2] !== undefined ? Number(m[2]) : m[1]));
}

/** `disks[0].size` style names for a zod issue path (`tags["a.b"]` for a key that is not a plain name). */
export function propertyPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const k of path) {
    if (typeof k === "number") out += `[${k}]`;
    else if (!/^[A-Za-z_$][\w$]*$/.test(String(k))) out += `[${JSON.stringify(String(k))}]`;
    else out += out ? `.${String(k)}` : String(k);
  }
  return out;
}

function unknownAlongPath(root: unknown, path: readonly PropertyKey[]): boolean {
  for (let i = 0; i <= path.length; i++) {
    if (isUnknown(valueAt(root, path.slice(0, i)))) return true;
  }
  return false;
}

/**
 * Validates inputs with a zod schema. Issues on values that are unknown at preview are ignored (the check
 * runs again with real values before anything is created). Returns the parsed inputs (defaults applied)
 * when valid; with unknowns, each field of `shape` is parsed on its own, so that the known fields get
 * their defaults and the unknown ones stay as they are.
 */
export function checkWithSchema<S extends z.ZodType>(
  schema: S,
  news: Record<string, unknown>,
  shape?: z.ZodRawShape,
): pulumi.dynamic.CheckResult<Record<string, unknown>> {
  const { __provider, ...inputs } = news;
  void __provider;
  const parsed = schema.safeParse(inputs);
  if (parsed.success) {
    return { inputs: plain(parsed.data as Record<string, unknown>) };
  }
  const failures = parsed.error.issues
    .filter((i) => !unknownAlongPath(inputs, i.path))
    .flatMap((i) => {
      // A field that is absent from the inputs is reported under its own name (unrecognized keys list several).
      if (i.code === "unrecognized_keys") {
        return i.keys.map((k) => ({
          property: propertyPath([...i.path, k]),
          reason: `unknown input ${JSON.stringify(k)} (check the spelling)`,
          path: [...i.path, k],
        }));
      }
      // A required input that is missing says so (zod says "expected string, received undefined").
      const missing = i.code === "invalid_type" && valueAt(inputs, i.path) === undefined;
      return [{ property: propertyPath(i.path) || "(inputs)", reason: missing ? `required (expected ${i.expected})` : i.message, path: i.path }];
    });
  if (failures.length === 0) return { inputs: plain(shape ? fieldByField(shape, inputs) : inputs) };
  return { inputs: plain(inputs), failures };
}

/** Each field parsed on its own (defaults applied), an unknown one or one that does not parse kept as it is. */
function fieldByField(shape: z.ZodRawShape, inputs: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...inputs };
  for (const [k, field] of Object.entries(shape)) {
    if (containsUnknown(inputs[k])) continue;
    const r = (field as z.ZodType).safeParse(inputs[k]);
    if (r.success && r.data !== undefined) out[k] = r.data;
  }
  return out;
}

/** Deep equality on plain JSON values. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== "object") return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => deepEqual(x, bb[i]));
  }
  const ka = Object.keys(a as object).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b as object).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

export interface DiffSpec {
  /** Every input name of the resource (outputs echo them, so `olds` carries the stored inputs). */
  inputs: readonly string[];
  /** Inputs whose change forces a replacement. */
  replaceOn: readonly string[];
  /** Inputs that are not compared (e.g. a wait deadline that changes nothing remote). */
  ignore?: readonly string[];
}

/**
 * Compares the stored inputs with the new ones. Unknown new values count as changes (and replace when
 * the input is replace-only). `changed` lists the inputs that differ.
 */
export function diffInputs(
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
  spec: DiffSpec,
): pulumi.dynamic.DiffResult & { changed: string[]; replaces: string[] } {
  const changed = spec.inputs.filter((k) => !spec.ignore?.includes(k) && (containsUnknown(news[k]) || !deepEqual(olds[k], news[k])));
  const replaces = changed.filter((k) => spec.replaceOn.includes(k));
  return { changes: changed.length > 0, replaces, deleteBeforeReplace: false, changed };
}

/**
 * Outputs as Pulumi can carry them: plain JSON, no undefined anywhere (dropped), Dates as ISO text.
 * Functions, symbols and BigInts are programming errors and throw.
 */
export function plain<T>(value: T): T {
  return toPlain(value, "outputs") as T;
}

function toPlain(v: unknown, at: string): unknown {
  if (v === null || typeof v === "string" || typeof v === "boolean") return v;
  if (typeof v === "number") return Number.isFinite(v) ? v : null;
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.map((x, i) => (x === undefined ? null : toPlain(x, `${at}[${i}]`)));
  if (typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (x !== undefined) out[k] = toPlain(x, `${at}.${k}`);
    }
    return out;
  }
  throw new ProviderError("validation", `${at} holds a ${typeof v}, which cannot be stored in Pulumi state`);
}
