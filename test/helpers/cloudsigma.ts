import { afterAll, beforeAll, beforeEach } from "vitest";
import { closeAllPools, configFrom } from "../../provider/core";
import { configureSigma } from "../../provider/cloudsigma/config";
import { createCloudSigmaSimulator } from "../../simulator/cloudsigma";
import { startSim } from "./sim";

export const LIBRARY_DEBIAN = "a1b2c3d4-0000-4000-8000-00000000de12";

/** A CloudSigma simulator for one test file (fast imaging), reset and configured before each test. */
export function useSigma(imagingMs = 150) {
  const ctx = {} as { sim: Awaited<ReturnType<typeof startSim<ReturnType<typeof createCloudSigmaSimulator>>>> };
  beforeAll(async () => {
    ctx.sim = await startSim(createCloudSigmaSimulator({ imagingMs }));
  });
  afterAll(async () => {
    await ctx.sim.stop();
    await closeAllPools();
  });
  beforeEach(async () => {
    await ctx.sim.control("POST", "/_sim/reset");
    const a = ctx.sim.vendor.state.account;
    configureSigma(configFrom({ "cloudsigma:endpoint": ctx.sim.url, "cloudsigma:username": a.email, "cloudsigma:password": a.password, "cloudsigma:pollIntervalMs": "20" }));
  });
  return ctx;
}
