/**
 * cloudtower.Vm: a virtual machine, created from scratch (`/create-vm`) or from a template
 * (`/create-vm-from-template`), or adopted. In place: name, description, CPU, memory (powering off first
 * only when the VM runs, and only if `allowRestart`), HA, disks added/removed/grown, NICs added, removed
 * and reconnected one by one, power state, placement. Replaced: cluster, firmware, guest OS type,
 * template, volumes, CD-ROMs. The ownership marker rides at the end of the description.
 */
import { z } from "zod";
import { LayerInputs, ProviderError, containsUnknown, defineResource, isUnknown, known, splitMarker } from "../core";
import { TowerClient } from "./client";
import { vendor } from "./config";
import {
  GIB,
  MIB,
  VmView,
  converge,
  cpuOrMemoryChanges,
  createBody,
  deleteVm,
  findByName,
  findOwned,
  restartNeeded,
  settleCreate,
  view,
} from "./vm-operations";

/** Our assumption of the largest VM (the API documents no limit): 64 vCPUs. */
export const MAX_VCPU = 64;

const BUS = z.enum(["VIRTIO", "SCSI", "IDE"]);

const disk = z.strictObject({
  name: z.string().trim().min(1).optional().describe("names the disk's volume; disks are matched by name across updates (default `<vm>-disk-<n>`)"),
  sizeGb: z
    .number()
    .positive("must be positive")
    .max(64 * 1024, "must be at most 65536 GiB")
    .describe("size in GiB; disks only grow"),
  bus: BUS.default("VIRTIO"),
  storagePolicy: z.string().default("REPLICA_2_THIN_PROVISION").describe("the volume's ELF storage policy"),
});

const nic = z.strictObject({
  vlanId: z.string().min(1, "must name a VM network (a cloudtower.Vlan's id)").describe("the id of a cloudtower.Vlan (any VM network's CloudTower id)"),
  macAddress: z
    .string()
    .regex(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/i, "must be a MAC address such as 52:54:00:12:34:56")
    .optional(),
  model: z.enum(["VIRTIO", "E1000"]).default("VIRTIO"),
  enabled: z.boolean().default(true),
});

const inputs = z
  .strictObject({
    name: z.string().trim().min(1, "must not be empty").max(255).describe("the VM's name (CloudTower refuses two VMs of one name)"),
    clusterId: z.string().min(1).optional().describe("required unless a template or adoption supplies it"),
    hostId: z.string().min(1).optional().describe("a host to run on; changing it live-migrates a running VM"),
    description: z.string().default(""),
    cpuSockets: z.number().int("must be a whole number").min(1, "must be at least 1").max(MAX_VCPU).default(1),
    cpuCores: z.number().int("must be a whole number").min(1, "must be at least 1").max(MAX_VCPU).default(1).describe("cores per socket"),
    memoryMb: z
      .number()
      .int("must be a whole number of MiB")
      .positive("must be positive")
      .max(4 * 1024 * 1024)
      .default(1024),
    ha: z.boolean().default(true).describe("high availability: restart elsewhere when the host fails"),
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
      .optional()
      .describe("create from a VM template (its disks come with it); a secret, for the cloud-init password"),
    disks: z.array(disk).default([]).describe("new disks of a VM made from scratch"),
    volumes: z
      .array(z.strictObject({ volumeId: z.string().min(1, "must name a volume"), bus: BUS.default("VIRTIO") }))
      .default([])
      .describe("existing volumes to mount at creation"),
    cdRoms: z
      .array(z.strictObject({ imageId: z.string().min(1).optional() }))
      .default([])
      .describe("CD-ROM drives at creation, empty or with an ISO image"),
    nics: z.array(nic).default([]),
    powerState: z.enum(["RUNNING", "STOPPED"], { error: 'must be "RUNNING" or "STOPPED"' }).default("RUNNING"),
    allowRestart: z.boolean().default(false).describe("allow powering the VM off to change CPU or memory (otherwise such a change fails at preview)"),
    forceStop: z.boolean().default(true).describe("power off when a graceful shutdown does not finish"),
    deleteSnapshots: z.boolean().default(false).describe("delete the VM's snapshots with it"),
    timeoutSeconds: z.number().int().positive("must be positive").default(600).describe("deadline of each task, in seconds"),
  })
  .superRefine((v, ctx) => {
    const adopted = (v as { adopt?: unknown }).adopt !== undefined;
    if (!isUnknown(v.cpuSockets) && !isUnknown(v.cpuCores) && v.cpuSockets * v.cpuCores > MAX_VCPU) {
      ctx.addIssue({
        code: "custom",
        path: ["cpuCores"],
        message: `cpuSockets x cpuCores is ${v.cpuSockets * v.cpuCores}, above the ${MAX_VCPU} vCPUs a VM may have`,
      });
    }
    if (!v.clusterId && !v.template && !adopted) ctx.addIssue({ code: "custom", path: ["clusterId"], message: "a VM made from scratch needs clusterId" });
    if (adopted && v.template)
      ctx.addIssue({ code: "custom", path: ["template"], message: "an adopted VM is not made from a template: give adopt or template, not both" });
    if (v.template && (v.disks.length || v.volumes.length || v.cdRoms.length)) {
      const field = v.disks.length ? "disks" : v.volumes.length ? "volumes" : "cdRoms";
      ctx.addIssue({
        code: "custom",
        path: [field],
        message: "a VM made from a template takes its disks from the template: give template or disks/volumes/cdRoms, not both",
      });
    }
    const names = new Set<string>();
    v.disks.forEach((d, i) => {
      const n = d.name ?? `${v.name}-disk-${i}`;
      if (names.has(n)) ctx.addIssue({ code: "custom", path: ["disks", i, "name"], message: `two disks are named "${n}"` });
      names.add(n);
    });
  })
  .transform((v) => ({ ...v, disks: v.disks.map((d, i) => ({ ...d, name: d.name ?? `${v.name}-disk-${i}` })) }));

export type VmInputs = z.output<typeof inputs> & LayerInputs;
export type VmDisk = VmInputs["disks"][number];
export type VmNic = VmInputs["nics"][number];

const outputs = z.object({
  localId: z.string().describe("the VM's id inside the cluster"),
  status: z.string().describe("RUNNING, STOPPED, SUSPENDED..."),
  vcpu: z.number(),
  clusterName: z.string(),
  hostName: z.string().optional(),
  ips: z.string().describe("the guest's addresses, as VMTools reports them"),
  diskDetails: z.array(
    z.object({ id: z.string(), name: z.string(), volumeId: z.string(), sizeGb: z.number(), bus: z.string(), boot: z.number(), type: z.string() }),
  ),
  nicDetails: z.array(
    z.object({
      id: z.string(),
      index: z.number(),
      macAddress: z.string(),
      ipAddress: z.string(),
      vlanId: z.string(),
      vlanName: z.string(),
      model: z.string(),
      enabled: z.boolean(),
    }),
  ),
});

export type VmOutputs = VmInputs & z.output<typeof outputs>;

// ---- Definition ------------------------------------------------------------------------------------

export const Vm = defineResource({
  vendor,
  type: "Vm",
  description: "A virtual machine, made from scratch or from a template, or adopted.",
  inputs,
  outputs,
  replaceOn: ["clusterId", "firmware", "guestOsType", "template", "volumes", "cdRoms"],
  computed: ["clusterId"],
  secrets: ["template"],
  adopt: { byName: true },
  recovery: { marker: "the end of the VM's description" },
  model: (v: VmView, prior) => model(v, prior),
  async check(i, { client }) {
    // Name what does not exist at preview, before anything is created.
    const nics = known(i.nics) ? i.nics : [];
    const failures = await Promise.all([
      client.missing("/get-clusters", i.clusterId, "clusterId", "cluster"),
      ...nics.map((n, k) => client.missing("/get-vlans", n.vlanId, `nics[${k}].vlanId`, "VM network")),
      templateFailure(client, i),
    ]);
    return failures.filter((f) => f !== undefined);
  },
  diff(olds, news, d) {
    if (d.replaces.length === 0) {
      const resized = cpuOrMemoryChanges(olds, news).filter((k) => !containsUnknown(news[k]));
      if (resized.length && olds.status === "RUNNING" && !news.allowRestart) throw restartNeeded(news.name, resized);
      for (const dsk of containsUnknown(news.disks) ? [] : news.disks) {
        const had = olds.disks.find((x) => x.name === dsk.name);
        if (had && !containsUnknown(dsk.sizeGb) && dsk.sizeGb < had.sizeGb) {
          throw new ProviderError("validation", `disks: disk ${dsk.name} cannot shrink from ${had.sizeGb} GiB to ${dsk.sizeGb} GiB`, { property: "disks" });
        }
      }
    }
    return {
      // A power state changed out of band (seen at refresh) is put back.
      changes: (olds.status === "RUNNING" || olds.status === "STOPPED") && olds.status !== news.powerState,
      // CloudTower refuses two VMs of one name: a VM replaced under the same name goes first.
      ...(d.replaces.length && news.name === olds.name ? { deleteBeforeReplace: true } : {}),
    };
  },
  operations: {
    async create(i, { client, marker }) {
      const [path, body] = createBody(i, marker);
      const [r] = await client.mutate<{ id: string }>(path, body);
      return { id: r.data.id, wait: () => client.waitTasks([r], i.timeoutSeconds * 1000, `VM ${i.name} to be created`) };
    },
    read: (id, { client }) => view(client, id),
    update: (id, olds, news, { client }) => converge(client, id, olds, news),
    delete: (id, props, { client }) =>
      deleteVm(client, id, props.deleteSnapshots ?? false, (props.timeoutSeconds ?? 600) * 1000, `VM ${props.name} to be deleted`),
    list: ({ name, marker, earlier }, _i, { client }) => (name ? findByName(client, name) : findOwned(client, marker, earlier)),
    settle: (id, i, { client }) => settleCreate(client, id, i.timeoutSeconds * 1000, `VM ${i.name} to be created`),
  },
});
export type Vm = InstanceType<typeof Vm>;

/**
 * A template that does not exist, or that is in another cluster than `clusterId`: a VM made from a template
 * is made in the template's cluster (`cluster_id` is deprecated on /create-vm-from-template).
 */
async function templateFailure(client: TowerClient, i: VmInputs): Promise<{ property: string; reason: string } | undefined> {
  const id = i.template && !isUnknown(i.template) ? i.template.templateId : undefined;
  if (!id || isUnknown(id)) return undefined;
  const tpl = await client.seen<{ id: string; name: string; cluster: { id: string; name: string } }>("/get-vm-templates", id);
  if (!tpl) return { property: "template.templateId", reason: `no VM template with id ${id} in CloudTower` };
  if (i.clusterId && !isUnknown(i.clusterId) && tpl.cluster.id !== i.clusterId) {
    return {
      property: "clusterId",
      reason: `VM template ${tpl.name} is in cluster ${tpl.cluster.name} (${tpl.cluster.id}), where a VM made from it is made; drop clusterId or give that one`,
    };
  }
  return undefined;
}

// ---- Model -----------------------------------------------------------------------------------------

/** The VM as outputs: the inputs as CloudTower shows them (for refresh and adoption), and what only it knows. */
export function model(v: VmView, prior: Partial<VmInputs>) {
  const managed = new Set((prior.disks ?? []).map((d) => d.name));
  return {
    name: v.vm.name,
    ...(v.vm.cluster ? { clusterId: v.vm.cluster.id } : {}),
    description: splitMarker(v.vm.description).text,
    cpuSockets: v.vm.cpu.sockets,
    cpuCores: v.vm.cpu.cores,
    memoryMb: Math.round(v.vm.memory / MIB),
    ha: v.vm.ha,
    firmware: v.vm.firmware,
    ...(v.vm.guest_os_type ? { guestOsType: v.vm.guest_os_type as VmInputs["guestOsType"] } : {}),
    disks: v.disks
      .filter((d) => d.type === "DISK" && d.volume && managed.has(d.volume.name))
      .map((d) => ({ name: d.volume!.name, sizeGb: d.volume!.size / GIB, bus: d.bus as VmDisk["bus"], storagePolicy: d.volume!.elf_storage_policy })),
    nics: v.nics.map((n, i) => ({
      vlanId: n.vlan?.id ?? "",
      ...(prior.nics?.[i]?.macAddress ? { macAddress: n.mac_address } : {}),
      model: (n.model ?? "VIRTIO") as VmNic["model"],
      enabled: n.enabled ?? true,
    })),
    ...(v.vm.status === "RUNNING" || v.vm.status === "STOPPED" ? { powerState: v.vm.status as VmInputs["powerState"] } : {}),
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
  };
}
