/**
 * CloudTower simulator operations beyond what our providers call, as SmartX's own clients use them: the
 * power operations, NIC removal by `where`, VMs from the content library, templates made from VMs,
 * volumes on their own, and rollback to a snapshot. Each with the spec checking the requests, and on the
 * simulator's own schemas (as the published package runs).
 */
import { describe, expect, it } from "vitest";
import { CLUSTER_A, CLUSTER_B, DEFAULT_VLAN_A, LEGACY_VM, TEMPLATE } from "../../helpers/cloudtower";
import { tower } from "./harness";

describe.each([
  ["", {}],
  [" (on its own schemas, without the spec)", { spec: false as const }],
])("CloudTower simulator%s", (_mode, opts) => {
  const t = tower(opts);
  const vmOf = async (id: string) => (await t.api("/get-vms", { where: { id } })).body[0];
  const nicsOf = async (id: string) => (await t.api("/get-vm-nics", { where: { vm: { id } }, orderBy: "order_ASC" })).body;

  /** A VM made from scratch (stopped, one 1 GiB disk) with `nics` NICs on the default network. */
  async function scratchVm(name: string, nics = 1): Promise<string> {
    const body = [
      {
        cluster_id: CLUSTER_A,
        name,
        cpu_cores: 1,
        cpu_sockets: 1,
        memory: 1024 ** 3,
        ha: true,
        firmware: "BIOS",
        status: "STOPPED",
        vm_nics: Array.from({ length: nics }, () => ({ connect_vlan_id: DEFAULT_VLAN_A })),
        vm_disks: {
          mount_new_create_disks: [
            { boot: 0, bus: "VIRTIO", vm_volume: { name: `${name}-d0`, size: 1, size_unit: "GB", elf_storage_policy: "REPLICA_2_THIN_PROVISION" } },
          ],
        },
      },
    ];
    const { results, tasks } = await t.done("/create-vm", body);
    expect(tasks[0].status).toBe("SUCCESSED");
    return results[0].data.id;
  }

  /** The seeded VM (RUNNING) brought to `status`. */
  async function legacyIn(status: string): Promise<string> {
    if (status === "STOPPED") await t.done("/poweroff-vm", { where: { id: LEGACY_VM } });
    if (status === "SUSPENDED") await t.done("/suspend-vm", { where: { id: LEGACY_VM } });
    expect((await vmOf(LEGACY_VM)).status).toBe(status);
    return LEGACY_VM;
  }

  describe("power operations", () => {
    it.each([
      ["/start-vm", "STOPPED", "RUNNING", "startVm"],
      ["/shutdown-vm", "RUNNING", "STOPPED", "shutdownVm"],
      ["/poweroff-vm", "RUNNING", "STOPPED", "poweroffVm"],
      ["/restart-vm", "RUNNING", "RUNNING", "restartVm"],
      ["/force-restart-vm", "RUNNING", "RUNNING", "forceRestartVm"],
      ["/suspend-vm", "RUNNING", "SUSPENDED", "suspendVm"],
      ["/resume-vm", "SUSPENDED", "RUNNING", "resumeVm"],
    ])("%s takes a %s VM to %s through a %s task", async (path, from, to, mutation) => {
      const id = await legacyIn(from);
      const { results, tasks } = await t.done(path, { where: { id } });
      expect(results).toHaveLength(1);
      expect(results[0].data).toMatchObject({ id, status: from });
      expect(tasks[0]).toMatchObject({ status: "SUCCESSED", resource_id: id, resource_mutation: mutation, resource_type: "Vm" });
      expect(await vmOf(id)).toMatchObject({ status: to, entityAsyncStatus: null });
    });

    it.each([
      ["/resume-vm", "RUNNING", /Cannot resume VM legacy-app: it is RUNNING/],
      ["/suspend-vm", "STOPPED", /Cannot suspend VM legacy-app: it is STOPPED/],
      ["/restart-vm", "STOPPED", /Cannot restart VM legacy-app: it is STOPPED/],
      ["/start-vm", "RUNNING", /Cannot start VM legacy-app: it is RUNNING/],
    ])("refuses %s of a %s VM with a 400 before any task", async (path, from, message) => {
      await legacyIn(from);
      const r = await t.api(path, { where: { id: LEGACY_VM } });
      expect(r).toEqual({ status: 400, body: { path, status: 400, message: expect.stringMatching(message) } });
    });

    it("fails a graceful restart of a guest that ignores it, and a forced one still restarts it", async () => {
      await t.sim.control("POST", "/_sim/cloudtower/ignore-shutdown", { vmId: LEGACY_VM });
      expect((await t.done("/restart-vm", { where: { id: LEGACY_VM } })).tasks[0]).toMatchObject({ status: "FAILED", error_code: "JOB_VM_SHUTDOWN_TIMEOUT" });
      expect((await t.done("/force-restart-vm", { where: { id: LEGACY_VM } })).tasks[0].status).toBe("SUCCESSED");
    });

    it("answers [] for a power operation whose where matches no VM", async () => {
      expect(await t.api("/restart-vm", { where: { name: "nothing-by-this-name" } })).toEqual({ status: 200, body: [] });
    });
  });

  describe("NIC removal by where", () => {
    it("removes the NICs that where matches, of the VMs in effect.vm_ids, and numbers the rest again", async () => {
      const id = await scratchVm("three-nics", 3);
      const macs = (await nicsOf(id)).map((n: { mac_address: string }) => n.mac_address);
      const { results, tasks } = await t.done("/remove-vm-nic-by-where", {
        where: { vm: { id }, mac_address_in: [macs[0], macs[2]] },
        effect: { vm_ids: [id] },
      });
      expect(results.map((r: { data: { id: string } }) => r.data.id)).toEqual([id]);
      expect(tasks[0]).toMatchObject({ status: "SUCCESSED", resource_mutation: "updateVm" });
      expect((await nicsOf(id)).map((n: { mac_address: string; order: number }) => [n.mac_address, n.order])).toEqual([[macs[1], 0]]);
    });

    it("leaves NICs of VMs outside effect.vm_ids, and answers [] when nothing is left to remove", async () => {
      const id = await scratchVm("kept", 1);
      const r = await t.api("/remove-vm-nic-by-where", { where: { vm: { id } }, effect: { vm_ids: [LEGACY_VM] } });
      expect(r).toEqual({ status: 200, body: [] });
      expect(await nicsOf(id)).toHaveLength(1);
    });

    it("refuses a NIC removal on a VM that a task holds, with ResourceLocked", async () => {
      await t.sim.control("POST", "/_sim/cloudtower/lock", { collection: "vms", id: LEGACY_VM, ms: 5000 });
      const r = await t.api("/remove-vm-nic-by-where", { where: { vm: { id: LEGACY_VM } }, effect: {} });
      expect(r.status).toBe(400);
      expect(r.body).toMatchObject({ code: "ResourceLocked", props: { locked_resources: [{ id: LEGACY_VM, type: "VM" }] } });
    });
  });

  describe("templates, the content library, volumes, rollback", () => {
    it("lists VM templates with their frozen disks and NICs, the NICs naming their network by its id in the cluster", async () => {
      const [tpl] = (await t.api("/get-vm-templates", { where: { id: TEMPLATE } })).body;
      const [vlan] = (await t.api("/get-vlans", { where: { id: DEFAULT_VLAN_A } })).body;
      expect(tpl.vm_disks).toEqual([expect.objectContaining({ type: "DISK", bus: "VIRTIO", boot: 0, size: 20 * 1024 ** 3 })]);
      expect(tpl.vm_nics).toEqual([expect.objectContaining({ index: 0, vlan: expect.objectContaining({ vlan_local_id: vlan.local_id, name: "default" }) })]);
    });

    it("makes a VM from a content-library template on a cluster it is on, from that cluster's copy", async () => {
      const { results, tasks } = await t.done("/create-vm-from-content-library-template", [
        { template_id: "cl0c1vmtemp1ate00000deb12", cluster_id: CLUSTER_B, name: "lib-1", is_full_copy: false },
      ]);
      expect(tasks[0].status).toBe("SUCCESSED");
      const v = await vmOf(results[0].data.id);
      expect(v).toMatchObject({ status: "RUNNING", cluster: { id: CLUSTER_B }, cpu: { cores: 2, sockets: 1 } });
      expect(v.vm_disks).toHaveLength(1);
    });

    it("fails the create task of a content-library template not on the cluster asked, leaving no VM", async () => {
      const onlyA = { id: "cl0c1vmtemp1ate0000only1a", name: "only-a", description: "", createdAt: "2026-01-01T00:00:00.000Z", architecture: "X86_64" };
      const sizes = { cloud_init_supported: true, vcpu: 2, memory: 1024 ** 3, size: 1024 ** 3 };
      await t.sim.control("POST", "/_sim/seed", {
        contentLibraryVmTemplates: [{ ...onlyA, ...sizes, vm_template_uuids: [TEMPLATE], vm_templates: [{ id: TEMPLATE, name: "debian-12" }] }],
      });
      const { results, tasks } = await t.done("/create-vm-from-content-library-template", [
        { template_id: "cl0c1vmtemp1ate0000only1a", cluster_id: CLUSTER_B, name: "lib-2", is_full_copy: false },
      ]);
      expect(tasks[0]).toMatchObject({ status: "FAILED", error_code: "CONTENT_LIBRARY_VM_TEMPLATE_NOT_IN_CLUSTER" });
      expect(await vmOf(results[0].data.id)).toBeUndefined();
    });

    it("clones a template from a VM, makes a VM from it, and deletes it", async () => {
      const id = await scratchVm("golden", 2);
      const { results } = await t.done("/clone-vm-template-from-vm", [{ vm_id: id, name: "golden-tpl", cloud_init_supported: false }]);
      const [tpl] = (await t.api("/get-vm-templates", { where: { id: results[0].data.id } })).body;
      expect(tpl).toMatchObject({ name: "golden-tpl", cluster: { id: CLUSTER_A }, size: 1024 ** 3, cloud_init_supported: false });
      expect(tpl.vm_nics).toHaveLength(2);
      const made = await t.done("/create-vm-from-template", [{ template_id: tpl.id, name: "from-golden", is_full_copy: true }]);
      expect(await nicsOf(made.results[0].data.id)).toHaveLength(2);
      await t.done("/delete-vm-template", { where: { id: tpl.id } });
      expect((await t.api("/get-vm-templates", { where: { id: tpl.id } })).body).toEqual([]);
      expect(await vmOf(id)).toBeDefined();
    });

    it("converts a stopped VM into a template (the VM is gone) and refuses a running one", async () => {
      expect((await t.api("/convert-vm-template-from-vm", [{ vm_id: LEGACY_VM, name: "x", cloud_init_supported: true }])).status).toBe(400);
      const id = await scratchVm("to-convert");
      const { results } = await t.done("/convert-vm-template-from-vm", [{ vm_id: id, name: "converted", cloud_init_supported: true }]);
      expect(await vmOf(id)).toBeUndefined();
      expect((await t.api("/get-vm-templates", { where: { id: results[0].data.id } })).body).toHaveLength(1);
    });

    it("makes a volume, refuses to delete it while a VM mounts it, and deletes it once free", async () => {
      const { results } = await t.done("/create-vm-volume", [
        { name: "scratch", size: 5, size_unit: "GB", elf_storage_policy: "REPLICA_2_THIN_PROVISION", sharing: false, cluster_id: CLUSTER_A },
      ]);
      const volId = results[0].data.id;
      expect((await t.api("/get-vm-volumes", { where: { id: volId } })).body[0]).toMatchObject({
        size: 5 * 1024 ** 3,
        mounting: false,
        entityAsyncStatus: null,
      });
      const id = await scratchVm("mounter");
      await t.done("/add-vm-disk", { where: { id }, data: { vm_disks: { mount_disks: [{ vm_volume_id: volId, bus: "VIRTIO", boot: 1 }] } } });
      expect((await t.api("/delete-vm-volume", { where: { id: volId } })).status).toBe(400);
      const disk = (await t.api("/get-vm-disks", { where: { vm_volume: { id: volId } } })).body[0];
      await t.done("/remove-vm-disk", { where: { id }, data: { disk_ids: [disk.id] } });
      await t.done("/delete-vm-volume", { where: { id: volId } });
      expect((await t.api("/get-vm-volumes", { where: { id: volId } })).body).toEqual([]);
    });

    it("rolls a VM back to its snapshot (CPU, memory, disk sizes) and refuses another VM's snapshot", async () => {
      const id = await scratchVm("rollback");
      const snap = (await t.done("/create-vm-snapshot", { data: [{ vm_id: id, name: "before" }] })).results[0].data.id;
      const [disk] = (await t.api("/get-vm-disks", { where: { vm: { id } } })).body;
      await t.done("/update-vm-basic-info", { where: { id }, data: { cpu_cores: 2, cpu_sockets: 2, vcpu: 4, memory: 4 * 1024 ** 3 } });
      await t.done("/expand-vm-disk", { where: { id: disk.id }, size: 3, size_unit: "GB" });
      const { tasks } = await t.done("/rollback-vm", { where: { id }, data: { snapshot_id: snap } });
      expect(tasks[0]).toMatchObject({ status: "SUCCESSED", resource_mutation: "rollbackVm" });
      expect(await vmOf(id)).toMatchObject({ vcpu: 1, cpu: { cores: 1, sockets: 1 }, memory: 1024 ** 3 });
      expect((await t.api("/get-vm-volumes", { where: { name: "rollback-d0" } })).body[0].size).toBe(1024 ** 3);
      expect((await t.api("/rollback-vm", { where: { id: LEGACY_VM }, data: { snapshot_id: snap } })).status).toBe(400);
    });
  });
});
