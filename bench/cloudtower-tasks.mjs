#!/usr/bin/env node
/**
 * Benchmark (not a test): create N CloudTower VMs concurrently against the simulator with a fixed task
 * time, through our provider (one batched /get-tasks poll per tick for every task in flight) and through
 * a baseline that polls each task on its own every 5 s, as the Terraform provider does. Prints, side by
 * side: wall time / task time, /get-tasks requests (and per tick), and HTTP requests per VM.
 *
 *   node bench/cloudtower-tasks.mjs [--vms 50] [--task-ms 3000] [--poll-ms 1000] [--baseline-poll-ms 5000]
 *
 * Needs a build (npm run build). Both runs happen in this one process, one after the other, each against
 * a fresh simulator.
 */
import { parseArgs } from "node:util";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { SimServer } = require("../dist/simulator/core");
const { createCloudTowerSimulator, DEMO_USER } = require("../dist/simulator/cloudtower");
const { configFrom, closeAllPools, sleep } = require("../dist/provider/core");
const { Vm, vendor } = require("../dist/provider/cloudtower");

const { values } = parseArgs({
  options: {
    vms: { type: "string", default: "50" },
    "task-ms": { type: "string", default: "3000" },
    "poll-ms": { type: "string", default: "1000" },
    "baseline-poll-ms": { type: "string", default: "5000" },
  },
});
const N = Number(values.vms);
const TASK_MS = Number(values["task-ms"]);
const POLL_MS = Number(values["poll-ms"]);
const BASELINE_POLL_MS = Number(values["baseline-poll-ms"]);
const CLUSTER = "cl0c1uster00000000000000a";
const VLAN = "cvl" + CLUSTER.slice(-22);

async function withSimulator(run) {
  const vendor = createCloudTowerSimulator({ taskMs: TASK_MS });
  const sim = new SimServer(vendor, { logLimit: 1_000_000 });
  const url = await sim.start();
  try {
    const t0 = performance.now();
    await run(url);
    const wall = performance.now() - t0;
    const log = sim.requests;
    const vms = vendor.state.list("vms").filter((v) => String(v.name).startsWith("bench-"));
    if (vms.length !== N) throw new Error(`expected ${N} VMs, found ${vms.length}`);
    return { wall, requests: log.length, getTasks: log.filter((r) => r.path.endsWith("/get-tasks")).length };
  } finally {
    await sim.stop();
    await closeAllPools();
  }
}

const inputs = (i) =>
  Vm.entry.inputSchema.parse({ name: `bench-${i}`, clusterId: CLUSTER, powerState: "STOPPED", disks: [{ sizeGb: 10 }], nics: [{ vlanId: VLAN }] });
const configure = (url, extra = {}) =>
  Vm.provider.configure({
    config: configFrom({ "cloudtower:endpoint": url, "cloudtower:username": DEMO_USER.username, "cloudtower:password": DEMO_USER.password, ...extra }),
  });

/** Ours: the provider's create (as Pulumi calls it), N at once; all task waits share one /get-tasks poll per tick. */
async function ours(url) {
  await configure(url, { "cloudtower:pollIntervalMs": String(POLL_MS) });
  await Promise.all(Array.from({ length: N }, (_, i) => Vm.provider.create(inputs(i))));
}

/** Baseline: the same create request, then each task polled alone every BASELINE_POLL_MS, then one read. */
async function baseline(url) {
  await configure(url);
  const t = vendor.client();
  await Promise.all(
    Array.from({ length: N }, async (_, i) => {
      const p = inputs(i);
      const [r] = await t.mutate("/create-vm", [
        {
          cluster_id: CLUSTER,
          name: p.name,
          cpu_cores: 1,
          cpu_sockets: 1,
          vcpu: 1,
          memory: p.memoryMb * 1024 ** 2,
          ha: true,
          firmware: "BIOS",
          status: "STOPPED",
          vm_nics: [{ connect_vlan_id: VLAN }],
          vm_disks: {
            mount_new_create_disks: [
              { boot: 0, bus: "VIRTIO", vm_volume: { name: `${p.name}-disk-0`, size: 10 * 1024 ** 3, elf_storage_policy: "REPLICA_2_THIN_PROVISION" } },
            ],
          },
        },
      ]);
      for (;;) {
        await sleep(BASELINE_POLL_MS);
        const [task] = await t.get("/get-tasks", { where: { id: r.task_id } });
        if (task?.status === "SUCCESSED") break;
        if (task?.status === "FAILED") throw new Error(task.error_message);
      }
      await t.get("/get-vms", { where: { id: r.data.id } });
    }),
  );
}

const rows = [];
for (const [name, run, poll] of [
  ["pulumi-private-cloud (batched)", ours, POLL_MS],
  ["baseline (each task every 5 s)", baseline, BASELINE_POLL_MS],
]) {
  const r = await withSimulator(run);
  const ticks = Math.max(1, Math.round(r.wall / poll));
  rows.push({
    run: name,
    "wall s": (r.wall / 1000).toFixed(2),
    "wall / task time": (r.wall / TASK_MS).toFixed(2),
    "get-tasks requests": r.getTasks,
    "get-tasks per tick": (r.getTasks / ticks).toFixed(1),
    "HTTP requests": r.requests,
    "HTTP per VM": (r.requests / N).toFixed(2),
  });
}
console.log(`${N} VMs created concurrently, simulated task time ${TASK_MS} ms, our poll interval ${POLL_MS} ms`);
console.table(rows);
