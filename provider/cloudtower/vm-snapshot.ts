/**
 * cloudtower.VmSnapshot: a snapshot of a VM (crash or file-system consistent). Every input change
 * replaces it. Outputs list the snapshot's disks with the names of their LUN snapshots, as the API guide's
 * backup walkthrough uses them (`snapshot_local_id`).
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { ProviderError, checkWithSchema, diffInputs, lazyProvider, plain, VendorResource } from "../core";
import { configureTower, tower } from "./config";

export interface VmSnapshotArgs {
  vmId: pulumi.Input<string>;
  name: pulumi.Input<string>;
  /** CRASH_CONSISTENT (default) or FILE_SYSTEM_CONSISTENT (needs VMTools running in the guest). */
  consistentType?: pulumi.Input<"CRASH_CONSISTENT" | "FILE_SYSTEM_CONSISTENT">;
  /** Deadline of each task, in seconds (default 600). */
  timeoutSeconds?: pulumi.Input<number>;
}

export interface VmSnapshotInputs {
  vmId: string;
  name: string;
  consistentType: "CRASH_CONSISTENT" | "FILE_SYSTEM_CONSISTENT";
  timeoutSeconds: number;
}

export interface VmSnapshotOutputs extends VmSnapshotInputs {
  localId: string;
  clusterId: string;
  sizeBytes: number;
  createdAt?: string;
  disks: Array<{ diskName?: string; index: number; bus: string; sizeBytes: number; volumeLocalId: string; lunSnapshotName?: string }>;
}

interface WireSnapshot {
  id: string;
  name: string;
  local_id: string;
  consistent_type: VmSnapshotInputs["consistentType"];
  cluster: { id: string; name: string };
  size: number;
  local_created_at?: string;
  vm?: { id: string; name: string };
  vm_disks?: Array<{ index: number; bus: string; size: number; type: string; vm_volume_local_id: string; disk_name?: string; snapshot_local_id?: string }>;
}

const INPUTS = ["vmId", "name", "consistentType", "timeoutSeconds"] as const;
const REPLACE_ON = ["vmId", "name", "consistentType"] as const;

export function vmSnapshotSchema() {
  return z.strictObject({
    vmId: z.string().min(1, "must name a VM"),
    name: z.string().trim().min(1, "must not be empty").max(255),
    consistentType: z.enum(["CRASH_CONSISTENT", "FILE_SYSTEM_CONSISTENT"]).default("CRASH_CONSISTENT"),
    timeoutSeconds: z.number().int().positive("must be positive").default(600),
  });
}

export function toOutputs(inputs: VmSnapshotInputs, w: WireSnapshot): VmSnapshotOutputs {
  return plain({
    ...inputs,
    name: w.name,
    consistentType: w.consistent_type,
    vmId: w.vm?.id ?? inputs.vmId,
    localId: w.local_id,
    clusterId: w.cluster.id,
    sizeBytes: w.size,
    createdAt: w.local_created_at,
    disks: (w.vm_disks ?? [])
      .filter((d) => d.type === "DISK")
      .map((d) => ({ diskName: d.disk_name, index: d.index, bus: d.bus, sizeBytes: d.size, volumeLocalId: d.vm_volume_local_id, lunSnapshotName: d.snapshot_local_id })),
  });
}

export const vmSnapshotProvider: Required<pulumi.dynamic.ResourceProvider<VmSnapshotInputs, VmSnapshotOutputs>> = {
  async configure(req) {
    configureTower(req.config);
  },

  async check(_olds, news) {
    const r = checkWithSchema(vmSnapshotSchema(), news as never);
    if (r.failures?.length) return r as never;
    const inputs = r.inputs as unknown as VmSnapshotInputs;
    const failure = await tower().missing("/get-vms", inputs.vmId, "vmId", "VM");
    return failure ? { inputs, failures: [failure] } : { inputs };
  },

  async diff(_id, olds, news) {
    const d = diffInputs(olds as never, news as never, { inputs: INPUTS, replaceOn: REPLACE_ON });
    return { changes: d.changes, replaces: d.replaces };
  },

  async create(inputs) {
    const t = tower();
    // The VM is what a snapshot locks: retried while another task holds it.
    const results = await t.change<WireSnapshot>(
      "/create-vm-snapshot",
      { data: [{ vm_id: inputs.vmId, name: inputs.name, consistent_type: inputs.consistentType }] },
      { id: inputs.vmId, lockOf: "/get-vms", timeoutMs: inputs.timeoutSeconds * 1000, what: `snapshot ${inputs.name} to be created` },
    );
    const id = results[0].data.id;
    const w = await t.one<WireSnapshot>("/get-vm-snapshots", id);
    if (!w) throw new ProviderError("not_found", `snapshot ${inputs.name} (${id}) vanished right after it was created`);
    return { id, outs: toOutputs(inputs, w) };
  },

  async read(id, props) {
    const w = await tower().one<WireSnapshot>("/get-vm-snapshots", id);
    if (!w) return { id: "" };
    const prev = props ?? ({ vmId: w.vm?.id ?? "", name: w.name, consistentType: w.consistent_type, timeoutSeconds: 600 } as VmSnapshotInputs);
    const outs = toOutputs(prev, w);
    const { vmId, name, consistentType, timeoutSeconds } = outs;
    return { id, props: outs, inputs: { vmId, name, consistentType, timeoutSeconds } as never };
  },

  async update(id, _olds, news) {
    // Only the deadline can change in place; it changes nothing at the vendor.
    const w = await tower().one<WireSnapshot>("/get-vm-snapshots", id);
    if (!w) throw new ProviderError("not_found", `snapshot ${news.name} (${id}) no longer exists`);
    return { outs: toOutputs(news, w) };
  },

  async delete(id, props) {
    await tower().change("/delete-vm-snapshot", { where: { id } }, { id, lockOf: "/get-vm-snapshots", timeoutMs: props.timeoutSeconds * 1000, what: `snapshot ${props.name} to be deleted` });
  },
};

export class VmSnapshot extends VendorResource {
  static override readonly __pulumiType = "pulumi-nodejs:dynamic/cloudtower:VmSnapshot";

  declare readonly vmId: pulumi.Output<string>;
  declare readonly name: pulumi.Output<string>;
  declare readonly consistentType: pulumi.Output<string>;
  declare readonly localId: pulumi.Output<string>;
  declare readonly clusterId: pulumi.Output<string>;
  declare readonly sizeBytes: pulumi.Output<number>;
  declare readonly createdAt: pulumi.Output<string | undefined>;
  declare readonly disks: pulumi.Output<VmSnapshotOutputs["disks"]>;

  constructor(name: string, args: VmSnapshotArgs, opts?: pulumi.CustomResourceOptions) {
    const outputs = { localId: undefined, clusterId: undefined, sizeBytes: undefined, createdAt: undefined, disks: undefined };
    super(lazyProvider("pulumi-private-cloud/cloudtower", "vmSnapshotProvider"), name, { ...outputs, ...args }, opts, "cloudtower", "VmSnapshot");
  }
}
