/**
 * chimestack.Vm (`POST /v1/vm`): a VM in an AZ and cluster, with an instance spec, root and data volumes
 * (by volume spec and image) and NICs on subnets. Create answers a stub at once; the provider waits until
 * the VM's `operation` is empty and its state settled. In place: name, description (`PATCH`), power state
 * (`start`/`stop`). The spec, volumes, NICs and passwords replace the VM (ChimeStack 0.1 has no resize,
 * and attaching volumes or NICs needs them made apart; see the README). The passwords are secrets and
 * never in the outputs.
 *
 * VM states are not documented: we read 1 as running and 2 as stopped, and anything else (0 and unknown
 * numbers) as still in progress until the deadline.
 */
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";
import { z } from "zod";
import { ProviderError, checkWithSchema, containsUnknown, diffInputs, lazyProvider, plain, waitFor, VendorResource, unlessGone } from "../core";
import { chime, configureChime } from "./config";
import { missingCluster } from "./network";

const GIB = 1024 ** 3;
export const VM_STATES: Record<number, "running" | "stopped"> = { 1: "running", 2: "stopped" };

export interface VmArgs {
  azUuid: pulumi.Input<string>;
  clusterUuid: pulumi.Input<string>;
  hostUuid?: pulumi.Input<string>;
  instanceSpecUuid: pulumi.Input<string>;
  name: pulumi.Input<string>;
  description?: pulumi.Input<string>;
  volumes: pulumi.Input<pulumi.Input<{ name: pulumi.Input<string>; sizeGb: pulumi.Input<number>; volumeSpecUuid: pulumi.Input<string>; imageUuid?: pulumi.Input<string>; root?: pulumi.Input<boolean> }>[]>;
  nics: pulumi.Input<pulumi.Input<{ name: pulumi.Input<string>; subnetUuid: pulumi.Input<string>; securityGroupUuid: pulumi.Input<string>; ip?: pulumi.Input<string>; primary?: pulumi.Input<boolean> }>[]>;
  /** A CD-ROM from an ISO image at creation. */
  cdrom?: pulumi.Input<{ name: pulumi.Input<string>; imageUuid: pulumi.Input<string>; volumeSpecUuid: pulumi.Input<string>; bootable?: pulumi.Input<boolean> }>;
  /** The root password (cloud-init); a secret. */
  password?: pulumi.Input<string>;
  vncPassword?: pulumi.Input<string>;
  powerState?: pulumi.Input<"running" | "stopped">;
  timeoutSeconds?: pulumi.Input<number>;
}

export interface VmInputs {
  azUuid: string;
  clusterUuid: string;
  hostUuid?: string;
  instanceSpecUuid: string;
  name: string;
  description: string;
  volumes: Array<{ name: string; sizeGb: number; volumeSpecUuid: string; imageUuid?: string; root: boolean }>;
  nics: Array<{ name: string; subnetUuid: string; securityGroupUuid: string; ip?: string; primary: boolean }>;
  cdrom?: { name: string; imageUuid: string; volumeSpecUuid: string; bootable: boolean };
  password?: string;
  vncPassword?: string;
  powerState: "running" | "stopped";
  timeoutSeconds: number;
}

export interface VmOutputs extends Omit<VmInputs, "password" | "vncPassword"> {
  uuid: string;
  state: number;
  status: string;
  hostName: string;
  hostIp: string;
  vcpus: number;
  memoryBytes: number;
  ips: string[];
  nicDetails: Array<{ uuid: string; name: string; ip: string; mac: string; subnetUuid: string }>;
  volumeDetails: Array<{ uuid: string; name: string; sizeBytes: number; root: boolean }>;
  /** A secret, salted hash of the passwords: a change shows in a diff, the passwords are never stored here. */
  secretsHash: string;
}

interface WireVm {
  uuid: string;
  name: string;
  description: string;
  host_uuid: string;
  host_name: string;
  host_ip: string;
  vcpus: number;
  memory: number;
  state: number;
  operation: string;
  nics: Array<{ uuid: string; name: string; ip: string; mac: string; subnet_uuid: string }>;
  volumes: Array<{ uuid: string; name: string; size: number; root: number }>;
}

const INPUTS = ["azUuid", "clusterUuid", "hostUuid", "instanceSpecUuid", "name", "description", "volumes", "nics", "cdrom", "powerState", "timeoutSeconds"] as const;
const REPLACE_ON = ["azUuid", "clusterUuid", "hostUuid", "instanceSpecUuid", "cdrom"] as const;
const NAME = /^[A-Za-z0-9_-]{2,64}$/;

export function vmSchema() {
  return z
    .strictObject({
      azUuid: z.string().min(1, "must name an availability zone"),
      clusterUuid: z.string().min(1, "must name a cluster"),
      hostUuid: z.string().min(1).optional(),
      instanceSpecUuid: z.string().min(1, "must name an instance spec"),
      name: z.string().regex(NAME, "must be 2-64 characters of A-Z a-z 0-9 _ -"),
      description: z.string().default(""),
      volumes: z
        .array(
          z.strictObject({
            name: z.string().regex(NAME, "must be 2-64 characters of A-Z a-z 0-9 _ -"),
            sizeGb: z.number().positive("must be positive").max(64 * 1024),
            volumeSpecUuid: z.string().min(1, "must name a volume spec"),
            imageUuid: z.string().min(1).optional(),
            root: z.boolean().default(false),
          }),
        )
        .min(1, "a VM needs at least its root volume")
        .max(128),
      nics: z
        .array(
          z.strictObject({
            name: z.string().regex(NAME, "must be 2-64 characters of A-Z a-z 0-9 _ -"),
            subnetUuid: z.string().min(1, "must name a subnet"),
            securityGroupUuid: z.string().min(1, "must name a security group"),
            ip: z.string().regex(/^\d{1,3}(\.\d{1,3}){3}$/, "must be an IPv4 address").optional(),
            primary: z.boolean().default(false),
          }),
        )
        .min(1, "a VM needs a NIC")
        .max(16),
      cdrom: z.strictObject({ name: z.string().regex(NAME, "must be 2-64 characters of A-Z a-z 0-9 _ -"), imageUuid: z.string().min(1), volumeSpecUuid: z.string().min(1), bootable: z.boolean().default(false) }).optional(),
      password: z.string().min(1).optional(),
      vncPassword: z.string().min(1).optional(),
      powerState: z.enum(["running", "stopped"], { error: 'must be "running" or "stopped"' }).default("running"),
      timeoutSeconds: z.number().int().positive().default(900),
    })
    .superRefine((v, ctx) => {
      if (v.volumes.filter((x) => x.root).length > 1) ctx.addIssue({ code: "custom", path: ["volumes"], message: "only one volume can be the root" });
      if (v.nics.filter((x) => x.primary).length > 1) ctx.addIssue({ code: "custom", path: ["nics"], message: "only one NIC can be the primary" });
      for (const [field, list] of [["volumes", v.volumes], ["nics", v.nics]] as const) {
        const names = list.map((x) => x.name);
        names.forEach((n, i) => names.indexOf(n) !== i && ctx.addIssue({ code: "custom", path: [field, i, "name"], message: `two ${field} are named ${n}` }));
      }
    });
}

export function secretsHash(i: { password?: string; vncPassword?: string }, salt: string): string {
  return createHash("sha256").update(`${salt}:${i.password ?? ""}:${i.vncPassword ?? ""}`).digest("hex");
}

export function toOutputs(i: VmInputs, w: WireVm, hashSalt: string): VmOutputs {
  const { password, vncPassword, ...rest } = i;
  return plain({
    ...rest,
    name: w.name,
    description: w.description,
    uuid: w.uuid,
    state: w.state,
    status: VM_STATES[w.state] ?? `in progress (state ${w.state})`,
    powerState: VM_STATES[w.state] ?? i.powerState,
    hostName: w.host_name,
    hostIp: w.host_ip,
    vcpus: w.vcpus,
    memoryBytes: w.memory,
    ips: w.nics.map((n) => n.ip).filter(Boolean),
    nicDetails: w.nics.map((n) => ({ uuid: n.uuid, name: n.name, ip: n.ip, mac: n.mac, subnetUuid: n.subnet_uuid })),
    volumeDetails: w.volumes.map((v) => ({ uuid: v.uuid, name: v.name, sizeBytes: v.size, root: v.root === 1 })),
    secretsHash: secretsHash({ password, vncPassword }, hashSalt),
  });
}

/** True when a list cannot change by attach and detach alone: a kept item changed, or the key item moved. */
function inPlaceImpossible<T extends { name: string }>(olds: T[], news: T[], key: (x: T) => boolean): boolean {
  for (const n of news) {
    const o = olds.find((x) => x.name === n.name);
    if (o && JSON.stringify(o) !== JSON.stringify(n)) return true;
  }
  const oldKey = olds.find(key)?.name;
  const newKey = news.find(key)?.name;
  return oldKey !== newKey;
}

const get = (uuid: string) => chime().getOne<WireVm>(`/v1/vm/${uuid}`, "vm");

/** Waits until the VM's operation is done and its state is the one wanted (unknown states: in progress). */
async function settled(uuid: string, want: "running" | "stopped" | "any", i: { name: string; timeoutSeconds: number }): Promise<WireVm> {
  return waitFor(
    async () => {
      const v = await get(uuid);
      if (!v) throw new ProviderError("not_found", `VM ${i.name} (${uuid}) vanished`);
      const s = VM_STATES[v.state];
      const done = !v.operation && s !== undefined && (want === "any" || s === want);
      return done ? { done: true, value: v } : { done: false, progress: `state ${v.state}${v.operation ? `, ${v.operation}` : ""}` };
    },
    { timeoutMs: i.timeoutSeconds * 1000, intervalMs: chime().settings.pollIntervalMs ?? 1000, what: `VM ${i.name} to be ${want === "any" ? "ready" : want}` },
  );
}

async function power(uuid: string, v: WireVm, i: VmInputs): Promise<WireVm> {
  if (VM_STATES[v.state] === i.powerState) return v;
  await chime().call("PUT", `/v1/vm/${uuid}/${i.powerState === "running" ? "start" : "stop"}`, undefined, { idempotent: true });
  return settled(uuid, i.powerState, i);
}

/**
 * Data volumes and secondary NICs, one by one: the removed ones detached and deleted, the new ones made
 * apart (a volume is awaited until ready), then attached.
 */
async function attachments(id: string, olds: VmOutputs, news: VmInputs) {
  const c = chime();
  const cluster = `/v1/az/${news.azUuid}/cluster/${news.clusterUuid}`;
  const have = (await settled(id, "any", news)) as WireVm;
  for (const gone of olds.volumes.filter((o) => !news.volumes.some((n) => n.name === o.name))) {
    const w = have.volumes.find((x) => x.name === gone.name);
    if (!w) continue;
    await c.call("PUT", `/v1/vm/${id}/detach_disk`, { volume_uuid: w.uuid }, { idempotent: true });
    await c.call("DELETE", `${cluster}/volume/${w.uuid}`, undefined, { idempotent: true });
  }
  for (const gone of olds.nics.filter((o) => !news.nics.some((n) => n.name === o.name))) {
    const w = have.nics.find((x) => x.name === gone.name);
    if (!w) continue;
    await c.call("PUT", `/v1/vm/${id}/detach_nic`, { nic_uuid: w.uuid }, { idempotent: true });
    await c.call("DELETE", `/v1/nic/${w.uuid}`, undefined, { idempotent: true });
  }
  for (const add of news.volumes.filter((n) => !olds.volumes.some((o) => o.name === n.name))) {
    const { volume } = await c.call<{ volume: { uuid: string } }>("POST", `${cluster}/volume`, plain({ name: add.name, size: Math.round(add.sizeGb * GIB), volume_spec_uuid: add.volumeSpecUuid, image_uuid: add.imageUuid }));
    await waitFor(
      async () => {
        const v = await c.getOne<{ state: number; operation: string }>(`${cluster}/volume/${volume.uuid}`, "volume");
        return v && !v.operation && v.state !== 0 ? { done: true, value: v } : { done: false, progress: v?.operation || `state ${v?.state}` };
      },
      { timeoutMs: news.timeoutSeconds * 1000, intervalMs: c.settings.pollIntervalMs ?? 1000, what: `volume ${add.name} to be ready` },
    );
    await c.call("PUT", `/v1/vm/${id}/attach_disk`, { volume_uuid: volume.uuid }, { idempotent: true });
  }
  for (const add of news.nics.filter((n) => !olds.nics.some((o) => o.name === n.name))) {
    const { nic } = await c.call<{ nic: { uuid: string } }>("POST", "/v1/nic", plain({ name: add.name, subnet_uuid: add.subnetUuid, sg_uuid: add.securityGroupUuid, ip: add.ip, primary: 0 }));
    await c.call("PUT", `/v1/vm/${id}/attach_nic`, { nic_uuid: nic.uuid }, { idempotent: true });
  }
}

export const vmProvider: Required<pulumi.dynamic.ResourceProvider<VmInputs, VmOutputs>> = {
  async configure(req) {
    configureChime(req.config);
  },

  async check(_olds, news) {
    const r = checkWithSchema(vmSchema(), news as never);
    if (r.failures?.length) return r as never;
    const i = r.inputs as unknown as VmInputs;
    if (containsUnknown(i.azUuid) || containsUnknown(i.clusterUuid)) return { inputs: i };
    if (!(await chime().getOne(`/v1/az/${i.azUuid}`, "az"))) return { inputs: i, failures: [{ property: "azUuid", reason: `no availability zone ${i.azUuid} in ChimeStack` }] };
    const failures = await missingCluster(i.azUuid, i.clusterUuid);
    if (!containsUnknown(i.instanceSpecUuid) && !(await chime().getOne(`/v1/instance_spec/${i.instanceSpecUuid}`, "instance_spec"))) {
      failures.push({ property: "instanceSpecUuid", reason: `no instance spec ${i.instanceSpecUuid} in ChimeStack` });
    }
    return failures.length ? { inputs: i, failures } : { inputs: i };
  },

  async diff(id, olds, news) {
    const d = diffInputs(olds as never, news as never, { inputs: INPUTS, replaceOn: REPLACE_ON });
    // Volumes and NICs are added and removed in place; a changed one, the root volume or the primary NIC
    // is a replacement.
    if (!containsUnknown(news.volumes) && inPlaceImpossible(olds.volumes, news.volumes, (x) => x.root)) d.replaces.push("volumes");
    if (!containsUnknown(news.nics) && inPlaceImpossible(olds.nics, news.nics, (x) => x.primary)) d.replaces.push("nics");
    const secretsChanged = containsUnknown(news.password) || containsUnknown(news.vncPassword) || secretsHash(news, id) !== olds.secretsHash;
    return { changes: d.changes || secretsChanged, replaces: secretsChanged ? [...d.replaces, "password"] : d.replaces, deleteBeforeReplace: false };
  },

  async create(i) {
    const body = plain({
      az_uuid: i.azUuid,
      cluster_uuid: i.clusterUuid,
      host_uuid: i.hostUuid,
      instance_spec_uuid: i.instanceSpecUuid,
      name: i.name,
      description: i.description,
      password: i.password,
      vnc_password: i.vncPassword,
      volumes: i.volumes.map((v) => plain({ name: v.name, size: Math.round(v.sizeGb * GIB), volume_spec_uuid: v.volumeSpecUuid, image_uuid: v.imageUuid, root: v.root ? 1 : 0 })),
      nics: i.nics.map((n) => plain({ name: n.name, subnet_uuid: n.subnetUuid, sg_uuid: n.securityGroupUuid, ip: n.ip, primary: n.primary ? 1 : 0 })),
      cdrom: i.cdrom ? { name: i.cdrom.name, image_uuid: i.cdrom.imageUuid, volume_spec_uuid: i.cdrom.volumeSpecUuid, bootable: i.cdrom.bootable ? 1 : 0 } : undefined,
    });
    const { vm } = await chime().call<{ vm: WireVm }>("POST", "/v1/vm", body);
    let v: WireVm;
    try {
      v = await power(vm.uuid, await settled(vm.uuid, "any", i), i);
    } catch (e) {
      // Record the VM rather than orphan it: the next update goes on with it.
      throw Object.assign(new Error(`VM ${i.name} (${vm.uuid}) was created but is not ready: ${(e as Error).message}`), { id: vm.uuid, properties: toOutputs(i, vm, vm.uuid), reasons: [(e as Error).message] });
    }
    return { id: vm.uuid, outs: toOutputs(i, v, vm.uuid) };
  },

  async read(id, props) {
    const v = await get(id);
    if (!v) return { id: "" };
    const outs = { ...toOutputs(props as unknown as VmInputs, v, id), secretsHash: props!.secretsHash };
    return { id, props: outs, inputs: plain(Object.fromEntries(INPUTS.map((k) => [k, outs[k]]))) as never };
  },

  async update(id, olds, news) {
    if (news.name !== olds.name || news.description !== olds.description) {
      await chime().call("PATCH", `/v1/vm/${id}`, { name: news.name, description: news.description }, { idempotent: true });
    }
    await attachments(id, olds, news);
    const v = await settled(id, "any", news);
    return { outs: toOutputs(news, await power(id, v, news), id) };
  },

  async delete(id) {
    // force_del removes the VM's volumes with it.
    await unlessGone(chime().call("DELETE", `/v1/vm/${id}?force_del=true`, undefined, { idempotent: true }));
  },
};

export class Vm extends VendorResource {
  static override readonly __pulumiType = "pulumi-nodejs:dynamic/chimestack:Vm";
  declare readonly uuid: pulumi.Output<string>;
  declare readonly name: pulumi.Output<string>;
  declare readonly status: pulumi.Output<string>;
  declare readonly state: pulumi.Output<number>;
  declare readonly hostName: pulumi.Output<string>;
  declare readonly ips: pulumi.Output<string[]>;
  declare readonly nicDetails: pulumi.Output<VmOutputs["nicDetails"]>;
  declare readonly volumeDetails: pulumi.Output<VmOutputs["volumeDetails"]>;

  constructor(name: string, args: VmArgs, opts?: pulumi.CustomResourceOptions) {
    const outputs = { uuid: undefined, state: undefined, status: undefined, hostName: undefined, hostIp: undefined, vcpus: undefined, memoryBytes: undefined, ips: undefined, nicDetails: undefined, volumeDetails: undefined, secretsHash: undefined };
    const secrets = { ...(args.password ? { password: pulumi.secret(args.password) } : {}), ...(args.vncPassword ? { vncPassword: pulumi.secret(args.vncPassword) } : {}) };
    super(lazyProvider("pulumi-private-cloud/chimestack", "vmProvider"), name, { ...outputs, ...args, ...secrets }, { ...opts, additionalSecretOutputs: ["secretsHash", ...(opts?.additionalSecretOutputs ?? [])] }, "chimestack", "Vm");
  }
}
