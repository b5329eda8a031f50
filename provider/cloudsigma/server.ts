/**
 * cloudsigma.Server: a virtual server (`/servers/create`, `/set`, `/start`, `/stop`, `/shutdown`,
 * `/destroy`). Changes go through `/servers/<uuid>/set`; those the API refuses on a running server (all but
 * name, cpu and tags) stop it, set, and start it again, only with `allowRestart` (otherwise preview fails
 * naming the fields). Stopping is an ACPI shutdown with a deadline, then a hard stop if `forceStop`.
 * Destroy stops first. The VNC settings are a secret (they hold the VNC password). The API boots a server
 * as it creates it (the manual's example and the recorded answers show `status active`); the create's wait
 * starts it only when the answer shows it stopped, or, for `powerState: "stopped"`, stops it at once (a
 * hard stop: it has run nothing yet). The ownership marker is the `user:pulumi` key.
 */
import { z } from "zod";
import { ProviderError, Started, UNKNOWN, containsUnknown, deepEqual, defineResource, hasCode, known, sleep, unlessGone, uuid, waitFor } from "../core";
import { MARKER_KEY, SigmaClient } from "./client";
import { KvObject, escapeText, tokens, unescapeText } from "./codec";
import { vendor } from "./config";
import { awaitImaging, whileBusy } from "./drive";

const DEVICE = /^(ide:[0-1]:[0-1]|scsi:0:[0-7]|block:[0-7])$/;
const NIC_MODELS = ["e1000", "rtl8139", "virtio"] as const;
const nicModel = z.enum(NIC_MODELS);

/** The inputs `set` may change on a running server, and those that change nothing at the vendor (cloneOf replaces). */
const LIVE = new Set(["name", "cpuMhz", "tags", "powerState", "allowRestart", "forceStop", "shutdownTimeoutSeconds", "cloneOf", "cloneTimeoutSeconds"]);

/** The `user:*` key where a clone records the drives its clone copied (space-separated uuids): deleted with it. */
export const CLONES_KEY = "user:pulumi-clones";

/** The keys of a clone's configuration that it has from its source and the inputs may leave out (then cleared). */
const CLONED_KEYS = ["smp", "persistent", "nic:0:model", "nic:0:dhcp", "nic:1:model", "nic:1:vlan", "vnc:ip", "vnc:password", "vnc:tls", "tags"];

// ---- Definition ------------------------------------------------------------------------------------

const fields = z.strictObject({
  name: z.string().trim().min(1, "must not be empty").max(256).describe("the server's name"),
  cpuMhz: z.number().int("must be a whole number of MHz").min(250, "must be at least 250 MHz").max(80_000).describe("CPU quota in core MHz"),
  memMb: z.number().int("must be a whole number of MB").min(128, "must be at least 128 MB").max(131_072).describe("memory in MB"),
  smp: z
    .union([z.literal("auto"), z.number().int().min(1).max(64)])
    .default("auto")
    .describe('virtual CPUs, or "auto" to derive them from cpuMhz'),
  persistent: z.boolean().default(true).describe("a persistent server is kept when it stops"),
  drives: z
    .array(
      z.strictObject({
        device: z.string().regex(DEVICE, "must be ide:B:U (0-1), scsi:0:N or block:N (0-7)").describe("`ide:B:U`, `scsi:0:N` or `block:N`"),
        driveUuid: uuid("a drive").describe("a cloudsigma.Drive's id, or a library drive"),
        media: z.enum(["disk", "cdrom"]).default("disk"),
      }),
    )
    .default([])
    .describe("the drives and the devices they are on"),
  boot: z
    .array(z.string().regex(DEVICE, "must be a device such as ide:0:0"))
    .optional()
    .describe("devices to boot from, in order (default: the first drive's device)"),
  nic0: z
    .strictObject({
      model: nicModel.default("virtio"),
      dhcp: z
        .string()
        .regex(/^(auto|\d{1,3}(\.\d{1,3}){3})$/, 'must be "auto" or an IPv4 address')
        .optional()
        .describe('"auto", a static IP (a cloudsigma.StaticIp\'s address), or absent for none'),
    })
    .default({ model: "virtio", dhcp: "auto" })
    .describe("NIC 0, the public one: its model and address"),
  nic1: z
    .strictObject({
      vlanUuid: uuid("a VLAN").describe("a cloudsigma.Vlan's id"),
      model: nicModel.default("virtio"),
      mac: z
        .string()
        .regex(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/i, "must be a MAC address")
        .optional(),
    })
    .optional()
    .describe("NIC 1, on a private VLAN"),
  vnc: z
    .strictObject({
      ip: z.string().optional().describe('"auto" or an IP'),
      password: z.string().max(8, "must be at most 8 characters").optional(),
      tls: z.boolean().default(false),
    })
    .default({ ip: "auto", tls: false })
    .describe("the VNC console: its address, a password of at most 8 characters, TLS; a secret"),
  tags: z.array(z.string().regex(/^\S+$/, "must not hold spaces")).default([]).describe("tags (changed live)"),
  powerState: z
    .enum(["running", "stopped"], { error: 'must be "running" or "stopped"' })
    .default("running")
    .describe("running (started after the create) or stopped"),
  allowRestart: z
    .boolean()
    .default(false)
    .describe("allow stopping a running server for a change that needs it stopped (otherwise such a change fails at preview)"),
  forceStop: z.boolean().default(true).describe("stop hard when an ACPI shutdown does not finish in shutdownTimeoutSeconds"),
  shutdownTimeoutSeconds: z.number().int().positive("must be positive").default(120).describe("deadline of an ACPI shutdown, in seconds"),
  cloneOf: uuid("a server")
    .optional()
    .describe(
      "make the server as a clone of this one (`/servers/<uuid>/clone`): the drives the source holds exclusively are copied (the " +
        "`clonedDrives` output; they are deleted with this server), library and shared drives are mounted as they are; the clone is " +
        "stopped at once (a static address it has from its source cleared), and once its copies are made set to these inputs and started; " +
        "leave `drives` out; changing it replaces the server",
    ),
  cloneTimeoutSeconds: z.number().int().positive("must be positive").default(1800).describe("deadline of a clone's drive copies, in seconds"),
});

const inputs = fields.superRefine((v, ctx) => {
  if (v.cloneOf && Array.isArray(v.drives) && v.drives.length) {
    ctx.addIssue({ code: "custom", path: ["drives"], message: "a clone's drives are copies of its source's (the clonedDrives output): leave drives out" });
  }
  const seenDevice = new Map<string, number>();
  const seenDrive = new Map<string, number>();
  v.drives.forEach((d, i) => {
    if (seenDevice.has(d.device)) ctx.addIssue({ code: "custom", path: ["drives", i, "device"], message: `device ${d.device} is used twice` });
    if (!containsUnknown(d.driveUuid) && seenDrive.has(d.driveUuid)) {
      ctx.addIssue({
        code: "custom",
        path: ["drives", i, "driveUuid"],
        message: `drive ${d.driveUuid} is already on ${v.drives[seenDrive.get(d.driveUuid)!].device}: a drive can be on one device only`,
      });
    }
    seenDevice.set(d.device, i);
    seenDrive.set(d.driveUuid, i);
  });
  // A clone's drives are its source's copies, on the devices its source had: CloudSigma checks its boot devices.
  if (!v.cloneOf) {
    (v.boot ?? []).forEach((b, i) => {
      if (!seenDevice.has(b)) ctx.addIssue({ code: "custom", path: ["boot", i], message: `boot device ${b} has no drive` });
    });
  }
});

type ServerInputs = z.output<typeof inputs>;

/**
 * The devices a server boots from: as given, or its first drive's (unknown at preview while the drives are);
 * undefined for a clone that does not say (it boots as its source did).
 */
function bootOf(i: Pick<ServerInputs, "boot" | "drives" | "cloneOf">): string[] | typeof UNKNOWN | undefined {
  if (i.boot) return i.boot;
  if (i.cloneOf) return undefined;
  if (containsUnknown(i.drives)) return UNKNOWN;
  return i.drives[0] ? [i.drives[0].device] : [];
}

/** The inputs a running server must be stopped for. */
const STOPPED_ONLY = Object.keys(fields.shape).filter((k) => !LIVE.has(k)) as Array<keyof ServerInputs>;

export const Server = defineResource({
  vendor,
  type: "Server",
  description: "A virtual server: created stopped and started, changed live or with a stop-set-start when allowed.",
  inputs,
  outputs: z.object({
    uuid: z.string().describe("the server's uuid (its id)"),
    status: z.string().describe("active, stopped, paused..."),
    ip: z.string().optional().describe("the address NIC 0 has while the server runs (from DHCP or the static IP)"),
    vncAddress: z.string().optional().describe("the VNC console's address while the server runs"),
    startedAt: z.number().optional().describe("when the server last started (epoch seconds)"),
    clonedDrives: z.array(z.string()).describe("a clone's copies of its source's drives (uuids): made by the clone, deleted with it; empty otherwise"),
  }),
  replaceOn: ["cloneOf"],
  // How the provider stops and restarts (never sent): a state written before one existed shows no change.
  local: ["allowRestart", "forceStop"],
  // Left out, the server boots from its first drive, which is no change.
  computed: ["boot"],
  secrets: ["vnc"],
  adopt: { byName: true, id: uuid("a server") },
  recovery: { marker: `the server's ${MARKER_KEY} key` },
  model: (s: WireServer, prior) => model(s, prior),
  async check(i, { client }, olds) {
    // Name what does not exist at preview, before anything is created.
    const failures: Array<{ property: string; reason: string }> = [];
    if (i.cloneOf && known(i.cloneOf) && i.cloneOf !== olds?.cloneOf && !(await client.exists("servers", i.cloneOf))) {
      failures.push({ property: "cloneOf", reason: `no server ${i.cloneOf} in this CloudSigma account to clone` });
    }
    if (i.nic1 && known(i.nic1) && !(await client.exists("vlans", i.nic1.vlanUuid))) {
      failures.push({ property: "nic1.vlanUuid", reason: `no VLAN ${i.nic1.vlanUuid} in this CloudSigma account` });
    }
    for (const [n, d] of (known(i.drives) ? i.drives : []).entries()) {
      if (containsUnknown(d.driveUuid)) continue;
      const found = (await client.exists("drives", d.driveUuid)) || (await client.library()).some((x) => x.drive === d.driveUuid);
      if (!found) failures.push({ property: `drives[${n}].driveUuid`, reason: `no drive ${d.driveUuid} in this CloudSigma account or its library` });
    }
    return failures;
  },
  diff(olds, news, d) {
    // A change the API refuses on a running server fails at preview unless the server may be restarted.
    const stopFor = stoppedOnlyChanges(olds, news);
    if (!d.replaces.length && olds.status === "active" && stopFor.length && !news.allowRestart) throw restartNeeded(news.name, stopFor);
  },
  operations: {
    async create(i, { client, marker }) {
      if (i.cloneOf) return cloneServer(client, i, marker);
      const [s] = await client.post<WireServer>("/servers/create", { ...serverConfig(i), [MARKER_KEY]: marker }, { idempotent: false });
      if (!s?.server) throw new ProviderError("server", "CloudSigma answered /servers/create without a server uuid (insufficient funds?)");
      return { id: s.server, wait: () => settlePower(client, s.server, i, s.status) };
    },
    read: (id, { client }) => client.object<WireServer>("servers", id),
    async update(id, olds, news, { client }) {
      const s = await client.object<WireServer>("servers", id);
      if (!s) throw new ProviderError("not_found", `server ${news.name} (${id}) no longer exists`);
      // A clone whose create was recorded before it was (a partial create): its marker and copies, so that its delete leaves no copy.
      if (news.cloneOf && news.marker && s[MARKER_KEY] !== news.marker) {
        const source = await client.object<WireServer>("servers", news.cloneOf);
        await recordClone(client, id, news.marker, source ? mounted(s).filter((d) => !mounted(source).includes(d)) : tokens(s[CLONES_KEY]));
      }
      const stopFor = stoppedOnlyChanges(olds, news);
      if (s.status === "active" && stopFor.length) {
        if (!news.allowRestart) throw restartNeeded(news.name, stopFor);
        await stop(client, id, news);
      }
      const changes = configChanges(olds, news);
      if (Object.keys(changes).length) await client.post(`/servers/${id}/set`, changes, { idempotent: true });
      const now = (await client.object<WireServer>("servers", id))!;
      if (news.powerState === "running" && now.status !== "active") await start(client, id, news);
      if (news.powerState === "stopped" && now.status === "active") await stop(client, id, news);
    },
    async delete(id, props, { client }) {
      const s = await client.object<WireServer>("servers", id);
      const copies = s ? tokens(s[CLONES_KEY]) : (props.clonedDrives ?? []);
      if (s) {
        if (s.status === "active") {
          await client.post(`/servers/${id}/stop`, undefined, { idempotent: true });
          await waitStatus(client, id, "stopped", 60_000, `server ${props.name} to stop before it is destroyed`);
        }
        await client.post(`/servers/${id}/destroy`, undefined, { idempotent: true });
      }
      // A clone's copies of its source's drives are its own: no orphan is left.
      for (const d of copies) {
        await unlessGone(whileBusy(client, props.cloneTimeoutSeconds ?? 1800, () => client.post(`/drives/${d}/destroy`, undefined, { idempotent: true })));
      }
    },
    async list({ name, marker, earlier }, _i, { client }) {
      const servers = marker
        ? await (earlier ? client.markedEarlier<WireServer>("servers", marker) : client.marked<WireServer>("servers", marker))
        : await client.get<WireServer>("/servers/info");
      return servers.filter((s) => name === undefined || unescapeText(s.name ?? "") === name).map((s) => ({ id: s.server, marker: s[MARKER_KEY] }));
    },
    // A server found after a lost answer or a killed run may not be in its power state yet.
    settle: async (id, i, { client }) => {
      const s = await client.object<WireServer>("servers", id);
      return i.cloneOf ? finishClone(client, id, i, tokens(s?.[CLONES_KEY])) : settlePower(client, id, i, s?.status);
    },
  },
});
export type Server = InstanceType<typeof Server>;

// ---- Model -----------------------------------------------------------------------------------------

/**
 * The server as outputs: the inputs as CloudSigma shows them (for refresh and adoption), and what only it
 * knows. While it runs, the API shows the addresses in use where `auto` was set: the inputs keep `auto`.
 */
export function model(s: WireServer, prior: Partial<ServerInputs>) {
  const running = s.status === "active";
  // The declared order of the devices first, so that a refresh shows no false change.
  const declared = (prior.drives ?? []).map((d) => d.device);
  const rank = (dev: string) => (declared.includes(dev) ? declared.indexOf(dev) : declared.length);
  const devices = Object.keys(s)
    .filter((k) => DEVICE.test(k) && s[k])
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  const dhcp = s["nic:0:dhcp"];
  const clone = prior.cloneOf !== undefined;
  return {
    name: unescapeText(s.name ?? ""),
    cpuMhz: Number(s.cpu),
    memMb: Number(s.mem),
    // With smp "auto" the API shows the number it derived; the input stays "auto".
    ...(prior.smp !== "auto" && s.smp !== undefined ? { smp: Number(s.smp) } : {}),
    persistent: s.persistent === "true",
    // A clone's drives came with it (clonedDrives): they are not inputs.
    drives: clone
      ? (prior.drives ?? [])
      : devices.map((device) => ({ device, driveUuid: s[device]!, media: s[`${device}:media`] === "cdrom" ? ("cdrom" as const) : ("disk" as const) })),
    boot: tokens(s.boot),
    nic0: { model: nicModelOf(s["nic:0:model"]) ?? prior.nic0?.model ?? "virtio", dhcp: running ? prior.nic0?.dhcp : dhcp },
    nic1: s["nic:1:vlan"] ? { vlanUuid: s["nic:1:vlan"], model: nicModelOf(s["nic:1:model"]) ?? "virtio", mac: prior.nic1?.mac } : undefined,
    vnc: { ip: running ? prior.vnc?.ip : s["vnc:ip"], password: s["vnc:password"], tls: s["vnc:tls"] === "on" },
    tags: tokens(s.tags),
    // Not active (stopped, paused, dumped, dead) is not running: a server that should run is started again.
    powerState: running ? ("running" as const) : ("stopped" as const),
    uuid: s.server,
    status: s.status,
    ip: running && dhcp && dhcp !== "auto" ? dhcp : undefined,
    vncAddress: running && s["vnc:ip"] && s["vnc:ip"] !== "auto" ? s["vnc:ip"] : undefined,
    startedAt: s.started ? Number(s.started) : undefined,
    clonedDrives: tokens(s[CLONES_KEY]),
  };
}

/** The drive uuids a server mounts. */
const mounted = (s: WireServer) =>
  Object.keys(s)
    .filter((k) => DEVICE.test(k) && s[k])
    .map((k) => s[k]!);

const nicModelOf = (m: string | undefined) => NIC_MODELS.find((x) => x === m);

/** The server's config as `create` takes it (empty values left out). */
export function serverConfig(i: ServerInputs): KvObject {
  const o: KvObject = {
    name: escapeText(i.name),
    cpu: String(i.cpuMhz),
    mem: String(i.memMb),
    smp: String(i.smp),
    persistent: String(i.persistent),
    boot: (bootOf(i) as string[] | undefined)?.join(" ") ?? "",
    "nic:0:model": i.nic0.model,
    "vnc:ip": i.vnc.ip ?? "auto",
    tags: i.tags.join(" "),
  };
  if (i.nic0.dhcp) o["nic:0:dhcp"] = i.nic0.dhcp;
  for (const d of i.drives) {
    o[d.device] = d.driveUuid;
    o[`${d.device}:media`] = d.media;
  }
  if (i.nic1) {
    o["nic:1:model"] = i.nic1.model;
    o["nic:1:vlan"] = i.nic1.vlanUuid;
    if (i.nic1.mac) o["nic:1:mac"] = i.nic1.mac;
  }
  if (i.vnc.password) o["vnc:password"] = i.vnc.password;
  if (i.vnc.tls) o["vnc:tls"] = "on";
  for (const [k, v] of Object.entries(o)) if (v === "") delete o[k];
  return o;
}

/** Only what changed, for `/servers/<uuid>/set`; a key that is gone is sent empty (cleared). */
export function configChanges(olds: ServerInputs, news: ServerInputs): KvObject {
  const before = serverConfig(olds);
  const after = serverConfig(news);
  // A clone that names no boot device keeps its source's.
  if (bootOf(news) === undefined) delete before.boot;
  const out: KvObject = {};
  for (const [k, v] of Object.entries(after)) if (before[k] !== v) out[k] = v;
  for (const k of Object.keys(before)) if (!(k in after)) out[k] = "";
  return out;
}

/** The changed inputs that the API takes only on a stopped server (those still unknown at preview left out). */
function stoppedOnlyChanges(olds: ServerInputs, news: ServerInputs): Array<keyof ServerInputs> {
  const effective = (i: ServerInputs) => ({ ...i, boot: bootOf(i) });
  const [o, n] = [effective(olds), effective(news)];
  return STOPPED_ONLY.filter((k) => !containsUnknown(n[k]) && (k !== "boot" || n.boot !== undefined) && !deepEqual(o[k], n[k]));
}

function restartNeeded(name: string, inputs: string[]): ProviderError {
  return new ProviderError(
    "validation",
    `${inputs.join(", ")}: the server ${name} must be stopped for this change; set allowRestart: true to let the provider stop and start it`,
    { property: inputs[0] },
  );
}

// ---- Clone -----------------------------------------------------------------------------------------

/**
 * `/servers/<source>/clone` (it takes only a name): its id and what its wait does. Once the id is known no
 * error here may make the layer clone again: recording the clone (its marker and copies, on the clone) is
 * the wait's first step, so a failure there is a partial create (the clone is in the state). The clone takes
 * no marker with it, so a lost answer is resolved here by the one new server of this name.
 */
async function cloneServer(client: SigmaClient, i: ServerInputs, marker: string): Promise<Started<WireServer>> {
  const source = await client.object<WireServer>("servers", i.cloneOf!);
  if (!source) throw new ProviderError("validation", `cloneOf: no server ${i.cloneOf} in this CloudSigma account to clone`, { property: "cloneOf" });
  const before = new Set((await client.get<WireServer>("/servers/info")).map((s) => s.server));
  let clone: WireServer | undefined;
  let lost: unknown;
  try {
    [clone] = await client.post<WireServer>(`/servers/${i.cloneOf}/clone`, { name: escapeText(i.name) }, { idempotent: false });
  } catch (e) {
    if (!hasCode(e, "connection", "timeout", "server")) throw e;
    lost = e;
  }
  if (!clone?.server) clone = await lostClone(client, i, before, lost);
  const id = clone.server;
  const copies = mounted(clone).filter((d) => !mounted(source).includes(d));
  return { id, wait: () => finishClone(client, id, { ...i, marker }, copies) };
}

/**
 * The clone whose answer was lost (or came without a uuid): the one new server of its name, looked for until
 * twice the request timeout has passed (a clone may appear seconds later). Only a search that proved no clone
 * was made lets the create's own error through (the layer may send it again); any doubt is a final error.
 */
async function lostClone(client: SigmaClient, i: ServerInputs, before: Set<string>, e: unknown): Promise<WireServer> {
  const path = `/servers/${i.cloneOf}/clone`;
  const why = e ? `the answer of ${path} was lost (${(e as Error).message})` : `CloudSigma answered ${path} without a server uuid`;
  if (hasCode(e, "connection") && e.details.notSent) throw e; // the request never reached CloudSigma: nothing was made
  const until = Date.now() + 2 * (client.settings.requestTimeoutMs ?? 60_000);
  for (;;) {
    let fresh: WireServer[];
    try {
      fresh = (await client.get<WireServer>("/servers/info")).filter((s) => !before.has(s.server) && unescapeText(s.name ?? "") === i.name);
    } catch (r) {
      throw new ProviderError(
        "conflict",
        `${why}, and the servers could not be listed to find the clone (${(r as Error).message}): a server named "${i.name}" may have been made; ` +
          "adopt it with adopt: {id} or delete it, then run the update again",
        { cause: e },
      );
    }
    if (fresh.length > 1) {
      const ids = fresh.map((s) => s.server).join(", ");
      throw new ProviderError(
        "conflict",
        `${why}, and ${fresh.length} new servers are named "${i.name}" (${ids}): adopt one with adopt: {id}, delete the others`,
        {
          cause: e,
        },
      );
    }
    if (fresh.length === 1) return fresh[0];
    if (Date.now() >= until) break;
    await sleep(client.pollMs);
  }
  const seconds = Math.round((2 * (client.settings.requestTimeoutMs ?? 60_000)) / 1000);
  // Proven that nothing was made: a dropped connection or a 5xx is the layer's to send again.
  if (e && !hasCode(e, "timeout")) throw e;
  // A request that timed out (or an answer without a uuid) may still make a clone later: never send it again.
  throw new ProviderError(
    "wait_timeout",
    `${why}, and no new server named "${i.name}" appeared in ${seconds}s; if one appears later, adopt it with adopt: {id} or delete it`,
    { cause: e },
  );
}

/** Records on a clone its marker and its copies of the source's drives (`user:*` keys, which `set` takes on a running server). */
async function recordClone(client: SigmaClient, id: string, marker: string | undefined, copies: string[]) {
  const keys: KvObject = { [CLONES_KEY]: copies.join(" "), ...(marker ? { [MARKER_KEY]: marker } : {}) };
  if (!copies.length) delete keys[CLONES_KEY];
  if (Object.keys(keys).length) await client.post(`/servers/${id}/set`, keys, { idempotent: true });
}

/**
 * A clone brought to its inputs: recorded (marker and copies), stopped at once and a static address it has
 * from its source cleared (it booted as made, on its source's configuration: two servers on one address),
 * its copies imaged (and marked as its own), then set to the inputs (what it has from its source and the
 * inputs leave out is cleared) and brought to its power state.
 */
async function finishClone(client: SigmaClient, id: string, i: ServerInputs & { marker?: string }, copies: string[]) {
  await recordClone(client, id, i.marker, copies);
  await stopClone(client, id, i.name);
  for (const d of copies) await awaitImaging(client, d, `${i.name}'s copy ${d}`, i.cloneTimeoutSeconds * 1000, `cloudsigma.Server ${i.name}`);
  // Whatever user:* keys the copy has from its source drive (another resource's marker), it is this server's.
  if (i.marker) for (const d of copies) await client.post(`/drives/${d}/set`, { [MARKER_KEY]: i.marker }, { idempotent: true });
  const s = await stopClone(client, id, i.name);
  const config = serverConfig(i);
  const changes: KvObject = Object.fromEntries(Object.entries(config).filter(([k, v]) => s[k] !== v));
  for (const k of CLONED_KEYS) if (s[k] !== undefined && !(k in config)) changes[k] = "";
  if (Object.keys(changes).length) await client.post(`/servers/${id}/set`, changes, { idempotent: true });
  await settlePower(client, id, i, "stopped");
}

/** A clone stopped (a hard stop: it has only just booted) and without a static address of its source's. */
async function stopClone(client: SigmaClient, id: string, name: string): Promise<WireServer> {
  let s = await client.object<WireServer>("servers", id);
  if (s?.status === "active") {
    await client.post(`/servers/${id}/stop`, undefined, { idempotent: true });
    s = await waitStatus(client, id, "stopped", 60_000, `clone ${name} to stop`);
  }
  if (!s) throw new ProviderError("not_found", `clone ${name} (${id}) vanished`);
  const dhcp = s["nic:0:dhcp"];
  if (dhcp && dhcp !== "auto") {
    await client.post(`/servers/${id}/set`, { "nic:0:dhcp": "" }, { idempotent: true });
    delete s["nic:0:dhcp"];
  }
  return s;
}

// ---- Power -----------------------------------------------------------------------------------------

/** Waits until the server shows `status` (start and stop are quick; an ACPI shutdown may take a while). */
function waitStatus(client: SigmaClient, uuid: string, status: "active" | "stopped", timeoutMs: number, what: string): Promise<WireServer> {
  return waitFor(
    async () => {
      const s = await client.object<WireServer>("servers", uuid);
      if (!s) throw new ProviderError("not_found", `server ${uuid} vanished`);
      return s.status === status ? { done: true, value: s } : { done: false, progress: s.status };
    },
    { timeoutMs, intervalMs: client.pollMs, what },
  );
}

async function start(client: SigmaClient, uuid: string, i: ServerInputs) {
  await client.post(`/servers/${uuid}/start`, undefined, { idempotent: true });
  await waitStatus(client, uuid, "active", 120_000, `server ${i.name} to start`);
}

/**
 * A new server brought to its declared power state: started unless it runs already (as the API boots it),
 * or stopped at once (it has run nothing yet).
 */
async function settlePower(client: SigmaClient, uuid: string, i: ServerInputs, status: string | undefined) {
  if (i.powerState === "running") return status === "active" ? undefined : start(client, uuid, i);
  if (status !== "active") return;
  await client.post(`/servers/${uuid}/stop`, undefined, { idempotent: true });
  await waitStatus(client, uuid, "stopped", 60_000, `server ${i.name} to stop`);
}

/** ACPI shutdown with a deadline, then a hard stop if allowed. */
async function stop(client: SigmaClient, uuid: string, i: ServerInputs) {
  await client.post(`/servers/${uuid}/shutdown`, undefined, { idempotent: true });
  try {
    await waitStatus(client, uuid, "stopped", i.shutdownTimeoutSeconds * 1000, `server ${i.name} to shut down`);
  } catch (e) {
    if (!hasCode(e, "wait_timeout") || !i.forceStop) throw e;
    console.warn(`cloudsigma.Server: ${i.name} ignored the ACPI shutdown for ${i.shutdownTimeoutSeconds}s; stopping it`);
    await client.post(`/servers/${uuid}/stop`, undefined, { idempotent: true });
    await waitStatus(client, uuid, "stopped", 60_000, `server ${i.name} to stop`);
  }
}

// ---- Wire ------------------------------------------------------------------------------------------

/** A server as `/servers/<uuid>/info` shows it. */
interface WireServer {
  /** Each device (`ide:0:0`, `scsi:0:3`, `block:1`) holds a drive uuid, with `<device>:media`; and more keys. */
  [key: string]: string | undefined;
  server: string;
  name?: string;
  status: string;
  user?: string;
  cpu: string;
  mem: string;
  smp?: string;
  persistent?: string;
  boot?: string;
  tags?: string;
  "nic:0:model"?: string;
  /** `auto` or the static IP while stopped; the address in use while running. */
  "nic:0:dhcp"?: string;
  "nic:1:model"?: string;
  "nic:1:vlan"?: string;
  "nic:1:mac"?: string;
  /** `auto` or an IP while stopped; the address in use while running. */
  "vnc:ip"?: string;
  "vnc:password"?: string;
  "vnc:tls"?: string;
  /** Epoch seconds, while running. */
  started?: string;
  [MARKER_KEY]?: string;
}
