/**
 * One cost model for what a stack declares: the monthly price of each resource from its inputs and the
 * per-unit prices a team configures (private clouds have no price API; CloudSigma's subscriptions carry
 * the price the vendor calculated). The policy pack's budget policy and the GitOps plan's price delta both
 * use it, so that a merge request and a guardrail show the same figures.
 */
import { typeToken } from "./core/define";

/** Prices per month, in one currency, per unit of what a resource declares. Absent prices count as 0. */
export interface UnitPrices {
  currency?: string;
  cloudtower?: { perVcpu?: number; perGbMemory?: number; perGbDisk?: number };
  cloudsigma?: { perGhz?: number; perGbMemory?: number; perGbDisk?: number; perIp?: number; perVlan?: number };
  /** ChimeStack sizes come from instance specs: a price per spec (by uuid), and per GB of volume. */
  chimestack?: { perInstanceSpec?: Record<string, number>; perGbVolume?: number };
  cvm?: { perVps?: number };
}

export interface Cost {
  /** The monthly price, in `UnitPrices.currency`. */
  monthly: number;
  /** How it was reckoned, for a report: `4 vCPU x 10 + 8 GB x 2`. */
  basis: string;
}

type Props = Record<string, unknown>;
const num = (v: unknown, dflt = 0) => (typeof v === "number" && Number.isFinite(v) ? v : dflt);
const list = (v: unknown): Props[] => (Array.isArray(v) ? (v as Props[]) : []);
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const round2 = (n: number) => Math.round(n * 100) / 100;

/** Terms of a price: [quantity, unit, unit price]; the cost is their sum and the basis names them. */
function reckon(terms: Array<[number, string, number | undefined]>): Cost {
  const used = terms.filter(([q, , p]) => q > 0 && p !== undefined);
  return { monthly: round2(sum(used.map(([q, , p]) => q * p!))), basis: used.map(([q, u, p]) => `${round2(q)} ${u} x ${p}`).join(" + ") || "no priced units" };
}

/** How each resource type is priced, by `<vendor>:<type>`; types absent here cost nothing. */
const MODELS: Record<string, (p: Props, prices: UnitPrices) => Cost> = {
  "cloudtower:Vm": (p, { cloudtower: u = {} }) =>
    reckon([
      [num(p.cpuSockets, 1) * num(p.cpuCores, 1), "vCPU", u.perVcpu],
      [num(p.memoryMb, 1024) / 1024, "GB memory", u.perGbMemory],
      // The disks as read back (a template's included) when the state has them, else the declared ones.
      [sum(list(p.diskDetails ?? p.disks).map((d) => num(d.sizeGb))), "GB disk", u.perGbDisk],
    ]),
  "cloudsigma:Server": (p, { cloudsigma: u = {} }) =>
    reckon([
      [num(p.cpuMhz) / 1000, "GHz", u.perGhz],
      [num(p.memMb) / 1024, "GB memory", u.perGbMemory],
    ]),
  "cloudsigma:Drive": (p, { cloudsigma: u = {} }) => reckon([[num(p.sizeGb), "GB disk", u.perGbDisk]]),
  // One address, or the quantity an IP subscription bought.
  "cloudsigma:StaticIp": (p, { cloudsigma: u = {} }) => reckon([[num(p.quantity, 1), "IP", u.perIp]]),
  "cloudsigma:Vlan": (_p, { cloudsigma: u = {} }) => reckon([[1, "VLAN", u.perVlan]]),
  // A subscription is paid for its whole term: the vendor's price (`"123.00 EUR"`) spread over its months.
  "cloudsigma:Subscription": (p) => {
    const price = typeof p.price === "string" ? Number.parseFloat(p.price) : NaN;
    const months = num(p.months, 1);
    return Number.isFinite(price)
      ? { monthly: round2(price / months), basis: `${p.price} over ${months} month(s)` }
      : { monthly: 0, basis: "price not known yet" };
  },
  "chimestack:Vm": (p, { chimestack: u = {} }) =>
    reckon([
      [1, `instance spec ${String(p.instanceSpecUuid)}`, u.perInstanceSpec?.[String(p.instanceSpecUuid)]],
      [sum(list(p.volumes).map((v) => num(v.sizeGb))), "GB volume", u.perGbVolume],
    ]),
  "cvm:Vm": (_p, { cvm: u = {} }) => reckon([[1, "VPS", u.perVps]]),
};

/** `pulumi-nodejs:dynamic/cloudtower:Vm` -> `cloudtower:Vm`. */
const TYPES = new Map(Object.keys(MODELS).map((k) => [typeToken(...(k.split(":") as [string, string])), k]));

/** The monthly cost of a resource by its Pulumi type token and its inputs (or outputs); undefined if unpriced. */
export function monthlyCost(token: string, props: Props, prices: UnitPrices): Cost | undefined {
  const key = TYPES.get(token);
  return key ? MODELS[key](props, prices) : undefined;
}

/**
 * Outputs that a model prefers over the input they read back, by `<vendor>:<type>` (a CloudTower VM's disks as
 * made, a template's included, over its declared `disks`): pricing a change of that input (a plan's price
 * delta) drops the output, which still shows the old value.
 */
export const READ_BACK: Readonly<Record<string, Readonly<Record<string, string>>>> = { "cloudtower:Vm": { diskDetails: "disks" } };

/** The vendor types that have a price model, as `<vendor>:<type>`. */
export const PRICED_TYPES: readonly string[] = Object.keys(MODELS);
