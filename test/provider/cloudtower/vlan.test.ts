import { describe, expect, it } from "vitest";
import * as cloudtower from "../../../provider/cloudtower";
import { asEngine, failedPaths } from "../../helpers/engine";
import { CLUSTER_A, VDS_A, useTower } from "../../helpers/cloudtower";

const ctx = useTower();
const vlan = asEngine(cloudtower.Vlan.provider);
const vlans = () => ctx.sim.inventory<{ id: string; name: string; vlan_id: number; entityAsyncStatus: string | null }>("vlans");

describe("cloudtower.Vlan lifecycle", () => {
  it("creates with only the required inputs, waits for the task, and reads back", async () => {
    const inputs = await vlan.checked({ vdsId: VDS_A, name: "front" });
    const { id, outs } = await vlan.create(inputs);
    expect(outs).toMatchObject({ name: "front", vlanId: 0, vdsId: VDS_A, modeType: "VLAN_ACCESS", type: "VM", clusterId: CLUSTER_A });
    expect((await vlans()).find((v) => v.id === id)).toMatchObject({ entityAsyncStatus: null });
    expect((await vlan.read(id, outs)).props).toEqual(outs);
  });

  it("updates name and tag in place", async () => {
    const { id, outs } = await vlan.create(await vlan.checked({ vdsId: VDS_A, name: "front", vlanId: 100 }));
    const news = await vlan.checked({ vdsId: VDS_A, name: "front-2", vlanId: 101 });
    expect(await vlan.diff(id, outs, news)).toMatchObject({ changes: true, replaces: [] });
    const u = await vlan.update(id, outs, news);
    expect(u.outs).toMatchObject({ name: "front-2", vlanId: 101 });
    expect((await vlans()).find((v) => v.id === id)).toMatchObject({ name: "front-2", vlan_id: 101 });
  });

  it("attaches labels at creation and changes them in place, touching nothing else of the network", async () => {
    const { id, outs } = await vlan.create(await vlan.checked({ vdsId: VDS_A, name: "front", labels: { env: "prod" } }));
    expect(outs.labels).toEqual({ env: "prod" });
    const news = await vlan.checked({ vdsId: VDS_A, name: "front", labels: { env: "dev", zone: "dmz" } });
    expect(await vlan.diff(id, outs, news)).toMatchObject({ changes: true, replaces: [] });
    await ctx.sim.control("DELETE", "/_sim/requests");
    const u = await vlan.update(id, outs, news);
    expect(u.outs.labels).toEqual({ env: "dev", zone: "dmz" });
    const paths = (await ctx.sim.requests()).map((r) => r.path).filter((p) => !/\/(get-[a-z-]+|login)$/.test(p));
    expect(paths).not.toContain("/v2/api/update-vm-vlan");
    expect((await vlan.read(id, u.outs)).props).toEqual(u.outs);
  });

  it("sets and changes the QoS priority in place, and leaves it as it is when the input is dropped", async () => {
    const { id, outs } = await vlan.create(await vlan.checked({ vdsId: VDS_A, name: "front", qosPriority: 20 }));
    expect(outs.qosPriority).toBe(20);
    const news = await vlan.checked({ vdsId: VDS_A, name: "front", qosPriority: 80 });
    expect(await vlan.diff(id, outs, news)).toMatchObject({ changes: true, replaces: [] });
    const u = await vlan.update(id, outs, news);
    expect((await vlans()).find((v) => v.id === id)).toMatchObject({ qos_priority: 80 });
    expect((await vlan.diff(id, u.outs, await vlan.checked({ vdsId: VDS_A, name: "front" }))).changes).toBe(false);
  });

  it("changes a trunk's ranges in place, down to none, and sends nothing when only the deadline changes", async () => {
    const { id, outs } = await vlan.create(await vlan.checked({ vdsId: VDS_A, name: "trunk", modeType: "VLAN_TRUNK", networkIds: ["100-200"] }));
    const cleared = await vlan.update(id, outs, await vlan.checked({ vdsId: VDS_A, name: "trunk", modeType: "VLAN_TRUNK", networkIds: [] }));
    expect((await vlans()).find((v) => v.id === id)).toMatchObject({ network_ids: [] });
    expect((await vlan.diff(id, cleared.outs, await vlan.checked({ vdsId: VDS_A, name: "trunk", modeType: "VLAN_TRUNK", networkIds: [] }))).changes).toBe(
      false,
    );
    await ctx.sim.control("DELETE", "/_sim/requests");
    await vlan.update(id, cleared.outs, await vlan.checked({ vdsId: VDS_A, name: "trunk", modeType: "VLAN_TRUNK", networkIds: [], timeoutSeconds: 60 }));
    expect((await ctx.sim.requests()).map((r) => r.path).filter((p) => p.endsWith("/update-vm-vlan"))).toEqual([]);
  });

  it("replaces when the VDS changes", async () => {
    const { id, outs } = await vlan.create(await vlan.checked({ vdsId: VDS_A, name: "front" }));
    const d = await vlan.diff(id, outs, { ...outs, vdsId: "other-vds" });
    expect(d.replaces).toEqual(["vdsId"]);
  });

  it("deletes, and tolerates a network that is already gone", async () => {
    const { id, outs } = await vlan.create(await vlan.checked({ vdsId: VDS_A, name: "front" }));
    await vlan.delete(id, outs);
    expect((await vlans()).map((v) => v.id)).not.toContain(id);
    await expect(vlan.delete(id, outs)).resolves.toBeUndefined();
    expect(await vlan.read(id, outs)).toEqual({ id: "" });
  });

  it.each([
    [{ vdsId: VDS_A, name: "" }, "name"],
    [{ vdsId: VDS_A, name: "x", vlanId: 5000 }, "vlanId"],
    [{ vdsId: "nope", name: "x" }, "vdsId"],
    [{ vdsId: VDS_A, name: "x", networkIds: ["100"] }, "networkIds"],
    [{ vdsId: VDS_A, name: "x", endpoint: "Site B" }, "endpoint"],
  ])("check of %j fails on %s", async (news, property) => {
    const r = await vlan.check({}, news);
    expect(failedPaths(r.failures)).toEqual([property]);
  });

  it("waits out a lock held by another task before updating", async () => {
    const { id, outs } = await vlan.create(await vlan.checked({ vdsId: VDS_A, name: "front" }));
    await ctx.sim.control("POST", "/_sim/cloudtower/lock", { collection: "vlans", id, ms: 300 });
    const t0 = Date.now();
    await vlan.update(id, outs, await vlan.checked({ vdsId: VDS_A, name: "renamed" }));
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
    expect((await vlans()).find((v) => v.id === id)!.name).toBe("renamed");
  });
});
