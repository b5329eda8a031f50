import { describe, expect, it } from "vitest";
import { VlanInputs, VlanOutputs, vlanProvider } from "../../../provider/cloudtower/vlan";
import { VDS_A, useTower } from "../../helpers/cloudtower";

const ctx = useTower();

async function checked(news: Record<string, unknown>): Promise<VlanInputs> {
  const r = await vlanProvider.check({} as VlanInputs, news as never);
  expect(r.failures ?? []).toEqual([]);
  return r.inputs as VlanInputs;
}

describe("cloudtower.Vlan lifecycle", () => {
  it("creates with only the required inputs, waits for the task, and reads back", async () => {
    const inputs = await checked({ vdsId: VDS_A, name: "front" });
    const { id, outs } = await vlanProvider.create(inputs);
    expect(outs).toMatchObject({ name: "front", vlanId: 0, vdsId: VDS_A, modeType: "VLAN_ACCESS", type: "VM", clusterId: "cl0c1uster00000000000000a" });
    const wire = ctx.sim.vendor.state.get("vlans", id)!;
    expect(wire.entityAsyncStatus).toBeNull();
    const read = await vlanProvider.read(id, outs as VlanOutputs);
    expect(read.props).toEqual(outs);
  });

  it("updates name and tag in place", async () => {
    const { id, outs } = await vlanProvider.create(await checked({ vdsId: VDS_A, name: "front", vlanId: 100 }));
    const news = await checked({ vdsId: VDS_A, name: "front-2", vlanId: 101 });
    expect(await vlanProvider.diff(id, outs as VlanOutputs, news)).toMatchObject({ changes: true, replaces: [] });
    const u = await vlanProvider.update(id, outs as VlanOutputs, news);
    expect(u.outs).toMatchObject({ name: "front-2", vlanId: 101 });
    expect(ctx.sim.vendor.state.get("vlans", id)).toMatchObject({ name: "front-2", vlan_id: 101 });
  });

  it("replaces when the VDS changes", async () => {
    const { id, outs } = await vlanProvider.create(await checked({ vdsId: VDS_A, name: "front" }));
    const d = await vlanProvider.diff(id, outs as VlanOutputs, { ...(outs as VlanOutputs), vdsId: "other-vds" });
    expect(d.replaces).toEqual(["vdsId"]);
  });

  it("deletes, and tolerates a network that is already gone", async () => {
    const { id, outs } = await vlanProvider.create(await checked({ vdsId: VDS_A, name: "front" }));
    await vlanProvider.delete(id, outs as VlanOutputs);
    expect(ctx.sim.vendor.state.get("vlans", id)).toBeUndefined();
    await expect(vlanProvider.delete(id, outs as VlanOutputs)).resolves.toBeUndefined();
    expect(await vlanProvider.read(id, outs as VlanOutputs)).toEqual({ id: "" });
  });

  it.each([
    [{ vdsId: VDS_A, name: "" }, "name"],
    [{ vdsId: VDS_A, name: "x", vlanId: 5000 }, "vlanId"],
    [{ vdsId: "nope", name: "x" }, "vdsId"],
    [{ vdsId: VDS_A, name: "x", networkIds: ["100"] }, "networkIds"],
  ])("check of %j fails on %s", async (news, property) => {
    const r = await vlanProvider.check({} as VlanInputs, news as never);
    expect(r.failures?.map((f) => f.property)).toEqual([property]);
  });

  it("waits out a lock held by another task before updating", async () => {
    const { id, outs } = await vlanProvider.create(await checked({ vdsId: VDS_A, name: "front" }));
    await ctx.sim.control("POST", "/_sim/cloudtower/lock", { collection: "vlans", id, ms: 300 });
    const t0 = Date.now();
    await vlanProvider.update(id, outs as VlanOutputs, await checked({ vdsId: VDS_A, name: "renamed" }));
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
    expect(ctx.sim.vendor.state.get("vlans", id)!.name).toBe("renamed");
  });
});
