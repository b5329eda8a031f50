import { afterAll, beforeAll, beforeEach } from "vitest";
import * as cvm from "../../provider/cvm";
import { closeAllPools } from "../../provider/core";
import { createCvmSimulator } from "../../simulator/cvm";
import { asEngine } from "./engine";
import { Sim, startSim } from "./sim";

/** The stack config that points every CVM resource at a simulator, with its demo token pair. */
export function cvmConfig(url: string, ns = "cvm"): Record<string, string> {
  return { [`${ns}:endpoint`]: url, [`${ns}:publicToken`]: "demo-public", [`${ns}:privateToken`]: "demo-private", [`${ns}:pollIntervalMs`]: "20" };
}

/** A VPS as `/_sim/inventory` shows it. */
export interface SimVps {
  id: string;
  hostname: string;
  status: string;
  operations: number;
}

/**
 * A CVM simulator for one test file (fast power changes), reset and configured before each test; `vps`
 * is a VPS as the simulator's inventory shows it (its status and how many power operations ran on it).
 */
export function useCvm(transitionMs = 30) {
  const ctx = {} as { sim: Sim; vps(id: string): Promise<SimVps | undefined> };
  beforeAll(async () => {
    ctx.sim = await startSim(createCvmSimulator({ transitionMs }));
    ctx.vps = async (id) => (await ctx.sim.inventory<SimVps>("vpses")).find((v) => v.id === id);
  });
  afterAll(async () => {
    await ctx.sim.stop();
    await closeAllPools();
  });
  beforeEach(async () => {
    await ctx.sim.control("POST", "/_sim/reset");
    await asEngine(cvm.Vm.provider).configure(cvmConfig(ctx.sim.url));
  });
  return ctx;
}
