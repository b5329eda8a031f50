/** chimestack.Cluster, Network and Subnet through their providers as Pulumi calls them, against the simulator. */
import { describe, expect, it } from "vitest";
import * as chimestack from "../../../provider/chimestack";
import { UNKNOWN } from "../../../provider/core";
import { createChimeStackSimulator } from "../../../simulator/chimestack";
import { DEMO, SEEDED, chimeConfig, useChime } from "../../helpers/chimestack";
import { asEngine, failedPaths } from "../../helpers/engine";
import { NOWHERE, startSim } from "../../helpers/sim";

const ctx = useChime();
const cluster = asEngine(chimestack.Cluster.provider);
const network = asEngine(chimestack.Network.provider);
const subnet = asEngine(chimestack.Subnet.provider);
const MARKER = "pulumi:00000000000000aa";

describe("chimestack.Cluster lifecycle", () => {
  it("creates with only the required inputs, updates in place, disables and enables, and deletes", async () => {
    const { id, outs } = await cluster.create(await cluster.checked({ azUuid: DEMO.az, name: "c1" }));
    expect(outs).toMatchObject({ name: "c1", type: "hyperconverged", hypervisorType: "kvm", enabled: true, state: 1, azName: "az-1" });
    expect((await cluster.read(id, outs)).props).toEqual(outs);
    const news = await cluster.checked({ azUuid: DEMO.az, name: "c1-renamed", description: "d", enabled: false });
    expect(await cluster.diff(id, outs, news)).toMatchObject({ changes: true, replaces: [] });
    const u = await cluster.update(id, outs, news);
    expect(u.outs).toMatchObject({ name: "c1-renamed", description: "d", enabled: false, state: 2 });
    expect((await cluster.update(id, u.outs, { ...news, enabled: true })).outs).toMatchObject({ enabled: true, state: 1 });
    expect((await cluster.diff(id, u.outs, { ...news, azUuid: "other" })).replaces).toEqual(["azUuid"]);
    await cluster.delete(id, u.outs);
    await expect(cluster.delete(id, u.outs)).resolves.toBeUndefined();
    expect(await cluster.read(id, u.outs)).toEqual({ id: "" });
  });

  it("creates a cluster disabled when enabled is false", async () => {
    const { id, outs } = await cluster.create(await cluster.checked({ azUuid: DEMO.az, name: "off", enabled: false }));
    expect(outs).toMatchObject({ enabled: false, state: 2 });
    expect((await ctx.sim.inventory("clusters")).find((c) => c.uuid === id)?.state).toBe(2);
  });

  it("writes its marker at the end of the description, shows the description without it, and keeps it on a description update", async () => {
    const { id, outs } = await cluster.create({ ...(await cluster.checked({ azUuid: DEMO.az, name: "c1", description: "prod" })), marker: MARKER });
    const atVendor = async () => (await ctx.sim.inventory("clusters")).find((c) => c.uuid === id)?.description;
    expect(await atVendor()).toBe(`prod [${MARKER}]`);
    expect(outs.description).toBe("prod");
    const u = await cluster.update(id, outs, { ...(await cluster.checked({ azUuid: DEMO.az, name: "c1", description: "production" })), marker: MARKER });
    expect(await atVendor()).toBe(`production [${MARKER}]`);
    expect(u.outs.description).toBe("production");
  });

  it("finds a killed run's cluster by its marker on the list's second page, and makes no other", async () => {
    const others = Array.from({ length: 150 }, (_, i) => ({ name: `other-${i}` }));
    await ctx.sim.control("POST", "/_sim/seed", {
      clusters: [...others, { uuid: "c0ffee00-0000-4000-8000-000000000001", name: "c1", description: `[${MARKER}]` }],
    });
    const before = (await ctx.sim.inventory("clusters")).length;
    const { id } = await cluster.create({ ...(await cluster.checked({ azUuid: DEMO.az, name: "c1" })), marker: MARKER });
    expect(id).toBe("c0ffee00-0000-4000-8000-000000000001");
    expect(await ctx.sim.inventory("clusters")).toHaveLength(before);
    // Answered lists (the first request after the test's reset gets a 401 and is sent again after a login).
    const lists = (await ctx.sim.requests()).filter((r) => r.method === "GET" && r.path === `/v1/az/${DEMO.az}/cluster` && r.status === 200);
    expect(lists.map((r) => new URLSearchParams(r.query).get("page"))).toEqual(["1", "2"]);
  });

  it("names a missing AZ at check, and an AZ that is no uuid before any request", async () => {
    expect(failedPaths((await cluster.check({}, { azUuid: NOWHERE, name: "c" })).failures)).toEqual(["azUuid"]);
    await ctx.sim.control("DELETE", "/_sim/requests");
    const r = await cluster.check({}, { azUuid: "../nope", name: "c" });
    expect(r.failures).toEqual([{ property: "azUuid", reason: "must be the uuid of an availability zone (8-4-4-4-12 hexadecimal digits)" }]);
    expect(await ctx.sim.requests()).toEqual([]);
  });

  it("reaches a named endpoint with its own settings (chimestack-site-b:*), and names them when they are wrong", async () => {
    const siteB = await startSim(createChimeStackSimulator());
    try {
      await cluster.configure({ ...chimeConfig(ctx.sim.url), ...chimeConfig(siteB.url, "chimestack-site-b") });
      const { id } = await cluster.create(await cluster.checked({ azUuid: DEMO.az, name: "b1", endpoint: "site-b" }));
      expect((await siteB.inventory("clusters")).map((c) => c.uuid)).toContain(id);
      expect((await ctx.sim.inventory("clusters")).map((c) => c.uuid)).not.toContain(id);
      await cluster.configure({ ...chimeConfig(ctx.sim.url), ...chimeConfig(siteB.url, "chimestack-site-b"), "chimestack-site-b:username": "nobody" });
      await expect(cluster.check({}, { azUuid: DEMO.az, name: "b2", endpoint: "site-b" })).rejects.toThrow(
        /check chimestack-site-b:username and chimestack-site-b:password/,
      );
    } finally {
      await siteB.stop();
    }
  });
});

describe("chimestack.Network and Subnet lifecycle", () => {
  it("creates a network and a subnet, renames both in place, replaces on a new bridge, and deletes", async () => {
    const { id: c } = await cluster.create(await cluster.checked({ azUuid: DEMO.az, name: "c1" }));
    const net = await network.create(await network.checked({ azUuid: DEMO.az, clusterUuid: c, name: "n1", bridgeName: "br1", interfaceName: "eth1" }));
    expect(net.outs).toMatchObject({ name: "n1", type: "classical", bridgeName: "br1" });
    const netNews = await network.checked({ azUuid: DEMO.az, clusterUuid: c, name: "n1b", bridgeName: "br1", interfaceName: "eth1" });
    expect((await network.update(net.id, net.outs, netNews)).outs.name).toBe("n1b");
    expect((await network.diff(net.id, net.outs, { ...netNews, bridgeName: "br2" })).replaces).toEqual(["bridgeName"]);

    const subIn = await subnet.checked({
      azUuid: DEMO.az,
      clusterUuid: c,
      networkUuid: net.id,
      name: "s1",
      cidr: "192.168.231.1/24",
      gateway: "192.168.231.1",
    });
    const sub = await subnet.create(subIn);
    expect(sub.outs).toMatchObject({ name: "s1", cidr: "192.168.231.1/24", gateway: "192.168.231.1" });
    expect((await subnet.read(sub.id, sub.outs)).props).toEqual(sub.outs);
    const u = await subnet.update(sub.id, sub.outs, { ...subIn, reservedIps: "192.168.231.2-192.168.231.9" });
    expect(u.outs.reservedIps).toBe("192.168.231.2-192.168.231.9");
    await subnet.delete(sub.id, u.outs);
    await network.delete(net.id, net.outs);
    await expect(network.delete(net.id, net.outs)).resolves.toBeUndefined();
    expect(await network.read(net.id, net.outs)).toEqual({ id: "" });
  });

  it.each([
    [{ azUuid: DEMO.az, clusterUuid: SEEDED.cluster, networkUuid: SEEDED.network, name: "s", cidr: "10.0.0.0" }, "cidr"],
    [{ azUuid: DEMO.az, clusterUuid: SEEDED.cluster, networkUuid: SEEDED.network, name: "s", cidr: "10.0.0.0/24", gateway: "x" }, "gateway"],
  ])("subnet check of %j fails on %s", async (news, property) => {
    const r = await subnet.check({}, news);
    expect(failedPaths(r.failures)).toEqual([property]);
  });

  it("names a missing cluster and network at check", async () => {
    expect(failedPaths((await network.check({}, { azUuid: DEMO.az, clusterUuid: NOWHERE, name: "n", bridgeName: "b", interfaceName: "i" })).failures)).toEqual([
      "clusterUuid",
    ]);
    expect(
      failedPaths((await subnet.check({}, { azUuid: DEMO.az, clusterUuid: SEEDED.cluster, networkUuid: NOWHERE, name: "s", cidr: "10.0.0.0/24" })).failures),
    ).toEqual(["networkUuid"]);
  });

  it("passes check at preview while the cluster and network ids are not known yet, looking nothing up", async () => {
    await ctx.sim.control("DELETE", "/_sim/requests");
    expect(await network.check({}, { azUuid: DEMO.az, clusterUuid: UNKNOWN, name: "n", bridgeName: "b", interfaceName: "i" })).not.toHaveProperty("failures");
    expect(await subnet.check({}, { azUuid: DEMO.az, clusterUuid: UNKNOWN, networkUuid: UNKNOWN, name: "s", cidr: "10.0.0.0/24" })).not.toHaveProperty(
      "failures",
    );
    expect(await subnet.check({}, { azUuid: DEMO.az, clusterUuid: SEEDED.cluster, networkUuid: UNKNOWN, name: "s", cidr: "10.0.0.0/24" })).not.toHaveProperty(
      "failures",
    );
    expect((await ctx.sim.requests()).filter((r) => r.path.includes(UNKNOWN))).toEqual([]);
  });
});
