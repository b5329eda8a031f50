/** cvm.Vm through its provider as Pulumi calls it, against the simulator. */
import { describe, expect, it, vi } from "vitest";
import * as cvm from "../../../provider/cvm";
import { UNKNOWN } from "../../../provider/core";
import { asEngine } from "../../helpers/engine";
import { cvmConfig, useCvm } from "../../helpers/cvm";

const ctx = useCvm();
const vm = asEngine(cvm.Vm.provider);
const checked = (news: Record<string, unknown>) => vm.checked(news);
const demo = { "API-Public-Token": "demo-public", "API-Private-Token": "demo-private" };
/** What check makes of `{vpsId: "101"}`, for calls that must not reach check. */
const VPS_101 = { vpsId: "101", powerState: "running", stopOnRelease: false, waitTimeoutSeconds: 5 };

describe("cvm.Vm lifecycle", () => {
  it("adopts with only a vpsId and starts the VPS (default running)", async () => {
    const inputs = await checked({ vpsId: "102" });
    expect(inputs).toEqual({ vpsId: "102", powerState: "running", stopOnRelease: false, waitTimeoutSeconds: 300 });
    const { id, outs } = await vm.create(inputs);
    expect(id).toBe("102");
    expect(outs).toMatchObject({
      vpsId: "102",
      hostname: "web-2.example.net",
      node: "1",
      status: "running",
      ramMb: 1024,
      cpuCount: 2,
      virtualizationType: "openvz",
      trafficAccounting: "combined",
    });
    expect((await ctx.vps("102"))?.status).toBe("running");
  });

  it("reads it back with the same outputs, and refreshed inputs that name the same VPS", async () => {
    const inputs = await checked({ vpsId: "103", powerState: "stopped" });
    const { outs } = await vm.create(inputs);
    const read = await vm.read("103", outs);
    expect(read.id).toBe("103");
    expect(read.props).toEqual(outs);
    expect(read.inputs).toEqual({ ...inputs, hostname: "db-1.example.net" });
    expect((await vm.diff("103", read.props!, inputs)).changes).toBe(false);
    expect(read.props).toMatchObject({ trafficAccounting: "split", trafficInLimit: 500000000000, trafficInUsed: 912727849 });
  });

  it("adopts by hostname, outputs the VPS's id, and sees no change when the same VPS is then named by id", async () => {
    const inputs = await checked({ hostname: "db-1.example.net", powerState: "stopped" });
    const { id, outs } = await vm.create(inputs);
    expect(id).toBe("103");
    expect(outs.vpsId).toBe("103");
    expect((await vm.diff(id, outs, inputs)).changes).toBe(false);
    expect((await vm.diff(id, outs, await checked({ vpsId: "103", powerState: "stopped" }))).changes).toBe(false);
  });

  it("updates the power state in place and waits until /status shows it", async () => {
    const { outs } = await vm.create(await checked({ vpsId: "101" }));
    const news = await checked({ vpsId: "101", powerState: "stopped" });
    expect(await vm.diff("101", outs, news)).toMatchObject({ changes: true, replaces: [] });
    const u = await vm.update("101", outs, news);
    expect(u.outs).toMatchObject({ status: "stopped", powerState: "stopped" });
    expect((await ctx.vps("101"))?.status).toBe("stopped");
  });

  it("restarts a running VPS, once, when restartTrigger changes", async () => {
    const { outs } = await vm.create(await checked({ vpsId: "101", restartTrigger: "v1" }));
    const before = (await ctx.vps("101"))!.operations;
    const news = await checked({ vpsId: "101", restartTrigger: "v2" });
    expect((await vm.diff("101", outs, news)).changes).toBe(true);
    await vm.update("101", outs, news);
    expect((await ctx.vps("101"))?.operations).toBe(before + 1);
    const log = await ctx.sim.requests();
    expect(log.map((r) => `${r.method} ${r.path}`)).toContain("POST /api/client/vps/101/restart");
    expect((await ctx.vps("101"))?.status).toBe("running");
  });

  it("replaces, releasing first, when it is pointed at another VPS", async () => {
    const { outs } = await vm.create(await checked({ vpsId: "101" }));
    expect(await vm.diff("101", outs, await checked({ vpsId: "102" }))).toMatchObject({ replaces: ["vpsId"], deleteBeforeReplace: true });
    expect((await vm.diff("101", outs, await checked({ hostname: "web-2.example.net" }))).replaces).toEqual(["hostname"]);
  });

  it("reports no change when nothing changed, and a change when the power state drifted", async () => {
    const inputs = await checked({ vpsId: "101" });
    const { outs } = await vm.create(inputs);
    expect((await vm.diff("101", outs, inputs)).changes).toBe(false);
    await fetch(`${ctx.sim.url}/api/client/vps/101/stop`, { method: "POST", headers: demo });
    await new Promise((r) => setTimeout(r, 50));
    const refreshed = await vm.read("101", outs);
    expect(refreshed.props).toMatchObject({ status: "stopped", powerState: "stopped" });
    expect((await vm.diff("101", refreshed.props!, inputs)).changes).toBe(true);
  });

  it("releases on delete without touching the VPS, and warns", async () => {
    const { outs } = await vm.create(await checked({ vpsId: "101" }));
    const before = (await ctx.vps("101"))!.operations;
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    await vm.delete("101", outs);
    expect(warn.mock.calls[0][0]).toMatch(/released from the stack; the CVM client API cannot destroy a VPS/);
    warn.mockRestore();
    expect(await ctx.vps("101")).toMatchObject({ operations: before, status: "running" });
  });

  it("stops the VPS on release when stopOnRelease is set", async () => {
    const { outs } = await vm.create(await checked({ vpsId: "101", stopOnRelease: true }));
    vi.spyOn(console, "warn").mockImplementation(() => {});
    await vm.delete("101", outs);
    vi.restoreAllMocks();
    expect((await ctx.vps("101"))?.status).toBe("stopped");
  });
});

describe("cvm.Vm errors", () => {
  it.each([
    [{ vpsId: "999" }, "vpsId", /no VPS with id 999/],
    [{ hostname: "nope.example.net" }, "hostname", /no VPS named "nope.example.net"/],
    [{ vpsId: "201" }, "vpsId", /no VPS with id 201/], // another user's VPS
    [{ vpsId: "101", powerState: "paused" }, "powerState", /must be "running" or "stopped"/],
    [{ vpsId: "web-1" }, "vpsId", /numeric id/],
    [{}, "vpsId", /give vpsId or hostname/],
    [{ vpsId: "101", waitTimeoutSeconds: 0 }, "waitTimeoutSeconds", /positive/],
    [{ vpsId: "101", colour: "red" }, "colour", /unknown input/],
    [{ vpsId: "101", adopt: { id: "101" } }, "adopt", /unknown input/],
  ])("check of %j fails on %s before any change", async (news, property, reason) => {
    const r = await vm.check({}, news);
    expect(r.failures).toHaveLength(1);
    expect(r.failures![0].property).toBe(property);
    expect(r.failures![0].reason).toMatch(reason);
    expect((await ctx.sim.requests()).filter((x) => x.method === "POST")).toEqual([]);
  });

  it("accepts unknown values at preview without calling the API", async () => {
    await ctx.sim.control("DELETE", "/_sim/requests");
    const r = await vm.check({}, { vpsId: UNKNOWN, powerState: "running" });
    expect(r.failures).toBeUndefined();
    expect(await ctx.sim.requests()).toEqual([]);
  });

  it("refuses to start a suspended VPS, saying so", async () => {
    await expect(vm.create(await checked({ vpsId: "104" }))).rejects.toThrow(/VPS 104 \(old-1.example.net\) is suspended by the host/);
    expect((await ctx.vps("104"))?.operations).toBe(0);
  });

  it("retries a 503 from an unreachable host node", async () => {
    await ctx.sim.control("POST", "/_sim/cvm/nodes/1/unreachable", { requests: 1 });
    const { outs } = await vm.create(await checked({ vpsId: "102" }));
    expect(outs.status).toBe("running");
  });

  it("waits through an unknown status while the node is unreachable", async () => {
    await ctx.sim.control("POST", "/_sim/cvm/nodes/1/unreachable", { forMs: 300 });
    const t0 = Date.now();
    const { outs } = await vm.create(await checked({ vpsId: "101", powerState: "running" }));
    expect(outs.status).toBe("running");
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
  }, 30_000);

  it("polls /status on the ticks of cvm:pollIntervalMs, and names the setting when it is not a number", async () => {
    await vm.configure({ ...cvmConfig(ctx.sim.url), "cvm:pollIntervalMs": "400" });
    // The VPS ignores the start: the wait polls until its 1 s deadline on 400 ms ticks (50 polls at 20 ms),
    // between the status that decides the start and the read that records the partial create.
    await ctx.sim.control("POST", "/_sim/cvm/vpses/102/ignore-power", { ignore: true });
    await ctx.sim.control("DELETE", "/_sim/requests");
    await expect(vm.create(await checked({ vpsId: "102", waitTimeoutSeconds: 1 }))).rejects.toThrow(/timed out/);
    const polls = (await ctx.sim.requests()).filter((r) => r.path.endsWith("/status")).length;
    expect(polls).toBeGreaterThanOrEqual(4);
    expect(polls).toBeLessThanOrEqual(7);
    await vm.configure({ ...cvmConfig(ctx.sim.url), "cvm:pollIntervalMs": "soon" });
    await expect(vm.create(VPS_101)).rejects.toThrow(/cvm:pollIntervalMs must be a whole number of milliseconds/);
  });

  it("names the bad token pair without showing the private token", async () => {
    await vm.configure({ ...cvmConfig(ctx.sim.url), "cvm:privateToken": "wrong-secret-123" });
    const err = await vm.create(VPS_101).catch((e) => e);
    expect(err.code).toBe("auth");
    expect(err.message).toMatch(/rejected the token pair \(check cvm:publicToken and cvm:privateToken\)/);
    expect(err.message).not.toContain("wrong-secret-123");
  });

  it("names the settings of a named endpoint (cvm-site-b:*) in its errors", async () => {
    await vm.configure({ ...cvmConfig(ctx.sim.url), ...cvmConfig(ctx.sim.url, "cvm-site-b"), "cvm-site-b:privateToken": "wrong" });
    expect((await vm.create({ ...VPS_101 })).id).toBe("101");
    await expect(vm.create({ ...VPS_101, endpoint: "site-b" })).rejects.toThrow(/check cvm-site-b:publicToken and cvm-site-b:privateToken/);
  });

  it("reports a token pair without client access as auth, 403", async () => {
    await vm.configure({ ...cvmConfig(ctx.sim.url), "cvm:publicToken": "billing-public", "cvm:privateToken": "billing-private" });
    await expect(vm.create(VPS_101)).rejects.toMatchObject({ code: "auth", status: 403 });
  });

  it("says which setting is missing", async () => {
    await vm.configure({});
    const saved = { ...process.env };
    delete process.env.CVM_ENDPOINT;
    await expect(vm.create(VPS_101)).rejects.toThrow(/cvm:endpoint is not set/);
    process.env = saved;
  });
});
