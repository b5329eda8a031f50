import { afterAll, beforeAll, beforeEach } from "vitest";
import { closeAllPools, configFrom } from "../../provider/core";
import { configureTower } from "../../provider/cloudtower/config";
import { DEMO_USER, createCloudTowerSimulator } from "../../simulator/cloudtower";
import { startSim } from "./sim";

export const CLUSTER_A = "cl0c1uster00000000000000a";
export const CLUSTER_B = "cl0c1uster00000000000000b";
export const DEFAULT_VLAN_A = "cvl" + CLUSTER_A.slice(-22);
export const VDS_A = "cvd" + CLUSTER_A.slice(-22);
export const TEMPLATE = "cl0temp1ate0000000000deb1";
export const LEGACY_VM = "cl0vm0legacy00000000000a1";

/** A CloudTower simulator for one test file (fast tasks), reset and configured before each test. */
export function useTower(taskMs = 60) {
  const ctx = {} as { sim: Awaited<ReturnType<typeof startSim<ReturnType<typeof createCloudTowerSimulator>>>> };
  beforeAll(async () => {
    ctx.sim = await startSim(createCloudTowerSimulator({ taskMs }));
  });
  afterAll(async () => {
    await ctx.sim.stop();
    await closeAllPools();
  });
  beforeEach(async () => {
    await ctx.sim.control("POST", "/_sim/reset");
    configureTower(
      configFrom({
        "cloudtower:endpoint": ctx.sim.url,
        "cloudtower:username": DEMO_USER.username,
        "cloudtower:password": DEMO_USER.password,
        "cloudtower:pollIntervalMs": "20",
      }),
    );
  });
  return ctx;
}
