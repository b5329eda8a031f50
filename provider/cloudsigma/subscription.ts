/**
 * cloudsigma.Subscription: a Billing API subscription: resources (cpu core MHz, mem MB, disk GB, xfer
 * GB), static IPs, VLANs or software licences, for `months` from `startTime`. CloudSigma makes one
 * subscription per item (resource type, address, VLAN, licence): the resource's id is their uuids joined
 * by commas. Making `months` larger extends every item in place (`/subscriptions/<uuid>/set`). The price
 * is asked with the API's `calculate` calls and shown at preview, and kept as the `price` output. The
 * manual's minimums (CPU 2000 core MHz, memory 1024 MB) are checked before any request. The API cannot
 * cancel a subscription: deleting the resource only removes it from the stack, with a warning.
 */
import { z } from "zod";
import { ProviderError, containsUnknown, defineResource } from "../core";
import type { SigmaClient } from "./client";
import { KvObject } from "./codec";
import { vendor } from "./config";

/** The item types of a resources subscription, and the input each one's quantity is. */
const RESOURCES = { cpu: "cpuMhz", mem: "memMb", disk: "diskGb", xfer: "xferGb" } as const;

// ---- Definition ------------------------------------------------------------------------------------

const whole = (what: string) => z.number().int(`must be a whole number of ${what}`).nonnegative("must not be negative");

const inputs = z
  .strictObject({
    kind: z.enum(["resources", "ip", "vlan", "software"]).describe("what is bought: resources, static IPs, VLANs or software licences"),
    cpuMhz: whole("core MHz")
      .optional()
      .refine((v) => v === undefined || v === 0 || v >= 2000, "the minimum CPU subscription is 2000 core MHz")
      .describe("for resources: core MHz"),
    memMb: whole("MB")
      .optional()
      .refine((v) => v === undefined || v === 0 || v >= 1024, "the minimum memory subscription is 1024 MB")
      .describe("for resources: MB"),
    diskGb: whole("GB").optional().describe("for resources: GB"),
    xferGb: whole("GB").optional().describe("for resources: GB of data transfer per month"),
    quantity: z.number().int().positive("must be at least 1").optional().describe("for ip and vlan: how many"),
    licences: z
      .record(z.string().regex(/^msft_[a-z0-9_]+$/, "must be a licence code such as msft_lwa_00135"), whole("licences"))
      .optional()
      .describe("for software: licence code -> count (e.g. msft_lwa_00135: 1)"),
    months: z
      .number()
      .int("must be a whole number of months")
      .min(1, "must be at least 1")
      .describe("months of the term; a larger number extends the subscription in place"),
    startTime: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/, 'must be "YYYY-MM-DD HH:MM"')
      .describe("`YYYY-MM-DD HH:MM` (UTC)"),
  })
  .superRefine((v, ctx) => {
    const need = (field: string, ok: boolean, why: string) => ok || ctx.addIssue({ code: "custom", path: [field], message: why });
    if (v.kind === "resources")
      need(
        "cpuMhz",
        [v.cpuMhz, v.memMb, v.diskGb, v.xferGb].some((x) => x),
        "a resources subscription needs at least one of cpuMhz, memMb, diskGb, xferGb",
      );
    if (v.kind === "ip" || v.kind === "vlan") need("quantity", v.quantity !== undefined, `an ${v.kind} subscription needs quantity`);
    if (v.kind === "software") need("licences", !!v.licences && Object.keys(v.licences).length > 0, "a software subscription needs licences");
  });
type SubscriptionInputs = z.output<typeof inputs>;

export const Subscription = defineResource({
  vendor,
  type: "Subscription",
  description: "A Billing API subscription (resources, static IPs, VLANs or software licences); its price is shown at preview.",
  inputs,
  outputs: z.object({
    subscriptions: z
      .array(z.object({ uuid: z.string(), type: z.string(), quantity: z.number(), endTime: z.string(), resource: z.string().optional() }))
      .describe("the subscribed items: CloudSigma makes one per resource type, address, VLAN or licence"),
    endTime: z.string().describe("when the first item ends"),
    price: z.string().describe('the price of the term as the API calculated it when it was bought or extended, e.g. "123.00 EUR"'),
  }),
  replaceOn: ["kind", "cpuMhz", "memMb", "diskGb", "xferGb", "quantity", "licences", "startTime"],
  adopt: { byName: false, id: z.string().regex(/^[\w-]+(,[\w-]+)*$/, "must be the subscription's id: its items' ids joined by commas") },
  // No item keeps a field for a marker: purchases go one at a time per endpoint, and a lost answer is
  // resolved by the items that appeared (one purchase makes one item per type, address or licence).
  recovery: { newObject: true, join: (ids) => ids.join(",") },
  deleteNote: "the API cannot cancel a subscription: destroying one (bought or adopted) removes it from the stack with a warning, and it runs to its end",
  model: (w: SubscriptionView) => ({
    ...termOf(w.items),
    subscriptions: w.items.map((s) => ({ uuid: s.subscription, type: s.type, quantity: Number(s.quantity), endTime: s.end_time, resource: s.resource })),
    endTime: w.items.map((s) => s.end_time).sort()[0] ?? "",
    price: w.price,
  }),
  async check(i, { client }, olds) {
    // The price at preview, before anything is bought: of the whole term, or of an extension.
    if (i.adopt || containsUnknown(i)) return [];
    const extra = olds?.months !== undefined && olds.months < i.months ? i.months - olds.months : undefined;
    const what = extra ? `extending by ${extra} month(s)` : `${i.months} month(s) from ${i.startTime}`;
    console.log(`cloudsigma.Subscription (${i.kind}): ${what} costs ${await price(client, extra ? { ...i, months: extra } : i)}`);
    return [];
  },
  diff(olds, news, d) {
    if (!d.replaces.length) refuseShorter(olds.months, news.months);
  },
  operations: {
    async create(i, { client }) {
      const [path, body] = request(i);
      const items = await client.post<WireItem>(`${path}/create`, body, { idempotent: false });
      if (!items.length || !items.every((s) => s.subscription)) throw new ProviderError("server", `CloudSigma answered ${path}/create without a subscription`);
      return { id: items.map((s) => s.subscription).join(",") };
    },
    async read(id, { client }, prior) {
      const items = (await Promise.all(id.split(",").map((uuid) => client.info<WireItem>(`/subscriptions/${uuid}/info`)))).filter((s) => s !== undefined);
      if (!items.length) return undefined;
      // The price paid is kept; a new or extended term (or an adopted one) is priced as it is now.
      return { items, price: prior.price ?? (await price(client, { ...prior, ...termOf(items) })) };
    },
    update: (id, olds, news, { client }) => extend(client, id.split(","), olds.months, news.months),
    async delete(id, props) {
      console.warn(
        `cloudsigma.Subscription: the CloudSigma API cannot cancel a subscription; ${id} (${props.kind}, until ${props.endTime}) is removed from the stack only and runs to its end`,
      );
    },
    // One entry per item, by its uuid (a purchase of several items is several entries).
    async list(_q, _i, { client }) {
      return (await client.get<WireItem>("/subscriptions/list")).filter((s) => s.subscription).map((s) => ({ id: s.subscription }));
    },
  },
});
export type Subscription = InstanceType<typeof Subscription>;

// ---- Model -----------------------------------------------------------------------------------------

/** The inputs the items show: the kind and quantities (which never change) and the months (which grow). */
export function termOf(items: WireItem[]): Partial<SubscriptionInputs> {
  const types = items.map((s) => s.type);
  const months = Math.min(...items.map((s) => Number(s.months)).filter(Number.isInteger));
  const term = Number.isFinite(months) ? { months } : {};
  if (types.every((t) => t in RESOURCES)) {
    return { kind: "resources", ...Object.fromEntries(items.map((s) => [RESOURCES[s.type as keyof typeof RESOURCES], Number(s.quantity)])), ...term };
  }
  if ((types.every((t) => t === "ip") || types.every((t) => t === "vlan")) && types.length)
    return { kind: types[0] as "ip" | "vlan", quantity: items.length, ...term };
  if (types.every((t) => t.startsWith("msft_")))
    return { kind: "software", licences: Object.fromEntries(items.map((s) => [s.type, Number(s.quantity)])), ...term };
  return term;
}

/** The API path and body of a subscription's create or calculate. */
export function request(i: SubscriptionInputs): [string, KvObject] {
  const term = { start_time: i.startTime, months: String(i.months) };
  switch (i.kind) {
    case "resources": {
      const q = Object.entries(RESOURCES)
        .filter(([, input]) => i[input])
        .map(([type, input]) => [type, String(i[input])]);
      return ["/subscriptions/resources", { ...Object.fromEntries(q), ...term }];
    }
    case "ip":
      return ["/subscriptions/network/ip", { quantity: String(i.quantity), ...term }];
    case "vlan":
      return ["/subscriptions/network/vlan", { quantity: String(i.quantity), ...term }];
    case "software":
      return ["/subscriptions/software", { ...Object.fromEntries(Object.entries(i.licences ?? {}).map(([k, v]) => [k, String(v)])), ...term }];
  }
}

/** What the API says the term of these inputs costs, e.g. "141.92 EUR". */
export async function price(client: SigmaClient, i: SubscriptionInputs): Promise<string> {
  const [path, body] = request(i);
  const [a] = await client.post<{ amount?: string; currency?: string }>(`${path}/calculate`, body, { idempotent: true });
  return `${a?.amount ?? "?"} ${a?.currency ?? ""}`.trim();
}

/**
 * Each item extended to `months` (`/subscriptions/<uuid>/set`) from the months it shows (`fromMonths` when it
 * shows none), so that a retry extends none twice.
 */
export async function extend(client: SigmaClient, uuids: string[], fromMonths: number, months: number): Promise<void> {
  for (const uuid of uuids) {
    const s = await client.info<WireItem>(`/subscriptions/${uuid}/info`);
    const had = s?.months !== undefined ? Number(s.months) : fromMonths;
    if (s && had < months) await client.post(`/subscriptions/${uuid}/set`, { months: String(months - had) }, { idempotent: false });
  }
}

/** A term can only grow: a shorter one fails at preview, naming `months`. */
export function refuseShorter(olds: number | undefined, news: unknown): void {
  if (typeof news === "number" && olds !== undefined && news < olds) {
    throw new ProviderError("validation", `months: a subscription cannot be shortened (from ${olds} to ${news}); the API can only extend it`, {
      property: "months",
    });
  }
}

// ---- Wire ------------------------------------------------------------------------------------------

/** One subscribed item as `/subscriptions/<uuid>/info` and `/subscriptions/list` show it. */
export interface WireItem {
  subscription: string;
  /** cpu, mem, disk, xfer, ip, vlan, or a licence code. */
  type: string;
  quantity: string;
  start_time?: string;
  end_time: string;
  months?: string;
  /** The address or VLAN uuid an ip or vlan item holds. */
  resource?: string;
}

interface SubscriptionView {
  items: WireItem[];
  price: string;
}
