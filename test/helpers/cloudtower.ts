import { afterAll, beforeAll, beforeEach } from "vitest";
import * as cloudtower from "../../provider/cloudtower";
import { closeAllPools } from "../../provider/core";
import { DEMO_USER, createCloudTowerSimulator } from "../../simulator/cloudtower";
import { asEngine } from "./engine";
import { Sim, startSim } from "./sim";

export const CLUSTER_A = "cl0c1uster00000000000000a";
export const CLUSTER_B = "cl0c1uster00000000000000b";
export const DEFAULT_VLAN_A = "cvl" + CLUSTER_A.slice(-22);
export const VDS_A = "cvd" + CLUSTER_A.slice(-22);
export const TEMPLATE = "cl0temp1ate0000000000deb1";
export const LEGACY_VM = "cl0vm0legacy00000000000a1";

/** The stack config that points every CloudTower resource at a simulator. */
export function towerConfig(url: string, ns = "cloudtower"): Record<string, string> {
  return { [`${ns}:endpoint`]: url, [`${ns}:username`]: DEMO_USER.username, [`${ns}:password`]: DEMO_USER.password, [`${ns}:pollIntervalMs`]: "20" };
}

/**
 * A CloudTower simulator for one test file (fast tasks), reset and configured before each test, and
 * `api`: a call to its vendor API as another user would make it (out-of-band changes).
 */
export function useTower(taskMs = 60) {
  const ctx = {} as { sim: Sim; api: <T = any>(path: string, body?: unknown) => Promise<T> }; // eslint-disable-line @typescript-eslint/no-explicit-any
  beforeAll(async () => {
    ctx.sim = await startSim(createCloudTowerSimulator({ taskMs }));
    ctx.api = async (path, body = {}) => {
      const login = await fetch(`${ctx.sim.url}/v2/api/login`, { method: "POST", body: JSON.stringify({ username: DEMO_USER.username, password: DEMO_USER.password }) });
      const token = ((await login.json()) as { data: { token: string } }).data.token;
      const res = await fetch(`${ctx.sim.url}/v2/api${path}`, { method: "POST", headers: { authorization: token, "content-type": "application/json" }, body: JSON.stringify(body) });
      if (!res.ok) throw new Error(`${path} answered ${res.status}: ${await res.text()}`);
      return res.json();
    };
  });
  afterAll(async () => {
    await ctx.sim.stop();
    await closeAllPools();
  });
  beforeEach(async () => {
    await ctx.sim.control("POST", "/_sim/reset");
    await asEngine(cloudtower.Vm.provider).configure(towerConfig(ctx.sim.url));
  });
  return ctx;
}
