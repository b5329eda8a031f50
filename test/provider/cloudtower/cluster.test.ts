import { describe, expect, it } from "vitest";
import { ClusterInputs, ClusterOutputs, clusterProvider } from "../../../provider/cloudtower/cluster";
import { APPLIANCE } from "../../../simulator/cloudtower";
import { useTower } from "../../helpers/cloudtower";

const ctx = useTower();
const DC = "cl0dc00000000000000000dc1";

async function checked(news: Record<string, unknown>): Promise<ClusterInputs> {
  const r = await clusterProvider.check({} as ClusterInputs, news as never);
  expect(r.failures ?? []).toEqual([]);
  return r.inputs as ClusterInputs;
}
const required = { ip: APPLIANCE.ip, username: APPLIANCE.username, password: APPLIANCE.password };

describe("cloudtower.Cluster lifecycle", () => {
  it("connects with only the required inputs and never outputs the password", async () => {
    const { id, outs } = await clusterProvider.create(await checked(required));
    expect(outs).toMatchObject({ ip: APPLIANCE.ip, name: "cluster-c", connectState: "CONNECTED", type: "SMTX_OS" });
    expect(outs!.hostIds).toHaveLength(2);
    expect(JSON.stringify(outs)).not.toContain(APPLIANCE.password);
    const read = await clusterProvider.read(id, outs as ClusterOutputs);
    expect(read.props).toEqual(outs);
  });

  it("updates credentials and datacenter in place, seeing a password change through its hash", async () => {
    const { id, outs } = await clusterProvider.create(await checked(required));
    const same = await checked(required);
    expect((await clusterProvider.diff(id, outs as ClusterOutputs, same)).changes).toBe(false);
    const news = await checked({ ...required, password: "rotated", datacenterId: DC });
    expect(await clusterProvider.diff(id, outs as ClusterOutputs, news)).toMatchObject({ changes: true, replaces: [] });
    const u = await clusterProvider.update(id, outs as ClusterOutputs, news);
    expect(u.outs!.datacenterId).toBe(DC);
    expect(ctx.sim.vendor.state.clusterCredentials.get(id)).toEqual({ username: "root", password: "rotated" });
  });

  it("disconnects on delete, and tolerates a cluster that is already gone", async () => {
    const { id, outs } = await clusterProvider.create(await checked(required));
    await clusterProvider.delete(id, outs as ClusterOutputs);
    expect(ctx.sim.vendor.state.get("clusters", id)).toBeUndefined();
    await expect(clusterProvider.delete(id, outs as ClusterOutputs)).resolves.toBeUndefined();
    expect(await clusterProvider.read(id, outs as ClusterOutputs)).toEqual({ id: "" });
  });

  it("reports a rejected password as a failed task and leaves no placeholder", async () => {
    const err = await clusterProvider.create(await checked({ ...required, password: "wrong" })).catch((e) => e);
    expect(err.code).toBe("task_failed");
    expect(err.message).toMatch(/LOAD_CLUSTER_UNAUTHORIZED/);
    expect(err.message).not.toContain("wrong\"");
    expect(ctx.sim.vendor.state.list("clusters").map((c) => c.ip)).not.toContain(APPLIANCE.ip);
  });

  it.each([
    [{ ...required, ip: "" }, "ip"],
    [{ ...required, datacenterId: "cl0nope" }, "datacenterId"],
    [{ ip: "10.0.0.30", username: "root" }, "password"],
  ])("check of %j fails on %s", async (news, property) => {
    const r = await clusterProvider.check({} as ClusterInputs, news as never);
    expect(r.failures?.map((f) => f.property)).toEqual([property]);
  });
});
