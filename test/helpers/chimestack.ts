import { afterAll, beforeAll, beforeEach } from "vitest";
import { configureChime } from "../../provider/chimestack/config";
import { closeAllPools, configFrom } from "../../provider/core";
import { DEMO, createChimeStackSimulator } from "../../simulator/chimestack";
import { startSim } from "./sim";

export { DEMO };

/** A ChimeStack simulator for one test file (fast VM operations), reset and configured before each test. */
export function useChime(opts: { createMs?: number; transitionMs?: number; tokenTtlMs?: number } = {}) {
  const ctx = {} as { sim: Awaited<ReturnType<typeof startSim<ReturnType<typeof createChimeStackSimulator>>>> };
  beforeAll(async () => {
    ctx.sim = await startSim(createChimeStackSimulator({ createMs: 80, transitionMs: 40, ...opts }));
  });
  afterAll(async () => {
    await ctx.sim.stop();
    await closeAllPools();
  });
  beforeEach(async () => {
    await ctx.sim.control("POST", "/_sim/reset");
    configureChime(configFrom({ "chimestack:endpoint": ctx.sim.url, "chimestack:username": DEMO.user, "chimestack:password": DEMO.password, "chimestack:pollIntervalMs": "20" }));
  });
  return ctx;
}
