import { describe, expect, it } from "vitest";
import * as cloudtower from "../../../provider/cloudtower";
import { asEngine, failedPaths } from "../../helpers/engine";
import { CLUSTER_A, CLUSTER_B, LEGACY_VM, TEMPLATE, useTower } from "../../helpers/cloudtower";

const ctx = useTower();
const volume = asEngine(cloudtower.VmVolume.provider);
const vm = asEngine(cloudtower.Vm.provider);
type Disk = { id: string; vm: { id: string }; bus: string; vm_volume?: { id: string } | null };
const diskOf = async (volumeId: string) => (await ctx.sim.inventory<Disk>("vmDisks")).find((d) => d.vm_volume?.id === volumeId);
const volumeById = async (id: string) =>
  (await ctx.sim.inventory<{ id: string; size: number; mounting: boolean; name: string; description?: string }>("vmVolumes")).find((v) => v.id === id);
const mutations = async () => (await ctx.sim.requests()).map((r) => r.path).filter((p) => !/\/(get-[a-z-]+|login)$/.test(p));
const base = (extra: Record<string, unknown> = {}) => ({ name: "data-1", clusterId: CLUSTER_A, sizeGb: 10, ...extra });

describe("cloudtower.VmVolume lifecycle", () => {
  it("creates with only the required inputs and reads back", async () => {
    const inputs = await volume.checked(base());
    const { id, outs } = await volume.create(inputs);
    expect(outs).toMatchObject({ name: "data-1", sizeGb: 10, storagePolicy: "REPLICA_2_THIN_PROVISION", sharing: false, mounting: false });
    expect(outs).not.toHaveProperty("labels");
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

  it("keeps its ownership marker at the end of its description and shows the description without it", async () => {
    const { id, outs } = await volume.create({ ...(await volume.checked(base({ description: "logs" }))), marker: "pulumi:00000000000000bb" });
    expect((await volumeById(id))!.description).toBe("logs [pulumi:00000000000000bb]");
    expect(outs.description).toBe("logs");
    const u = await volume.update(id, outs, await volume.checked(base({ description: "audit" })));
    expect(u.outs.description).toBe("audit");
    expect((await volumeById(id))!.description).toBe("audit [pulumi:00000000000000bb]");
  });

  it("survives the delete of the VM it is attached to, detached first, with its size and path; the VM's own disks go with it", async () => {
    const host = await vm.create(await vm.checked({ name: "vol-host", clusterId: CLUSTER_A, disks: [{ sizeGb: 5 }] }));
    const { id, outs } = await volume.create(await volume.checked(base({ sizeGb: 30, vmId: host.id })));
    await ctx.sim.control("DELETE", "/_sim/requests");
    await vm.delete(host.id, host.outs);
    expect(await mutations()).toEqual(["/v2/api/remove-vm-disk", "/v2/api/delete-vm"]);
    expect((await ctx.sim.inventory<{ id: string }>("vms")).some((v) => v.id === host.id)).toBe(false);
    expect((await ctx.sim.inventory<{ name: string }>("vmVolumes")).some((v) => v.name === "vol-host-disk-0")).toBe(false);
    expect(await volumeById(id)).toMatchObject({ size: 30 * 1024 ** 3, mounting: false });
    const props = (await volume.read(id, outs)).props!;
    expect(props).toMatchObject({ sizeGb: 30, path: outs.path, localId: outs.localId, mounting: false });
    expect(props.vmId).toBeUndefined();
    await volume.delete(id, props);
    expect(await volumeById(id)).toBeUndefined();
  });

  it("moves in place to the VM that replaces its VM delete-first, with its data", async () => {
    const args = { name: "vol-host", clusterId: CLUSTER_A, disks: [{ sizeGb: 5 }] };
    const old = await vm.create(await vm.checked(args));
    const { id, outs } = await volume.create(await volume.checked(base({ vmId: old.id })));
    // The engine's order for a delete-first replacement: the old VM goes, the new one is made, then the volume follows.
    const replacement = await vm.checked({ ...args, firmware: "UEFI" });
    expect(await vm.diff(old.id, old.outs, replacement)).toMatchObject({ replaces: ["firmware"], deleteBeforeReplace: true });
    await vm.delete(old.id, old.outs);
    const made = await vm.create(replacement);
    const news = await volume.checked(base({ vmId: made.id }));
    expect(await volume.diff(id, outs, news)).toMatchObject({ changes: true, replaces: [] });
    const u = await volume.update(id, outs, news);
    expect(u.outs).toMatchObject({ vmId: made.id, vmName: "vol-host", mounting: true, sizeGb: 10, path: outs.path, localId: outs.localId });
    expect((await diskOf(id))!.vm.id).toBe(made.id);
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

describe("cloudtower.VmVolume whose create answer was lost", () => {
  const vmVolumes = () => ctx.sim.inventory<{ id: string; name: string; mounting: boolean }>("vmVolumes");
  /** The volume's create, its answer delayed then lost (or dropped unhandled), while a VM with a disk like it is made. */
  async function createBesideVm(fault: { lostResponse: true } | { drop: true }) {
    await ctx.sim.control("POST", "/_sim/faults", { path: "^/v2/api/create-vm-volume$", delayMs: 400, ...fault });
    const made = volume.create(await volume.checked(base()));
    const vmInputs = await vm.checked({ name: "app-1", clusterId: CLUSTER_A, disks: [{ sizeGb: 10 }], powerState: "STOPPED" });
    const other = await vm.create(vmInputs);
    return { made: await made, vmDisk: (other.outs.diskDetails as Array<{ volumeId: string }>)[0].volumeId };
  }

  it("takes up the volume it made, never a VM's new disk volume of the same size and policy", async () => {
    const { made, vmDisk } = await createBesideVm({ lostResponse: true });
    expect(made.id).not.toBe(vmDisk);
    expect((await vmVolumes()).filter((v) => v.name === "data-1").map((v) => v.id)).toEqual([made.id]);
  });

  it("makes the volume again when the create was never handled, leaving the VM's new disk volume alone", async () => {
    const { made, vmDisk } = await createBesideVm({ drop: true });
    expect(made.id).not.toBe(vmDisk);
    expect((await volumeById(made.id))?.name).toBe("data-1");
    await volume.delete(made.id, made.outs);
    expect(await volumeById(vmDisk)).toBeDefined();
  });

  it("refuses, naming them, when two new volumes look like the one it made", async () => {
    await ctx.sim.control("POST", "/_sim/faults", { path: "^/v2/api/create-vm-volume$", delayMs: 400, lostResponse: true });
    const made = volume.create(await volume.checked(base()));
    await new Promise((r) => setTimeout(r, 100));
    const [twin] = await ctx.done("/create-vm-volume", [
      { name: "data-1", cluster_id: CLUSTER_A, size: 10 * 1024 ** 3, elf_storage_policy: "REPLICA_2_THIN_PROVISION", sharing: false },
    ]);
    await expect(made).rejects.toThrow(new RegExp(`2 objects \\(.*${twin.data.id}.*\\) look like the one this create made`));
  });
});

describe("cloudtower.VmVolume shared with VMs it does not manage", () => {
  const disksOn = async (volumeId: string) => (await ctx.sim.inventory<Disk>("vmDisks")).filter((d) => d.vm_volume?.id === volumeId).map((d) => d.vm.id);
  it("attaches to its VM beside another VM's attachment, reads its own, leaves the other alone, and refuses a delete while the other holds it", async () => {
    const own = await vm.create(await vm.checked({ name: "vol-host", clusterId: CLUSTER_A }));
    const { id, outs } = await volume.create(await volume.checked(base({ sharing: true })));
    // Another VM mounts the shared volume out of band, first.
    await ctx.done("/add-vm-disk", { where: { id: LEGACY_VM }, data: { vm_disks: { mount_disks: [{ vm_volume_id: id, bus: "VIRTIO", boot: 9 }] } } });
    const news = await volume.checked(base({ sharing: true, vmId: own.id }));
    const u = await volume.update(id, outs, news);
    expect(u.outs).toMatchObject({ vmId: own.id, vmName: "vol-host" });
    expect((await disksOn(id)).sort()).toEqual([LEGACY_VM, own.id].sort());
    expect((await volume.read(id, u.outs)).props).toMatchObject({ vmId: own.id });
    await expect(volume.delete(id, u.outs)).rejects.toThrow(new RegExp(`shared and still attached to VM\\(s\\) ${LEGACY_VM}`));
    expect((await disksOn(id)).sort()).toEqual([LEGACY_VM, own.id].sort());
  });
});

describe("cloudtower.VmVolume adopted", () => {
  it("is marked as this resource's, so the delete of the template VM it is attached to detaches and keeps it", async () => {
    const host = await vm.create(await vm.checked({ name: "tpl-host", template: { templateId: TEMPLATE } }));
    const [made] = await ctx.done("/create-vm-volume", [
      { name: "data-old", cluster_id: CLUSTER_A, size: 1024 ** 3, elf_storage_policy: "REPLICA_2_THIN_PROVISION", sharing: false },
    ]);
    await ctx.done("/add-vm-disk", { where: { id: host.id }, data: { vm_disks: { mount_disks: [{ vm_volume_id: made.data.id, bus: "VIRTIO", boot: 9 }] } } });
    const adopted = await volume.create(
      await volume.checked({ name: "data-old", clusterId: CLUSTER_A, sizeGb: 1, vmId: host.id, adopt: { name: "data-old" } }),
    );
    expect(adopted).toMatchObject({ id: made.data.id, outs: { vmId: host.id, description: "" } });
    await vm.delete(host.id, host.outs);
    expect(await volumeById(made.data.id)).toMatchObject({ name: "data-old", mounting: false });
  });
});
