/**
 * Look-ups (data functions): an object found by name or filter, the way Pulumi's own packages offer them:
 * `getX(args)` answers a promise of a plain, typed result and `getXOutput(args)` takes and answers Outputs.
 * A look-up is defined once (its filters, its result, how its candidates are listed and which match) and
 * the layer gives every look-up the same behaviour:
 *
 * - it runs in the program, with the settings the resources use: the stack config (`<vendor>:*`, or
 *   `<vendor>-<endpoint>:*` with `endpoint`) or the environment, so it works at `preview` too;
 * - filters are checked first, an error naming the filter; at least one of the identifying filters is given
 *   (a look-up with none, such as the account's one profile, needs no filter);
 * - exactly one match or an error: none found says what was searched and where (and the names that exist);
 *   several found lists them and says which filter narrows the search;
 * - the candidates of one kind are listed once per program and endpoint, and shared by every look-up of
 *   that kind (and by look-ups that join them, such as VLANs with their VDS);
 * - result fields declared secret are Outputs marked secret (and the whole result of `getXOutput` is).
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { Vendor } from "./config";
import { ProviderError } from "./errors";
import { propertyPath } from "./resource";

/** The filters every look-up takes beside its own. */
const LAYER_ARGS = {
  endpoint: z.string().optional().describe("a named endpoint (its settings are `<vendor>-<endpoint>:*`); default: the vendor's own settings"),
};

export interface LookupDefinition<N extends string, A extends z.ZodRawShape, R extends z.ZodObject, W, C, S extends keyof z.output<R> = never> {
  vendor: Vendor<C>;
  /** As the functions are named: `Cluster` gives `getCluster` and `getClusterOutput`. */
  name: N;
  /** What one candidate is, in messages: "cluster", "VM template". */
  noun: string;
  description: string;
  /** The filters (optional ones are `.optional()`); the layer adds `endpoint`. */
  args: A;
  /** At least one of these filters must be given (an error names them when none is); none: the look-up needs no filter. */
  identifiedBy: readonly (keyof A & string)[];
  result: R;
  /** Result fields that are secrets: Outputs marked secret. */
  secrets?: readonly S[];
  /** Every candidate at the endpoint (`args`, valid, for a list that depends on them); share lists with `listOnce`. */
  list(client: C, args: z.output<z.ZodObject<A>>): Promise<W[]>;
  /** Whether a candidate matches the filters. */
  matches(w: W, args: z.output<z.ZodObject<A>>): boolean;
  /** Of several matches, the ones meant (e.g. the newest version); default: all of them. */
  pick?(matching: W[], args: z.output<z.ZodObject<A>>): W[];
  /** The candidate in one line, for "several found": `default (id …, cluster cluster-a)`. */
  describe(w: W): string;
  /** Which filters tell several matches apart, in the "several found" message. */
  narrow: string;
  /** The result of the one match (`args` for a result that the filters shape, such as a list of prices). */
  toResult(w: W, args: z.output<z.ZodObject<A>>): z.output<R> | Promise<z.output<R>>;
}

/** A look-up's result: its secret fields are Outputs marked secret. */
export type LookupResult<R, S extends keyof R> = Omit<R, S> & { [K in S]: pulumi.Output<R[K]> };

type Args<A extends z.ZodRawShape> = z.input<z.ZodObject<A>> & { endpoint?: string };

/** `getX` and `getXOutput` of a look-up named `X`. */
export type Lookup<N extends string, A extends z.ZodRawShape, R extends z.ZodObject, S extends keyof z.output<R>> = {
  [K in `get${N}`]: (args?: Args<A>) => Promise<LookupResult<z.output<R>, S>>;
} & {
  [K in `get${N}Output`]: (args?: { [P in keyof Args<A>]?: pulumi.Input<Args<A>[P]> }) => pulumi.Output<z.output<R>>;
};

/** What the docs and the tests read of each look-up. */
export interface LookupEntry {
  vendor: string;
  name: string;
  noun: string;
  description: string;
  args: z.ZodObject;
  result: z.ZodObject;
  identifiedBy: readonly string[];
  secrets: readonly string[];
  narrow: string;
}

const entries: LookupEntry[] = [];

/** Every look-up defined so far (a vendor module defines its look-ups when it loads). */
export function lookups(): LookupEntry[] {
  return [...entries];
}

/** Lists by client and kind, for the life of the program. */
const lists = new WeakMap<object, Map<string, Promise<unknown[]>>>();

/**
 * The candidates of one kind at one endpoint, listed once: concurrent and later look-ups share the answer
 * (a failed listing is forgotten, so the next look-up asks again).
 */
export function listOnce<W>(client: object, kind: string, load: () => Promise<W[]>): Promise<W[]> {
  let byKind = lists.get(client);
  if (!byKind) lists.set(client, (byKind = new Map()));
  let p = byKind.get(kind) as Promise<W[]> | undefined;
  if (!p) {
    p = load();
    byKind.set(kind, p);
    p.catch(() => byKind.delete(kind));
  }
  return p;
}

/** The filters as a message shows them: `name "front", vdsId "…"`. */
function filtersText(args: Record<string, unknown>): string {
  return Object.entries(args)
    .filter(([k, v]) => k !== "endpoint" && v !== undefined)
    .map(([k, v]) => `${k} ${typeof v === "object" ? JSON.stringify(v) : JSON.stringify(v)}`)
    .join(", ");
}

const MAX_LISTED = 10;

/** `["a", "b", "c"]` as "a, b or c". */
export function orList(items: readonly string[]): string {
  return items.length < 2 ? items.join("") : `${items.slice(0, -1).join(", ")} or ${items[items.length - 1]}`;
}

/** "policy" -> "policies", "VPS" -> "VPSes", "VLAN" -> "VLANs". */
const plural = (noun: string) => (/[^aeiou]y$/.test(noun) ? `${noun.slice(0, -1)}ies` : /(s|sh|ch|x)$/i.test(noun) ? `${noun}es` : `${noun}s`);

function listed(items: string[]): string {
  return items.length > MAX_LISTED ? `${items.slice(0, MAX_LISTED).join("; ")}; and ${items.length - MAX_LISTED} more` : items.join("; ");
}

export function defineLookup<N extends string, A extends z.ZodRawShape, R extends z.ZodObject, W, C, S extends keyof z.output<R> = never>(
  def: LookupDefinition<N, A, R, W, C, S>,
): Lookup<N, A, R, S> {
  const fn = `${def.vendor.name}.get${def.name}`;
  const schema = z.strictObject({ ...def.args, ...LAYER_ARGS });
  entries.push({
    vendor: def.vendor.name,
    name: def.name,
    noun: def.noun,
    description: def.description,
    args: schema as unknown as z.ZodObject,
    result: def.result,
    identifiedBy: def.identifiedBy,
    secrets: (def.secrets ?? []) as readonly string[],
    narrow: def.narrow,
  });

  async function find(raw: unknown): Promise<z.output<R>> {
    const parsed = schema.safeParse(raw ?? {});
    if (!parsed.success) {
      const i = parsed.error.issues[0];
      const field = i.code === "unrecognized_keys" ? i.keys[0] : propertyPath(i.path);
      const reason = i.code === "unrecognized_keys" ? `unknown filter (the filters are ${[...Object.keys(def.args), "endpoint"].join(", ")})` : i.message;
      throw new ProviderError("validation", `${fn}: ${field}: ${reason}`, { property: field });
    }
    const args = parsed.data as z.output<z.ZodObject<A>> & { endpoint?: string };
    if (def.identifiedBy.length && !def.identifiedBy.some((k) => (args as Record<string, unknown>)[k] !== undefined)) {
      throw new ProviderError("validation", `${fn}: give ${orList(def.identifiedBy)} to say which ${def.noun} is meant`, { property: def.identifiedBy[0] });
    }
    const namespace = def.vendor.namespace(args.endpoint);
    const client = def.vendor.client(args.endpoint);
    const all = await def.list(client, args);
    const matching = all.filter((w) => def.matches(w, args));
    const meant = matching.length > 1 && def.pick ? def.pick(matching, args) : matching;
    const filters = filtersText(args);
    if (meant.length === 0) {
      const known = all.length ? `; the ${all.length} there: ${listed(all.map(def.describe))}` : `; there are none`;
      throw new ProviderError("not_found", `${fn}: no ${def.noun}${filters ? ` has ${filters}` : ""} at the ${namespace} endpoint${known}`);
    }
    if (meant.length > 1) {
      const have = filters ? ` have ${filters}` : "";
      throw new ProviderError(
        "conflict",
        `${fn}: ${meant.length} ${plural(def.noun)}${have} at the ${namespace} endpoint: ${listed(meant.map(def.describe))}; narrow it with ${def.narrow}`,
      );
    }
    return def.toResult(meant[0], args);
  }

  const secretKeys = (def.secrets ?? []) as readonly string[];
  async function get(args: unknown) {
    const r = (await find(args)) as Record<string, unknown>;
    for (const k of secretKeys) if (r[k] !== undefined) r[k] = pulumi.secret(r[k]);
    return r;
  }
  function getOutput(args: unknown) {
    const out = pulumi.output((args ?? {}) as pulumi.Inputs).apply((a) => find(a));
    return secretKeys.length ? pulumi.secret(out) : out;
  }
  return { [`get${def.name}`]: get, [`get${def.name}Output`]: getOutput } as unknown as Lookup<N, A, R, S>;
}
