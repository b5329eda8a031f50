import { describe, expect, it } from "vitest";
import { ClusterInputs, ClusterOutputs, clusterProvider } from "../../../provider/chimestack/cluster";
import { NetworkInputs, NetworkOutputs, networkProvider } from "../../../provider/chimestack/network";
import { SubnetInputs, SubnetOutputs, subnetProvider } from "../../../provider/chimestack/subnet";
import { DEMO, useChime } from "../../helpers/chimestack";

useChime();

async function check<I>(p: { check: (o: I, n: I) => Promise<{ inputs?: I; failures?: Array<{ property: string }> }> }, news: Record<string, unknown>): Promise<I> {
  const r = await p.check({} as I, news as unknown as I);
  expect(r.failures ?? []).toEqual([]);
  return r.inputs as I;
}

describe("chimestack.Cluster lifecycle", () => {
  it("creates with only the required inputs, updates in place, disables and enables, and deletes", async () => {
    const inputs = await check<ClusterInputs>(clusterProvider, { azUuid: DEMO.az, name: "c1" });
    const { id, outs } = await clusterProvider.create(inputs);
    expect(outs).toMatchObject({ name: "c1", type: "hyperconverged", hypervisorType: "kvm", enabled: true, state: 1, azName: "az-1" });
    expect((await clusterProvider.read(id, outs as ClusterOutputs)).props).toEqual(outs);
    const news = await check<ClusterInputs>(clusterProvider, { azUuid: DEMO.az, name: "c1-renamed", description: "d", enabled: false });
    expect(await clusterProvider.diff(id, outs as ClusterOutputs, news)).toMatchObject({ changes: true, replaces: [] });
    const u = await clusterProvider.update(id, outs as ClusterOutputs, news);
    expect(u.outs).toMatchObject({ name: "c1-renamed", description: "d", enabled: false, state: 2 });
    expect((await clusterProvider.diff(id, u.outs as ClusterOutputs, { ...news, azUuid: "other" })).replaces).toEqual(["azUuid"]);
    await clusterProvider.delete(id, u.outs as ClusterOutputs);
    await expect(clusterProvider.delete(id, u.outs as ClusterOutputs)).resolves.toBeUndefined();
    expect(await clusterProvider.read(id, u.outs as ClusterOutputs)).toEqual({ id: "" });
  });

  it("names a missing AZ at check", async () => {
    const r = await clusterProvider.check({} as ClusterInputs, { azUuid: "nope", name: "c" } as never);
    expect(r.failures?.map((f) => f.property)).toEqual(["azUuid"]);
  });
});

describe("chimestack.Network and Subnet lifecycle", () => {
  it("creates a network and a subnet, renames both in place, replaces on a new bridge, and deletes", async () => {
    const { id: cluster } = await clusterProvider.create(await check<ClusterInputs>(clusterProvider, { azUuid: DEMO.az, name: "c1" }));
    const net = await networkProvider.create(await check<NetworkInputs>(networkProvider, { azUuid: DEMO.az, clusterUuid: cluster, name: "n1", bridgeName: "br1", interfaceName: "eth1" }));
    expect(net.outs).toMatchObject({ name: "n1", type: "classical", bridgeName: "br1" });
    const netNews = await check<NetworkInputs>(networkProvider, { azUuid: DEMO.az, clusterUuid: cluster, name: "n1b", bridgeName: "br1", interfaceName: "eth1" });
    expect((await networkProvider.update(net.id, net.outs as NetworkOutputs, netNews)).outs!.name).toBe("n1b");
    expect((await networkProvider.diff(net.id, net.outs as NetworkOutputs, { ...netNews, bridgeName: "br2" })).replaces).toEqual(["bridgeName"]);

    const subIn = await check<SubnetInputs>(subnetProvider, { azUuid: DEMO.az, clusterUuid: cluster, networkUuid: net.id, name: "s1", cidr: "192.168.231.1/24", gateway: "192.168.231.1" });
    const sub = await subnetProvider.create(subIn);
    expect(sub.outs).toMatchObject({ name: "s1", cidr: "192.168.231.1/24", gateway: "192.168.231.1" });
    expect((await subnetProvider.read(sub.id, sub.outs as SubnetOutputs)).props).toEqual(sub.outs);
    const u = await subnetProvider.update(sub.id, sub.outs as SubnetOutputs, { ...subIn, reservedIps: "192.168.231.2-192.168.231.9" });
    expect(u.outs!.reservedIps).toBe("192.168.231.2-192.168.231.9");
    await subnetProvider.delete(sub.id, u.outs as SubnetOutputs);
    await networkProvider.delete(net.id, net.outs as NetworkOutputs);
    await expect(networkProvider.delete(net.id, net.outs as NetworkOutputs)).resolves.toBeUndefined();
    expect(await networkProvider.read(net.id, net.outs as NetworkOutputs)).toEqual({ id: "" });
  });

  it.each([
    [{ azUuid: "a", clusterUuid: "c", networkUuid: "n", name: "s", cidr: "10.0.0.0" }, "cidr"],
    [{ azUuid: "a", clusterUuid: "c", networkUuid: "n", name: "s", cidr: "10.0.0.0/24", gateway: "x" }, "gateway"],
  ])("subnet check of %j fails on %s", async (news, property) => {
    const r = await subnetProvider.check({} as SubnetInputs, news as never);
    expect(r.failures?.map((f) => f.property)).toEqual([property]);
  });

  it("names a missing cluster and network at check", async () => {
    expect((await networkProvider.check({} as NetworkInputs, { azUuid: DEMO.az, clusterUuid: "nope", name: "n", bridgeName: "b", interfaceName: "i" } as never)).failures?.map((f) => f.property)).toEqual(["clusterUuid"]);
    const { id: cluster } = await clusterProvider.create(await check<ClusterInputs>(clusterProvider, { azUuid: DEMO.az, name: "c1" }));
    expect((await subnetProvider.check({} as SubnetInputs, { azUuid: DEMO.az, clusterUuid: cluster, networkUuid: "nope", name: "s", cidr: "10.0.0.0/24" } as never)).failures?.map((f) => f.property)).toEqual(["networkUuid"]);
  });
});
