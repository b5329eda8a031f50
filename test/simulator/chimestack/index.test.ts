import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CATALOGUE, DEMO, createChimeStackSimulator } from "../../../simulator/chimestack";
import { Sim, startSim } from "../../helpers/sim";

let now = 1_000_000;
let sim: Sim;
beforeAll(async () => {
  sim = await startSim(createChimeStackSimulator({ tokenTtlMs: 10_000, createMs: 100, now: () => now }));
});
afterAll(() => sim.stop());
beforeEach(() => sim.control("POST", "/_sim/reset"));

async function call(method: string, path: string, body?: unknown, token?: string) {
  const res = await fetch(sim.url + path, {
    method,
    body: body === undefined ? undefined : JSON.stringify(body),
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  return { status: res.status, body: (await res.json()) as any };
}
async function login() {
  return (await call("POST", "/v1/login", { user_name: DEMO.user, password: DEMO.password })).body.result.user.uuid as string;
}

describe("ChimeStack simulator", () => {
  it("logs in with user_name and password, the token being result.user.uuid with an expiry", async () => {
    const r = await call("POST", "/v1/login", { user_name: DEMO.user, password: DEMO.password });
    expect(r.body).toMatchObject({
      error: null,
      requestId: expect.any(String),
      result: { user: { uuid: expect.any(String), expired_at: expect.any(String) } },
    });
  });

  it("answers errors in the envelope, with the request id", async () => {
    const r = await call("GET", "/v1/az");
    expect(r.status).toBe(401);
    expect(r.body).toMatchObject({ error: { code: 401, status: "Unauthorized" }, requestId: expect.any(String), result: null });
  });

  it("expires tokens after their lifetime and honours logout", async () => {
    const token = await login();
    expect((await call("GET", "/v1/az", undefined, token)).status).toBe(200);
    now += 10_001;
    expect((await call("GET", "/v1/az", undefined, token)).status).toBe(401);
    const t2 = await login();
    await call("POST", "/v1/logout", { token: t2 });
    expect((await call("GET", "/v1/az", undefined, t2)).status).toBe(401);
  });

  it("lists as {elements, size, total} with paging", async () => {
    const token = await login();
    // Compute clusters (type 1): the seeded ones are hyperconverged.
    for (const n of ["a", "b", "c"]) await call("POST", `/v1/az/${DEMO.az}/cluster`, { name: n, type: 1 }, token);
    const r = await call("GET", `/v1/az/${DEMO.az}/cluster?type=1&page=2&size=2`, undefined, token);
    expect(r.body.result).toMatchObject({ size: 1, total: 3 });
    expect(r.body.result.elements).toHaveLength(1);
  });

  it("seeds clusters, networks and subnets through /_sim/seed, filling in what the seed leaves out", async () => {
    const cluster = "5eed0000-0000-4000-8000-0000000000c1";
    await sim.control("POST", "/_sim/seed", {
      clusters: [{ uuid: cluster, name: "seeded" }],
      networks: [{ name: "net", cluster_uuid: cluster }],
    });
    const token = await login();
    const c = (await call("GET", `/v1/az/${DEMO.az}/cluster/${cluster}`, undefined, token)).body.result.cluster;
    expect(c).toMatchObject({ uuid: cluster, name: "seeded", az_uuid: DEMO.az, az_name: "az-1", state: 1, type: 0 });
    const nets = (await call("GET", `/v1/az/${DEMO.az}/cluster/${cluster}/network`, undefined, token)).body.result;
    expect(nets).toMatchObject({ total: 1, elements: [{ name: "net", cluster_uuid: cluster, az_uuid: DEMO.az, state: 1 }] });
  });

  it("filters lists by the fields the API reference documents (a VM list by cluster)", async () => {
    const token = await login();
    const clusters = [];
    for (const n of ["a", "b"]) clusters.push((await call("POST", `/v1/az/${DEMO.az}/cluster`, { name: n }, token)).body.result.cluster.uuid);
    const b = (await call("GET", `/v1/az/${DEMO.az}/cluster?name=b`, undefined, token)).body.result;
    expect(b.elements.map((c: { uuid: string }) => c.uuid)).toEqual([clusters[1]]);
    const n = (await call("POST", `/v1/az/${DEMO.az}/cluster/${clusters[0]}/network`, { name: "n", bridge_name: "br1", interface_name: "eth1" }, token)).body
      .result.network;
    const s = (await call("POST", `/v1/az/${DEMO.az}/cluster/${clusters[0]}/network/${n.uuid}/subnet`, { name: "s", cidr: "192.168.231.1/24" }, token)).body
      .result.subnet;
    const body = {
      az_uuid: DEMO.az,
      cluster_uuid: clusters[0],
      instance_spec_uuid: DEMO.instanceSpec,
      name: "vm-1",
      nics: [{ name: "nic0", subnet_uuid: s.uuid, sg_uuid: DEMO.securityGroup }],
      volumes: [{ name: "root", size: 1024 ** 3, volume_spec_uuid: DEMO.volumeSpec, root: 1 }],
    };
    await call("POST", "/v1/vm", body, token);
    expect((await call("GET", `/v1/vm?cluster_uuid=${clusters[0]}`, undefined, token)).body.result.total).toBe(1);
    expect((await call("GET", `/v1/vm?cluster_uuid=${clusters[1]}`, undefined, token)).body.result.total).toBe(0);
  });

  it("lists the hosts of a cluster with their cluster's name, filtered by management IP, and hides a host of another cluster", async () => {
    const token = await login();
    const hosts = `/v1/az/${DEMO.az}/cluster/${CATALOGUE.general1}/host`;
    const all = (await call("GET", hosts, undefined, token)).body.result;
    expect(all).toMatchObject({ total: 2, elements: [{ name: "node-1", cluster_name: "general", manage_ip: "192.168.1.10" }, { name: "node-2" }] });
    expect((await call("GET", `${hosts}?manage_ip=192.168.2.10`, undefined, token)).body.result.elements.map((h: { uuid: string }) => h.uuid)).toEqual([
      CATALOGUE.host2a,
    ]);
    expect((await call("GET", `${hosts}/${CATALOGUE.host1b}`, undefined, token)).status).toBe(404);
    expect(
      (await call("GET", `/v1/az/${CATALOGUE.az2}/cluster/${CATALOGUE.general2}/host/${CATALOGUE.host1b}`, undefined, token)).body.result.host,
    ).toMatchObject({ name: "node-1", cluster_name: "general" });
  });

  it("filters each list by the filters documented for it, ignoring others, and answers the catalogue's objects by uuid", async () => {
    const token = await login();
    const names = async (path: string) => (await call("GET", path, undefined, token)).body.result.elements.map((x: { name: string }) => x.name);
    expect(await names("/v1/image?format=iso")).toEqual(["debian-12"]);
    expect(await names("/v1/instance_spec?type=1")).toEqual(["large"]);
    expect(await names("/v1/volume_spec?storage_pool_uuid=9f000000-0000-4000-8000-000000000003")).toEqual(["standard"]); // the Ceph pool
    expect(await names("/v1/az?format=iso")).toEqual(["az-1", "az-2"]);
    expect((await call("GET", `/v1/image/${CATALOGUE.debian12Iso}`, undefined, token)).body.result.image).toMatchObject({
      name: "debian-12",
      format: "iso",
      state: 1,
    });
    expect((await call("GET", `/v1/securitygroup/${CATALOGUE.webSg}`, undefined, token)).body.result.securitygroup).toMatchObject({ name: "web" });
  });

  it("shows a subnet's network name and a network's cluster name as they are now", async () => {
    const token = await login();
    const net = `/v1/az/${DEMO.az}/cluster/${CATALOGUE.general1}/network`;
    await call("PATCH", `${net}/${CATALOGUE.backupNet1}`, { name: "backup" }, token);
    const subnets = (await call("GET", `${net}/${CATALOGUE.backupNet1}/subnet`, undefined, token)).body.result.elements;
    expect(subnets).toMatchObject([{ name: "default", network_name: "backup", network_uuid: CATALOGUE.backupNet1 }]);
    expect((await call("GET", `${net}/${CATALOGUE.backupNet1}`, undefined, token)).body.result.network).toMatchObject({
      name: "backup",
      cluster_name: "general",
    });
  });

  it("answers a VM create with a stub that fills in over time", async () => {
    const token = await login();
    const c = (await call("POST", `/v1/az/${DEMO.az}/cluster`, { name: "c" }, token)).body.result.cluster;
    const n = (await call("POST", `/v1/az/${DEMO.az}/cluster/${c.uuid}/network`, { name: "n", bridge_name: "br1", interface_name: "eth1" }, token)).body.result
      .network;
    const s = (await call("POST", `/v1/az/${DEMO.az}/cluster/${c.uuid}/network/${n.uuid}/subnet`, { name: "s", cidr: "192.168.231.1/24" }, token)).body.result
      .subnet;
    const body = {
      az_uuid: DEMO.az,
      cluster_uuid: c.uuid,
      instance_spec_uuid: DEMO.instanceSpec,
      name: "vm-1",
      nics: [{ name: "nic0", subnet_uuid: s.uuid, sg_uuid: DEMO.securityGroup }],
      volumes: [{ name: "root", size: 1024 ** 3, volume_spec_uuid: DEMO.volumeSpec, root: 1 }],
    };
    const vm = (await call("POST", "/v1/vm", body, token)).body.result.vm;
    expect(vm).toMatchObject({ state: 0, created_at: "0001-01-01T00:00:00Z", operation: "create" });
    expect(vm.volumes[0].operation).not.toBe("");
    now += 101;
    const later = (await call("GET", `/v1/vm/${vm.uuid}`, undefined, token)).body.result.vm;
    expect(later).toMatchObject({ state: 1, operation: "" });
    expect(later.volumes[0]).toMatchObject({ state: 2, operation: "" });
    expect(later.nics[0].ip).toMatch(/^192\.168\.231\./);
  });
});
