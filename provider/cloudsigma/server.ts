/**
 * cloudsigma.Server: a virtual server (`/servers/create`, `/set`, `/start`, `/stop`, `/shutdown`,
 * `/destroy`). Changes go through `/servers/<uuid>/set`; those the API refuses on a running server (all but
 * name, cpu and tags) stop it, set, and start it again, only if `allowRestart` (else a clear error at
 * preview). Stopping is an ACPI shutdown with a deadline, then a hard stop if `forceStop`. Destroy stops
 * first. The VNC password is a secret.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { ProviderError, checkWithSchema, containsUnknown, diffInputs, hasCode, lazyProvider, plain, waitFor, VendorResource, unlessGone } from "../core";
import { KvObject, escapeText, tokens, unescapeText } from "./codec";
import { configureSigma, sigma } from "./config";

const DEVICE = /^(ide:[0-1]:[0-1]|scsi:0:[0-7]|block:[0-7])$/;

export interface ServerArgs {
  name: pulumi.Input<string>;
  /** CPU quota in core MHz. */
  cpuMhz: pulumi.Input<number>;
  /** Memory in MB. */
  memMb: pulumi.Input<number>;
  /** Virtual CPUs, or "auto" (default) to derive them from cpuMhz. */
  smp?: pulumi.Input<number | "auto">;
  persistent?: pulumi.Input<boolean>;
  /** Drives on devices `ide:B:U`, `scsi:0:N` or `block:N`. */
  drives?: pulumi.Input<pulumi.Input<{ device: pulumi.Input<string>; driveUuid: pulumi.Input<string>; media?: pulumi.Input<"disk" | "cdrom"> }>[]>;
  /** Devices to boot from, in order (default: the first drive's device). */
  boot?: pulumi.Input<pulumi.Input<string>[]>;
  /** NIC 0, the public one: model and DHCP ("auto", a static IP such as a cloudsigma.StaticIp's address, or none). */
  nic0?: pulumi.Input<{ model?: pulumi.Input<"e1000" | "rtl8139" | "virtio">; dhcp?: pulumi.Input<string> }>;
  /** NIC 1 on a private VLAN. */
  nic1?: pulumi.Input<{ vlanUuid: pulumi.Input<string>; model?: pulumi.Input<"e1000" | "rtl8139" | "virtio">; mac?: pulumi.Input<string> }>;
  /** VNC: "auto" or an IP, a password of at most 8 characters (secret), TLS. */
  vnc?: pulumi.Input<{ ip?: pulumi.Input<string>; password?: pulumi.Input<string>; tls?: pulumi.Input<boolean> }>;
  tags?: pulumi.Input<pulumi.Input<string>[]>;
  /** running (default) or stopped. */
  powerState?: pulumi.Input<"running" | "stopped">;
  /** Allow stopping a running server for a change that needs it stopped (default false). */
  allowRestart?: pulumi.Input<boolean>;
  /** When an ACPI shutdown does not finish in shutdownTimeoutSeconds, stop hard (default true). */
  forceStop?: pulumi.Input<boolean>;
  shutdownTimeoutSeconds?: pulumi.Input<number>;
}

type Model = "e1000" | "rtl8139" | "virtio";
export interface ServerInputs {
  name: string;
  cpuMhz: number;
  memMb: number;
  smp: number | "auto";
  persistent: boolean;
  drives: Array<{ device: string; driveUuid: string; media: "disk" | "cdrom" }>;
  boot: string[];
  nic0: { model: Model; dhcp?: string };
  nic1?: { vlanUuid: string; model: Model; mac?: string };
  vnc: { ip?: string; password?: string; tls: boolean };
  tags: string[];
  powerState: "running" | "stopped";
  allowRestart: boolean;
  forceStop: boolean;
  shutdownTimeoutSeconds: number;
}

export interface ServerOutputs extends ServerInputs {
  uuid: string;
  status: string;
  /** The address NIC 0 has while running (from DHCP or the static IP). */
  ip?: string;
  vncAddress?: string;
  startedAt?: number;
}

const INPUTS = ["name", "cpuMhz", "memMb", "smp", "persistent", "drives", "boot", "nic0", "nic1", "vnc", "tags", "powerState", "allowRestart", "forceStop", "shutdownTimeoutSeconds"] as const;
/** What the API lets `set` change on a running server. */
const LIVE = new Set(["name", "cpuMhz", "tags", "powerState", "allowRestart", "forceStop", "shutdownTimeoutSeconds"]);

export function serverSchema() {
  const model = z.enum(["e1000", "rtl8139", "virtio"]);
  return z
    .strictObject({
      name: z.string().trim().min(1, "must not be empty").max(256),
      cpuMhz: z.number().int("must be a whole number of MHz").min(250, "must be at least 250 MHz").max(80_000),
      memMb: z.number().int("must be a whole number of MB").min(128, "must be at least 128 MB").max(131_072),
      smp: z.union([z.literal("auto"), z.number().int().min(1).max(64)]).default("auto"),
      persistent: z.boolean().default(true),
      drives: z
        .array(
          z.strictObject({
            device: z.string().regex(DEVICE, "must be ide:B:U (0-1), scsi:0:N or block:N (0-7)"),
            driveUuid: z.string().min(1, "must name a drive"),
            media: z.enum(["disk", "cdrom"]).default("disk"),
          }),
        )
        .default([]),
      boot: z.array(z.string().regex(DEVICE, "must be a device such as ide:0:0")).optional(),
      nic0: z.strictObject({ model: model.default("virtio"), dhcp: z.string().regex(/^(auto|\d{1,3}(\.\d{1,3}){3})$/, 'must be "auto" or an IPv4 address').optional() }).default({ model: "virtio", dhcp: "auto" }),
      nic1: z.strictObject({ vlanUuid: z.string().min(1), model: model.default("virtio"), mac: z.string().regex(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/i, "must be a MAC address").optional() }).optional(),
      vnc: z.strictObject({ ip: z.string().optional(), password: z.string().max(8, "must be at most 8 characters").optional(), tls: z.boolean().default(false) }).default({ ip: "auto", tls: false }),
      tags: z.array(z.string().regex(/^\S+$/, "must not hold spaces")).default([]),
      powerState: z.enum(["running", "stopped"], { error: 'must be "running" or "stopped"' }).default("running"),
      allowRestart: z.boolean().default(false),
      forceStop: z.boolean().default(true),
      shutdownTimeoutSeconds: z.number().int().positive().default(120),
    })
    .superRefine((v, ctx) => {
      const seenDevice = new Map<string, number>();
      const seenDrive = new Map<string, number>();
      v.drives.forEach((d, i) => {
        if (seenDevice.has(d.device)) ctx.addIssue({ code: "custom", path: ["drives", i, "device"], message: `device ${d.device} is used twice` });
        if (!containsUnknown(d.driveUuid) && seenDrive.has(d.driveUuid)) {
          ctx.addIssue({ code: "custom", path: ["drives", i, "driveUuid"], message: `drive ${d.driveUuid} is already on ${v.drives[seenDrive.get(d.driveUuid)!].device}: a drive can be on one device only` });
        }
        seenDevice.set(d.device, i);
        seenDrive.set(d.driveUuid, i);
      });
      (v.boot ?? []).forEach((b, i) => {
        if (!seenDevice.has(b)) ctx.addIssue({ code: "custom", path: ["boot", i], message: `boot device ${b} has no drive` });
      });
    })
    .transform((v) => ({ ...v, boot: v.boot ?? (v.drives[0] ? [v.drives[0].device] : []) }));
}

/** The server's config as `create` takes it (empty values left out). */
export function serverConfig(i: ServerInputs): KvObject {
  const o: KvObject = {
    name: escapeText(i.name),
    cpu: String(i.cpuMhz),
    mem: String(i.memMb),
    smp: String(i.smp),
    persistent: String(i.persistent),
    boot: i.boot.join(" "),
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
  const out: KvObject = {};
  for (const [k, v] of Object.entries(after)) if (before[k] !== v) out[k] = v;
  for (const k of Object.keys(before)) if (!(k in after)) out[k] = "";
  return out;
}

export function toOutputs(inputs: ServerInputs, s: KvObject): ServerOutputs {
  const running = s.status === "active";
  const drives = Object.keys(s)
    .filter((k) => DEVICE.test(k))
    .sort()
    .map((device) => ({ device, driveUuid: s[device], media: (s[`${device}:media`] as "disk" | "cdrom") ?? "disk" }));
  return plain({
    ...inputs,
    name: unescapeText(s.name ?? ""),
    cpuMhz: Number(s.cpu),
    memMb: Number(s.mem),
    // With smp "auto" the API shows the number it derived; the input stays "auto".
    smp: inputs.smp === "auto" || s.smp === undefined ? inputs.smp : Number(s.smp),
    persistent: s.persistent === "true",
    drives,
    boot: tokens(s.boot),
    nic0: { model: (s["nic:0:model"] as Model) ?? inputs.nic0.model, dhcp: running ? inputs.nic0.dhcp : s["nic:0:dhcp"] },
    nic1: s["nic:1:vlan"] ? { vlanUuid: s["nic:1:vlan"], model: s["nic:1:model"] as Model, mac: inputs.nic1?.mac ?? undefined } : undefined,
    vnc: { ip: running ? inputs.vnc.ip : s["vnc:ip"], password: s["vnc:password"], tls: s["vnc:tls"] === "on" },
    tags: tokens(s.tags),
    uuid: s.server,
    status: s.status,
    ip: running && s["nic:0:dhcp"] && s["nic:0:dhcp"] !== "auto" ? s["nic:0:dhcp"] : undefined,
    vncAddress: running && s["vnc:ip"] && s["vnc:ip"] !== "auto" ? s["vnc:ip"] : undefined,
    startedAt: s.started ? Number(s.started) : undefined,
    powerState: inputs.powerState,
  });
}

function inputsOf(o: ServerOutputs): ServerInputs {
  const out: Record<string, unknown> = {};
  for (const k of INPUTS) if (o[k] !== undefined) out[k] = o[k];
  return out as unknown as ServerInputs;
}

async function info(uuid: string): Promise<KvObject | undefined> {
  return sigma().info(`/servers/${uuid}/info`);
}

/** Waits until the server shows `status` (start and stop are quick; an ACPI shutdown may take a while). */
async function waitStatus(uuid: string, status: "active" | "stopped", timeoutMs: number, what: string): Promise<KvObject> {
  return waitFor(
    async () => {
      const s = await info(uuid);
      if (!s) throw new ProviderError("not_found", `server ${uuid} vanished`);
      return s.status === status ? { done: true, value: s } : { done: false, progress: s.status };
    },
    { timeoutMs, intervalMs: sigma().settings.pollIntervalMs ?? 1000, what },
  );
}

async function start(uuid: string, i: ServerInputs) {
  await sigma().post(`/servers/${uuid}/start`, undefined, { idempotent: true });
  await waitStatus(uuid, "active", 120_000, `server ${i.name} to start`);
}

/** ACPI shutdown with a deadline, then a hard stop if allowed. */
async function stop(uuid: string, i: ServerInputs) {
  await sigma().post(`/servers/${uuid}/shutdown`, undefined, { idempotent: true });
  try {
    await waitStatus(uuid, "stopped", i.shutdownTimeoutSeconds * 1000, `server ${i.name} to shut down`);
  } catch (e) {
    if (!hasCode(e, "wait_timeout") || !i.forceStop) throw e;
    console.warn(`cloudsigma.Server: ${i.name} ignored the ACPI shutdown for ${i.shutdownTimeoutSeconds}s; stopping it`);
    await sigma().post(`/servers/${uuid}/stop`, undefined, { idempotent: true });
    await waitStatus(uuid, "stopped", 60_000, `server ${i.name} to stop`);
  }
}

function needsStop(olds: ServerInputs, news: ServerInputs): string[] {
  return diffInputs(olds as never, news as never, { inputs: INPUTS, replaceOn: [] }).changed.filter((k) => !LIVE.has(k));
}

function restartError(name: string, fields: string[]): ProviderError {
  return new ProviderError("validation", `${fields.join(", ")}: the server ${name} must be stopped for this change; set allowRestart: true to let the provider stop and start it`, { property: fields[0] });
}

export const serverProvider: Required<pulumi.dynamic.ResourceProvider<ServerInputs, ServerOutputs>> = {
  async configure(req) {
    configureSigma(req.config);
  },

  async check(_olds, news) {
    const r = checkWithSchema(serverSchema(), news as never);
    if (r.failures?.length) return r as never;
    const i = r.inputs as unknown as ServerInputs;
    const failures: Array<{ property: string; reason: string }> = [];
    if (i.nic1 && !containsUnknown(i.nic1.vlanUuid) && !(await sigma().info(`/resources/vlan/${i.nic1.vlanUuid}/info`))) {
      failures.push({ property: "nic1.vlanUuid", reason: `no VLAN ${i.nic1.vlanUuid} in this CloudSigma account` });
    }
    for (const [n, d] of i.drives.entries()) {
      if (containsUnknown(d.driveUuid)) continue;
      const found = (await sigma().info(`/drives/${d.driveUuid}/info`)) ?? (await sigma().get("/drives/standard/info")).find((x) => x.drive === d.driveUuid);
      if (!found) failures.push({ property: `drives[${n}].driveUuid`, reason: `no drive ${d.driveUuid} in this CloudSigma account or its library` });
    }
    return failures.length ? { inputs: i, failures } : { inputs: i };
  },

  async diff(_id, olds, news) {
    const d = diffInputs(olds as never, news as never, { inputs: INPUTS, replaceOn: [] });
    const stopFor = needsStop(inputsOf(olds), news);
    if (olds.status === "active" && stopFor.length && !news.allowRestart && !containsUnknown(news)) throw restartError(news.name, stopFor);
    const drifted = (olds.status === "active" ? "running" : "stopped") !== news.powerState;
    return { changes: d.changes || drifted, replaces: [] };
  },

  async create(inputs) {
    const [s] = await sigma().post("/servers/create", serverConfig(inputs), { idempotent: false });
    if (!s?.server) throw new ProviderError("server", "CloudSigma answered /servers/create without a server uuid (insufficient funds?)");
    try {
      if (inputs.powerState === "running") await start(s.server, inputs);
    } catch (e) {
      throw Object.assign(new Error(`server ${s.server} was created but did not start: ${(e as Error).message}`), { id: s.server, properties: toOutputs(inputs, s), reasons: [(e as Error).message] });
    }
    return { id: s.server, outs: toOutputs(inputs, (await info(s.server))!) };
  },

  async read(id, props) {
    const s = await info(id);
    if (!s) return { id: "" };
    const prev = props ? inputsOf(props) : (serverSchema().parse({ name: s.name ?? id, cpuMhz: Number(s.cpu), memMb: Number(s.mem) }) as unknown as ServerInputs);
    const outs = toOutputs({ ...prev, powerState: s.status === "active" ? "running" : "stopped" }, s);
    return { id, props: outs, inputs: inputsOf(outs) as never };
  },

  async update(id, olds, news) {
    const old = inputsOf(olds);
    let s = await info(id);
    if (!s) throw new ProviderError("not_found", `server ${news.name} (${id}) no longer exists`);
    const stopFor = needsStop(old, news);
    const wasRunning = s.status === "active";
    if (wasRunning && stopFor.length) {
      if (!news.allowRestart) throw restartError(news.name, stopFor);
      await stop(id, news);
    }
    const changes = configChanges(old, news);
    if (Object.keys(changes).length) await sigma().post(`/servers/${id}/set`, changes, { idempotent: true });
    s = (await info(id))!;
    if (news.powerState === "running" && s.status !== "active") await start(id, news);
    if (news.powerState === "stopped" && s.status === "active") await stop(id, news);
    return { outs: toOutputs(news, (await info(id))!) };
  },

  async delete(id, props) {
    const s = await info(id);
    if (!s) return;
    if (s.status === "active") {
      await sigma().post(`/servers/${id}/stop`, undefined, { idempotent: true });
      await waitStatus(id, "stopped", 60_000, `server ${props.name} to stop before it is destroyed`);
    }
    await unlessGone(sigma().post(`/servers/${id}/destroy`, undefined, { idempotent: true }));
  },
};

export class Server extends VendorResource {
  static override readonly __pulumiType = "pulumi-nodejs:dynamic/cloudsigma:Server";
  declare readonly name: pulumi.Output<string>;
  declare readonly uuid: pulumi.Output<string>;
  declare readonly status: pulumi.Output<string>;
  declare readonly ip: pulumi.Output<string | undefined>;
  declare readonly vncAddress: pulumi.Output<string | undefined>;
  declare readonly startedAt: pulumi.Output<number | undefined>;
  declare readonly cpuMhz: pulumi.Output<number>;
  declare readonly memMb: pulumi.Output<number>;

  constructor(name: string, args: ServerArgs, opts?: pulumi.CustomResourceOptions) {
    const outputs = { uuid: undefined, status: undefined, ip: undefined, vncAddress: undefined, startedAt: undefined };
    // The VNC password is a secret: encrypted in the state, never shown at preview.
    const props = { ...outputs, ...args, ...(args.vnc ? { vnc: pulumi.secret(args.vnc) } : {}) };
    super(lazyProvider("pulumi-private-cloud/cloudsigma", "serverProvider"), name, props, { ...opts, additionalSecretOutputs: ["vnc", ...(opts?.additionalSecretOutputs ?? [])] }, "cloudsigma", "Server");
  }
}
