import { describe, expect, it } from "vitest";
import * as cloudtower from "../../../provider/cloudtower";
import { asEngine, failedPaths } from "../../helpers/engine";
import { CLUSTER_A, CLUSTER_B, LEGACY_VM, useTower } from "../../helpers/cloudtower";

const ctx = useTower();
const group = asEngine(cloudtower.VmPlacementGroup.provider);
const vm = asEngine(cloudtower.Vm.provider);
const base = (extra: Record<string, unknown> = {}) => ({ name: "web-spread", clusterId: CLUSTER_A, ...extra });
const hostsOf = async (cluster: string) =>
  ((await ctx.sim.inventory("clusters")).find((c) => c.id === cluster)!.hosts as Array<{ id: string }>).map((h) => h.id);
const groupOf = async (vmId: string) =>
  (await ctx.sim.inventory<{ id: string; vm_placement_group?: Array<{ id: string }> }>("vms")).find((v) => v.id === vmId)!.vm_placement_group ?? [];

describe("cloudtower.VmPlacementGroup lifecycle", () => {
  it("creates with only the required inputs (no rules, no members) and reads back", async () => {
    const inputs = await group.checked(base());
    const { id, outs } = await group.create(inputs);
    expect(outs).toMatchObject({ name: "web-spread", enabled: true, vmIds: [], vmNames: [] });
    expect(outs.vmPolicy).toBeUndefined();
    expect((await group.read(id, outs)).props).toEqual(outs);
    expect((await group.diff(id, outs, inputs)).changes).toBe(false);
  });

  it("sets members, the VM-VM rule and host rules, then changes each in place, and each VM lists its group", async () => {
    const other = await vm.create(await vm.checked({ name: "pg-vm", clusterId: CLUSTER_A }));
    const [h1, h2] = await hostsOf(CLUSTER_A);
    const { id, outs } = await group.create(await group.checked(base({ vmIds: [LEGACY_VM], vmPolicy: "MUST_DIFFERENT", mustHosts: { hostIds: [h1, h2] } })));
    expect(outs).toMatchObject({ vmIds: [LEGACY_VM], vmPolicy: "MUST_DIFFERENT", mustHosts: { hostIds: [h1, h2], avoid: false } });
    expect(await groupOf(LEGACY_VM)).toEqual([{ id, name: "web-spread" }]);
    const news = await group.checked(base({ vmIds: [other.id], vmPolicy: "PREFER_SAME", preferHosts: { hostIds: [h2], avoid: true }, description: "spread" }));
    expect(await group.diff(id, outs, news)).toMatchObject({ changes: true, replaces: [] });
    const u = await group.update(id, outs, news);
    expect(u.outs).toMatchObject({ vmIds: [other.id], vmPolicy: "PREFER_SAME", preferHosts: { hostIds: [h2], avoid: true }, description: "spread" });
    expect(u.outs.mustHosts).toBeUndefined();
    expect(await groupOf(LEGACY_VM)).toEqual([]);
    expect(await groupOf(other.id)).toEqual([{ id, name: "web-spread" }]);
    expect((await group.read(id, u.outs)).props).toEqual(u.outs);
  });

  it("replaces on a cluster change", async () => {
    const { id, outs } = await group.create(await group.checked(base()));
    expect((await group.diff(id, outs, await group.checked(base({ clusterId: CLUSTER_B })))).replaces).toEqual(["clusterId"]);
  });

  it("deletes, taking the group off its VMs, and tolerates a group already gone", async () => {
    const { id, outs } = await group.create(await group.checked(base({ vmIds: [LEGACY_VM] })));
    await group.delete(id, outs);
    expect(await groupOf(LEGACY_VM)).toEqual([]);
    await group.delete(id, outs);
  });

  it.each([
    [base({ clusterId: "cl0nope" }), "clusterId"],
    [base({ vmIds: ["cl0nope"] }), "vmIds[0]"],
    [base({ clusterId: CLUSTER_B, vmIds: [LEGACY_VM] }), "vmIds[0]"],
    [base({ vmPolicy: "SOMEWHERE" }), "vmPolicy"],
    [base({ mustHosts: { hostIds: [] } }), "mustHosts.hostIds"],
  ])("check of %j fails on %s", async (news, property) => {
    expect(failedPaths((await group.check({}, news)).failures)).toEqual([property]);
  });
});

describe("cloudtower.VmPlacementGroup members", () => {
  it("reads the members back in the order the inputs gave them, whatever CloudTower's order, so there is no diff", async () => {
    const other = await vm.create(await vm.checked({ name: "pg-first", clusterId: CLUSTER_A }));
    const inputs = await group.checked(base({ vmIds: [other.id, LEGACY_VM] }));
    const { id, outs } = await group.create(inputs);
    expect(outs.vmIds).toEqual([other.id, LEGACY_VM]);
    const props = (await group.read(id, outs)).props!;
    expect(props.vmIds).toEqual([other.id, LEGACY_VM]);
    expect((await group.diff(id, props, inputs)).changes).toBe(false);
  });
});
