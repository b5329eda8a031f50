import { describe, expect, it } from "vitest";
import * as cloudtower from "../../../provider/cloudtower";
import { asEngine, failedPaths } from "../../helpers/engine";
import { CLUSTER_A, CLUSTER_B, LEGACY_VM, useTower } from "../../helpers/cloudtower";

const ctx = useTower();
const volume = asEngine(cloudtower.VmVolume.provider);
const vm = asEngine(cloudtower.Vm.provider);
type Disk = { id: string; vm: { id: string }; bus: string; vm_volume?: { id: string } | null };
const diskOf = async (volumeId: string) => (await ctx.sim.inventory<Disk>("vmDisks")).find((d) => d.vm_volume?.id === volumeId);
const volumeById = async (id: string) =>
  (await ctx.sim.inventory<{ id: string; size: number; mounting: boolean; name: string }>("vmVolumes")).find((v) => v.id === id);
const mutations = async () => (await ctx.sim.requests()).map((r) => r.path).filter((p) => !/\/(get-[a-z-]+|login)$/.test(p));
const base = (extra: Record<string, unknown> = {}) => ({ name: "data-1", clusterId: CLUSTER_A, sizeGb: 10, ...extra });

describe("cloudtower.VmVolume lifecycle", () => {
  it("creates with only the required inputs and reads back", async () => {
    const inputs = await volume.checked(base());
    const { id, outs } = await volume.create(inputs);
    expect(outs).toMatchObject({ name: "data-1", sizeGb: 10, storagePolicy: "REPLICA_2_THIN_PROVISION", sharing: false, mounting: false, labels: {} });
    expect((await volumeById(id))!.size).toBe(10 * 1024 ** 3);
    expect((await volume.read(id, outs)).props).toEqual(outs);
    expect((await volume.diff(id, outs, inputs)).changes).toBe(false);
  });

  it("grows, renames and describes in place with /update-vm-volume, and refuses to shrink at preview", async () => {
    const { id, outs } = await volume.create(await volume.checked(base()));
    const news = await volume.checked(base({ name: "data-one", sizeGb: 20, description: "logs" }));
    expect(await volume.diff(id, outs, news)).toMatchObject({ changes: true, replaces: [] });
    await ctx.sim.control("DELETE", "/_sim/requests");
    const u = await volume.update(id, outs, news);
    expect(u.outs).toMatchObject({ name: "data-one", sizeGb: 20, description: "logs" });
    expect(await mutations()).toEqual(["/v2/api/update-vm-volume"]);
    await expect(volume.diff(id, u.outs, await volume.checked(base({ name: "data-one", sizeGb: 5 })))).rejects.toThrow(
      /sizeGb: volume data-one cannot shrink from 20 GiB to 5 GiB/,
    );
  });

  it("attaches to a VM, moves to another VM and bus, and detaches, all in place", async () => {
    const other = await vm.create(await vm.checked({ name: "vol-host", clusterId: CLUSTER_A }));
    const { id, outs } = await volume.create(await volume.checked(base({ vmId: LEGACY_VM })));
    expect(outs).toMatchObject({ vmId: LEGACY_VM, mounting: true, bus: "VIRTIO", vmName: "legacy-app" });
    expect((await diskOf(id))!.vm.id).toBe(LEGACY_VM);

    const moved = await volume.checked(base({ vmId: other.id, bus: "SCSI" }));
    expect(await volume.diff(id, outs, moved)).toMatchObject({ changes: true, replaces: [] });
    await ctx.sim.control("DELETE", "/_sim/requests");
    const u = await volume.update(id, outs, moved);
    expect(await mutations()).toEqual(["/v2/api/remove-vm-disk", "/v2/api/add-vm-disk"]);
    expect(u.outs).toMatchObject({ vmId: other.id, bus: "SCSI", vmName: "vol-host" });
    expect(await diskOf(id)).toMatchObject({ vm: { id: other.id }, bus: "SCSI" });

    const detached = await volume.update(id, u.outs, await volume.checked(base({ bus: "SCSI" })));
    expect(detached.outs).toMatchObject({ mounting: false });
    expect(detached.outs.vmId).toBeUndefined();
    expect(await diskOf(id)).toBeUndefined();
    expect((await volume.read(id, detached.outs)).props).toEqual(detached.outs);
  });

  it("shows an attachment made out of band at refresh", async () => {
    const { id, outs } = await volume.create(await volume.checked(base()));
    await ctx.done("/add-vm-disk", { where: { id: LEGACY_VM }, data: { vm_disks: { mount_disks: [{ vm_volume_id: id, bus: "VIRTIO", boot: 5 }] } } });
    const props = (await volume.read(id, outs)).props!;
    expect(props.vmId).toBe(LEGACY_VM);
    expect((await volume.diff(id, props, await volume.checked(base()))).changes).toBe(true);
  });

  it("changes labels in place", async () => {
    const { id, outs } = await volume.create(await volume.checked(base({ labels: { backup: "daily" } })));
    expect(outs.labels).toEqual({ backup: "daily" });
    const u = await volume.update(id, outs, await volume.checked(base({ labels: { backup: "weekly" } })));
    expect(u.outs.labels).toEqual({ backup: "weekly" });
  });

  it("replaces on a cluster, storage policy or sharing change", async () => {
    const { id, outs } = await volume.create(await volume.checked(base()));
    for (const [extra, field] of [
      [{ clusterId: CLUSTER_B }, "clusterId"],
      [{ storagePolicy: "REPLICA_3_THIN_PROVISION" }, "storagePolicy"],
      [{ sharing: true }, "sharing"],
    ] as const) {
      expect((await volume.diff(id, outs, await volume.checked(base(extra)))).replaces).toEqual([field]);
    }
  });

  it("detaches an attached volume before deleting it, leaving the VM, and tolerates a volume already gone", async () => {
    const { id, outs } = await volume.create(await volume.checked(base({ vmId: LEGACY_VM })));
    await volume.delete(id, outs);
    expect(await volumeById(id)).toBeUndefined();
    expect((await ctx.sim.inventory<{ id: string }>("vms")).some((v) => v.id === LEGACY_VM)).toBe(true);
    await volume.delete(id, outs);
  });

  it.each([
    [base({ sizeGb: 0 }), "sizeGb"],
    [base({ storagePolicy: "FAST" }), "storagePolicy"],
    [base({ clusterId: "cl0nope" }), "clusterId"],
    [base({ vmId: "cl0nope" }), "vmId"],
    [base({ clusterId: CLUSTER_B, vmId: LEGACY_VM }), "vmId"],
  ])("check of %j fails on %s before anything changes", async (news, property) => {
    await ctx.sim.control("DELETE", "/_sim/requests");
    expect(failedPaths((await volume.check({}, news)).failures)).toEqual([property]);
    expect(await mutations()).toEqual([]);
  });
});
