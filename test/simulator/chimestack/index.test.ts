import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DEMO, createChimeStackSimulator } from "../../../simulator/chimestack";
import { startSim } from "../../helpers/sim";

let now = 1_000_000;
let sim: Awaited<ReturnType<typeof startSim<ReturnType<typeof createChimeStackSimulator>>>>;
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
