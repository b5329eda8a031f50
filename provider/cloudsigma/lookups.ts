/**
 * CloudSigma look-ups (API 1.0): a drive of the public library by name, distribution, version and kind;
 * one of the account's drives, static IPs (or a free one), VLANs and subscriptions; the account's profile,
 * balance and price list. API 1.0 answers every object of a collection in one unpaged read
 * (`/drives/info`, `/drives/standard/info`, `/resources/ip/info`, …): each is read once per program and
 * endpoint and filtered here, so that look-ups of one kind cost one request however many a program makes.
 *
 * Where the manual is silent (our reading of the recorded library and the reference notes):
 * - a library drive has no version or distribution field; its name carries them ("Debian 12.10 Server
 *   64bit Preinstalled System", "Ubuntu Linux 10.04 Desktop …"): its version is the first word of its name
 *   made of digits and dots, its distribution the first word;
 * - an address is in use when a server names it as its public NIC's address (`nic:0:dhcp`) or as its VNC
 *   address (`vnc:ip`); a server with `auto` uses a temporary address, not a subscribed one;
 * - a subscription shows no status: it is upcoming before its `start_time`, ended from its `end_time`
 *   (both UTC), and active between;
 * - the price list names no currency: its prices are in the account's billing currency, which the balance
 *   shows ("Currency from account profile").
 */
import { z } from "zod";
import { defineLookup, listOnce, orList, uuid } from "../core";
import { COLLECTIONS, SigmaClient } from "./client";
import { KvObject, tokens, unescapeText } from "./codec";
import { vendor } from "./config";
import { WireDrive, model as driveModel } from "./drive";
import { WireIp, addressModel as ipModel } from "./static-ip";

/** Every object at an info path (the one object of the profile, balance and prices), read once per program and endpoint. */
const read = <W>(client: SigmaClient, path: string) => listOnce<W>(client, path, () => client.get<W>(path));

const GIB = 1024 ** 3;
const LIBRARY = "/drives/standard/info";

// ---- Filters several look-ups share ----------------------------------------------------------------

const NAME = { name: z.string().min(1).optional().describe("its name, exactly") };
const UUID = (of: string) => ({ uuid: uuid(of).optional().describe("its uuid") });
const MEDIA = { media: z.enum(["disk", "cdrom"]).optional().describe("disk, or cdrom for a CD image") };

const nameOf = (w: { name?: string }) => unescapeText(w.name ?? "");
const gib = (bytes: string) => Number(bytes) / GIB;

// ---- Library drives --------------------------------------------------------------------------------

/** A drive of the public library as `/drives/standard/info` shows it. */
interface WireLibraryDrive extends WireDrive {
  os?: string;
  bits?: string;
  /** preinstalled, installcd, livecd: comma-joined when several. */
  drive_type?: string;
  description?: string;
  licenses?: string;
}
/** A library drive with what its name carries. */
interface LibraryDrive extends WireLibraryDrive {
  title: string;
  distribution: string;
  version: string;
}

/** The version a name carries: its first word of digits and dots ("Debian 12.10 Server" -> "12.10"), or "". */
function versionOf(name: string): string {
  return name.split(/\s+/).find((w) => /^\d+(\.\d+)*$/.test(w)) ?? "";
}

/** Versions compared part by part as numbers: "12.10" > "12.9" > "12"; "" (no version) is the oldest. */
function compareVersions(a: string, b: string): number {
  const x = a ? a.split(".").map(Number) : [];
  const y = b ? b.split(".").map(Number) : [];
  for (let i = 0; i < Math.max(x.length, y.length); i++) if ((x[i] ?? -1) !== (y[i] ?? -1)) return (x[i] ?? -1) - (y[i] ?? -1);
  return 0;
}

/** Whether a version is the one asked for or one of its series: "12" takes 12, 12.9 and 12.10, not 120. */
const inSeries = (version: string, asked: string) => version === asked || version.startsWith(`${asked}.`);

/** The image a library drive is a version of: its name without the version, in any case. */
const imageOf = (d: LibraryDrive) =>
  d.title
    .split(/\s+/)
    .filter((w) => w !== d.version)
    .join(" ")
    .toLowerCase();

export const { getLibraryDrive, getLibraryDriveOutput } = defineLookup({
  vendor,
  name: "LibraryDrive",
  noun: "library drive",
  description:
    "A drive of the public drive library (`/drives/standard/info`) by name, or by distribution and version; its `id` is what a `Drive`'s " +
    "`cloneFrom` takes. When the drives that match are versions of one image (their names but the version are the same), the newest " +
    'version is taken ("12.10" is newer than "12.9"); two drives of that version, or of different images, are several found.',
  args: {
    ...NAME,
    distribution: z.string().min(1).optional().describe("the first word of its name, in any case: Debian, Ubuntu, CentOS, Windows, …"),
    version: z
      .string()
      .regex(/^\d+(\.\d+)*$/, "must be a version such as 12 or 12.10")
      .optional()
      .describe('the version its name carries: "12" is 12 or any 12.x (the newest is taken), "12.10" is 12.10 or any 12.10.x'),
    ...MEDIA,
    imageType: z
      .enum(["preinstalled", "installcd", "livecd"])
      .optional()
      .describe("what the image is (its `drive_type`): a preinstalled system, an install CD or a live CD"),
    os: z.enum(["linux", "windows", "other"]).optional(),
    bits: z.union([z.literal(32), z.literal(64)]).optional(),
    ...UUID("a library drive"),
  },
  identifiedBy: ["name", "distribution", "uuid"],
  result: z.object({
    id: z.string().describe("its uuid: what a `Drive`'s `cloneFrom` takes"),
    name: z.string(),
    distribution: z.string().describe("the first word of its name"),
    version: z.string().describe("the version its name carries; empty when it carries none"),
    media: z.string().describe("disk, or cdrom for a CD image"),
    imageTypes: z.array(z.string()).describe("preinstalled, installcd, livecd (its `drive_type`)"),
    os: z.string().describe("linux, windows or other; empty when the library does not say"),
    bits: z.number().describe("32 or 64; 0 when the library does not say"),
    sizeGb: z.number().describe("its size in GiB: a clone of it is at least as big"),
    licences: z.array(z.string()).describe("the software licences it needs, such as msft_p73_04837"),
    description: z.string(),
  }),
  async list(client) {
    return (await read<WireLibraryDrive>(client, LIBRARY)).map((d) => {
      const title = nameOf(d);
      return { ...d, title, distribution: title.split(/\s+/)[0] ?? "", version: versionOf(title) };
    });
  },
  matches: (d: LibraryDrive, a) =>
    (a.name === undefined || d.title === a.name) &&
    (a.distribution === undefined || d.distribution.toLowerCase() === a.distribution.toLowerCase()) &&
    (a.version === undefined || inSeries(d.version, a.version)) &&
    (a.media === undefined || (d.type ?? "disk") === a.media) &&
    (a.imageType === undefined || tokens(d.drive_type).includes(a.imageType)) &&
    (a.os === undefined || d.os === a.os) &&
    (a.bits === undefined || d.bits === String(a.bits)) &&
    (a.uuid === undefined || d.drive === a.uuid.toLowerCase()),
  pick(drives) {
    if (new Set(drives.map(imageOf)).size > 1) return drives;
    const newest = drives.reduce((x, y) => (compareVersions(y.version, x.version) > 0 ? y : x)).version;
    return drives.filter((d) => compareVersions(d.version, newest) === 0);
  },
  describe: (d) => `${d.title} (id ${d.drive}, ${d.type ?? "disk"}${d.drive_type ? ` ${d.drive_type}` : ""})`,
  narrow: orList(["name", "version", "media", "imageType", "os", "bits", "uuid"]),
  toResult: (d) => ({
    id: d.drive,
    name: d.title,
    distribution: d.distribution,
    version: d.version,
    media: d.type ?? "disk",
    imageTypes: tokens(d.drive_type),
    os: d.os ?? "",
    bits: Number(d.bits ?? 0),
    sizeGb: gib(d.size),
    licences: tokens(d.licenses),
    description: unescapeText(d.description ?? ""),
  }),
});

// ---- The account's drives --------------------------------------------------------------------------

export const { getDrive, getDriveOutput } = defineLookup({
  vendor,
  name: "Drive",
  noun: "drive",
  description: "One of the account's drives by name or tags; its `id` is what a server's `drives[].driveUuid` and a `Drive`'s `cloneFrom` take.",
  args: {
    ...NAME,
    tags: z.array(z.string().regex(/^\S+$/, "must not hold spaces")).optional().describe("tags it carries, such as affinity:ssd (every one must be on it)"),
    status: z.string().min(1).optional().describe("active, inactive, …"),
    ...MEDIA,
    ...UUID("a drive"),
  },
  identifiedBy: ["name", "tags", "uuid"],
  result: z.object({
    id: z.string().describe("its uuid"),
    name: z.string(),
    sizeGb: z.number(),
    status: z.string(),
    media: z.string().describe("disk, or cdrom for a CD image"),
    tags: z.array(z.string()),
    claimType: z.string().describe("exclusive or shared"),
    readers: z.array(z.string()),
    encryptionCipher: z.string(),
    claimedBy: z.array(z.string()).describe("servers and devices that mount it (`<host>:guest:<server>:<device>`)"),
    owner: z.string().describe("the account that owns it"),
  }),
  list: (client) => read<WireDrive>(client, COLLECTIONS.drives.all),
  matches: (d, a) =>
    (a.name === undefined || nameOf(d) === a.name) &&
    (a.tags ?? []).every((t) => tokens(d.tags).includes(t)) &&
    (a.status === undefined || d.status === a.status) &&
    (a.media === undefined || (d.type ?? "disk") === a.media) &&
    (a.uuid === undefined || d.drive === a.uuid.toLowerCase()),
  describe: (d) => `${nameOf(d)} (id ${d.drive}, ${gib(d.size)} GiB, ${d.status}${d.tags ? `, tags ${d.tags}` : ""})`,
  narrow: orList(["tags", "status", "media", "uuid"]),
  toResult(d) {
    const m = driveModel(d);
    return {
      id: m.uuid,
      name: m.name,
      sizeGb: m.sizeGb,
      status: m.status,
      media: d.type ?? "disk",
      tags: m.tags,
      claimType: m.claimType ?? d["claim:type"] ?? "",
      readers: m.readers,
      encryptionCipher: m.encryptionCipher ?? d["encryption:cipher"] ?? "",
      claimedBy: m.claimedBy,
      owner: m.owner,
    };
  },
});

// ---- Static IPs ------------------------------------------------------------------------------------

/** What a look-up reads of a server: the addresses it uses. */
interface WireServer {
  server: string;
  name?: string;
  "nic:0:dhcp"?: string;
  "vnc:ip"?: string;
}
/** An address with the server that uses it, if any. */
interface UsedIp extends WireIp {
  server?: WireServer;
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
/** Addresses in numeric order: 185.12.5.9 before 185.12.5.10. */
const byAddress = (a: UsedIp, b: UsedIp) => {
  const x = a.resource.split(".").map(Number);
  const y = b.resource.split(".").map(Number);
  return x.reduce((d, n, i) => d || n - (y[i] ?? 0), 0);
};

export const { getIp, getIpOutput } = defineLookup({
  vendor,
  name: "Ip",
  noun: "static IP",
  description:
    "A static IP of the account by address, or a free one (`free: true`: no server uses it as its public NIC's or its VNC address). " +
    "Of several free addresses the first in address order is taken (a deliberate pick: any free one will do).",
  args: {
    address: z.string().regex(IPV4, "must be an IPv4 address such as 185.12.5.10").optional().describe("the address"),
    free: z.boolean().optional().describe("true: an address that no server uses (the first in address order); false: one that a server uses"),
  },
  identifiedBy: ["address", "free"],
  result: z.object({
    address: z.string().describe("the address (a `StaticIp`'s id): what a server's `nic0.dhcp` takes"),
    netmask: z.string(),
    gateway: z.string(),
    nameservers: z.array(z.string()),
    owner: z.string().describe("the account that owns the address"),
    free: z.boolean().describe("whether no server uses it"),
    serverId: z.string().describe("the server that uses it; empty when it is free"),
    serverName: z.string(),
  }),
  async list(client) {
    const [ips, servers] = await Promise.all([read<WireIp>(client, COLLECTIONS.ips.all), read<WireServer>(client, COLLECTIONS.servers.all)]);
    const users = new Map<string, WireServer>();
    for (const s of servers) for (const k of ["nic:0:dhcp", "vnc:ip"] as const) if (IPV4.test(s[k] ?? "")) users.set(s[k]!, s);
    return ips.map((ip): UsedIp => ({ ...ip, server: users.get(ip.resource) })).sort(byAddress);
  },
  matches: (ip, a) => (a.address === undefined || ip.resource === a.address) && (a.free === undefined || (ip.server === undefined) === a.free),
  pick: (ips, a) => (a.free === true ? ips.slice(0, 1) : ips),
  describe: (ip) => `${ip.resource} (${ip.server ? `used by ${nameOf(ip.server)} ${ip.server.server}` : "free"})`,
  narrow: "address",
  toResult: (ip) => ({ ...ipModel(ip), free: !ip.server, serverId: ip.server?.server ?? "", serverName: ip.server ? nameOf(ip.server) : "" }),
});

// ---- VLANs -----------------------------------------------------------------------------------------

interface WireVlan {
  resource: string;
  user: string;
  name?: string;
}

export const { getVlan, getVlanOutput } = defineLookup({
  vendor,
  name: "Vlan",
  noun: "VLAN",
  description: "A private VLAN of the account by name or uuid; its `id` is what a server's `nic1.vlanUuid` takes.",
  // API 1.0 shows a VLAN's uuid, owner and name only: no tags or other metadata to filter on.
  args: { ...NAME, ...UUID("a VLAN") },
  identifiedBy: ["name", "uuid"],
  result: z.object({
    id: z.string().describe("its uuid: what a server's `nic1.vlanUuid` takes"),
    name: z.string(),
    owner: z.string().describe("the account that owns it"),
  }),
  list: (client) => read<WireVlan>(client, COLLECTIONS.vlans.all),
  matches: (v, a) => (a.name === undefined || nameOf(v) === a.name) && (a.uuid === undefined || v.resource === a.uuid.toLowerCase()),
  describe: (v) => `${nameOf(v)} (id ${v.resource})`,
  narrow: "uuid",
  toResult: (v) => ({ id: v.resource, name: nameOf(v), owner: v.user }),
});

// ---- Subscriptions ---------------------------------------------------------------------------------

/** A subscribed item as `/subscriptions/list` shows it. */
interface WireSubscription {
  subscription?: string;
  /** cpu, mem, disk, xfer, ip, vlan, or a licence code. */
  type: string;
  type_str?: string;
  unit?: string;
  quantity: string;
  start_time?: string;
  end_time?: string;
  months?: string;
  /** The address or VLAN uuid of an ip or vlan item. */
  resource?: string;
}

/** `Y-m-d H:M[:S]` (UTC) as milliseconds; NaN when it is not a date. */
const utc = (t: string | undefined) => Date.parse(`${(t ?? "").replace(" ", "T")}${/ \d\d:\d\d$/.test(t ?? "") ? ":00" : ""}Z`);

/** upcoming before its start, ended from its end, active between (the API shows no status). */
function statusOf(s: WireSubscription, now = Date.now()): "upcoming" | "active" | "ended" {
  if (now < utc(s.start_time)) return "upcoming";
  return now >= utc(s.end_time) ? "ended" : "active";
}

export const { getSubscription, getSubscriptionOutput } = defineLookup({
  vendor,
  name: "Subscription",
  noun: "subscription",
  description:
    "A subscribed item of the account (CloudSigma makes one per resource type, address, VLAN or licence) by uuid, type or the address or VLAN " +
    "it holds; its status is upcoming, active or ended by its start and end times.",
  args: {
    id: uuid("a subscription").optional().describe("its uuid"),
    type: z
      .string()
      .regex(/^(cpu|mem|disk|xfer|ip|vlan|msft_[a-z0-9_]+)$/, "must be cpu, mem, disk, xfer, ip, vlan or a licence code such as msft_lwa_00135")
      .optional()
      .describe("what it is for: cpu, mem, disk, xfer, ip, vlan or a licence code such as msft_lwa_00135"),
    resource: z.string().min(1).optional().describe("the address or VLAN uuid that an ip or vlan subscription holds"),
    status: z.enum(["upcoming", "active", "ended"]).optional().describe("upcoming (before its start), active, or ended"),
  },
  identifiedBy: ["id", "type", "resource"],
  result: z.object({
    id: z.string().describe("its uuid: what a `Subscription`'s `adopt.id` takes"),
    type: z.string(),
    label: z.string().describe("what CloudSigma calls it: CPU, Memory, Static IP address, …"),
    unit: z.string().describe("the unit of its quantity: core MHz, MB, GB, IPs, …"),
    quantity: z.number(),
    startTime: z.string(),
    endTime: z.string(),
    months: z.number().describe("months of its term; 0 when the API does not say"),
    resource: z.string().describe("the address or VLAN uuid it holds; empty for other types"),
    status: z.string().describe("upcoming, active or ended"),
  }),
  list: (client) => read<WireSubscription>(client, "/subscriptions/list"),
  matches: (s, a) =>
    (a.id === undefined || s.subscription === a.id.toLowerCase()) &&
    (a.type === undefined || s.type === a.type) &&
    (a.resource === undefined || s.resource === a.resource) &&
    (a.status === undefined || statusOf(s) === a.status),
  describe: (s) => `${[s.type, s.quantity, s.unit].filter(Boolean).join(" ")} (id ${s.subscription ?? "not shown"}, ${statusOf(s)} until ${s.end_time ?? "?"})`,
  narrow: orList(["id", "resource", "status"]),
  toResult: (s) => ({
    id: s.subscription ?? "",
    type: s.type,
    label: unescapeText(s.type_str ?? ""),
    unit: s.unit ?? "",
    quantity: Number(s.quantity),
    startTime: s.start_time ?? "",
    endTime: s.end_time ?? "",
    months: Number(s.months ?? 0),
    resource: s.resource ?? "",
    status: statusOf(s),
  }),
});

// ---- The account: profile, balance, prices --------------------------------------------------------

const text = (o: KvObject, k: string) => unescapeText(o[k] ?? "");

export const { getProfile, getProfileOutput } = defineLookup({
  vendor,
  name: "Profile",
  noun: "profile",
  description: "The account's profile (`/profile/info`): who it is and its billing currency. Its API secret key is a secret.",
  args: {},
  identifiedBy: [],
  result: z.object({
    id: z.string().describe("the account's uuid: the `owner` of what it owns"),
    email: z.string().describe("the account's email: its login"),
    firstName: z.string(),
    lastName: z.string(),
    nickName: z.string(),
    title: z.string(),
    company: z.string(),
    address: z.string(),
    postcode: z.string(),
    phone: z.string(),
    country: z.string(),
    language: z.string(),
    currency: z.string().describe("the billing currency: once set, it cannot change"),
    secretKey: z.string().describe("the account's API secret key"),
  }),
  secrets: ["secretKey"],
  list: (client) => read<KvObject>(client, "/profile/info"),
  matches: () => true,
  describe: (p) => `${p.email} (id ${p.uuid})`,
  narrow: "endpoint",
  toResult: (p) => ({
    id: p.uuid ?? "",
    email: text(p, "email"),
    firstName: text(p, "first_name"),
    lastName: text(p, "last_name"),
    nickName: text(p, "nick_name"),
    title: text(p, "title"),
    company: text(p, "company"),
    address: text(p, "address"),
    postcode: text(p, "postcode"),
    phone: text(p, "phone"),
    country: text(p, "country"),
    language: text(p, "language"),
    currency: p.currency ?? "",
    secretKey: p.secret_key ?? "",
  }),
});

const BALANCE = "/balance/info";

export const { getBalance, getBalanceOutput } = defineLookup({
  vendor,
  name: "Balance",
  noun: "balance",
  description: "The account's balance (`/balance/info`) and its currency, as the program starts: subscriptions are paid from it.",
  args: {},
  identifiedBy: [],
  result: z.object({ balance: z.number().describe("the amount"), currency: z.string().describe("the account's billing currency, e.g. EUR") }),
  list: (client) => read<KvObject>(client, BALANCE),
  matches: () => true,
  describe: (b) => `${b.balance} ${b.currency}`,
  narrow: "endpoint",
  toResult: (b) => ({ balance: Number(b.balance), currency: b.currency ?? "" }),
});

/** One price of the list: `cpu:sub 0.200` is cpu at the subscription level; `ip 2.00` has no level. */
interface Price {
  resource: string;
  level: string;
  price: number;
}
type PriceList = KvObject & { currency: string };
type PriceFilters = { resource?: string; level?: string };

const pricesOf = (w: PriceList): Price[] =>
  Object.entries(w)
    .filter(([k]) => !["start", "end", "currency"].includes(k))
    .map(([k, v]) => ({ resource: k.split(":")[0], level: k.split(":")[1] ?? "", price: Number(v) }));
const fits = (p: Price, a: PriceFilters) => (a.resource === undefined || p.resource === a.resource) && (a.level === undefined || p.level === a.level);

export const { getPrices, getPricesOutput } = defineLookup({
  vendor,
  name: "Prices",
  noun: "price list",
  description:
    "The current price list (`/pricing/info`), or the prices of one resource or level: `cpu`, `mem`, `disk` and `xfer` at the `sub` " +
    "(subscription) and `burst` levels, and `ip`, `vlan` and licences with no level. Prices are in the account's currency.",
  args: {
    resource: z
      .string()
      .regex(/^[a-z][a-z0-9_]*$/, "must be a resource such as cpu, mem, disk, xfer, ip, vlan or msft_lwa_00135")
      .optional()
      .describe("cpu, mem, disk, xfer, ip, vlan or a licence code"),
    level: z.enum(["sub", "burst"]).optional().describe("sub (subscription) or burst"),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, "must be a currency code such as EUR")
      .optional()
      .describe("the currency the program expects: an error when the account's is another"),
  },
  identifiedBy: [],
  result: z.object({
    currency: z.string().describe("the account's billing currency (the API shows none beside the prices)"),
    start: z.string().describe("when the current pricing period began"),
    end: z.string().describe("when it ends (burst prices may change then)"),
    prices: z
      .array(z.object({ resource: z.string(), level: z.string().describe("sub, burst, or empty"), price: z.number() }))
      .describe("the prices the filters select"),
  }),
  async list(client) {
    const [prices, [balance]] = await Promise.all([read<KvObject>(client, "/pricing/info"), read<KvObject>(client, BALANCE)]);
    return prices.map((p): PriceList => ({ ...p, currency: balance?.currency ?? "" }));
  },
  matches: (w, a) => (a.currency === undefined || w.currency === a.currency) && pricesOf(w).some((p) => fits(p, a)),
  describe: (w) => {
    const keys = pricesOf(w).map((p) => [p.resource, p.level].filter(Boolean).join(":"));
    return `prices in ${w.currency || "an unknown currency"} from ${w.start} of ${keys.join(", ")}`;
  },
  narrow: "resource or level",
  toResult: (w, a) => ({ currency: w.currency, start: w.start ?? "", end: w.end ?? "", prices: pricesOf(w).filter((p) => fits(p, a)) }),
});
