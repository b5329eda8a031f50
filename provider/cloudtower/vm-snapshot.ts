/**
 * cloudtower.VmSnapshot: a snapshot of a VM (crash or file-system consistent). Every input change but the
 * deadline replaces it. Outputs list the snapshot's disks with the names of their LUN snapshots, as the API
 * guide's backup walkthrough uses them (`snapshot_local_id`).
 */
import { z } from "zod";
import { defineResource } from "../core";
import { vendor } from "./config";

// ---- Definition ------------------------------------------------------------------------------------

export const VmSnapshot = defineResource({
  vendor,
  type: "VmSnapshot",
  description: "A snapshot of a VM, with the LUN snapshot name of each disk.",
  inputs: z.strictObject({
    vmId: z.string().min(1, "must name a VM").describe("the VM to snapshot"),
    name: z.string().trim().min(1, "must not be empty").max(255),
    consistentType: z
      .enum(["CRASH_CONSISTENT", "FILE_SYSTEM_CONSISTENT"])
      .default("CRASH_CONSISTENT")
      .describe("FILE_SYSTEM_CONSISTENT needs VMTools running in the guest"),
    timeoutSeconds: z.number().int().positive("must be positive").default(600).describe("deadline of each task, in seconds"),
  }),
  outputs: z.object({
    localId: z.string(),
    clusterId: z.string(),
    sizeBytes: z.number(),
    createdAt: z.string().optional(),
    disks: z.array(
      z.object({
        diskName: z.string().optional(),
        index: z.number(),
        bus: z.string(),
        sizeBytes: z.number(),
        volumeLocalId: z.string(),
        lunSnapshotName: z.string().optional(),
      }),
    ),
  }),
  replaceOn: ["vmId", "name", "consistentType"],
  adopt: { byName: true },
  // A snapshot has no field that could carry a marker: creates go one at a time per endpoint.
  recovery: { newObject: true },
  model: (w: WireSnapshot) => ({
    name: w.name,
    consistentType: w.consistent_type,
    ...(w.vm ? { vmId: w.vm.id } : {}),
    localId: w.local_id,
    clusterId: w.cluster.id,
    sizeBytes: w.size,
    createdAt: w.local_created_at,
    disks: (w.vm_disks ?? [])
      .filter((d) => d.type === "DISK")
      .map((d) => ({
        diskName: d.disk_name,
        index: d.index,
        bus: d.bus,
        sizeBytes: d.size,
        volumeLocalId: d.vm_volume_local_id,
        lunSnapshotName: d.snapshot_local_id,
      })),
  }),
  async check(i, { client }) {
    const failure = await client.missing("/get-vms", i.vmId, "vmId", "VM");
    return failure ? [failure] : [];
  },
  operations: {
    async create(i, { client }) {
      // The VM is what a snapshot locks: retried while another task holds it.
      const { results, wait } = await client.start<WireSnapshot>(
        "/create-vm-snapshot",
        { data: [{ vm_id: i.vmId, name: i.name, consistent_type: i.consistentType }] },
        { id: i.vmId, lockOf: "/get-vms", timeoutMs: i.timeoutSeconds * 1000, what: `snapshot ${i.name} to be created`, idempotent: false },
      );
      return { id: results[0].data.id, wait };
    },
    read: (id, { client }) => client.one<WireSnapshot>("/get-vm-snapshots", id),
    // Only the deadline changes in place, and it changes nothing at the vendor.
    async update() {},
    async delete(id, props, { client }) {
      await client.change(
        "/delete-vm-snapshot",
        { where: { id } },
        { id, lockOf: "/get-vm-snapshots", timeoutMs: props.timeoutSeconds * 1000, what: `snapshot ${props.name} to be deleted` },
      );
    },
    list: ({ name }, i, { client }) => client.getAll<WireSnapshot>("/get-vm-snapshots", { vm: { id: i.vmId }, ...(name ? { name } : {}) }),
  },
});
export type VmSnapshot = InstanceType<typeof VmSnapshot>;

// ---- Wire --------------------------------------------------------------------------------------------

interface WireSnapshot {
  id: string;
  name: string;
  local_id: string;
  consistent_type: "CRASH_CONSISTENT" | "FILE_SYSTEM_CONSISTENT";
  cluster: { id: string; name: string };
  size: number;
  local_created_at?: string;
  vm?: { id: string; name: string };
  vm_disks?: Array<{ index: number; bus: string; size: number; type: string; vm_volume_local_id: string; disk_name?: string; snapshot_local_id?: string }>;
}
