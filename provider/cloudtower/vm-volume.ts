/**
 * cloudtower.VmVolume: a virtual disk on its own (`/create-vm-volume`), attached to a VM and detached
 * again in place (`/add-vm-disk` with `mount_disks`, `/remove-vm-disk`). In place: name, description,
 * size (it only grows; `/update-vm-volume`), the VM it is attached to and its bus, labels. Replaced:
 * cluster, storage policy, sharing. Deleting it detaches it first. Its ownership marker rides at the end of
 * its description (written right after the create, which takes no description): a cloudtower.Vm deleted
 * while the volume is attached detaches it instead of deleting it with the VM.
 */
import { z } from "zod";
import { ProviderError, containsUnknown, defineResource, isUnknown, splitMarker, withMarker } from "../core";
import { TowerClient } from "./client";
import { vendor } from "./config";
import { WireLabel, labelsInput, labelsModel, syncLabels } from "./labels";
import { GIB, WireDisk, WireVm } from "./vm-operations";

const POLICIES = [
  "REPLICA_1_THIN_PROVISION",
  "REPLICA_1_THICK_PROVISION",
  "REPLICA_2_THIN_PROVISION",
  "REPLICA_2_THICK_PROVISION",
  "REPLICA_3_THIN_PROVISION",
  "REPLICA_3_THICK_PROVISION",
] as const;

const inputs = z.strictObject({
  name: z.string().trim().min(1, "must not be empty").max(255).describe("the volume's name"),
  clusterId: z.string().min(1, "must name a cluster").describe("the cluster the volume lives on"),
  sizeGb: z
    .number()
    .positive("must be positive")
    .max(64 * 1024, "must be at most 65536 GiB")
    .describe("size in GiB; a volume only grows"),
  storagePolicy: z.enum(POLICIES).default("REPLICA_2_THIN_PROVISION").describe("the volume's ELF storage policy"),
  sharing: z.boolean().default(false).describe("a shared volume may be attached to several VMs"),
  description: z.string().default(""),
  vmId: z.string().min(1, "must name a VM").optional().describe("the VM to attach the volume to; changing or dropping it detaches it in place"),
  bus: z.enum(["VIRTIO", "SCSI", "IDE"]).default("VIRTIO").describe("the bus it is attached on"),
  labels: labelsInput,
  timeoutSeconds: z.number().int().positive("must be positive").default(600).describe("deadline of each task, in seconds"),
});
type VolumeInputs = z.output<typeof inputs>;

// ---- Definition ------------------------------------------------------------------------------------

export const VmVolume = defineResource({
  vendor,
  type: "VmVolume",
  description:
    "A virtual disk on its own, attached to a VM and detached again in place. A shared volume manages only its attachment to `vmId` (other VMs' are left alone) and is not deleted while other VMs hold it.",
  inputs,
  outputs: z.object({
    localId: z.string().describe("the volume's id inside the cluster"),
    path: z.string(),
    mounting: z.boolean().describe("whether a VM mounts it"),
    vmName: z.string().optional().describe("the VM it is attached to"),
    diskId: z.string().optional().describe("the id of its disk on that VM (it changes whenever the VM's disks change)"),
  }),
  replaceOn: ["clusterId", "storagePolicy", "sharing"],
  computed: ["labels"],
  adopt: { byName: true },
  // Made with no field that could carry a marker (`description` only on update, where the marker is written
  // for cloudtower.Vm's delete to see): creates go one at a time per endpoint.
  recovery: { newObject: true },
  model: (w: VolumeView, prior) => fromWire(w, prior),
  async check(i, { client }) {
    const failures = await Promise.all([client.missing("/get-clusters", i.clusterId, "clusterId", "cluster"), vmFailure(client, i)]);
    return failures.filter((f) => f !== undefined);
  },
  diff(olds, news) {
    if (!containsUnknown(news.sizeGb) && news.sizeGb < olds.sizeGb) {
      throw new ProviderError("validation", `sizeGb: volume ${news.name} cannot shrink from ${olds.sizeGb} GiB to ${news.sizeGb} GiB`, { property: "sizeGb" });
    }
    return {};
  },
  operations: {
    async create(i, { client, marker }) {
      const body = [{ name: i.name, cluster_id: i.clusterId, size: bytes(i.sizeGb), elf_storage_policy: i.storagePolicy, sharing: i.sharing }];
      const [r] = await client.mutate<WireVolume>("/create-vm-volume", body);
      const id = r.data.id;
      // Marking, attaching and labelling failing leave the volume made (a partial create the next update
      // converges), not deleted.
      const after = async () => {
        await edit(client, id, { description: withMarker(i.description, marker) }, i);
        if (i.vmId) await attach(client, id, i.vmId, i);
        await syncLabels(client, "vm_volumes", id, [], i.labels, i.timeoutSeconds * 1000, `volume ${i.name}`);
      };
      return { id, wait: () => client.waitTasks([r], i.timeoutSeconds * 1000, `volume ${i.name} to be created`), after };
    },
    read: (id, { client }, prior) => view(client, id, prior?.vmId),
    // Marked as a cloudtower.VmVolume's, so that the delete of a VM it is attached to (a template's or a clone's,
    // whose other volumes are its own) detaches and keeps it.
    async adopted(id, i, { client, marker }) {
      const v = await view(client, id, i.vmId);
      if (v && splitMarker(v.volume.description ?? undefined).marker === undefined) {
        await edit(client, id, { description: withMarker(splitMarker(v.volume.description ?? undefined).text, marker) }, i);
      }
    },
    async update(id, olds, news, { client }) {
      // Only this resource's attachment is touched: the one on the VM asked, else the one on the VM it was on.
      const v = (await view(client, id, news.vmId, olds.vmId))!;
      const data: Record<string, unknown> = {};
      if (news.name !== v.volume.name) data.name = news.name;
      const description = withMarker(news.description, splitMarker(v.volume.description ?? undefined).marker ?? news.marker);
      if (description !== (v.volume.description ?? "")) data.description = description;
      if (bytes(news.sizeGb) > v.volume.size) data.size = bytes(news.sizeGb);
      if (Object.keys(data).length) await edit(client, id, data, news);
      // Attachment: detached from the VM it is on when another (or none, or another bus) is asked, then attached.
      const on = v.disk;
      if (on && (on.vm.id !== news.vmId || on.bus !== news.bus)) await detach(client, id, on, news);
      if (news.vmId && (!on || on.vm.id !== news.vmId || on.bus !== news.bus)) await attach(client, id, news.vmId, news);
      await syncLabels(client, "vm_volumes", id, v.volume.labels, news.labels, news.timeoutSeconds * 1000, `volume ${news.name}`);
    },
    async delete(id, props, { client }) {
      const v = await view(client, id, props.vmId);
      if (!v) return;
      // A shared volume other VMs still hold is theirs too: refused, before anything is detached.
      if (v.holders.length) {
        throw new ProviderError(
          "conflict",
          `volume ${props.name} (${id}) is shared and still attached to VM(s) ${v.holders.join(", ")} besides this resource's; detach it from them first`,
          { property: "vmId" },
        );
      }
      if (v.disk) await detach(client, id, v.disk, props);
      await client.change(
        "/delete-vm-volume",
        { where: { id } },
        { id, lockOf: "/get-vm-volumes", timeoutMs: props.timeoutSeconds * 1000, what: `volume ${props.name} to be deleted` },
      );
    },
    // By name for adoption; for a lost create, only volumes this create would have made: same name, size, policy
    // and sharing, mounted by no VM (a new VM's own disk volume, made meanwhile, is never taken for it).
    list: async ({ name }, i, { client }) =>
      name
        ? client.getAll<WireVolume>("/get-vm-volumes", { cluster: { id: i.clusterId }, name })
        : (
            await client.getAll<WireVolume>("/get-vm-volumes", {
              cluster: { id: i.clusterId },
              name: i.name,
              size: bytes(i.sizeGb),
              elf_storage_policy: i.storagePolicy,
              sharing: i.sharing,
            })
          ).filter((v) => !v.mounting),
  },
});
export type VmVolume = InstanceType<typeof VmVolume>;

const bytes = (gb: number) => Math.round(gb * GIB);

/** A VM to attach to that does not exist, or that is on another cluster than the volume. */
async function vmFailure(client: TowerClient, i: VolumeInputs): Promise<{ property: string; reason: string } | undefined> {
  if (!i.vmId || isUnknown(i.vmId)) return undefined;
  const vm = await client.seen<WireVm>("/get-vms", i.vmId);
  if (!vm) return { property: "vmId", reason: `no VM with id ${i.vmId} in CloudTower` };
  if (!isUnknown(i.clusterId) && vm.cluster && vm.cluster.id !== i.clusterId) {
    return { property: "vmId", reason: `VM ${vm.name} is on cluster ${vm.cluster.name}, not on the volume's cluster ${i.clusterId}` };
  }
  return undefined;
}

// ---- Operations ------------------------------------------------------------------------------------

/**
 * The volume and its attachment: the one on the VM asked (`vmIds`, first found wins), else (not sharing, or no
 * VM asked) the only one; a shared volume's attachments to other VMs are theirs, shown in `holders` only.
 */
async function view(t: TowerClient, id: string, ...vmIds: Array<string | undefined>): Promise<VolumeView | undefined> {
  const [volume, disks] = await Promise.all([t.one<WireVolume>("/get-vm-volumes", id), t.children<WireDisk>("/get-vm-disks", "vm_volume", id)]);
  if (!volume) return undefined;
  const asked = vmIds.filter((v): v is string => !!v);
  const disk = asked.map((vm) => disks.find((d) => d.vm.id === vm)).find((d) => d !== undefined) ?? (!volume.sharing || !asked.length ? disks[0] : undefined);
  const vm = disk ? await t.one<WireVm>("/get-vms", disk.vm.id) : undefined;
  return { volume, disk, vmName: vm?.name, holders: disks.filter((d) => d !== disk).map((d) => d.vm.id) };
}

function edit(t: TowerClient, id: string, data: Record<string, unknown>, i: VolumeInputs) {
  return t.change(
    "/update-vm-volume",
    { where: { id }, data },
    { id, lockOf: "/get-vm-volumes", timeoutMs: i.timeoutSeconds * 1000, what: `volume ${i.name} to be updated` },
  );
}

/** Mounts the volume on the VM after its other disks (a change to the VM: it waits out the VM's lock). */
async function attach(t: TowerClient, id: string, vmId: string, i: VolumeInputs) {
  const boot = (await t.get<WireDisk>("/get-vm-disks", { where: { vm: { id: vmId } } })).length;
  await t.change(
    "/add-vm-disk",
    { where: { id: vmId }, data: { vm_disks: { mount_disks: [{ vm_volume_id: id, bus: i.bus, boot }] } } },
    { id: vmId, lockOf: "/get-vms", timeoutMs: i.timeoutSeconds * 1000, what: `volume ${i.name} to be attached` },
  );
}

/** Removes the volume's disk from its VM (the volume stays); disk ids change on every VM change, so it is found again. */
async function detach(t: TowerClient, id: string, disk: WireDisk, i: VolumeInputs) {
  const [current] = await t.get<WireDisk>("/get-vm-disks", { where: { vm: { id: disk.vm.id }, vm_volume: { id } } });
  if (!current) return;
  await t.change(
    "/remove-vm-disk",
    { where: { id: disk.vm.id }, data: { disk_ids: [current.id] } },
    { id: disk.vm.id, lockOf: "/get-vms", timeoutMs: i.timeoutSeconds * 1000, what: `volume ${i.name} to be detached` },
  );
}

// ---- Model -------------------------------------------------------------------------------------------

function fromWire(w: VolumeView, prior: Partial<VolumeInputs>) {
  return {
    name: w.volume.name,
    clusterId: w.volume.cluster.id,
    sizeGb: w.volume.size / GIB,
    ...((POLICIES as readonly string[]).includes(w.volume.elf_storage_policy)
      ? { storagePolicy: w.volume.elf_storage_policy as VolumeInputs["storagePolicy"] }
      : {}),
    sharing: w.volume.sharing,
    description: splitMarker(w.volume.description ?? undefined).text,
    // Detached (out of band, or by the delete of its VM): no vmId, whatever the state held.
    ...(w.disk ? { vmId: w.disk.vm.id, bus: w.disk.bus as VolumeInputs["bus"] } : { vmId: undefined, bus: prior.bus ?? "VIRTIO" }),
    ...labelsModel(w.volume.labels, prior),
    localId: w.volume.local_id,
    path: w.volume.path,
    mounting: w.volume.mounting,
    vmName: w.vmName,
    diskId: w.disk?.id,
  };
}

// ---- Wire --------------------------------------------------------------------------------------------

interface WireVolume {
  id: string;
  name: string;
  size: number;
  path: string;
  local_id: string;
  elf_storage_policy: string;
  sharing: boolean;
  mounting: boolean;
  description?: string | null;
  cluster: { id: string; name: string };
  labels?: WireLabel[] | null;
  entityAsyncStatus?: string | null;
}

interface VolumeView {
  volume: WireVolume;
  disk?: WireDisk;
  vmName?: string;
  /** The other VMs a shared volume is attached to. */
  holders: string[];
}
