import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DEMO, createChimeStackSimulator } from "../../../simulator/chimestack";
import { Sim, startSim } from "../../helpers/sim";

let now = 1_000_000;
let sim: Sim;
beforeAll(async () => {
  sim = await startSim(createChimeStackSimulator({ tokenTtlMs: 10_000, createMs: 100, now: () => now }));
});
afterAll(() => sim.stop());
beforeEach(() => sim.control("POST", "/_sim/reset"));

async function call(method: string, path: string, body?: unknown, token?: string) {
  const res = await fetch(sim.url + path, { method, body: body === undefined ? undefined : JSON.stringify(body), headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: res.status, body: (await res.json()) as any };
}
async function login() {
  return (await call("POST", "/v1/login", { user_name: DEMO.user, password: DEMO.password })).body.result.user.uuid as string;
}

describe("ChimeStack simulator", () => {
  it("logs in with user_name and password, the token being result.user.uuid with an expiry", async () => {
    const r = await call("POST", "/v1/login", { user_name: DEMO.user, password: DEMO.password });
    expect(r.body).toMatchObject({ error: null, requestId: expect.any(String), result: { user: { uuid: expect.any(String), expired_at: expect.any(String) } } });
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
    for (const n of ["a", "b", "c"]) await call("POST", `/v1/az/${DEMO.az}/cluster`, { name: n }, token);
    const r = await call("GET", `/v1/az/${DEMO.az}/cluster?page=2&size=2`, undefined, token);
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
    const n = (await call("POST", `/v1/az/${DEMO.az}/cluster/${clusters[0]}/network`, { name: "n", bridge_name: "br1", interface_name: "eth1" }, token)).body.result.network;
    const s = (await call("POST", `/v1/az/${DEMO.az}/cluster/${clusters[0]}/network/${n.uuid}/subnet`, { name: "s", cidr: "192.168.231.1/24" }, token)).body.result.subnet;
    const body = { az_uuid: DEMO.az, cluster_uuid: clusters[0], instance_spec_uuid: DEMO.instanceSpec, name: "vm-1", nics: [{ name: "nic0", subnet_uuid: s.uuid, sg_uuid: DEMO.securityGroup }], volumes: [{ name: "root", size: 1024 ** 3, volume_spec_uuid: DEMO.volumeSpec, root: 1 }] };
    await call("POST", "/v1/vm", body, token);
    expect((await call("GET", `/v1/vm?cluster_uuid=${clusters[0]}`, undefined, token)).body.result.total).toBe(1);
    expect((await call("GET", `/v1/vm?cluster_uuid=${clusters[1]}`, undefined, token)).body.result.total).toBe(0);
  });

  it("answers a VM create with a stub that fills in over time", async () => {
    const token = await login();
    const c = (await call("POST", `/v1/az/${DEMO.az}/cluster`, { name: "c" }, token)).body.result.cluster;
    const n = (await call("POST", `/v1/az/${DEMO.az}/cluster/${c.uuid}/network`, { name: "n", bridge_name: "br1", interface_name: "eth1" }, token)).body.result.network;
    const s = (await call("POST", `/v1/az/${DEMO.az}/cluster/${c.uuid}/network/${n.uuid}/subnet`, { name: "s", cidr: "192.168.231.1/24" }, token)).body.result.subnet;
    const body = { az_uuid: DEMO.az, cluster_uuid: c.uuid, instance_spec_uuid: DEMO.instanceSpec, name: "vm-1", nics: [{ name: "nic0", subnet_uuid: s.uuid, sg_uuid: DEMO.securityGroup }], volumes: [{ name: "root", size: 1024 ** 3, volume_spec_uuid: DEMO.volumeSpec, root: 1 }] };
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
