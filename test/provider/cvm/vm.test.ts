import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { closeAllPools, configFrom } from "../../../provider/core";
import { VmInputs, VmOutputs, vmProvider } from "../../../provider/cvm/vm";
import { createCvmSimulator } from "../../../simulator/cvm";
import { startSim } from "../../helpers/sim";

let sim: Awaited<ReturnType<typeof startSim<ReturnType<typeof createCvmSimulator>>>>;

async function configure(overrides: Record<string, string> = {}) {
  await vmProvider.configure({
    config: configFrom({ "cvm:endpoint": sim.url, "cvm:publicToken": "demo-public", "cvm:privateToken": "demo-private", ...overrides }),
  } as never);
}

beforeAll(async () => {
  sim = await startSim(createCvmSimulator({ transitionMs: 30 }));
});
afterAll(async () => {
  await sim.stop();
  await closeAllPools();
});
beforeEach(async () => {
  await sim.control("POST", "/_sim/reset");
  await configure();
});

async function checked(news: Record<string, unknown>): Promise<VmInputs> {
  const r = await vmProvider.check({} as VmInputs, news as unknown as VmInputs);
  expect(r.failures ?? []).toEqual([]);
  return r.inputs as VmInputs;
}

const status = (id: string) => sim.vendor.state.status(sim.vendor.state.vpses.get(id)!);

describe("cvm.Vm lifecycle", () => {
  it("adopts with only a vpsId and starts the VPS (default running)", async () => {
    const inputs = await checked({ vpsId: "102" });
    expect(inputs).toEqual({ vpsId: "102", powerState: "running", stopOnRelease: false, waitTimeoutSeconds: 300 });
    const { id, outs } = await vmProvider.create(inputs);
    expect(id).toBe("102");
    expect(outs).toMatchObject({ vpsId: "102", hostname: "web-2.example.net", node: "1", status: "running", ramMb: 1024, cpuCount: 2, virtualizationType: "openvz", trafficAccounting: "combined" });
    expect(status("102")).toBe("running");
  });

  it("reads it back with the same outputs and refreshed inputs", async () => {
    const inputs = await checked({ vpsId: "103", powerState: "stopped" });
    const { outs } = await vmProvider.create(inputs);
    const read = await vmProvider.read("103", outs as VmOutputs);
    expect(read.id).toBe("103");
    expect(read.props).toEqual(outs);
    expect(read.inputs).toEqual(inputs);
    expect(read.props).toMatchObject({ trafficAccounting: "split", trafficInLimit: 500000000000, trafficInUsed: 912727849 });
  });

  it("adopts by hostname", async () => {
    const { id } = await vmProvider.create(await checked({ hostname: "db-1.example.net", powerState: "stopped" }));
    expect(id).toBe("103");
  });

  it("updates the power state in place and waits until /status shows it", async () => {
    const inputs = await checked({ vpsId: "101" });
    const { outs } = await vmProvider.create(inputs);
    const news = await checked({ vpsId: "101", powerState: "stopped" });
    const d = await vmProvider.diff("101", outs as VmOutputs, news);
    expect(d).toMatchObject({ changes: true, replaces: [] });
    const u = await vmProvider.update("101", outs as VmOutputs, news);
    expect(u.outs).toMatchObject({ status: "stopped", powerState: "stopped" });
    expect(status("101")).toBe("stopped");
  });

  it("restarts a running VPS when restartTrigger changes", async () => {
    const { outs } = await vmProvider.create(await checked({ vpsId: "101", restartTrigger: "v1" }));
    const before = sim.vendor.state.vpses.get("101")!.operations;
    const news = await checked({ vpsId: "101", restartTrigger: "v2" });
    expect((await vmProvider.diff("101", outs as VmOutputs, news)).changes).toBe(true);
    await vmProvider.update("101", outs as VmOutputs, news);
    expect(sim.vendor.state.vpses.get("101")!.operations).toBe(before + 1);
    const log = await sim.control("GET", "/_sim/requests");
    expect(log.map((r: { method: string; path: string }) => `${r.method} ${r.path}`)).toContain("POST /api/client/vps/101/restart");
    expect(status("101")).toBe("running");
  });

  it("replaces when it is pointed at another VPS", async () => {
    const { outs } = await vmProvider.create(await checked({ vpsId: "101" }));
    const d = await vmProvider.diff("101", outs as VmOutputs, await checked({ vpsId: "102" }));
    expect(d.replaces).toEqual(["vpsId"]);
  });

  it("reports no change when nothing changed, and a change when the power state drifted", async () => {
    const inputs = await checked({ vpsId: "101" });
    const { outs } = await vmProvider.create(inputs);
    expect((await vmProvider.diff("101", outs as VmOutputs, inputs)).changes).toBe(false);
    await fetch(`${sim.url}/api/client/vps/101/stop`, { method: "POST", headers: { "API-Public-Token": "demo-public", "API-Private-Token": "demo-private" } });
    await new Promise((r) => setTimeout(r, 50));
    const refreshed = await vmProvider.read("101", outs as VmOutputs);
    expect(refreshed.props).toMatchObject({ status: "stopped" });
    expect((await vmProvider.diff("101", refreshed.props as VmOutputs, inputs)).changes).toBe(true);
  });

  it("releases on delete without touching the VPS, and warns", async () => {
    const { outs } = await vmProvider.create(await checked({ vpsId: "101" }));
    const before = sim.vendor.state.vpses.get("101")!.operations;
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    await vmProvider.delete("101", outs as VmOutputs);
    expect(warn.mock.calls[0][0]).toMatch(/released from the stack; the CVM client API cannot destroy a VPS/);
    warn.mockRestore();
    expect(sim.vendor.state.vpses.get("101")!.operations).toBe(before);
    expect(status("101")).toBe("running");
  });

  it("stops the VPS on release when stopOnRelease is set", async () => {
    const { outs } = await vmProvider.create(await checked({ vpsId: "101", stopOnRelease: true }));
    vi.spyOn(console, "warn").mockImplementation(() => {});
    await vmProvider.delete("101", outs as VmOutputs);
    vi.restoreAllMocks();
    expect(status("101")).toBe("stopped");
  });

  it("reads a vanished VPS as gone, and delete tolerates it", async () => {
    const { outs } = await vmProvider.create(await checked({ vpsId: "101" }));
    sim.vendor.state.vpses.delete("101");
    expect(await vmProvider.read("101", outs as VmOutputs)).toEqual({ id: "" });
    vi.spyOn(console, "warn").mockImplementation(() => {});
    await expect(vmProvider.delete("101", { ...(outs as VmOutputs), stopOnRelease: true })).resolves.toBeUndefined();
    vi.restoreAllMocks();
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
  ])("check of %j fails on %s before any change", async (news, property, reason) => {
    const r = await vmProvider.check({} as VmInputs, news as unknown as VmInputs);
    expect(r.failures).toHaveLength(1);
    expect(r.failures![0].property).toBe(property);
    expect(r.failures![0].reason).toMatch(reason);
    const log = await sim.control("GET", "/_sim/requests");
    expect(log.filter((x: { method: string }) => x.method === "POST")).toEqual([]);
  });

  it("accepts unknown values at preview without calling the API", async () => {
    await sim.control("DELETE", "/_sim/requests");
    const r = await vmProvider.check({} as VmInputs, { vpsId: "04da6b54-80e4-46f7-96ec-b56ff0331ba9", powerState: "running" } as VmInputs);
    expect(r.failures).toBeUndefined();
    expect(await sim.control("GET", "/_sim/requests")).toEqual([]);
  });

  it("refuses to start a suspended VPS, saying so", async () => {
    await expect(vmProvider.create(await checked({ vpsId: "104" }))).rejects.toThrow(/VPS 104 \(old-1.example.net\) is suspended by the host/);
    expect(sim.vendor.state.vpses.get("104")!.operations).toBe(0);
  });

  it("retries a 503 from an unreachable host node", async () => {
    await sim.control("POST", "/_sim/cvm/nodes/1/unreachable", { requests: 1 });
    const { outs } = await vmProvider.create(await checked({ vpsId: "102" }));
    expect(outs!.status).toBe("running");
  });

  it("waits through an unknown status while the node is unreachable", async () => {
    await sim.control("POST", "/_sim/cvm/nodes/1/unreachable", { forMs: 300 });
    const t0 = Date.now();
    const { outs } = await vmProvider.create(await checked({ vpsId: "101", powerState: "running" }));
    expect(outs!.status).toBe("running");
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
  }, 30_000);

  it("names the bad token pair without showing the private token", async () => {
    await configure({ "cvm:privateToken": "wrong-secret-123" });
    const err = await vmProvider.create({ vpsId: "101", powerState: "running", stopOnRelease: false, waitTimeoutSeconds: 5 }).catch((e) => e);
    expect(err.code).toBe("auth");
    expect(err.message).toMatch(/rejected the token pair/);
    expect(err.message).not.toContain("wrong-secret-123");
  });

  it("reports a token pair without client access as auth, 403", async () => {
    await configure({ "cvm:publicToken": "billing-public", "cvm:privateToken": "billing-private" });
    await expect(vmProvider.create({ vpsId: "101", powerState: "running", stopOnRelease: false, waitTimeoutSeconds: 5 })).rejects.toMatchObject({
      code: "auth",
      status: 403,
    });
  });

  it("says which setting is missing", async () => {
    await vmProvider.configure({ config: configFrom({}) } as never);
    const saved = { ...process.env };
    delete process.env.CVM_ENDPOINT;
    await expect(vmProvider.create({ vpsId: "101", powerState: "running", stopOnRelease: false, waitTimeoutSeconds: 5 })).rejects.toThrow(
      /cvm:endpoint is not set/,
    );
    process.env = saved;
  });
});
