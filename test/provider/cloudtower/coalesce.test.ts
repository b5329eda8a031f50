/**
 * cloudtower.Vm reads coalesced across resources: what a fleet sends when every resource reads at once (as
 * `pulumi refresh` and a fleet's creates do), paging through long answers, a VM gone among many, a failed
 * coalesced read, and check look-ups asked once per run.
 */
import { describe, expect, it } from "vitest";
import * as cloudtower from "../../../provider/cloudtower";
import { CLUSTER_A, DEFAULT_VLAN_A, towerConfig, useTower } from "../../helpers/cloudtower";
import { asEngine } from "../../helpers/engine";

const ctx = useTower(20);
const vm = asEngine(cloudtower.Vm.provider);
const sent = () => ctx.sim.sent();

/** `n` VMs named `<prefix><i>`, made out of band in one request, each with `disks` disks; their ids. */
async function fleet(n: number, disks = 0, prefix = "f-"): Promise<string[]> {
  const body = Array.from({ length: n }, (_, i) => ({
    cluster_id: CLUSTER_A,
    name: `${prefix}${i}`,
    cpu_cores: 1,
    cpu_sockets: 1,
    memory: 128 * 1024 ** 2,
    ha: true,
    firmware: "BIOS",
    status: "STOPPED",
    vm_nics: [{ connect_vlan_id: DEFAULT_VLAN_A }],
    vm_disks: {
      mount_new_create_disks: Array.from({ length: disks }, (_, d) => ({
        boot: d,
        bus: "VIRTIO",
        vm_volume: { name: `${prefix}${i}-d${d}`, size: 1024 ** 3, elf_storage_policy: "REPLICA_2_THIN_PROVISION" },
      })),
    },
  }));
  return (await ctx.done("/create-vm", body)).map((r) => r.data.id);
}

describe("cloudtower.Vm reads, coalesced across resources", () => {
  it("reads 50 VMs at once with one request per kind (VMs, disks, NICs, volumes), each VM getting its own", async () => {
    const ids = await fleet(50, 1);
    await sent();
    const reads = await Promise.all(ids.map((id) => vm.read(id, {})));
    expect(reads.map((r) => r.props!.name)).toEqual(ids.map((_, i) => `f-${i}`));
    expect(reads.every((r) => r.props!.diskDetails.length === 1 && r.props!.nicDetails.length === 1)).toBe(true);
    expect(await sent()).toEqual({ "/v2/api/get-vms": 1, "/v2/api/get-vm-disks": 1, "/v2/api/get-vm-nics": 1, "/v2/api/get-vm-volumes": 1 });
  });

  it("pages through a coalesced answer longer than a page (300 disks of 100 VMs), and splits more than 100 ids", async () => {
    const ids = await fleet(100, 3);
    const more = await fleet(10, 0, "g-");
    await sent();
    const reads = await Promise.all([...ids, ...more].map((id) => vm.read(id, {})));
    expect(reads.map((r) => r.props!.diskDetails.length)).toEqual([...ids.map(() => 3), ...more.map(() => 0)]);
    // 110 VMs: two id_in reads of at most 100; their 300 disks: pages of 200.
    expect(await sent()).toMatchObject({ "/v2/api/get-vms": 2, "/v2/api/get-vm-disks": 3 });
  });

  it("takes a VM missing from a complete answer as gone, and only that one", async () => {
    const ids = await fleet(5);
    await ctx.done("/delete-vm", { where: { id: ids[2] } });
    const reads = await Promise.all(ids.map((id) => vm.read(id, {})));
    expect(reads.map((r) => r.id)).toEqual([ids[0], ids[1], "", ids[3], ids[4]]);
  });

  it("fails each resource's read when the coalesced read fails, with its own error", async () => {
    const ids = await fleet(3);
    await ctx.sim.control("POST", "/_sim/faults", { path: "^/v2/api/get-vms$", status: 400, message: "bad where", count: 1 });
    const errors = await Promise.all(
      ids.map((id) =>
        vm.read(id, {}).then(
          () => undefined,
          (e: Error) => e,
        ),
      ),
    );
    expect(errors.map((e) => e?.message)).toEqual(ids.map(() => expect.stringMatching(/get-vms failed: vendor says: bad where/)));
    expect(new Set(errors).size).toBe(3);
  });

  it("looks up a cluster and a VM network once per run at check, however many VMs name them", async () => {
    // Other settings: a client of its own, as a new run has.
    await vm.configure({ ...towerConfig(ctx.sim.url), "cloudtower:pollIntervalMs": "21" });
    await sent();
    for (const n of [1, 2])
      await Promise.all(Array.from({ length: 20 }, (_, i) => vm.checked({ name: `c-${n}-${i}`, clusterId: CLUSTER_A, nics: [{ vlanId: DEFAULT_VLAN_A }] })));
    expect(await sent()).toEqual({ "/v2/api/get-clusters": 1, "/v2/api/get-vlans": 1 });
  });

  it("looks for a killed run's VMs once per run, however many creates; a lost answer's look-ups coalesced (OR of markers)", async () => {
    await sent();
    const inputs = await Promise.all(Array.from({ length: 20 }, (_, i) => vm.checked({ name: `m-${i}`, clusterId: CLUSTER_A })));
    const made = await Promise.all(inputs.map((inp, i) => vm.create({ ...inp, marker: `pulumi:${String(i).padStart(16, "0")}` })));
    expect(new Set(made.map((m) => m.id)).size).toBe(20);
    const earlier = (await ctx.sim.requests()).filter((r) => r.path === "/v2/api/get-vms" && r.body.includes('"description_contains":"pulumi:"'));
    expect(earlier).toHaveLength(1);
    // Every create's answer lost (handled, then the connection dropped): each looks for its marker, together.
    await ctx.sim.control("POST", "/_sim/faults", { path: "^/v2/api/create-vm$", lostResponse: true, count: 10 });
    await ctx.sim.control("DELETE", "/_sim/requests");
    const lost = await Promise.all(
      inputs.slice(0, 10).map((inp, i) => vm.create({ ...inp, name: `l-${i}`, marker: `pulumi:${String(100 + i).padStart(16, "0")}` })),
    );
    expect(new Set(lost.map((m) => m.id)).size).toBe(10);
    const looks = (await ctx.sim.requests()).filter((r) => r.path === "/v2/api/get-vms" && r.body.includes('"OR"'));
    // One read for all ten when they arrive together (a loaded machine may split the window; ten without coalescing).
    expect(looks.length).toBeGreaterThanOrEqual(1);
    expect(looks.length).toBeLessThanOrEqual(3);
  });
});
