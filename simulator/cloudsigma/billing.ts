/**
 * The Billing API in the CloudSigma simulator: subscriptions to resources (cpu, mem, disk, xfer), IPs,
 * VLANs and software, each with `create` and `calculate`; extension with `/subscriptions/<uuid>/set`
 * and its `calculate`; the manual's minimums (CPU 2000 core MHz, memory 1024 MB) as field errors; the
 * current price list (`/pricing/info`) and the balance (`/balance/info`, in the profile's currency).
 *
 * Prices (our choice; the manual's examples give 2 IPs for a month = 16.00, 2 VLANs = 40.00, one of each
 * software licence = 45.00 EUR): per unit and month, cpu 0.01/MHz, mem 0.02/MB, disk 0.20/GB,
 * xfer 0.05/GB, ip 8.00, vlan 20.00, msft_lwa_00135 10.00, msft_p73_04837 20.00, msft_tfa_00009 15.00.
 * `/pricing/info` shows them as the `:sub` prices (and ip, vlan and the licences, which have no level, as
 * the manual's example does), beside burst prices that nothing here charges, for the manual's 5-minute
 * pricing period (`start`, `end`). A subscription bought is paid from the balance at once (the manual is
 * silent on when; a balance may go below zero: no purchase is refused for funds).
 */
import { randomUUID } from "node:crypto";
import { Route, SimError, SimRequest } from "../core";
import { ServerHelpers } from "./servers";
import { Kv, SigmaState } from "./state";

export const PRICES: Record<string, number> = {
  cpu: 0.01,
  mem: 0.02,
  disk: 0.2,
  xfer: 0.05,
  ip: 8,
  vlan: 20,
  msft_lwa_00135: 10,
  msft_p73_04837: 20,
  msft_tfa_00009: 15,
};
/** Burst prices per unit (our choice; the simulator charges no burst use). */
export const BURST_PRICES: Record<string, number> = { cpu: 0.03, mem: 0.06, xfer: 0.08, disk: 0.3 };
const LABELS: Record<string, [string, string]> = {
  cpu: ["CPU", "core MHz"],
  mem: ["Memory", "MB"],
  disk: ["Disk", "GB"],
  xfer: ["Committed data transfer", "GB per month"],
  ip: ["Static IP address", "IPs"],
  vlan: ["Private network VLAN", "VLANs"],
};
const MINIMUM: Record<string, [number, string]> = {
  cpu: [2000, "The minimum CPU subscription is 2000 core MHz"],
  mem: [1024, "The minimum memory subscription is 1024 MB"],
};

/** `Y-m-d H:M`, the manual's date format. */
export function ymdhm(t: number): string {
  return new Date(t).toISOString().slice(0, 16).replace("T", " ");
}

/** `Y-m-d H:M:S.ffffff`, as the manual's price list shows its period. */
const ymdhmsf = (t: number) => new Date(t).toISOString().replace("T", " ").replace("Z", "000");

/** The price list as `/pricing/info` shows it: the current 5-minute period, then a price per key. */
export function priceList(now: number): Kv {
  const start = now - (now % (5 * 60_000));
  const out: Kv = { start: ymdhmsf(start), end: ymdhmsf(start + 5 * 60_000) };
  for (const [k, burst] of Object.entries(BURST_PRICES)) Object.assign(out, { [`${k}:sub`]: PRICES[k].toFixed(3), [`${k}:burst`]: burst.toFixed(3) });
  for (const [k, v] of Object.entries(PRICES)) if (!(k in BURST_PRICES)) out[k] = v.toFixed(2);
  return out;
}

/**
 * Current use as `/usage/info` shows it: what runs now (the CPU and memory of running servers, the GB of
 * every drive), what the subscriptions cover (`:sub`), and the rest, billed as burst (`:burst`). Transfer
 * counters are the running servers' rx/tx (bytes, none here), in GB for `xfer:*`.
 */
export function usage(state: SigmaState): Kv {
  const running = [...state.servers.values()].filter((s) => s.status === "active");
  const sum = (xs: Kv[], k: string) => xs.reduce((n, x) => n + Number(x[k] ?? 0), 0);
  const drives = [...state.drives.values()];
  const use: Record<string, number> = {
    cpu: sum(running, "cpu"),
    mem: sum(running, "mem"),
    disk: Math.ceil(sum(drives, "size") / 1024 ** 3),
  };
  const subscribed = (t: string) => [...state.subscriptions.values()].filter((x) => x.type === t).reduce((n, x) => n + Number(x.quantity), 0);
  const out: Kv = {};
  for (const k of ["cpu", "mem", "disk"]) out[k] = String(use[k]);
  for (const k of ["cpu", "mem", "disk"]) out[`${k}:burst`] = String(Math.max(0, use[k] - subscribed(k)));
  for (const k of ["cpu", "mem", "disk"]) out[`${k}:sub`] = String(subscribed(k));
  const rx = sum(running, "rx");
  const tx = sum(running, "tx");
  const xfer = (rx + tx) / 1024 ** 3;
  Object.assign(out, {
    "rx:total": String(rx),
    "tx:total": String(tx),
    "xfer:total": String(xfer),
    "xfer:burst": String(Math.max(0, xfer - subscribed("xfer"))),
    "xfer:sub": String(subscribed("xfer")),
  });
  return out;
}

function addMonths(start: string, months: number): string {
  const d = new Date(start.replace(" ", "T") + ":00Z");
  d.setUTCMonth(d.getUTCMonth() + months);
  return ymdhm(d.getTime());
}

export function billingRoutes(state: SigmaState, h: ServerHelpers): Route[] {
  /** Quantities and term of a request; field errors (the manual's style) as a 400. */
  function parse(req: SimRequest, keys: string[]) {
    const b = h.kv(req.body);
    const errors: string[] = [];
    if (!b.start_time) errors.push("errors:start_time This field is required.");
    else if (!/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}(:\d{2})?$/.test(b.start_time)) errors.push("errors:start_time Use the format Y-m-d H:M");
    const months = Number(b.months ?? "1");
    if (!Number.isInteger(months) || months < 1) errors.push("errors:months Must be a whole number of months, at least 1");
    const quantities: Record<string, number> = {};
    for (const k of Object.keys(b)) {
      if (k === "start_time" || k === "months") continue;
      if (!keys.includes(k)) errors.push(`errors:${k} Unknown key`);
      else if (!/^\d+$/.test(b[k])) errors.push(`errors:${k} Must be a whole number`);
      else quantities[k] = Number(b[k]);
    }
    for (const [k, [min, msg]] of Object.entries(MINIMUM)) {
      if (quantities[k] !== undefined && quantities[k] > 0 && quantities[k] < min) errors.push(`errors:${k} ${msg}`);
    }
    if (errors.length)
      throw new SimError(400, errors.map((e) => e.replace(/^errors:\S+ /, "")).join("; "), { type: errors[0].split(" ")[0].slice(7), raw: errors });
    return { quantities, months, start: (b.start_time ?? "").slice(0, 16) };
  }

  const cost = (q: Record<string, number>, months: number) => Object.entries(q).reduce((n, [k, v]) => n + (PRICES[k] ?? 0) * v, 0) * months;
  const amount = (q: Record<string, number>, months: number) => ({ amount: cost(q, months).toFixed(2), currency: state.profile.currency });
  const priced = (type: string, q: Record<string, number>) => Object.fromEntries(Object.entries(q).map(([k, v]) => [priceKey(type, k), v]));
  const pay = (sum: number) => (state.balance = (Number(state.balance) - sum).toFixed(2));

  function create(type: "resources" | "ip" | "vlan" | "software", q: Record<string, number>, months: number, start: string): Kv[] {
    const end = addMonths(start, months);
    const base = (t: string, quantity: number): Kv => {
      const [label, unit] = LABELS[t] ?? [t, "licences"];
      return {
        type: t,
        subscription: randomUUID(),
        type_str: label,
        unit,
        quantity: String(quantity),
        start_time: start,
        end_time: end,
        months: String(months),
      };
    };
    const out: Kv[] = [];
    if (type === "resources" || type === "software") for (const [k, v] of Object.entries(q)) if (v > 0) out.push(base(k, v));
    if (type === "ip") for (let i = 0; i < (q.quantity ?? 0); i++) out.push({ ...base("ip", q.quantity), resource: state.newIp().resource });
    if (type === "vlan")
      for (let i = 0; i < (q.quantity ?? 0); i++) out.push({ ...base("vlan", q.quantity), resource: state.newVlan(`subscribed VLAN ${i + 1}`).resource });
    for (const s of out) state.subscriptions.set(s.subscription, s);
    return out;
  }

  const kinds: Array<["resources" | "ip" | "vlan" | "software", string, string[]]> = [
    ["resources", "/subscriptions/resources", ["cpu", "mem", "disk", "xfer"]],
    ["ip", "/subscriptions/network/ip", ["quantity"]],
    ["vlan", "/subscriptions/network/vlan", ["quantity"]],
    ["software", "/subscriptions/software", ["msft_lwa_00135", "msft_p73_04837", "msft_tfa_00009"]],
  ];
  const priceKey = (type: string, k: string) => (type === "ip" || type === "vlan" ? type : k);

  const routes: Route[] = kinds.flatMap(([type, path, keys]): Route[] => [
    {
      method: "POST",
      path: `${path}/create`,
      handler: (req) => {
        const { quantities, months, start } = parse(req, keys);
        const items = create(type, quantities, months, start);
        pay(cost(priced(type, quantities), months));
        return h.text(items);
      },
    },
    {
      method: "POST",
      path: `${path}/calculate`,
      handler: (req) => {
        const { quantities, months } = parse(req, keys);
        return h.text(amount(priced(type, quantities), months));
      },
    },
  ]);

  function subscription(req: SimRequest): Kv {
    const s = state.subscriptions.get(req.params.uuid);
    if (!s) throw h.missing("Subscription", req.params.uuid);
    return s;
  }
  function extension(req: SimRequest): number {
    const months = Number(h.kv(req.body).months);
    if (!Number.isInteger(months) || months < 1) throw new SimError(400, "months: Must be a whole number of months, at least 1", { type: "months" });
    return months;
  }

  routes.push(
    { method: "GET", path: "/pricing/info", handler: () => h.text(priceList(state.now())) },
    { method: "GET", path: "/currencies/list", handler: () => h.lines(["EUR", "GBP", "USD"]) },
    { method: "GET", path: "/usage/info", handler: () => h.text(usage(state)) },
    { method: "GET", path: "/balance/info", handler: () => h.text({ balance: state.balance, currency: state.profile.currency }) },
    { method: "GET", path: "/subscriptions/list", handler: () => h.text([...state.subscriptions.values()]) },
    { method: "GET", path: "/subscriptions/:uuid/info", handler: (req) => h.text(subscription(req)) },
    {
      method: "POST",
      path: "/subscriptions/:uuid/set",
      handler: (req) => {
        const s = subscription(req);
        const months = extension(req);
        pay(cost({ [s.type]: Number(s.quantity) }, months));
        s.end_time = addMonths(s.end_time, months);
        s.months = String(Number(s.months) + months);
        return h.text(s);
      },
    },
    {
      // Out of band: the subscription ran to its end and left the account (the API itself cannot end one).
      method: "POST",
      path: "/_sim/cloudsigma/end-subscription",
      handler: (req) => {
        const uuid = String(JSON.parse(req.body || "{}").subscription);
        if (!state.subscriptions.delete(uuid)) throw h.missing("Subscription", uuid);
        return { status: 200, body: { ok: true } };
      },
    },
    {
      method: "POST",
      path: "/subscriptions/:uuid/set/calculate",
      handler: (req) => {
        const s = subscription(req);
        return h.text(amount({ [s.type]: Number(s.quantity) }, extension(req)));
      },
    },
  );
  return routes;
}
