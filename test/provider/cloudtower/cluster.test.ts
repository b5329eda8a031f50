import { describe, expect, it } from "vitest";
import * as cloudtower from "../../../provider/cloudtower";
import { APPLIANCE } from "../../../simulator/cloudtower";
import { asEngine, failedPaths } from "../../helpers/engine";
import { useTower } from "../../helpers/cloudtower";

const ctx = useTower();
const cluster = asEngine(cloudtower.Cluster.provider);
const DC = "cl0dc00000000000000000dc1";
const required = { ip: APPLIANCE.ip, username: APPLIANCE.username, password: APPLIANCE.password };
const clusters = () => ctx.sim.inventory<{ id: string; ip: string }>("clusters");

describe("cloudtower.Cluster lifecycle", () => {
  it("connects with only the required inputs and never outputs the password", async () => {
    const { id, outs } = await cluster.create(await cluster.checked(required));
    expect(outs).toMatchObject({ ip: APPLIANCE.ip, name: "cluster-c", connectState: "CONNECTED", type: "SMTX_OS" });
    expect(outs.hostIds).toHaveLength(2);
    expect(JSON.stringify(outs)).not.toContain(APPLIANCE.password);
    expect(cloudtower.Cluster.entry.definition.hidden).toEqual({ inputs: ["password"], hash: "passwordHash" });
    const read = await cluster.read(id, outs);
    expect(read.props).toEqual(outs);
    expect(JSON.stringify(read)).not.toContain(APPLIANCE.password);
  });

  it("updates credentials and datacenter in place, seeing a password change through its hash", async () => {
    const { id, outs } = await cluster.create(await cluster.checked(required));
    expect((await cluster.diff(id, outs, await cluster.checked(required))).changes).toBe(false);
    const news = await cluster.checked({ ...required, password: "rotated", datacenterId: DC });
    expect(await cluster.diff(id, outs, news)).toMatchObject({ changes: true, replaces: [] });
    const u = await cluster.update(id, outs, news);
    expect(u.outs.datacenterId).toBe(DC);
    expect((await ctx.sim.inventory("clusterCredentials")).find((c) => c.id === id)).toEqual({ id, username: "root", password: "rotated" });
    expect((await cluster.diff(id, u.outs, news)).changes).toBe(false);
  });

  it("disconnects on delete, and tolerates a cluster that is already gone", async () => {
    const { id, outs } = await cluster.create(await cluster.checked(required));
    await cluster.delete(id, outs);
    expect((await clusters()).map((c) => c.id)).not.toContain(id);
    await expect(cluster.delete(id, outs)).resolves.toBeUndefined();
    expect(await cluster.read(id, outs)).toEqual({ id: "" });
  });

  it("reports a rejected password as a failed task, without the password, and leaves no placeholder", async () => {
    const err = await cluster.create(await cluster.checked({ ...required, password: "wrong-and-secret" })).catch((e) => e);
    expect(err.code).toBe("task_failed");
    expect(err.message).toMatch(/LOAD_CLUSTER_UNAUTHORIZED/);
    expect(err.message).not.toContain("wrong-and-secret");
    expect((await clusters()).map((c) => c.ip)).not.toContain(APPLIANCE.ip);
  });

  it.each([
    [{ ...required, ip: "" }, "ip"],
    [{ ...required, datacenterId: "cl0nope" }, "datacenterId"],
    [{ ip: "10.0.0.30", username: "root" }, "password"],
  ])("check of %j fails on %s", async (news, property) => {
    const r = await cluster.check({}, news);
    expect(failedPaths(r.failures)).toEqual([property]);
  });
});
