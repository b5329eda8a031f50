import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createCvmSimulator } from "../../../simulator/cvm";
import { Sim, startSim } from "../../helpers/sim";

let sim: Sim;
beforeAll(async () => {
  sim = await startSim(createCvmSimulator({ transitionMs: 40 }));
});
afterAll(() => sim.stop());
beforeEach(() => sim.control("POST", "/_sim/reset"));

const demo = { "API-Public-Token": "demo-public", "API-Private-Token": "demo-private" };
const get = (path: string, headers: Record<string, string> = demo) => fetch(sim.url + path, { headers });
const post = (path: string, headers: Record<string, string> = demo) => fetch(sim.url + path, { method: "POST", headers });
const inventoried = async (id: string) => (await sim.inventory<{ id: string; status: string; operations: number }>("vpses")).find((v) => v.id === id);

describe("CVM simulator", () => {
  it("lists the user's VPSes with every number as a string", async () => {
    const body = (await (await get("/api/client/vps/list")).json()) as any;
    const ids = body.response.vpses.map((v: { id: string }) => v.id);
    expect(ids).toEqual(["101", "102", "103", "104", "105", "106", "107"]);
    for (const v of body.response.vpses) {
      for (const k of ["id", "node", "guaranteed_ram", "disk_space", "cpu_count"]) expect(typeof v[k]).toBe("string");
    }
  });

  it("shows combined traffic for one VPS and split traffic for another", async () => {
    const { response } = (await (await get("/api/client/vps/list")).json()) as any;
    const web = response.vpses.find((v: { id: string }) => v.id === "101");
    const db = response.vpses.find((v: { id: string }) => v.id === "103");
    expect(web).toHaveProperty("traffic_limit");
    expect(web).not.toHaveProperty("traffic_in_limit");
    expect(db).toHaveProperty("traffic_in_limit", "500000000000");
    expect(db).not.toHaveProperty("traffic_limit");
  });

  it("answers 401 for a missing or wrong token pair and 403 for a pair without client access", async () => {
    const none = await get("/api/client/vps/list", {});
    expect(none.status).toBe(401);
    expect((await none.json()) as any).toEqual({ errors: ["No valid API token pair was specified."] });
    expect((await get("/api/client/vps/list", { "API-Public-Token": "demo-public", "API-Private-Token": "nope" })).status).toBe(401);
    const billing = await get("/api/client/vps/list", { "API-Public-Token": "billing-public", "API-Private-Token": "billing-private" });
    expect(billing.status).toBe(403);
  });

  it("hides another user's VPS behind a 404", async () => {
    const r = await get("/api/client/vps/201/status");
    expect(r.status).toBe(404);
    expect((await r.json()) as any).toEqual({ errors: ["The specified VPS ID does not exist or is not accessible to this user."] });
  });

  it("starts a VPS: 200 at once, running in /status after the transition time", async () => {
    expect((await post("/api/client/vps/102/start")).status).toBe(200);
    expect(((await (await get("/api/client/vps/102/status")).json()) as any).response.status).toBe("stopped");
    await new Promise((r) => setTimeout(r, 60));
    expect(((await (await get("/api/client/vps/102/status")).json()) as any).response).toMatchObject({ status: "running", traffic_used: "0" });
  });

  it("answers a restart once the VPS is back up, its status running throughout", async () => {
    const t0 = Date.now();
    expect((await post("/api/client/vps/101/restart")).status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(35);
    expect(((await (await get("/api/client/vps/101/status")).json()) as any).response.status).toBe("running");
    expect((await inventoried("101"))?.operations).toBe(1);
  });

  it("refuses power operations on a suspended or terminated VPS with a 500", async () => {
    const r = await post("/api/client/vps/104/start");
    expect(r.status).toBe(500);
    expect(((await r.json()) as any).errors[0]).toMatch(/suspended/);
    expect((await post("/api/client/vps/105/stop")).status).toBe(500);
  });

  it("reports an unreachable host node: 503 for actions, status unknown", async () => {
    await sim.control("POST", "/_sim/cvm/nodes/1/unreachable", { requests: 1 });
    expect(((await (await get("/api/client/vps/101/status")).json()) as any).response.status).toBe("unknown");
    expect((await post("/api/client/vps/101/stop")).status).toBe(503);
    expect((await post("/api/client/vps/101/stop")).status).toBe(200);
  });

  it("shows each VPS's status and power operations in /_sim/inventory", async () => {
    await post("/api/client/vps/102/start");
    await new Promise((r) => setTimeout(r, 60));
    expect(await inventoried("102")).toEqual({ id: "102", hostname: "web-2.example.net", status: "running", operations: 1 });
  });

  it("seeds token pairs through /_sim/seed", async () => {
    await sim.control("POST", "/_sim/seed", { tokens: [{ public: "new-public", private: "new-private", user: "demo", clientAccess: true }] });
    expect((await get("/api/client/vps/list", { "API-Public-Token": "new-public", "API-Private-Token": "new-private" })).status).toBe(200);
  });

  it("removes a VPS out of band (DELETE /_sim/cvm/vpses/:id): the client API no longer shows it", async () => {
    await sim.control("DELETE", "/_sim/cvm/vpses/101");
    expect((await get("/api/client/vps/101/status")).status).toBe(404);
    expect(await inventoried("101")).toBeUndefined();
  });

  it("answers power actions of a VPS told to ignore them with 200, counting them and changing nothing", async () => {
    await sim.control("POST", "/_sim/cvm/vpses/102/ignore-power", { ignore: true });
    expect((await post("/api/client/vps/102/start")).status).toBe(200);
    await new Promise((r) => setTimeout(r, 60));
    expect(await inventoried("102")).toMatchObject({ status: "stopped", operations: 1 });
    await sim.control("POST", "/_sim/cvm/vpses/102/ignore-power", { ignore: false });
    await post("/api/client/vps/102/start");
    await new Promise((r) => setTimeout(r, 60));
    expect(await inventoried("102")).toMatchObject({ status: "running", operations: 2 });
  });
});
