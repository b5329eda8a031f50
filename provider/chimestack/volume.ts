/**
 * chimestack.Volume: a volume made apart in a cluster (`POST .../volume`), awaited until ready, and attached
 * to the VM `vmUuid` names. In place: name and description (`updateVolume`), and the VM it is attached to
 * (`detachVolumeFromVm` from the one it leaves, `attachVolumeToVm` to the new one, the VM awaited idle
 * first; no `vmUuid` detaches it). ChimeStack has no resize: a new size, spec, image or host replaces it.
 * Delete detaches it from every VM, then deletes it with its physical volume (`force_del=true`). The
 * ownership marker rides at the end of the description.
 */
import { z } from "zod";
import { Failure, defineResource, known, plain, splitMarker, uuid, withMarker } from "../core";
import { Busy, ChimeClient, clusterPath, settledAt, volumePath } from "./client";
import { vendor } from "./config";
import { name } from "./vm";

const GIB = 1024 ** 3;

// ---- Definition ------------------------------------------------------------------------------------

export const Volume = defineResource({
  vendor,
  type: "Volume",
  description: "A volume made apart in a cluster, attached in place to the VM `vmUuid` names (or to none).",
  inputs: z.strictObject({
    azUuid: uuid("an availability zone"),
    clusterUuid: uuid("a cluster"),
    name: name(),
    sizeGb: z
      .number()
      .positive("must be positive")
      .max(64 * 1024)
      .describe("the size in GiB (ChimeStack cannot resize: a new size replaces the volume)"),
    volumeSpecUuid: uuid("a volume spec"),
    imageUuid: uuid("an image").optional().describe("the image the volume is made from"),
    hostUuid: uuid("a host").optional().describe("the host of a volume on local storage"),
    description: z.string().default(""),
    vmUuid: uuid("a VM").optional().describe("the VM the volume is attached to; changed or removed in place (detach, then attach)"),
    timeoutSeconds: z.number().int().positive().default(600).describe("deadline of each wait (the create, a VM to be idle), in seconds"),
  }),
  outputs: z.object({
    uuid: z.string(),
    state: z.number().describe("0 being made, 1 free, 2 attached"),
    sizeBytes: z.number(),
    attachedVmUuids: z.array(z.string()).describe("the VMs ChimeStack shows it attached to"),
  }),
  replaceOn: ["azUuid", "clusterUuid", "sizeGb", "volumeSpecUuid", "imageUuid", "hostUuid"],
  adopt: { byName: true, id: uuid("a volume") },
  recovery: { marker: "the end of the volume's description" },
  model: (w: WireVolume) => model(w),
  async check(i, { client }) {
    const failures: Failure[] = [];
    if (known(i.azUuid, i.clusterUuid)) {
      failures.push(
        ...(await client.missing(clusterPath(i.azUuid, i.clusterUuid), "cluster", {
          property: "clusterUuid",
          reason: `no cluster ${i.clusterUuid} in availability zone ${i.azUuid}`,
        })),
      );
    }
    const refs = [
      ["volumeSpecUuid", `/v1/volume_spec/${i.volumeSpecUuid}`, "volume_spec", "volume spec"],
      ["imageUuid", `/v1/image/${i.imageUuid}`, "image", "image"],
      ["vmUuid", `/v1/vm/${i.vmUuid}`, "vm", "VM"],
    ] as const;
    for (const [k, path, kind, what] of refs) {
      if (i[k] === undefined || !known(i[k])) continue;
      failures.push(...(await client.missing(path, kind, { property: k, reason: `no ${what} ${i[k]} in ChimeStack` })));
    }
    // A volume is attached to a VM of its own cluster (the simulator's assumption; ChimeStack says nothing).
    if (i.vmUuid && known(i.vmUuid, i.clusterUuid) && !failures.some((f) => f.property === "vmUuid")) {
      const vm = await client.getOne<{ cluster_uuid: string }>(`/v1/vm/${i.vmUuid}`, "vm");
      if (vm && vm.cluster_uuid !== i.clusterUuid)
        failures.push({ property: "vmUuid", reason: `VM ${i.vmUuid} is in cluster ${vm.cluster_uuid}, not in the volume's cluster ${i.clusterUuid}` });
    }
    return failures;
  },
  operations: {
    async create(i, { client, marker }) {
      const body = plain({
        name: i.name,
        size: Math.round(i.sizeGb * GIB),
        volume_spec_uuid: i.volumeSpecUuid,
        image_uuid: i.imageUuid,
        host_uuid: i.hostUuid,
        root: 0,
        description: withMarker(i.description, marker),
      });
      const { volume } = await client.call<{ volume: WireVolume }>("POST", volumePath(i), body);
      return { id: volume.uuid, wait: () => settle(client, volume.uuid, i) };
    },
    read: (id, { client }, prior) => client.item<WireVolume>(volumePath(prior), "volume", id),
    async update(id, olds, news, { client }) {
      const path = volumePath(news, id);
      if (olds.name !== news.name || olds.description !== news.description) {
        const description = await client.markedDescription(path, "volume", news.description, news.marker);
        await client.call("PATCH", path, { name: news.name, description }, { idempotent: true });
      }
      await attachTo(client, id, news);
    },
    async delete(id, props, { client }) {
      const w = await client.getOne<WireVolume>(volumePath(props, id), "volume");
      if (!w) return;
      for (const vm of w.attached_vms) await detach(client, id, vm.uuid, props);
      await client.call("DELETE", `${volumePath(props, id)}?force_del=true`, undefined, { idempotent: true });
    },
    list: ({ name, earlier }, i, { client }) => client.found(volumePath(i), { name }, earlier),
    settle: (id, i, { client }) => settle(client, id, i),
  },
});
export type Volume = InstanceType<typeof Volume>;

// ---- Model -----------------------------------------------------------------------------------------

/** The volume as outputs: what ChimeStack shows of the inputs (the VM it is attached to, if one), and what only it knows. */
export function model(w: WireVolume) {
  return {
    name: w.name,
    description: splitMarker(w.description).text,
    sizeGb: w.size / GIB,
    volumeSpecUuid: w.volume_spec_uuid,
    // No VM: undefined, laid over the input, shows a detach made out of band as a change.
    vmUuid: w.attached_vms.length === 1 ? w.attached_vms[0].uuid : undefined,
    uuid: w.uuid,
    state: w.state,
    sizeBytes: w.size,
    attachedVmUuids: w.attached_vms.map((v) => v.uuid),
  };
}

// ---- Operations --------------------------------------------------------------------------------------

type Placed = { azUuid: string; clusterUuid: string; name: string; vmUuid?: string; timeoutSeconds: number };

/** Waits until the new volume is ready, then attaches it to its VM; the volume as it then is. */
async function settle(c: ChimeClient, id: string, i: Placed) {
  const w = await settledAt<WireVolume>(c, volumePath(i, id), "volume", `volume ${i.name}`, i.timeoutSeconds);
  if (!i.vmUuid) return { wire: w };
  await attachTo(c, id, i);
  return {};
}

/** Detaches the volume from every VM but `i.vmUuid`, and attaches it there if it is not yet (each VM awaited idle first). */
async function attachTo(c: ChimeClient, id: string, i: Placed) {
  const w = await settledAt<WireVolume>(c, volumePath(i, id), "volume", `volume ${i.name}`, i.timeoutSeconds);
  for (const vm of w.attached_vms) if (vm.uuid !== i.vmUuid) await detach(c, id, vm.uuid, i);
  if (!i.vmUuid || w.attached_vms.some((vm) => vm.uuid === i.vmUuid)) return;
  await idleVm(c, i.vmUuid, i.timeoutSeconds);
  await c.call("PUT", `/v1/vm/${i.vmUuid}/attach_disk`, { volume_uuid: id }, { idempotent: true });
}

async function detach(c: ChimeClient, id: string, vm: string, i: { timeoutSeconds: number }) {
  await idleVm(c, vm, i.timeoutSeconds);
  await c.call("PUT", `/v1/vm/${vm}/detach_disk`, { volume_uuid: id }, { idempotent: true });
}

/** A VM refuses attach and detach while an operation (a create, a start or stop) is under way. */
const idleVm = (c: ChimeClient, vm: string, timeoutSeconds: number) => settledAt<Busy>(c, `/v1/vm/${vm}`, "vm", `VM ${vm}`, timeoutSeconds);

// ---- Wire --------------------------------------------------------------------------------------------

export interface WireVolume {
  uuid: string;
  name: string;
  description: string;
  size: number;
  volume_spec_uuid: string;
  image_uuid: string;
  root: number;
  state: number;
  operation: string;
  attached_vms: Array<{ uuid: string }>;
}
