/**
 * A CloudTower simulator for one test file, reset and logged in before each test: `api(path, body)` answers
 * `{status, body}` whatever the status; `done(path, body)` makes a mutation and waits for its tasks,
 * answering its results and the tasks as they ended.
 */
import { afterAll, beforeAll, beforeEach } from "vitest";
import { DEMO_USER, createCloudTowerSimulator } from "../../../simulator/cloudtower";
import { Sim, startSim } from "../../helpers/sim";

type Json = any;

export function tower(opts: Parameters<typeof createCloudTowerSimulator>[0] = {}) {
  const t = {} as {
    sim: Sim;
    api(path: string, body?: unknown, token?: string): Promise<{ status: number; body: Json }>;
    done(path: string, body: unknown): Promise<{ results: Json[]; tasks: Json[] }>;
  };
  let token = "";
  beforeAll(async () => {
    t.sim = await startSim(createCloudTowerSimulator({ taskMs: 40, ...opts }));
  });
  afterAll(() => t.sim.stop());
  beforeEach(async () => {
    await t.sim.control("POST", "/_sim/reset");
    const login = await fetch(`${t.sim.url}/v2/api/login`, { method: "POST", body: JSON.stringify(DEMO_USER) });
    token = ((await login.json()) as { data: { token: string } }).data.token;
  });
  t.api = async (path, body = {}, as = token) => {
    const res = await fetch(`${t.sim.url}/v2/api${path}`, {
      method: "POST",
      headers: { authorization: as, "content-type": "application/json" },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() };
  };
  t.done = async (path, body) => {
    const r = await t.api(path, body);
    if (r.status !== 200) throw new Error(`${path} answered ${r.status}: ${JSON.stringify(r.body)}`);
    const ids = (r.body as Array<{ task_id: string | null }>).map((x) => x.task_id).filter(Boolean);
    for (let tries = 0; ; tries++) {
      const tasks = (await t.api("/get-tasks", { where: { id_in: ids } })).body as Array<{ status: string }>;
      if (tasks.every((x) => x.status === "SUCCESSED" || x.status === "FAILED")) return { results: r.body, tasks };
      if (tries > 200) throw new Error(`${path}: tasks still running`);
      await new Promise((res) => setTimeout(res, 20));
    }
  };
  return t;
}
