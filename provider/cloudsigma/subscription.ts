/**
 * cloudsigma.Subscription: a Billing API subscription: resources (cpu core MHz, mem MB, disk GB, xfer
 * GB), static IPs, VLANs or software licences, for `months` from `startTime`. Making `months` larger
 * extends it in place (`/subscriptions/<uuid>/set`). The price is asked with the API's `calculate` calls
 * at preview and shown there, and kept as the `price` output. The manual's minimums (CPU 2000 core MHz,
 * memory 1024 MB) are checked before any request. The API cannot cancel a subscription: deleting the
 * resource only removes it from the stack, with a warning.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { ProviderError, checkWithSchema, containsUnknown, diffInputs, lazyProvider, plain, VendorResource } from "../core";
import { KvObject } from "./codec";
import { configureSigma, sigma } from "./config";

export interface SubscriptionArgs {
  kind: pulumi.Input<"resources" | "ip" | "vlan" | "software">;
  /** For resources: core MHz, MB, GB and GB per month. */
  cpuMhz?: pulumi.Input<number>;
  memMb?: pulumi.Input<number>;
  diskGb?: pulumi.Input<number>;
  xferGb?: pulumi.Input<number>;
  /** For ip and vlan: how many. */
  quantity?: pulumi.Input<number>;
  /** For software: licence code -> count (e.g. msft_lwa_00135: 1). */
  licences?: pulumi.Input<Record<string, pulumi.Input<number>>>;
  /** Months of the term; a larger number extends the subscription in place. */
  months: pulumi.Input<number>;
  /** `YYYY-MM-DD HH:MM` (UTC); changing it replaces the subscription. */
  startTime: pulumi.Input<string>;
}

export interface SubscriptionInputs {
  kind: "resources" | "ip" | "vlan" | "software";
  cpuMhz?: number;
  memMb?: number;
  diskGb?: number;
  xferGb?: number;
  quantity?: number;
  licences?: Record<string, number>;
  months: number;
  startTime: string;
}

export interface SubscriptionOutputs extends SubscriptionInputs {
  /** One uuid per subscribed item (CloudSigma makes one per resource type or address). */
  subscriptions: Array<{ uuid: string; type: string; quantity: number; endTime: string; resource?: string }>;
  endTime: string;
  /** Price of the term as the API calculated it, e.g. "123.00 EUR". */
  price: string;
}

const INPUTS = ["kind", "cpuMhz", "memMb", "diskGb", "xferGb", "quantity", "licences", "months", "startTime"] as const;
const REPLACE_ON = ["kind", "cpuMhz", "memMb", "diskGb", "xferGb", "quantity", "licences", "startTime"] as const;

export function subscriptionSchema() {
  const whole = (what: string) => z.number().int(`must be a whole number of ${what}`).nonnegative("must not be negative");
  return z
    .strictObject({
      kind: z.enum(["resources", "ip", "vlan", "software"]),
      cpuMhz: whole("core MHz").optional().refine((v) => v === undefined || v === 0 || v >= 2000, "the minimum CPU subscription is 2000 core MHz"),
      memMb: whole("MB").optional().refine((v) => v === undefined || v === 0 || v >= 1024, "the minimum memory subscription is 1024 MB"),
      diskGb: whole("GB").optional(),
      xferGb: whole("GB").optional(),
      quantity: z.number().int().positive("must be at least 1").optional(),
      licences: z.record(z.string().regex(/^msft_[a-z0-9_]+$/, "must be a licence code such as msft_lwa_00135"), whole("licences")).optional(),
      months: z.number().int("must be a whole number of months").min(1, "must be at least 1"),
      startTime: z.string().regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/, 'must be "YYYY-MM-DD HH:MM"'),
    })
    .superRefine((v, ctx) => {
      const need = (field: string, ok: boolean, why: string) => ok || ctx.addIssue({ code: "custom", path: [field], message: why });
      if (v.kind === "resources") need("cpuMhz", [v.cpuMhz, v.memMb, v.diskGb, v.xferGb].some((x) => x), "a resources subscription needs at least one of cpuMhz, memMb, diskGb, xferGb");
      if (v.kind === "ip" || v.kind === "vlan") need("quantity", v.quantity !== undefined, `an ${v.kind} subscription needs quantity`);
      if (v.kind === "software") need("licences", !!v.licences && Object.keys(v.licences).length > 0, "a software subscription needs licences");
    });
}

/** The API path and body of a subscription's create or calculate. */
export function request(i: SubscriptionInputs): [string, KvObject] {
  const term = { start_time: i.startTime, months: String(i.months) };
  switch (i.kind) {
    case "resources":
      return ["/subscriptions/resources", plain({ cpu: n(i.cpuMhz), mem: n(i.memMb), disk: n(i.diskGb), xfer: n(i.xferGb), ...term }) as KvObject];
    case "ip":
      return ["/subscriptions/network/ip", { quantity: String(i.quantity), ...term }];
    case "vlan":
      return ["/subscriptions/network/vlan", { quantity: String(i.quantity), ...term }];
    case "software":
      return ["/subscriptions/software", { ...Object.fromEntries(Object.entries(i.licences ?? {}).map(([k, v]) => [k, String(v)])), ...term }];
  }
}

const n = (v: number | undefined) => (v ? String(v) : undefined);

async function price(i: SubscriptionInputs): Promise<string> {
  const [path, body] = request(i);
  const [a] = await sigma().post(`${path}/calculate`, body, { idempotent: true });
  return `${a?.amount ?? "?"} ${a?.currency ?? ""}`.trim();
}

function toOutputs(i: SubscriptionInputs, subs: KvObject[], cost: string): SubscriptionOutputs {
  return plain({
    ...i,
    subscriptions: subs.map((s) => ({ uuid: s.subscription, type: s.type, quantity: Number(s.quantity), endTime: s.end_time, resource: s.resource })),
    endTime: subs.map((s) => s.end_time).sort()[0] ?? "",
    price: cost,
  });
}

export const subscriptionProvider: Required<pulumi.dynamic.ResourceProvider<SubscriptionInputs, SubscriptionOutputs>> = {
  async configure(req) {
    configureSigma(req.config);
  },

  async check(olds, news) {
    const r = checkWithSchema(subscriptionSchema(), news as never);
    if (r.failures?.length || containsUnknown(r.inputs)) return r as never;
    const i = r.inputs as unknown as SubscriptionInputs;
    // Show the price at preview, before anything is bought.
    const extra = olds && (olds as SubscriptionInputs).months && (olds as SubscriptionInputs).months < i.months ? i.months - (olds as SubscriptionInputs).months : undefined;
    const what = extra ? `extending by ${extra} month(s)` : `${i.months} month(s) from ${i.startTime}`;
    console.log(`cloudsigma.Subscription (${i.kind}): ${what} costs ${await price(extra ? { ...i, months: extra } : i)}`);
    return { inputs: i };
  },

  async diff(_id, olds, news) {
    const d = diffInputs(olds as never, news as never, { inputs: INPUTS, replaceOn: REPLACE_ON });
    if (!d.replaces.length && news.months < olds.months) {
      throw new ProviderError("validation", `months: a subscription cannot be shortened (from ${olds.months} to ${news.months}); the API can only extend it`, { property: "months" });
    }
    return { changes: d.changes, replaces: d.replaces };
  },

  async create(inputs) {
    const [path, body] = request(inputs);
    const cost = await price(inputs);
    const subs = await sigma().post(`${path}/create`, body, { idempotent: false });
    if (!subs.length || !subs[0].subscription) throw new ProviderError("server", `CloudSigma answered ${path}/create without a subscription`);
    return { id: subs.map((s) => s.subscription).join(","), outs: toOutputs(inputs, subs, cost) };
  },

  async read(id, props) {
    const subs: KvObject[] = [];
    for (const uuid of id.split(",")) {
      const s = await sigma().info(`/subscriptions/${uuid}/info`);
      if (s) subs.push(s);
    }
    if (!subs.length) return { id: "" };
    return { id, props: toOutputs(props as SubscriptionInputs, subs, props?.price ?? "") };
  },

  async update(id, olds, news) {
    const extra = news.months - olds.months;
    let subs: KvObject[] = [];
    if (extra > 0) {
      for (const uuid of id.split(",")) subs.push(...(await sigma().post(`/subscriptions/${uuid}/set`, { months: String(extra) }, { idempotent: false })));
    } else {
      for (const uuid of id.split(",")) subs.push((await sigma().info(`/subscriptions/${uuid}/info`))!);
    }
    return { outs: toOutputs(news, subs, await price(news)) };
  },

  async delete(id, props) {
    console.warn(
      `cloudsigma.Subscription: the CloudSigma API cannot cancel a subscription; ${id} (${props.kind}, until ${props.endTime}) is removed from the stack only and runs to its end`,
    );
  },
};

export class Subscription extends VendorResource {
  static override readonly __pulumiType = "pulumi-nodejs:dynamic/cloudsigma:Subscription";
  declare readonly subscriptions: pulumi.Output<SubscriptionOutputs["subscriptions"]>;
  declare readonly endTime: pulumi.Output<string>;
  declare readonly price: pulumi.Output<string>;

  constructor(name: string, args: SubscriptionArgs, opts?: pulumi.CustomResourceOptions) {
    super(lazyProvider("pulumi-private-cloud/cloudsigma", "subscriptionProvider"), name, { subscriptions: undefined, endTime: undefined, price: undefined, ...args }, opts, "cloudsigma", "Subscription");
  }
}
