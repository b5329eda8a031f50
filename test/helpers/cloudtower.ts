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

type Api = <T = any>(path: string, body?: unknown) => Promise<T>;

/**
 * A CloudTower simulator for one test file (fast tasks), reset and configured before each test; `api`
 * calls its vendor API as another user would (out-of-band changes), and `done` makes a mutation that way
 * and waits until its tasks are done.
 */
export function useTower(taskMs = 60) {
  const ctx = {} as { sim: Sim; api: Api; done(path: string, body: unknown): Promise<Array<{ data: { id: string } }>> };
  beforeAll(async () => {
    ctx.sim = await startSim(createCloudTowerSimulator({ taskMs }));
    ctx.api = async (path, body = {}) => {
      const login = await fetch(`${ctx.sim.url}/v2/api/login`, {
        method: "POST",
        body: JSON.stringify({ username: DEMO_USER.username, password: DEMO_USER.password }),
      });
      const token = ((await login.json()) as { data: { token: string } }).data.token;
      const res = await fetch(`${ctx.sim.url}/v2/api${path}`, {
        method: "POST",
        headers: { authorization: token, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      if (!res.ok) throw new Error(`${path} answered ${res.status}: ${await res.text()}`);
      return res.json() as Promise<never>;
    };
    ctx.done = async (path, body) => {
      const results = await ctx.api<Array<{ task_id: string | null; data: { id: string } }>>(path, body);
      for (const r of results) {
        for (let tries = 0; r.task_id; tries++) {
          const [t] = await ctx.api<Array<{ status: string }>>("/get-tasks", { where: { id: r.task_id } });
          if (t?.status === "SUCCESSED") break;
          if (t?.status === "FAILED" || tries > 500) throw new Error(`${path}: task ${r.task_id} ${t?.status ?? "not found"}`);
          await new Promise((res) => setTimeout(res, 20));
        }
      }
      return results;
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
