/**
 * cloudsigma.StaticIp: static public IP addresses. Without a term it is one address (`/resources/ip/create`,
 * `/destroy`); with `months` (and `startTime`) the addresses are bought with an IP subscription
 * (`/subscriptions/network/ip/create`, `quantity` of them, priced at preview) and the resource owns every
 * address the purchase made: `addresses` lists them all, `address` is the first (the one output it had
 * before). Its id is the addresses joined by commas, so a stack recorded with one address (its id that
 * address) reads on unchanged. A larger `months` extends every item of the subscription in place; another
 * quantity or start replaces. Delete destroys every address; the API cannot cancel the subscription, which
 * runs to its end (a warning says so). No field keeps an ownership marker: creates go one at a time per
 * endpoint, and a lost answer is resolved by the addresses that appeared.
 */
import { z } from "zod";
import { ProviderError, containsUnknown, defineResource, unlessGone } from "../core";
import type { SigmaClient } from "./client";
import { tokens } from "./codec";
import { vendor } from "./config";
import { WireItem, extend, price, refuseShorter, request } from "./subscription";

const IPV4 = "\\d{1,3}(\\.\\d{1,3}){3}";

// ---- Definition ------------------------------------------------------------------------------------

const inputs = z
  .strictObject({
    quantity: z
      .number()
      .int("must be a whole number of addresses")
      .positive("must be at least 1")
      .optional()
      .describe("with months: how many addresses the subscription buys (default 1); another number replaces them all"),
    months: z
      .number()
      .int("must be a whole number of months")
      .min(1, "must be at least 1")
      .optional()
      .describe(
        "buy the addresses with an IP subscription of this many months; a larger number extends it in place (giving it to a single address, or taking it away, replaces)",
      ),
    startTime: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/, 'must be "YYYY-MM-DD HH:MM"')
      .optional()
      .describe("with months: when the subscription starts, `YYYY-MM-DD HH:MM` (UTC)"),
  })
  .superRefine((v, ctx) => {
    if ([v.months, v.startTime, v.quantity].some(containsUnknown)) return;
    const need = (field: string, why: string) => ctx.addIssue({ code: "custom", path: [field], message: why });
    if (v.months !== undefined && v.startTime === undefined) need("startTime", "a subscription needs startTime beside months");
    if (v.months === undefined && v.startTime !== undefined) need("months", "startTime is for a subscription: give months too");
    if (v.months === undefined && v.quantity !== undefined) need("months", "quantity is for a subscription: give months and startTime too");
  })
  // A subscription buys one address unless quantity says: written out or left out, 1 is the same purchase.
  .transform((v) => (v.months !== undefined && v.quantity === undefined ? { ...v, quantity: 1 } : v));
type StaticIpInputs = z.output<typeof inputs>;

export const StaticIp = defineResource({
  vendor,
  type: "StaticIp",
  description:
    "Static public IP addresses: one, or every address of an IP subscription (destroyed with it; the API cannot cancel the subscription, " +
    "which runs to its end); an address is what a server's `nic0.dhcp` takes.",
  inputs,
  outputs: z.object({
    address: z.string().describe("the (first) address: what a server's `nic0.dhcp` takes"),
    addresses: z.array(z.string()).describe("every address the resource owns, `address` first"),
    netmask: z.string(),
    gateway: z.string(),
    nameservers: z.array(z.string()),
    owner: z.string().describe("the account that owns the addresses"),
    subscriptionIds: z.array(z.string()).describe("the subscription's items (one per address); empty without months"),
    endTime: z.string().describe("when the subscription ends (its first item); empty without months"),
  }),
  replaceOn: ["quantity", "startTime"],
  // A subscription stored without quantity (bought with the default) is of one address.
  upgrade: (olds) => (olds.months !== undefined && olds.quantity === undefined ? { quantity: 1 } : {}),
  adopt: {
    byName: false,
    id: z.string().regex(new RegExp(`^${IPV4}(,${IPV4})*$`), "must be the address, or addresses joined by commas (185.12.6.23,185.12.6.24)"),
  },
  // A purchase's addresses are the new ones held by new ip items of its term, exactly quantity of them; a single
  // address is the one new address.
  recovery: { newObject: true, join: (ids, i, { client }) => (i.months === undefined ? undefined : purchased(client, ids, i as StaticIpInputs)) },
  model: (w: IpsView, prior) => model(w, prior),
  async check(i, { client }, olds) {
    // The price at preview, before anything is bought: of the whole term, or of an extension.
    if (i.adopt || i.months === undefined || containsUnknown(i)) return [];
    const extra = olds?.months !== undefined && olds.months < i.months ? i.months - olds.months : undefined;
    if (olds?.months === i.months) return [];
    const what = extra ? `extending by ${extra} month(s)` : `${i.quantity ?? 1} address(es) for ${i.months} month(s) from ${i.startTime}`;
    console.log(`cloudsigma.StaticIp: ${what} costs ${await price(client, term(i, extra))}`);
    return [];
  },
  diff(olds, news, d) {
    // From one address to a subscription, or back, is another purchase.
    if ((olds.months === undefined) !== (news.months === undefined) && !containsUnknown(news.months)) return { replaces: ["months"] };
    if (!d.replaces.length) refuseShorter(olds.months, news.months);
  },
  operations: {
    async create(i, { client }) {
      if (i.months === undefined) {
        const ips = await client.post<WireIp>("/resources/ip/create", undefined, { idempotent: false });
        const ip = ips.find((o) => o.resource);
        if (!ip) throw new ProviderError("server", "CloudSigma answered /resources/ip/create without an address");
        return { id: ip.resource };
      }
      const [path, body] = request(term(i));
      const items = await client.post<WireItem>(`${path}/create`, body, { idempotent: false });
      if (!items.length || !items.every((s) => s.resource)) throw new ProviderError("server", `CloudSigma answered ${path}/create without the addresses`);
      return { id: items.map((s) => s.resource).join(",") };
    },
    read: (id, { client }, prior) => read(client, id, prior.months !== undefined),
    async update(id, olds, news, { client }) {
      if (news.months !== undefined && olds.months !== undefined && news.months > olds.months) {
        // The items as recorded, or (a state without them: a partial create) as the account lists them.
        const items = olds.subscriptionIds?.length ? olds.subscriptionIds : ((await read(client, id, true))?.items.map((s) => s.subscription) ?? []);
        await extend(client, items, olds.months, news.months);
      }
    },
    async delete(id, props, { client }) {
      for (const address of id.split(",")) await unlessGone(client.post(`/resources/ip/${address}/destroy`, undefined, { idempotent: true }));
      if (props.months !== undefined) {
        console.warn(
          `cloudsigma.StaticIp: the CloudSigma API cannot cancel a subscription; the addresses ${id} are destroyed, their subscription runs until ${props.endTime}`,
        );
      }
    },
    list: async (_q, _i, { client }) => (await client.list("/resources/ip/list")).map((id) => ({ id })),
  },
});
export type StaticIp = InstanceType<typeof StaticIp>;

// ---- Model -----------------------------------------------------------------------------------------

/** The addresses as outputs (and an address as `getIp` answers it: `model({ ips: [ip], items: [] })`). */
export function model(w: IpsView, prior: Partial<StaticIpInputs> = {}) {
  const [ip] = w.ips;
  const months = Math.min(...w.items.map((s) => Number(s.months)).filter(Number.isInteger));
  return {
    // What the items show of the term: its months (the start is kept as given: the API may show another).
    ...(prior.months !== undefined && Number.isFinite(months) ? { months } : {}),
    ...(prior.quantity !== undefined && w.items.length ? { quantity: w.items.length } : {}),
    address: ip.resource,
    addresses: w.ips.map((x) => x.resource),
    netmask: ip.netmask ?? "",
    gateway: ip.gateway ?? "",
    nameservers: tokens(ip.nameserver),
    owner: ip.user,
    subscriptionIds: w.items.map((s) => s.subscription),
    endTime: w.items.map((s) => s.end_time).sort()[0] ?? "",
  };
}

/** An address as a look-up answers it. */
export const addressModel = (ip: WireIp) => {
  const { address, netmask, gateway, nameservers, owner } = model({ ips: [ip], items: [] });
  return { address, netmask, gateway, nameservers, owner };
};

/** The request of the subscription (or of its extension by `extra` months). */
const term = (i: StaticIpInputs, extra?: number) =>
  ({ kind: "ip", quantity: i.quantity ?? 1, months: extra ?? i.months!, startTime: i.startTime! }) as Parameters<typeof request>[0];

/**
 * The addresses a purchase whose answer was lost made, of the new ones (`fresh`): those held by ip items of
 * its term (months, and the start where the items show it), exactly `quantity` of them; anything else is a
 * conflict that names what was found (another purchase, or addresses made beside it, cannot be told apart).
 */
async function purchased(client: SigmaClient, fresh: string[], i: StaticIpInputs): Promise<string> {
  const start = (t: string | undefined) => t?.replace("T", " ").slice(0, 16);
  const items = (await client.get<WireItem>("/subscriptions/list")).filter((s) => s.type === "ip" && fresh.includes(s.resource ?? ""));
  const ofTerm = items.filter((s) => Number(s.months) === i.months && (s.start_time === undefined || start(s.start_time) === i.startTime));
  const ours = fresh.filter((a) => ofTerm.some((s) => s.resource === a));
  const quantity = i.quantity ?? 1;
  if (ours.length === quantity) return ours.join(",");
  const others = fresh.filter((a) => !ours.includes(a));
  throw new ProviderError(
    "conflict",
    `cloudsigma.StaticIp: the answer of the purchase of ${quantity} address(es) for ${i.months} month(s) from ${i.startTime} was lost, and ` +
      `${ours.length} new address(es) are held by ip subscription items of that term (${ours.join(", ") || "none"})` +
      `${others.length ? `, besides ${others.length} other new address(es) (${others.join(", ")})` : ""}: ` +
      "which are this purchase's cannot be told; adopt them with adopt: {id} (the addresses joined by commas) or destroy the extra ones",
  );
}

/** The addresses of the id that still exist, and (subscribed) the items that hold them; undefined when none is left. */
async function read(client: SigmaClient, id: string, subscribed: boolean): Promise<IpsView | undefined> {
  const addresses = id.split(",");
  const ips = (await Promise.all(addresses.map((a) => client.object<WireIp>("ips", a)))).filter((x) => x !== undefined);
  if (!ips.length) return undefined;
  const items = subscribed ? (await client.get<WireItem>("/subscriptions/list")).filter((s) => s.type === "ip" && addresses.includes(s.resource ?? "")) : [];
  return { ips, items };
}

// ---- Wire ------------------------------------------------------------------------------------------

/** A static IP as `/resources/ip/<ip>/info` shows it. */
export interface WireIp {
  resource: string;
  user: string;
  type?: string;
  netmask?: string;
  gateway?: string;
  /** Space-separated addresses. */
  nameserver?: string;
}

/** The addresses and the subscription items that hold them. */
interface IpsView {
  ips: WireIp[];
  items: WireItem[];
}
