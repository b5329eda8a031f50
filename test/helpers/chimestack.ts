import { afterAll, beforeAll, beforeEach } from "vitest";
import * as chimestack from "../../provider/chimestack";
import { closeAllPools } from "../../provider/core";
import { DEMO, createChimeStackSimulator } from "../../simulator/chimestack";
import { asEngine } from "./engine";
import { Sim, startSim } from "./sim";

export { DEMO };

/** A cluster, a network, a subnet and a volume that every test finds seeded (`POST /_sim/seed`), as VMs and snapshots need them. */
export const SEEDED = {
  cluster: "5eed0000-0000-4000-8000-0000000000c1",
  network: "5eed0000-0000-4000-8000-0000000000a1",
  subnet: "5eed0000-0000-4000-8000-0000000000b1",
  /** A free volume made apart in the seeded cluster (what snapshots are taken of). */
  volume: "5eed0000-0000-4000-8000-0000000000d1",
};

/** Seeds the cluster, network, subnet and volume of SEEDED through `POST /_sim/seed`. */
export async function seedChime(sim: Sim): Promise<void> {
  await sim.control("POST", "/_sim/seed", {
    clusters: [{ uuid: SEEDED.cluster, name: "seeded" }],
    networks: [{ uuid: SEEDED.network, name: "seeded", cluster_uuid: SEEDED.cluster, bridge_name: "br0", interface_name: "eth0" }],
    subnets: [{ uuid: SEEDED.subnet, name: "seeded", network_uuid: SEEDED.network, cidr: "192.168.231.1/24" }],
    volumes: [{ uuid: SEEDED.volume, name: "seeded", cluster_uuid: SEEDED.cluster }],
  });
}

/** The stack config that points every ChimeStack resource at a simulator. */
export function chimeConfig(url: string, ns = "chimestack"): Record<string, string> {
  return { [`${ns}:endpoint`]: url, [`${ns}:username`]: DEMO.user, [`${ns}:password`]: DEMO.password, [`${ns}:pollIntervalMs`]: "20" };
}

/** The fewest inputs of a VM in the seeded cluster and subnet. */
export function vmInputs(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    azUuid: DEMO.az,
    clusterUuid: SEEDED.cluster,
    instanceSpecUuid: DEMO.instanceSpec,
    name: "vm-1",
    volumes: [{ name: "root", sizeGb: 10, volumeSpecUuid: DEMO.volumeSpec, imageUuid: DEMO.image, root: true }],
    nics: [{ name: "nic0", subnetUuid: SEEDED.subnet, securityGroupUuid: DEMO.securityGroup }],
    ...extra,
  };
}

type Api = <T = any>(method: string, path: string, body?: unknown) => Promise<T>;

/**
 * A ChimeStack simulator for one test file (fast VM operations), reset, seeded and configured before each
 * test; `api` calls its vendor API as another user would (out-of-band changes) and answers `result`.
 */
export function useChime(opts: { createMs?: number; transitionMs?: number; tokenTtlMs?: number } = {}) {
  const ctx = {} as { sim: Sim; api: Api };
  beforeAll(async () => {
    ctx.sim = await startSim(createChimeStackSimulator({ createMs: 80, transitionMs: 40, ...opts }));
    ctx.api = async (method, path, body) => {
      const login = await fetch(`${ctx.sim.url}/v1/login`, { method: "POST", body: JSON.stringify({ user_name: DEMO.user, password: DEMO.password }) });
      const token = ((await login.json()) as { result: { user: { uuid: string } } }).result.user.uuid;
      const res = await fetch(ctx.sim.url + path, {
        method,
        headers: { authorization: `Bearer ${token}` },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${await res.text()}`);
      return ((await res.json()) as { result: never }).result;
    };
  });
  afterAll(async () => {
    await ctx.sim.stop();
    await closeAllPools();
  });
  beforeEach(async () => {
    await ctx.sim.control("POST", "/_sim/reset");
    await seedChime(ctx.sim);
    await asEngine(chimestack.Vm.provider).configure(chimeConfig(ctx.sim.url));
  });
  return ctx;
}

/** Waits until a VM made out of band has finished its work (its `operation` empty), as a user would. */
export async function vmReady(api: Api, uuid: string): Promise<void> {
  for (let tries = 0; ; tries++) {
    const { vm } = await api<{ vm: { operation: string } }>("GET", `/v1/vm/${uuid}`);
    if (!vm.operation) return;
    if (tries > 200) throw new Error(`VM ${uuid} is still busy: ${vm.operation}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
