/**
 * CloudTower simulator routes for VM sources and labels, through HTTP as any client sends them: `/clone-vm`,
 * cloud-init networks on a VM made from a template, content-library ISOs in CD-ROMs, `/update-vm-volume`,
 * and labels made, attached, detached and deleted. Each with the spec checking the requests, and on the
 * simulator's own schemas (as the published package runs).
 */
import { describe, expect, it } from "vitest";
import { CLUSTER_A, CLUSTER_B, LEGACY_VM, TEMPLATE } from "../../helpers/cloudtower";
import { tower } from "./harness";

const LIBRARY_ISO = "cl0c1image000000000ubuntu";

describe.each([
  ["", {}],
  [" (on its own schemas, without the spec)", { spec: false as const }],
])("CloudTower simulator%s", (_mode, opts) => {
  const t = tower(opts);
  const vmOf = async (id: string) => (await t.api("/get-vms", { where: { id } })).body[0];
  const nicsOf = async (id: string) => (await t.api("/get-vm-nics", { where: { vm: { id } }, orderBy: "order_ASC" })).body;
  const disksOf = async (id: string) => (await t.api("/get-vm-disks", { where: { vm: { id } } })).body;

  it("/clone-vm makes a VM like the source: its cluster, CPU, disks (new volumes of the same sizes) and NICs (new MACs), with overrides", async () => {
    const src = await vmOf(LEGACY_VM);
    const { results, tasks } = await t.done("/clone-vm", [{ src_vm_id: LEGACY_VM, name: "copy-1", memory: 2 * 1024 ** 3 }]);
    expect(tasks[0]).toMatchObject({ status: "SUCCESSED", resource_mutation: "createVm" });
    const copy = await vmOf(results[0].data.id);
    expect(copy).toMatchObject({ name: "copy-1", cluster: src.cluster, cpu: src.cpu, memory: 2 * 1024 ** 3, status: "RUNNING" });
    const [a, b] = [await disksOf(LEGACY_VM), await disksOf(copy.id)];
    expect(b.filter((d: { type: string }) => d.type === "DISK")).toHaveLength(a.filter((d: { type: string }) => d.type === "DISK").length);
    const [na, nb] = [await nicsOf(LEGACY_VM), await nicsOf(copy.id)];
    expect(nb.map((n: { vlan: { id: string } }) => n.vlan.id)).toEqual(na.map((n: { vlan: { id: string } }) => n.vlan.id));
    expect(nb[0].mac_address).not.toBe(na[0].mac_address);
  });

  it("/clone-vm of a VM that does not exist fails its task and leaves nothing", async () => {
    const before = (await t.api("/get-vms")).body.length;
    const { tasks } = await t.done("/clone-vm", [{ src_vm_id: "cl0nope", name: "copy-2" }]);
    expect(tasks[0]).toMatchObject({ status: "FAILED", error_code: "VM_NOT_FOUND" });
    expect((await t.api("/get-vms")).body).toHaveLength(before);
  });

  it("cloud-init networks put the static address, netmask and default-route gateway on the NIC, and hostname and DNS on the VM", async () => {
    const cloud_init = {
      hostname: "ci-1",
      nameservers: ["10.0.0.2"],
      networks: [
        {
          nic_index: 0,
          type: "IPV4",
          ip_address: "10.0.0.31",
          netmask: "255.255.255.0",
          routes: [{ network: "0.0.0.0", netmask: "0.0.0.0", gateway: "10.0.0.1" }],
        },
      ],
    };
    const { results } = await t.done("/create-vm-from-template", [{ template_id: TEMPLATE, is_full_copy: false, name: "ci-1", cloud_init }]);
    const v = await vmOf(results[0].data.id);
    expect(v).toMatchObject({ hostname: "ci-1", dns_servers: "10.0.0.2", ips: "10.0.0.31" });
    expect((await nicsOf(v.id))[0]).toMatchObject({ ip_address: "10.0.0.31", subnet_mask: "255.255.255.0", gateway: "10.0.0.1" });
  });

  it("a cloud-init network on a NIC the VM lacks fails the task with VM_CLOUD_INIT_CONFIG_ERROR", async () => {
    const cloud_init = { networks: [{ nic_index: 3, type: "IPV4_DHCP" }] };
    const { tasks } = await t.done("/create-vm-from-template", [{ template_id: TEMPLATE, is_full_copy: false, name: "ci-2", cloud_init }]);
    expect(tasks[0]).toMatchObject({ status: "FAILED", error_code: "VM_CLOUD_INIT_CONFIG_ERROR" });
  });

  it.each([
    [CLUSTER_A, "cl0e1fimage0000000000ubu1"],
    [CLUSTER_B, "cl0e1fimage0000000000ubu2"],
  ])("a content-library ISO in a CD-ROM is its copy on the VM's cluster (%s)", async (cluster, image) => {
    const body = [
      {
        cluster_id: cluster,
        name: "iso-vm",
        cpu_cores: 1,
        cpu_sockets: 1,
        memory: 1024 ** 3,
        ha: true,
        firmware: "BIOS",
        status: "STOPPED",
        vm_nics: [],
        vm_disks: { mount_cd_roms: [{ boot: 0, content_library_image_id: LIBRARY_ISO }] },
      },
    ];
    const { results } = await t.done("/create-vm", body);
    expect((await disksOf(results[0].data.id))[0]).toMatchObject({ type: "CD_ROM", boot: 0, elf_image: { id: image } });
  });

  it("/eject-iso-from-vm-cd-rom empties the CD-ROMs its where matches, keeping the drives, one task per VM", async () => {
    const body = [
      {
        cluster_id: CLUSTER_A,
        name: "eject-vm",
        cpu_cores: 1,
        cpu_sockets: 1,
        memory: 1024 ** 3,
        ha: true,
        firmware: "BIOS",
        status: "STOPPED",
        vm_nics: [],
        vm_disks: { mount_cd_roms: [{ boot: 0, content_library_image_id: LIBRARY_ISO }] },
      },
    ];
    const vmId = (await t.done("/create-vm", body)).results[0].data.id;
    const { results, tasks } = await t.done("/eject-iso-from-vm-cd-rom", { where: { vm: { id: vmId }, type: "CD_ROM" } });
    expect(results.map((r: { data: { id: string } }) => r.data.id)).toEqual([vmId]);
    expect(tasks[0]).toMatchObject({ status: "SUCCESSED", resource_id: vmId });
    expect(await disksOf(vmId)).toMatchObject([{ type: "CD_ROM", elf_image: null }]);
  });

  it("/update-vm-volume renames and grows a volume, and refuses to shrink it", async () => {
    const { results } = await t.done("/create-vm-volume", [
      { cluster_id: CLUSTER_A, name: "vol-1", size: 10, size_unit: "GB", sharing: false, elf_storage_policy: "REPLICA_2_THIN_PROVISION" },
    ]);
    const id = results[0].data.id;
    await t.done("/update-vm-volume", { where: { id }, data: { name: "vol-one", description: "data", size: 20, size_unit: "GB" } });
    expect((await t.api("/get-vm-volumes", { where: { id } })).body[0]).toMatchObject({ name: "vol-one", description: "data", size: 20 * 1024 ** 3 });
    const shrink = await t.api("/update-vm-volume", { where: { id }, data: { size: 1, size_unit: "GB" } });
    expect(shrink).toMatchObject({ status: 400, body: { message: expect.stringMatching(/can only grow/) } });
  });

  it("labels: made once per key and value, attached to VMs, VLANs and volumes, listed both ways, detached, and deleted", async () => {
    const { results } = await t.done("/create-label", [{ key: "team", value: "web" }]);
    const label = results[0].data.id;
    expect((await t.api("/create-label", [{ key: "team", value: "web" }])).status).toBe(400);
    const vlan = (await t.api("/get-vlans", { first: 1 })).body[0].id;
    await t.done("/add-labels-to-resources", { where: { id: label }, data: { vms: { id: LEGACY_VM }, vlans: { id: vlan } } });
    expect((await vmOf(LEGACY_VM)).labels).toContainEqual({ id: label, key: "team", value: "web" });
    expect((await t.api("/get-vms", { where: { labels_some: { key: "team", value: "web" } } })).body.map((v: { id: string }) => v.id)).toEqual([LEGACY_VM]);
    expect((await t.api("/get-labels", { where: { id: label } })).body[0]).toMatchObject({ vm_num: 1, vm_vlan_num: 1, total_num: 2, vms: [{ id: LEGACY_VM }] });
    await t.done("/remove-labels-from-resources", { where: { id: label }, data: { vms: { id: LEGACY_VM } } });
    expect((await vmOf(LEGACY_VM)).labels ?? []).not.toContainEqual(expect.objectContaining({ id: label }));
    await t.done("/delete-label", { where: { id: label } });
    expect((await t.api("/get-labels", { where: { id: label } })).body).toEqual([]);
    expect((await t.api("/get-vlans", { where: { id: vlan } })).body[0].labels ?? []).toEqual([]);
  });

  it("a sharing volume stays mounting while any VM holds it: detached from one, then its other VM deleted, it is kept and no longer mounting", async () => {
    const copy = (await t.done("/clone-vm", [{ src_vm_id: LEGACY_VM, name: "copy-sharing" }])).results[0].data.id;
    const body = [{ name: "vol-sharing", cluster_id: CLUSTER_A, size: 1024 ** 3, elf_storage_policy: "REPLICA_2_THIN_PROVISION", sharing: true }];
    const vol = (await t.done("/create-vm-volume", body)).results[0].data.id;
    for (const id of [LEGACY_VM, copy]) {
      await t.done("/add-vm-disk", { where: { id }, data: { vm_disks: { mount_disks: [{ vm_volume_id: vol, bus: "VIRTIO", boot: 9 }] } } });
    }
    const volumeNow = async () => (await t.api("/get-vm-volumes", { where: { id: vol } })).body[0];
    const diskOn = async (vm: string) => (await disksOf(vm)).find((d: { vm_volume?: { id: string } | null }) => d.vm_volume?.id === vol).id;
    await t.done("/remove-vm-disk", { where: { id: LEGACY_VM }, data: { disk_ids: [await diskOn(LEGACY_VM)] } });
    expect(await volumeNow()).toMatchObject({ mounting: true });
    await t.done("/delete-vm", { where: { id: copy } });
    expect(await volumeNow()).toMatchObject({ mounting: false, sharing: true });
  });

  it("labels: a VM deleted, the volumes deleted with it and a volume deleted leave their labels, counts and totals with them", async () => {
    const label = (await t.done("/create-label", [{ key: "tier", value: "gone" }])).results[0].data.id;
    const copy = (await t.done("/clone-vm", [{ src_vm_id: LEGACY_VM, name: "copy-labelled" }])).results[0].data.id;
    const own = (await disksOf(copy)).filter((d: { type: string }) => d.type === "DISK")[0].vm_volume.id;
    const free = (
      await t.done("/create-vm-volume", [
        { name: "vol-labelled", cluster_id: CLUSTER_A, size: 1024 ** 3, elf_storage_policy: "REPLICA_2_THIN_PROVISION", sharing: false },
      ])
    ).results[0].data.id;
    await t.done("/add-labels-to-resources", { where: { id: label }, data: { vms: { id: copy }, vm_volumes: { id_in: [own, free] } } });
    const labelNow = async () => (await t.api("/get-labels", { where: { id: label } })).body[0];
    expect(await labelNow()).toMatchObject({ vm_num: 1, vm_volume_num: 2, total_num: 3 });
    await t.done("/delete-vm", { where: { id: copy } });
    expect(await labelNow()).toMatchObject({ vms: [], vm_num: 0, vm_volumes: [{ id: free }], vm_volume_num: 1, total_num: 1 });
    await t.done("/delete-vm-volume", { where: { id: free } });
    expect(await labelNow()).toMatchObject({ vm_volumes: [], vm_volume_num: 0, total_num: 0 });
  });
});

describe("CloudTower simulator placement groups", () => {
  const t = tower();
  it("a placement group takes VMs and hosts of its cluster, lists them both ways, and refuses a VM of another cluster", async () => {
    const hosts = (await t.api("/get-hosts", { where: { cluster: { id: CLUSTER_A } } })).body.map((h: { id: string }) => h.id);
    const { results } = await t.done("/create-vm-placement-group", [
      {
        cluster_id: CLUSTER_A,
        name: "g",
        enabled: true,
        vms: { id_in: [LEGACY_VM] },
        vm_vm_policy: "MUST_DIFFERENT",
        vm_vm_policy_enabled: true,
        must_hosts: { id_in: hosts },
        vm_host_must_enabled: true,
      },
    ]);
    const id = results[0].data.id;
    expect((await t.api("/get-vm-placement-groups", { where: { id } })).body[0]).toMatchObject({
      vms: [{ id: LEGACY_VM }],
      vm_vm_policy: "MUST_DIFFERENT",
      vm_host_must_host_uuids: hosts.map((h: string) => ({ id: h })),
    });
    expect((await t.api("/get-vms", { where: { id: LEGACY_VM } })).body[0].vm_placement_group).toEqual([{ id, name: "g" }]);
    const foreign = await t.api("/create-vm-placement-group", [{ cluster_id: CLUSTER_B, name: "h", enabled: true, vms: { id: LEGACY_VM } }]);
    expect(foreign).toMatchObject({ status: 400, body: { message: expect.stringMatching(/not in cluster/) } });
    await t.done("/update-vm-placement-group", { where: { id }, data: { vms: { id_in: [] } } });
    expect((await t.api("/get-vms", { where: { id: LEGACY_VM } })).body[0].vm_placement_group).toEqual([]);
    await t.done("/delete-vm-placement-group", { where: { id } });
    expect((await t.api("/get-vm-placement-groups", { where: { id } })).body).toEqual([]);
  });
});
