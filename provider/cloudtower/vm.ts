/**
 * cloudtower.Vm: a virtual machine, created from scratch (`/create-vm`) or from a template
 * (`/create-vm-from-template`), or adopted. In place: name, description, CPU, memory (powering off first
 * only when the VM runs, and only if `allowRestart`), HA, disks added/removed/grown, NICs added, removed
 * and reconnected one by one, power state. Replaced: cluster, firmware, guest OS type, template, adopt.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { ProviderError, checkWithSchema, containsUnknown, diffInputs, hasCode, isUnknown, lazyProvider, plain, VendorResource } from "../core";
import { configureTower, tower } from "./config";
import { GIB, MIB, VmView, converge, cpuOrMemoryChanges, createBody, deleteVm, findAdopted, findLostCreate, restartNeeded, view } from "./vm-operations";
import type { WireVm } from "./vm-operations";
import type { WithTask } from "./client";

/** Our assumption of the largest VM (the API documents no limit): 64 vCPUs. */
export const MAX_VCPU = 64;

export interface VmDiskArgs {
  /** Names the disk's volume; disks are matched by name across updates (default `<vm>-disk-<n>`). */
  name?: pulumi.Input<string>;
  sizeGb: pulumi.Input<number>;
  bus?: pulumi.Input<"VIRTIO" | "SCSI" | "IDE">;
  storagePolicy?: pulumi.Input<string>;
}

export interface VmNicArgs {
  /** The `id` of a cloudtower.Vlan (or any VM network's CloudTower id). */
  vlanId: pulumi.Input<string>;
  macAddress?: pulumi.Input<string>;
  model?: pulumi.Input<"VIRTIO" | "E1000">;
  enabled?: pulumi.Input<boolean>;
}

export interface VmTemplateArgs {
  templateId: pulumi.Input<string>;
  fullCopy?: pulumi.Input<boolean>;
  cloudInit?: pulumi.Input<{
    hostname?: pulumi.Input<string>;
    defaultUserPassword?: pulumi.Input<string>;
    publicKeys?: pulumi.Input<pulumi.Input<string>[]>;
    nameservers?: pulumi.Input<pulumi.Input<string>[]>;
    userData?: pulumi.Input<string>;
  }>;
}

export interface VmArgs {
  name: pulumi.Input<string>;
  /** Required unless a template or adoption supplies it; changing it replaces the VM. */
  clusterId?: pulumi.Input<string>;
  /** A host to run the VM on; changing it live-migrates a running VM (a stopped one starts there). */
  hostId?: pulumi.Input<string>;
  description?: pulumi.Input<string>;
  cpuSockets?: pulumi.Input<number>;
  cpuCores?: pulumi.Input<number>;
  memoryMb?: pulumi.Input<number>;
  ha?: pulumi.Input<boolean>;
  firmware?: pulumi.Input<"BIOS" | "UEFI">;
  guestOsType?: pulumi.Input<"LINUX" | "WINDOWS" | "UNKNOWN">;
  /** Create from a VM template instead of from scratch (its disks come with it; `disks` are added). */
  template?: pulumi.Input<VmTemplateArgs>;
  /** New disks of a VM made from scratch (a template brings its own). */
  disks?: pulumi.Input<pulumi.Input<VmDiskArgs>[]>;
  /** Existing volumes to mount at creation (changing the list replaces the VM). */
  volumes?: pulumi.Input<pulumi.Input<{ volumeId: pulumi.Input<string>; bus?: pulumi.Input<"VIRTIO" | "SCSI" | "IDE"> }>[]>;
  /** CD-ROM drives at creation, empty or with an ISO image (changing the list replaces the VM). */
  cdRoms?: pulumi.Input<pulumi.Input<{ imageId?: pulumi.Input<string> }>[]>;
  nics?: pulumi.Input<pulumi.Input<VmNicArgs>[]>;
  /** RUNNING (default) or STOPPED. */
  powerState?: pulumi.Input<"RUNNING" | "STOPPED">;
  /** Allow powering the VM off to change CPU or memory (default false: such a change fails at preview). */
  allowRestart?: pulumi.Input<boolean>;
  /** When a graceful shutdown does not finish, power off (default true). */
  forceStop?: pulumi.Input<boolean>;
  /** Delete the VM's snapshots with it (default false). */
  deleteSnapshots?: pulumi.Input<boolean>;
  /** Take over an existing VM (by id or name) instead of creating one. */
  adopt?: pulumi.Input<{ id?: pulumi.Input<string>; name?: pulumi.Input<string> }>;
  /** Deadline of each task, in seconds (default 600). */
  timeoutSeconds?: pulumi.Input<number>;
}

export interface VmDisk {
  name: string;
  sizeGb: number;
  bus: "VIRTIO" | "SCSI" | "IDE";
  storagePolicy: string;
}
export interface VmNic {
  vlanId: string;
  macAddress?: string;
  model: "VIRTIO" | "E1000";
  enabled: boolean;
}

export interface VmInputs {
  name: string;
  clusterId?: string;
  hostId?: string;
  description: string;
  cpuSockets: number;
  cpuCores: number;
  memoryMb: number;
  ha: boolean;
  firmware: "BIOS" | "UEFI";
  guestOsType: "LINUX" | "WINDOWS" | "UNKNOWN";
  template?: { templateId: string; fullCopy: boolean; cloudInit?: Record<string, unknown> };
  disks: VmDisk[];
  volumes: Array<{ volumeId: string; bus: "VIRTIO" | "SCSI" | "IDE" }>;
  cdRoms: Array<{ imageId?: string }>;
  nics: VmNic[];
  powerState: "RUNNING" | "STOPPED";
  allowRestart: boolean;
  forceStop: boolean;
  deleteSnapshots: boolean;
  adopt?: { id?: string; name?: string };
  timeoutSeconds: number;
}

export interface VmOutputs extends VmInputs {
  localId: string;
  status: string;
  vcpu: number;
  clusterName: string;
  hostName?: string;
  ips: string;
  diskDetails: Array<{ id: string; name: string; volumeId: string; sizeGb: number; bus: string; boot: number; type: string }>;
  nicDetails: Array<{ id: string; index: number; macAddress: string; ipAddress: string; vlanId: string; vlanName: string; model: string; enabled: boolean }>;
}

const INPUTS = [
  "name", "clusterId", "hostId", "description", "cpuSockets", "cpuCores", "memoryMb", "ha", "firmware", "guestOsType",
  "template", "disks", "volumes", "cdRoms", "nics", "powerState", "allowRestart", "forceStop", "deleteSnapshots", "adopt", "timeoutSeconds",
] as const;
const REPLACE_ON = ["clusterId", "firmware", "guestOsType", "template", "volumes", "cdRoms", "adopt"] as const;

export function vmSchema() {
  const disk = z.strictObject({
    name: z.string().trim().min(1).optional(),
    sizeGb: z.number().positive("must be positive").max(64 * 1024, "must be at most 65536 GiB"),
    bus: z.enum(["VIRTIO", "SCSI", "IDE"]).default("VIRTIO"),
    storagePolicy: z.string().default("REPLICA_2_THIN_PROVISION"),
  });
  const nic = z.strictObject({
    vlanId: z.string().min(1, "must name a VM network (a cloudtower.Vlan's id)"),
    macAddress: z.string().regex(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/i, "must be a MAC address such as 52:54:00:12:34:56").optional(),
    model: z.enum(["VIRTIO", "E1000"]).default("VIRTIO"),
    enabled: z.boolean().default(true),
  });
  return z
    .strictObject({
      name: z.string().trim().min(1, "must not be empty").max(255),
      clusterId: z.string().min(1).optional(),
      hostId: z.string().min(1).optional(),
      description: z.string().default(""),
      cpuSockets: z.number().int("must be a whole number").min(1, "must be at least 1").max(MAX_VCPU).default(1),
      cpuCores: z.number().int("must be a whole number").min(1, "must be at least 1").max(MAX_VCPU).default(1),
      memoryMb: z.number().int("must be a whole number of MiB").positive("must be positive").max(4 * 1024 * 1024).default(1024),
      ha: z.boolean().default(true),
      firmware: z.enum(["BIOS", "UEFI"]).default("BIOS"),
      guestOsType: z.enum(["LINUX", "WINDOWS", "UNKNOWN"]).default("LINUX"),
      template: z
        .strictObject({
          templateId: z.string().min(1, "must not be empty"),
          fullCopy: z.boolean().default(false),
          cloudInit: z
            .strictObject({
              hostname: z.string().optional(),
              defaultUserPassword: z.string().optional(),
              publicKeys: z.array(z.string()).optional(),
              nameservers: z.array(z.string()).optional(),
              userData: z.string().optional(),
            })
            .optional(),
        })
        .optional(),
      disks: z.array(disk).default([]),
      volumes: z.array(z.strictObject({ volumeId: z.string().min(1, "must name a volume"), bus: z.enum(["VIRTIO", "SCSI", "IDE"]).default("VIRTIO") })).default([]),
      cdRoms: z.array(z.strictObject({ imageId: z.string().min(1).optional() })).default([]),
      nics: z.array(nic).default([]),
      powerState: z.enum(["RUNNING", "STOPPED"], { error: 'must be "RUNNING" or "STOPPED"' }).default("RUNNING"),
      allowRestart: z.boolean().default(false),
      forceStop: z.boolean().default(true),
      deleteSnapshots: z.boolean().default(false),
      adopt: z.strictObject({ id: z.string().optional(), name: z.string().optional() }).optional(),
      timeoutSeconds: z.number().int().positive("must be positive").default(600),
    })
    .superRefine((v, ctx) => {
      if (!isUnknown(v.cpuSockets) && !isUnknown(v.cpuCores) && v.cpuSockets * v.cpuCores > MAX_VCPU) {
        ctx.addIssue({ code: "custom", path: ["cpuCores"], message: `cpuSockets x cpuCores is ${v.cpuSockets * v.cpuCores}, above the ${MAX_VCPU} vCPUs a VM may have` });
      }
      if (!v.clusterId && !v.template && !v.adopt) ctx.addIssue({ code: "custom", path: ["clusterId"], message: "a VM made from scratch needs clusterId" });
      if (v.adopt && !v.adopt.id && !v.adopt.name) ctx.addIssue({ code: "custom", path: ["adopt"], message: "give adopt.id or adopt.name" });
      if (v.adopt && v.template) ctx.addIssue({ code: "custom", path: ["template"], message: "an adopted VM is not made from a template: give adopt or template, not both" });
      if (v.template && (v.disks.length || v.volumes.length || v.cdRoms.length)) {
        const field = v.disks.length ? "disks" : v.volumes.length ? "volumes" : "cdRoms";
        ctx.addIssue({ code: "custom", path: [field], message: "a VM made from a template takes its disks from the template: give template or disks/volumes/cdRoms, not both" });
      }
      const names = new Set<string>();
      v.disks.forEach((d, i) => {
        const n = d.name ?? `${v.name}-disk-${i}`;
        if (names.has(n)) ctx.addIssue({ code: "custom", path: ["disks", i, "name"], message: `two disks are named "${n}"` });
        names.add(n);
      });
    })
    .transform((v) => ({ ...v, disks: v.disks.map((d, i) => ({ ...d, name: d.name ?? `${v.name}-disk-${i}` })) }));
}

/** The inputs that describe the VM as it is (for refresh and adoption), keeping what the API cannot show. */
function inputsFromView(prev: VmInputs, v: VmView): VmInputs {
  const managed = new Set(prev.disks.map((d) => d.name));
  return {
    ...prev,
    name: v.vm.name,
    description: v.vm.description,
    cpuSockets: v.vm.cpu.sockets,
    cpuCores: v.vm.cpu.cores,
    memoryMb: Math.round(v.vm.memory / MIB),
    ha: v.vm.ha,
    firmware: v.vm.firmware,
    guestOsType: (v.vm.guest_os_type ?? prev.guestOsType) as VmInputs["guestOsType"],
    disks: v.disks
      .filter((d) => d.type === "DISK" && d.volume && managed.has(d.volume.name))
      .map((d) => ({ name: d.volume!.name, sizeGb: d.volume!.size / GIB, bus: d.bus as VmDisk["bus"], storagePolicy: d.volume!.elf_storage_policy })),
    nics: v.nics.map((n, i) => ({
      vlanId: n.vlan?.id ?? "",
      ...(prev.nics[i]?.macAddress ? { macAddress: n.mac_address } : {}),
      model: (n.model ?? "VIRTIO") as VmNic["model"],
      enabled: n.enabled ?? true,
    })),
    powerState: v.vm.status === "RUNNING" ? "RUNNING" : v.vm.status === "STOPPED" ? "STOPPED" : prev.powerState,
  };
}

/** Outputs: the inputs as they are at the vendor, plus what only the vendor knows. Pure. */
export function toOutputs(inputs: VmInputs, v: VmView): VmOutputs {
  return plain({
    ...inputsFromView(inputs, v),
    adopt: inputs.adopt,
    localId: v.vm.local_id,
    status: v.vm.status,
    vcpu: v.vm.vcpu,
    clusterName: v.vm.cluster?.name ?? "",
    hostName: v.vm.host?.name,
    ips: v.vm.ips,
    diskDetails: v.disks.map((d) => ({
      id: d.id,
      name: d.volume?.name ?? "",
      volumeId: d.volume?.id ?? "",
      sizeGb: (d.volume?.size ?? 0) / GIB,
      bus: d.bus,
      boot: d.boot,
      type: d.type,
    })),
    nicDetails: v.nics.map((n, i) => ({
      id: n.id,
      index: i,
      macAddress: n.mac_address ?? "",
      ipAddress: n.ip_address ?? "",
      vlanId: n.vlan?.id ?? "",
      vlanName: n.vlan?.name ?? "",
      model: n.model ?? "",
      enabled: n.enabled ?? true,
    })),
  }) as VmOutputs;
}

function inputsOf(o: VmOutputs): VmInputs {
  const out: Record<string, unknown> = {};
  for (const k of INPUTS) if (o[k] !== undefined) out[k] = o[k];
  return out as unknown as VmInputs;
}

export const vmProvider: Required<pulumi.dynamic.ResourceProvider<VmInputs, VmOutputs>> = {
  async configure(req) {
    configureTower(req.config);
  },

  async check(_olds, news) {
    const r = checkWithSchema(vmSchema(), news as never);
    if (r.failures?.length) return r as never;
    const i = r.inputs as unknown as VmInputs;
    const t = tower();
    // Name what does not exist at preview, before anything is created.
    const failures = [await t.missing("/get-clusters", i.clusterId, "clusterId", "cluster")].filter((f) => f !== undefined);
    const vlanIds = [...new Set(i.nics.map((n) => n.vlanId).filter((x) => !containsUnknown(x)))];
    if (vlanIds.length) {
      const found = new Set((await t.get<{ id: string }>("/get-vlans", { where: { id_in: vlanIds } })).map((v) => v.id));
      i.nics.forEach((n, k) => {
        if (!containsUnknown(n.vlanId) && !found.has(n.vlanId)) failures.push({ property: `nics[${k}].vlanId`, reason: `no VM network with id ${n.vlanId} in CloudTower` });
      });
    }
    return failures.length ? { inputs: i, failures } : { inputs: i };
  },

  async diff(_id, olds, news) {
    const d = diffInputs(olds as never, news as never, { inputs: INPUTS, replaceOn: REPLACE_ON });
    if (d.replaces.length === 0) {
      const resized = cpuOrMemoryChanges(olds, news).filter((k) => !containsUnknown(news[k]));
      if (resized.length && olds.status === "RUNNING" && !news.allowRestart) throw restartNeeded(news.name, resized);
      for (const disk of news.disks) {
        const had = olds.disks.find((x) => x.name === disk.name);
        if (had && !containsUnknown(disk.sizeGb) && disk.sizeGb < had.sizeGb) {
          throw new ProviderError("validation", `disks: disk ${disk.name} cannot shrink from ${had.sizeGb} GiB to ${disk.sizeGb} GiB`, { property: "disks" });
        }
      }
    }
    // A power state changed out of band (seen at refresh) is put back.
    const drifted = (olds.status === "RUNNING" || olds.status === "STOPPED") && olds.status !== news.powerState;
    return { changes: d.changes || drifted, replaces: d.replaces, deleteBeforeReplace: d.replaces.includes("adopt") };
  },

  async create(inputs) {
    const t = tower();
    if (inputs.adopt) {
      const vm = await findAdopted(t, inputs.adopt);
      // Adoption changes nothing: the outputs show the VM as it is, so the next preview shows what differs.
      const v = (await view(t, vm.id))!;
      return { id: vm.id, outs: toOutputs({ ...inputs, disks: inputs.disks }, v) };
    }
    const [path, body] = createBody(inputs);
    let result: WithTask<WireVm>;
    try {
      [result] = await t.mutate<WireVm>(path, body);
    } catch (e) {
      // The answer was lost: the create may have been committed. Find it rather than make a duplicate.
      if (!hasCode(e, "connection", "timeout")) throw e;
      const found = await findLostCreate(t, inputs.name);
      if (!found) throw e;
      result = found;
    }
    const id = result.data.id;
    try {
      await t.waitTasks([result], inputs.timeoutSeconds * 1000, `VM ${inputs.name} to be created`);
    } catch (e) {
      if (hasCode(e, "task_failed")) {
        // No orphan: remove whatever the failed task left behind, then report the task's error.
        if (await t.one("/get-vms", id)) {
          await deleteVm(t, id, true, inputs.timeoutSeconds * 1000, `the half-created VM ${inputs.name} to be removed`);
          (e as ProviderError).message += ` (the half-created VM ${id} was deleted)`;
        }
        throw e;
      }
      // Still running at the deadline: record the VM (a partial create) so that nothing is orphaned.
      const v = await view(t, id);
      throw Object.assign(new Error(`${(e as Error).message}; the VM ${id} is recorded and the next update goes on with it`), {
        id,
        properties: v ? toOutputs(inputs, v) : { ...inputs },
        reasons: [(e as Error).message],
      });
    }
    const v = await view(t, id);
    if (!v) throw new ProviderError("not_found", `VM ${inputs.name} (${id}) vanished right after it was created`);
    return { id, outs: toOutputs(inputs, v) };
  },

  async read(id, props) {
    const prev = props ? inputsOf(props) : (vmSchema().parse({ name: "adopted", adopt: { id } }) as unknown as VmInputs);
    const v = await view(tower(), id);
    if (!v) return { id: "" };
    const outs = toOutputs(prev, v);
    return { id, props: outs, inputs: inputsOf(outs) as never };
  },

  async update(id, olds, news) {
    const t = tower();
    await converge(t, id, inputsOf(olds), news);
    const v = await view(t, id);
    if (!v) throw new ProviderError("not_found", `VM ${news.name} (${id}) no longer exists`);
    return { outs: toOutputs(news, v) };
  },

  async delete(id, props) {
    await deleteVm(tower(), id, props.deleteSnapshots, props.timeoutSeconds * 1000, `VM ${props.name} to be deleted`);
  },
};

export class Vm extends VendorResource {
  static override readonly __pulumiType = "pulumi-nodejs:dynamic/cloudtower:Vm";

  declare readonly name: pulumi.Output<string>;
  declare readonly clusterId: pulumi.Output<string>;
  declare readonly cpuSockets: pulumi.Output<number>;
  declare readonly cpuCores: pulumi.Output<number>;
  declare readonly memoryMb: pulumi.Output<number>;
  declare readonly powerState: pulumi.Output<string>;
  declare readonly localId: pulumi.Output<string>;
  declare readonly status: pulumi.Output<string>;
  declare readonly vcpu: pulumi.Output<number>;
  declare readonly clusterName: pulumi.Output<string>;
  declare readonly hostName: pulumi.Output<string | undefined>;
  declare readonly ips: pulumi.Output<string>;
  declare readonly diskDetails: pulumi.Output<VmOutputs["diskDetails"]>;
  declare readonly nicDetails: pulumi.Output<VmOutputs["nicDetails"]>;

  constructor(name: string, args: VmArgs, opts?: pulumi.CustomResourceOptions) {
    const outputs = { localId: undefined, status: undefined, vcpu: undefined, clusterName: undefined, hostName: undefined, ips: undefined, diskDetails: undefined, nicDetails: undefined };
    // The cloud-init password is a secret: never shown in plain text, in the state or at preview.
    super(lazyProvider("pulumi-private-cloud/cloudtower", "vmProvider"), name, { ...outputs, ...args }, { ...opts, additionalSecretOutputs: ["template", ...(opts?.additionalSecretOutputs ?? [])] }, "cloudtower", "Vm");
  }
}

