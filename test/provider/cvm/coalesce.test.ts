/**
 * cvm.Vm's requests for a fleet: the VPS list is read once per run for check and create, and once for every
 * read asking at the same time (refresh); the status of each VPS has no list form in the client API, so it
 * stays one request per VPS (and a create's wait hands its last status to the outputs instead of reading it
 * again).
 */
import { describe, expect, it } from "vitest";
import * as cvm from "../../../provider/cvm";
import { asEngine } from "../../helpers/engine";
import { useCvm } from "../../helpers/cvm";

const ctx = useCvm(100);
const vm = asEngine(cvm.Vm.provider);
const FLEET = [
  { id: "101", hostname: "f-1" },
  { id: "102", hostname: "f-2" },
  { id: "103", hostname: "f-3" },
];

/** The requests sent since the last call, by method and path with VPS ids as `:id`. */
const sent = async () => {
  const log = await ctx.sim.requests();
  await ctx.sim.control("DELETE", "/_sim/requests");
  const by: Record<string, number> = {};
  for (const r of log) {
    const k = `${r.method} ${r.path.replace(/\/vps\/\d+\//, "/vps/:id/")}`;
    by[k] = (by[k] ?? 0) + 1;
  }
  return by;
};

describe("cvm.Vm requests for a fleet", () => {
  it("adopts and starts three stopped VPSes with the VPS list of the run's checks, one start each, and no read after the wait", async () => {
    await ctx.sim.control("POST", "/_sim/seed", { vpses: FLEET.map((v) => ({ ...v, node: "1", status: "stopped" })) });
    const inputs = await Promise.all(FLEET.map((v) => vm.checked({ vpsId: v.id })));
    await sent();
    const made = await Promise.all(inputs.map((i) => vm.create(i)));
    expect(made.map((m) => m.outs.status)).toEqual(["running", "running", "running"]);
    const by = await sent();
    // No list: the creates find their VPS in the list check read once for the run (a read after the
    // waits would list again).
    expect(by["GET /api/client/vps/list"] ?? 0).toBe(0);
    expect(by["POST /api/client/vps/:id/start"]).toBe(3);
    // Per VPS: the status that decides the action, then the wait's polls (100 ms transition, 20 ms polls).
    expect(by["GET /api/client/vps/:id/status"]).toBeLessThanOrEqual(3 * 8);
  });

  it("refreshes a fleet with one VPS list and one status per VPS", async () => {
    const made = await Promise.all(["101", "102", "103"].map(async (id) => vm.create(await vm.checked({ vpsId: id, powerState: "stopped" }))));
    await sent();
    await Promise.all(made.map((m) => vm.read(m.id, m.outs)));
    expect(await sent()).toEqual({ "GET /api/client/vps/list": 1, "GET /api/client/vps/:id/status": 3 });
  });
});
