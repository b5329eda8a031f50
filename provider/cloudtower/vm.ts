/**
 * cloudtower.Vm: a virtual machine, created from scratch (`/create-vm`, also booting an ISO), from a
 * template (`/create-vm-from-template`), from a content-library template, as a clone of a VM
 * (`/clone-vm`), or adopted; cloud-init with static IPv4 networks, DNS, SSH keys and user data. In place:
 * name, description, CPU, memory (powering off first only when the VM runs or is suspended, and only if
 * `restartOnChange`), HA, disks added/removed/grown, NICs added, removed and reconnected one by one, labels,
 * power state (running, stopped, suspended), placement. Replaced: cluster, firmware, guest OS type,
 * template, source, volumes, CD-ROMs. The ownership marker rides at the end of the description. Deleted, it
 * first detaches the volumes it did not make (see foreignDisks), which CloudTower would delete with it.
 */
import { z } from "zod";
import { LayerInputs, ProviderError, containsUnknown, deepEqual, defineResource, isUnknown, known, splitMarker } from "../core";
import { TowerClient } from "./client";
import { vendor } from "./config";
import { labelsInput, labelsModel } from "./labels";
import {
  GIB,
  MIB,
  VmView,
  converge,
  afterCreate,
  cpuOrMemoryChanges,
  createBody,
  deleteVm,
  findByName,
  findOwned,
  nicsManaged,
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

const ipv4 = z.string().regex(/^((25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(25[0-5]|2[0-4]\d|1?\d?\d)$/, "must be an IPv4 address such as 10.0.0.5");

/** cloud-init of a VM made from a template: its networks are static IPv4 or DHCP per NIC; absent, the template's own. */
const cloudInit = z
  .strictObject({
    hostname: z.string().optional(),
    defaultUserPassword: z.string().optional(),
    publicKeys: z
      .array(z.string().regex(/^(ssh-(rsa|ed25519|dss)|ecdsa-sha2-\S+|sk-\S+) \S+/, 'must be an OpenSSH public key such as "ssh-ed25519 AAAA... user"'))
      .optional()
      .describe("SSH public keys for the default user"),
    nameservers: z.array(ipv4).max(3, "at most 3 DNS servers").optional().describe("DNS servers"),
    userData: z.string().optional().describe("cloud-init user data (a #cloud-config document or a script)"),
    networks: z
      .array(
        z
          .strictObject({
            nicIndex: z.number().int("must be a whole number").min(0, "must be 0 or more").describe("the NIC (0: the first)"),
            dhcp: z.boolean().default(false).describe("take the address by DHCP instead"),
            ipAddress: ipv4.optional(),
            netmask: ipv4.optional(),
            gateway: ipv4.optional().describe("the default route's gateway"),
            routes: z
              .array(z.strictObject({ network: ipv4, netmask: ipv4, gateway: ipv4 }))
              .default([])
              .describe("further static routes"),
          })
          .superRefine((n, ctx) => {
            const fields = (["ipAddress", "netmask", "gateway"] as const).filter((k) => n[k] !== undefined);
            if (n.dhcp && fields.length) ctx.addIssue({ code: "custom", path: [fields[0]], message: "a DHCP network takes no static address" });
            for (const k of ["ipAddress", "netmask"] as const)
              if (!n.dhcp && n[k] === undefined) ctx.addIssue({ code: "custom", path: [k], message: "a static network needs ipAddress and netmask" });
          }),
      )
      .optional()
      .describe("per NIC: a static IPv4 address (address, netmask, gateway) or DHCP; absent: the template's own network config"),
  })
  .superRefine((c, ctx) => {
    const seen = new Set<number>();
    (c.networks ?? []).forEach((n, i) => {
      if (seen.has(n.nicIndex)) ctx.addIssue({ code: "custom", path: ["networks", i, "nicIndex"], message: `NIC ${n.nicIndex} is configured twice` });
      seen.add(n.nicIndex);
    });
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
        cloudInit: cloudInit.optional(),
      })
      .optional()
      .describe("create from a VM template (its disks come with it); a secret, for the cloud-init password"),
    source: z
      .strictObject({
        cloneOf: z
          .strictObject({ vmId: z.string().min(1, "must name a VM"), fullCopy: z.boolean().default(false) })
          .optional()
          .describe("clone this VM (`/clone-vm`): its disks and, unless `nics` is given, its NICs"),
        contentLibraryTemplate: z
          .strictObject({ templateId: z.string().min(1, "must not be empty"), fullCopy: z.boolean().default(false), cloudInit: cloudInit.optional() })
          .optional()
          .describe("create from a content-library VM template on `clusterId` (`/create-vm-from-content-library-template`)"),
        iso: z
          .strictObject({
            imageId: z.string().min(1).optional().describe("an ISO image on the cluster (an ELF image id)"),
            contentLibraryImageId: z.string().min(1).optional().describe("a content-library ISO (its copy on the VM's cluster is used)"),
          })
          .optional()
          .describe("create from scratch with this ISO in a CD-ROM that boots first (install onto `disks`)"),
      })
      .optional()
      .describe("what the VM is made from instead of a VM template: exactly one of cloneOf, contentLibraryTemplate, iso; a secret (cloud-init)"),
    disks: z.array(disk).default([]).describe("new disks of a VM made from scratch"),
    volumes: z
      .array(z.strictObject({ volumeId: z.string().min(1, "must name a volume"), bus: BUS.default("VIRTIO") }))
      .default([])
      .describe("existing volumes to mount at creation"),
    ejectIso: z
      .boolean()
      .default(false)
      .describe("eject the ISO images from the VM's CD-ROMs, in place (e.g. once a VM made from an ISO is installed); the drives stay"),
    cdRoms: z
      .array(z.strictObject({ imageId: z.string().min(1).optional() }))
      .default([])
      .describe("CD-ROM drives at creation, empty or with an ISO image"),
    nics: z
      .array(nic)
      .default([])
      .describe("the NICs, in order; a VM made from a template or a clone without nics keeps (and leaves alone) the NICs it was made with"),
    powerState: z.enum(["RUNNING", "STOPPED", "SUSPENDED"], { error: 'must be "RUNNING", "STOPPED" or "SUSPENDED"' }).default("RUNNING"),
    restartOnChange: z
      .boolean()
      .default(false)
      .describe("power the VM off for a change that needs it (CPU, memory) and back to its power state after; otherwise such a change fails at preview"),
    allowRestart: z.boolean().default(false).describe("the older name of restartOnChange"),
    labels: labelsInput,
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
    const kinds = v.source && !isUnknown(v.source) ? (Object.keys(v.source) as Array<keyof typeof v.source>).filter((k) => v.source![k] !== undefined) : [];
    if (v.source && !isUnknown(v.source) && kinds.length !== 1) {
      ctx.addIssue({
        code: "custom",
        path: ["source"],
        message: `give exactly one of cloneOf, contentLibraryTemplate, iso (${kinds.length ? `got ${kinds.join(", ")}` : "got none"})`,
      });
    }
    const kind = kinds.length === 1 ? kinds[0] : undefined;
    if (v.template && v.source) ctx.addIssue({ code: "custom", path: ["source"], message: "a VM is made from one thing: give template or source, not both" });
    if (!v.clusterId && !adopted && !v.template && kind !== "cloneOf") {
      const what = kind === "contentLibraryTemplate" ? "from a content-library template" : kind === "iso" ? "from an ISO" : "from scratch";
      ctx.addIssue({ code: "custom", path: ["clusterId"], message: `a VM made ${what} needs clusterId` });
    }
    if (kind === "iso" && v.source?.iso && !v.source.iso.imageId === !v.source.iso.contentLibraryImageId) {
      ctx.addIssue({ code: "custom", path: ["source", "iso"], message: "give exactly one of imageId, contentLibraryImageId" });
    }
    if (adopted && (v.template || v.source)) {
      const field = v.template ? "template" : "source";
      ctx.addIssue({ code: "custom", path: [field], message: `an adopted VM is not made from a ${field}: give adopt or ${field}, not both` });
    }
    const from = v.template
      ? "template"
      : kind === "cloneOf"
        ? "source.cloneOf"
        : kind === "contentLibraryTemplate"
          ? "source.contentLibraryTemplate"
          : undefined;
    if (from && (v.disks.length || v.volumes.length || v.cdRoms.length)) {
      const field = v.disks.length ? "disks" : v.volumes.length ? "volumes" : "cdRoms";
      ctx.addIssue({
        code: "custom",
        path: [field],
        message: `a VM made from ${from === "template" ? "a template" : from} takes its disks from ${from === "template" ? "the template" : "it"}: give ${from} or disks/volumes/cdRoms, not both`,
      });
    }
    const ci = v.template?.cloudInit ?? v.source?.contentLibraryTemplate?.cloudInit;
    const ciPath = v.template?.cloudInit ? ["template", "cloudInit"] : ["source", "contentLibraryTemplate", "cloudInit"];
    if (ci?.networks && v.nics.length && !isUnknown(v.nics)) {
      ci.networks.forEach((n, i) => {
        if (n.nicIndex >= v.nics.length)
          ctx.addIssue({
            code: "custom",
            path: [...ciPath, "networks", i, "nicIndex"],
            message: `the VM has ${v.nics.length} NIC(s): no NIC at index ${n.nicIndex}`,
          });
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
  hostname: z.string().describe("the guest's hostname, as VMTools reports it"),
  dnsServers: z.array(z.string()).describe("the guest's DNS servers, as VMTools reports them"),
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
  description:
    "A virtual machine, made from scratch, from an ISO, from a template or a content-library template, as a clone of a VM, or adopted. Deleted, it first detaches (and so keeps) the volumes it did not make: those `volumes` mounted, those an ownership marker claims (a cloudtower.VmVolume's), and on a VM made from scratch or an ISO any volume not in `disks`.",
  inputs,
  outputs,
  replaceOn: ["clusterId", "firmware", "guestOsType", "template", "source", "volumes", "cdRoms"],
  // Labels left out are not managed; a state written before an input existed holds none of these.
  computed: ["clusterId", "labels"],
  local: ["restartOnChange", "allowRestart", "forceStop", "deleteSnapshots"],
  // ejectIso acts on the VM: a state written before it existed had ejected nothing.
  upgrade: (olds) => (olds.ejectIso === undefined ? { ejectIso: false } : {}),
  secrets: ["template", "source"],
  adopt: { byName: true },
  recovery: { marker: "the end of the VM's description" },
  model: (v: VmView, prior) => model(v, prior),
  async check(i, { client }, olds) {
    // Name what does not exist at preview, before anything is created.
    const nics = known(i.nics) ? i.nics : [];
    // What a VM was made from matters only to its create: a made VM whose template or source is unchanged is not
    // held to it (the golden VM, ISO or template may be gone since).
    const made = (k: "template" | "source") => olds !== undefined && i[k] !== undefined && deepEqual(olds[k], i[k]);
    const failures = await Promise.all([
      client.missing("/get-clusters", i.clusterId, "clusterId", "cluster"),
      ...nics.map((n, k) => client.missing("/get-vlans", n.vlanId, `nics[${k}].vlanId`, "VM network")),
      made("template") ? undefined : templateFailure(client, i),
      made("source") ? undefined : sourceFailure(client, i),
    ]);
    return failures.filter((f) => f !== undefined);
  },
  diff(olds, news, d) {
    if (d.replaces.length === 0) {
      const resized = cpuOrMemoryChanges(olds, news).filter((k) => !containsUnknown(news[k]));
      if (resized.length && olds.status !== "STOPPED" && !restartOnChange(news)) throw restartNeeded(news.name, resized, olds.status);
      for (const dsk of containsUnknown(news.disks) ? [] : news.disks) {
        const had = olds.disks.find((x) => x.name === dsk.name);
        if (had && !containsUnknown(dsk.sizeGb) && dsk.sizeGb < had.sizeGb) {
          throw new ProviderError("validation", `disks: disk ${dsk.name} cannot shrink from ${had.sizeGb} GiB to ${dsk.sizeGb} GiB`, { property: "disks" });
        }
      }
    }
    return {
      // NICs a VM made from a template or a clone does not manage are no change (a state of an older version
      // stored the template's NICs as its input).
      ...(containsUnknown(news.nics) || nicsManaged(news) ? {} : { unchanged: ["nics"] }),
      // A power state changed out of band (seen at refresh) is put back.
      changes: POWER_STATES.includes(olds.status) && olds.status !== news.powerState,
      // CloudTower refuses two VMs of one name: a VM replaced under the same name goes first.
      ...(d.replaces.length && news.name === olds.name ? { deleteBeforeReplace: true } : {}),
    };
  },
  operations: {
    async create(i, { client, marker }) {
      const [path, body] = createBody(i, marker);
      // A clone waits out a task that holds its source VM (a snapshot of it, a disk attached): ResourceLocked.
      const src = i.source?.cloneOf?.vmId;
      const [r] = src
        ? (
            await client.start<{ id: string }>(path, body, {
              id: src,
              lockOf: "/get-vms",
              idempotent: false,
              timeoutMs: i.timeoutSeconds * 1000,
              what: `VM ${i.name} to be cloned`,
            })
          ).results
        : await client.mutate<{ id: string }>(path, body);
      // Made RUNNING when asked SUSPENDED (CloudTower creates a VM stopped or running), then suspended; labelled last.
      // Those later steps failing leave the VM made (a partial create the next update converges), not deleted.
      return {
        id: r.data.id,
        wait: () => client.waitTasks([r], i.timeoutSeconds * 1000, `VM ${i.name} to be created`),
        after: () => afterCreate(client, r.data.id, i),
      };
    },
    read: (id, { client }) => view(client, id),
    update: (id, olds, news, { client }) => converge(client, id, olds, news),
    delete: (id, props, { client }) => deleteVm(client, id, props),
    list: ({ name, marker, earlier }, _i, { client }) => (name ? findByName(client, name) : findOwned(client, marker, earlier)),
    settle: (id, i, { client }) => settleCreate(client, id, i.timeoutSeconds * 1000, `VM ${i.name} to be created`),
  },
});
export type Vm = InstanceType<typeof Vm>;

const POWER_STATES: string[] = ["RUNNING", "STOPPED", "SUSPENDED"];

/** Whether a change that needs the VM off may power it off (and back): `restartOnChange`, or its older name. */
export const restartOnChange = (i: Pick<VmInputs, "restartOnChange" | "allowRestart">) => !!(i.restartOnChange || i.allowRestart);

/**
 * What `source` names that does not exist: the VM to clone, the content-library template (or its absence
 * from `clusterId`), the ISO image.
 */
async function sourceFailure(client: TowerClient, i: VmInputs): Promise<{ property: string; reason: string } | undefined> {
  const s = i.source && !isUnknown(i.source) ? i.source : undefined;
  if (s?.cloneOf) return client.missing("/get-vms", s.cloneOf.vmId, "source.cloneOf.vmId", "VM");
  if (s?.iso?.imageId) return client.missing("/get-elf-images", s.iso.imageId, "source.iso.imageId", "ISO image");
  if (s?.iso?.contentLibraryImageId)
    return client.missing("/get-content-library-images", s.iso.contentLibraryImageId, "source.iso.contentLibraryImageId", "content-library image");
  const id = s?.contentLibraryTemplate?.templateId;
  if (!id || isUnknown(id)) return undefined;
  const tpl = await client.seen<{ id: string; name: string; clusters?: Array<{ id: string; name: string }> }>("/get-content-library-vm-templates", id);
  if (!tpl) return { property: "source.contentLibraryTemplate.templateId", reason: `no content-library VM template with id ${id} in CloudTower` };
  if (i.clusterId && !isUnknown(i.clusterId) && !(tpl.clusters ?? []).some((c) => c.id === i.clusterId)) {
    const on = (tpl.clusters ?? []).map((c) => c.name).join(", ") || "no cluster";
    return { property: "clusterId", reason: `content-library VM template ${tpl.name} is not distributed to cluster ${i.clusterId} (it is on ${on})` };
  }
  return undefined;
}

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
    nics: (nicsManaged({ nics: prior.nics ?? [], template: prior.template, source: prior.source }) ? v.nics : []).map((n, i) => ({
      vlanId: n.vlan?.id ?? "",
      ...(prior.nics?.[i]?.macAddress ? { macAddress: n.mac_address } : {}),
      model: (n.model ?? "VIRTIO") as VmNic["model"],
      enabled: n.enabled ?? true,
    })),
    ...(POWER_STATES.includes(v.vm.status) ? { powerState: v.vm.status as VmInputs["powerState"] } : {}),
    ...labelsModel(v.vm.labels, prior),
    localId: v.vm.local_id,
    status: v.vm.status,
    vcpu: v.vm.vcpu,
    clusterName: v.vm.cluster?.name ?? "",
    hostName: v.vm.host?.name,
    hostname: v.vm.hostname ?? "",
    dnsServers: v.vm.dns_servers ? v.vm.dns_servers.split(",").filter(Boolean) : [],
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
