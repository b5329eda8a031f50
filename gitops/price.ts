/**
 * The monthly price delta of a change, from the package's one cost model (provider/cost.ts) and the per-unit
 * prices of the stack: its config key `pulumi-private-cloud:prices` (JSON, a `UnitPrices`), else the policy
 * pack config's `stack-budget.prices`, so that the budget policy and the plan show the same figures.
 * CloudSigma subscriptions carry the vendor's own price.
 */
import { z } from "zod";
import { Cost, READ_BACK, UnitPrices, monthlyCost } from "../provider/cost";
import type { Props, ResourceChange } from "./events";

export const PRICES_KEY = "pulumi-private-cloud:prices";

const price = z.number().finite().nonnegative();
const PRICES = z.strictObject({
  currency: z.string().min(1).optional(),
  cloudtower: z.strictObject({ perVcpu: price, perGbMemory: price, perGbDisk: price }).partial().optional(),
  cloudsigma: z.strictObject({ perGhz: price, perGbMemory: price, perGbDisk: price, perIp: price, perVlan: price }).partial().optional(),
  chimestack: z
    .strictObject({ perInstanceSpec: z.record(z.string(), price), perGbVolume: price })
    .partial()
    .optional(),
  cvm: z.strictObject({ perVps: price }).partial().optional(),
});

/** Parses and checks prices; an error names the field (`pulumi-private-cloud:prices.cloudtower.perVcpu: …`). */
export function parsePrices(value: unknown, where = PRICES_KEY): UnitPrices {
  let v = value;
  if (typeof v === "string") {
    try {
      v = JSON.parse(v);
    } catch (e) {
      throw new Error(`${where}: not JSON (${(e as Error).message}); give a JSON object such as {"currency":"EUR","cloudtower":{"perVcpu":10}}`, { cause: e });
    }
  }
  const r = PRICES.safeParse(v);
  if (!r.success) {
    const i = r.error.issues[0];
    const path = i.path.length ? `${where}.${i.path.join(".")}` : where;
    throw new Error(`${path}: ${i.message}`);
  }
  return r.data as UnitPrices;
}

export interface PriceRow {
  urn: string;
  type: string;
  name: string;
  op: string;
  /** Monthly before and after the change (0 for what does not exist on that side). */
  before: number;
  after: number;
  delta: number;
  basis: string;
}

export interface PriceDelta {
  currency?: string;
  /** Where the per-unit prices came from, or undefined when none were configured. */
  source?: string;
  before: number;
  after: number;
  delta: number;
  rows: PriceRow[];
  /** Changed resources of types with no price model, `type name`. */
  unpriced: string[];
}

const round2 = (n: number) => Math.round(n * 100) / 100;
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * A resource's price before and after: before from its state (inputs over outputs), after from its new
 * inputs over its old outputs (what the vendor added, such as a template's disks), less the outputs that read
 * back an input that changed (READ_BACK).
 */
function sides(r: ResourceChange): { before?: Props; after?: Props } {
  const before = r.oldInputs || r.oldOutputs ? { ...r.oldOutputs, ...r.oldInputs } : undefined;
  if (r.op === "delete" || r.op === "discard" || !r.newInputs) return { before };
  const after: Props = { ...r.oldOutputs, ...r.newInputs };
  for (const [output, input] of Object.entries(READ_BACK[r.type] ?? {})) {
    if (r.oldOutputs && !same(r.oldInputs?.[input], r.newInputs[input])) delete after[output];
  }
  return { before, after };
}

export function priceDelta(resources: ResourceChange[], prices: UnitPrices, source?: string): PriceDelta {
  const rows: PriceRow[] = [];
  const unpriced: string[] = [];
  for (const r of resources) {
    const { before, after } = sides(r);
    const cost = (p: Props | undefined): Cost | undefined => (p ? monthlyCost(r.token, p, prices) : undefined);
    const b = cost(before);
    const a = cost(after);
    if (!b && !a) {
      if (monthlyCost(r.token, {}, prices) === undefined) unpriced.push(`${r.type} ${r.name}`);
      continue;
    }
    const bm = b?.monthly ?? 0;
    const am = a?.monthly ?? 0;
    const basis = [b && `before: ${b.basis}`, a && `after: ${a.basis}`].filter(Boolean).join("; ");
    rows.push({ urn: r.urn, type: r.type, name: r.name, op: r.op, before: bm, after: am, delta: round2(am - bm), basis });
  }
  const before = round2(rows.reduce((n, r) => n + r.before, 0));
  const after = round2(rows.reduce((n, r) => n + r.after, 0));
  return {
    ...(prices.currency ? { currency: prices.currency } : {}),
    ...(source ? { source } : {}),
    before,
    after,
    delta: round2(after - before),
    rows,
    unpriced,
  };
}
