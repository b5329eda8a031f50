#!/usr/bin/env node
/**
 * Benchmark (not a test): a fleet of N resources per vendor through the real Pulumi CLI (offline, file://
 * backend, passphrase secrets) against the vendor simulators, each started in this process with fixed async
 * times (CloudTower tasks, CloudSigma imaging and ACPI shutdown, ChimeStack create and transitions, CVM power
 * transitions: 3000 ms) and `<vendor>:pollIntervalMs` 1000. Side by side with a baseline of N no-op dynamic
 * resources (their provider a plain object literal). For each vendor and N, two projects:
 *   V: the vendor's fleet (VENDORS below), B: the no-op baseline,
 * each run through `preview` (fresh stack), `up`, `refresh`, `destroy`, all with `--parallel P`, V then B
 * for each command. Per command it prints: the wall seconds of V and of B; V / (B + T), where T is the async
 * time the command must wait at the vendor (the `wait` of each vendor below, once per wave of P resources);
 * the HTTP requests V sent to the
 * simulator (total, per resource, the most frequent paths with ids as `:id`); polls per tick (requests on the
 * vendor's poll paths / (wall seconds / poll interval)); and the peak memory (VmHWM, sampled every 100 ms)
 * of the dynamic provider host of V and of B. After `up`: `pulumi stack export`'s bytes per dynamic resource
 * entry of V and B and the largest `__provider` of V. For CloudTower at N=100 also `up` with the CLI's default
 * --parallel, and a third project B+ (no-op resources whose inputs are padded to a VM's state size), which
 * shows how much of V's wall time is the engine handling larger state. Then a GOALS table, and every figure
 * as JSON.
 *
 *   source scripts/env.sh && ppc_setup        # Node >= 22 and pulumi on PATH
 *   node bench/fleet.mjs [--n 10,100] [--vendors cloudtower,cloudsigma,chimestack,cvm] [--parallel 100]
 *                        [--tarball path [--dist path]] [--json .cache/bench-fleet.json] [--smoke]
 *
 * Without --tarball it compiles this checkout (npx tsc) and packs it (npm pack) into a temporary folder, and
 * loads the simulators from its dist/. With --tarball, the simulators come from --dist (a dist/ folder), else
 * from this checkout's dist/. --smoke: N=10 only, no default-parallel run, no GOALS table. N above 100 must
 * be asked for (--n 1000); more than 1000 is refused. Stacks are destroyed and simulators stopped even when a
 * command fails or on Ctrl-C; a failed vendor is reported (its error in the table and the JSON, the temporary
 * folder kept) and the run goes on. Progress goes to stderr, tables to stdout. Each figure is one sample: on a
 * shared machine, compare V with B of the same row (run just after it) rather than across runs.
 */
import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { readFile, readdir, readlink } from "node:fs/promises";
import { createRequire } from "node:module";
import { availableParallelism, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs, promisify } from "node:util";

const run = promisify(execFile);
const require = createRequire(import.meta.url);
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const PASSPHRASE = "bench-passphrase";
const ASYNC_MS = 3000;
const POLL_MS = 1000;
const SAMPLE_MS = 100;
/** The SDK the projects install: PPC_PULUMI_SDK, else the floor of the package's @pulumi/pulumi range (the CLI is built at it). */
const PULUMI_SDK =
  process.env.PPC_PULUMI_SDK || JSON.parse(await readFile(join(ROOT, "package.json"), "utf8")).dependencies["@pulumi/pulumi"].replace(/^\^/, "");

// ---- Options -----------------------------------------------------------------------------------------

const { values } = parseArgs({
  options: {
    n: { type: "string", default: "10,100" },
    vendors: { type: "string", default: "cloudtower,cloudsigma,chimestack,cvm" },
    parallel: { type: "string", default: "100" },
    tarball: { type: "string" },
    dist: { type: "string" },
    json: { type: "string", default: join(ROOT, ".cache/bench-fleet.json") },
    smoke: { type: "boolean", default: false },
  },
});
const SMOKE = values.smoke;
const NS = SMOKE ? [10] : values.n.split(",").map(Number);
for (const n of NS) if (!Number.isInteger(n) || n < 2 || n > 1000) throw new Error(`--n takes whole numbers from 2 to 1000, not ${values.n}`);
const PARALLEL = Number(values.parallel);
if (!Number.isInteger(PARALLEL) || PARALLEL < 1) throw new Error(`--parallel must be a positive whole number, not ${values.parallel}`);

// ---- Ids the fleets use (as test/helpers/cloudtower.ts, test/helpers/chimestack.ts) ----------------------

const CLUSTER_A = "cl0c1uster00000000000000a";
const DEFAULT_VLAN_A = "cvl" + CLUSTER_A.slice(-22);
const DEBIAN_12 = "a1b2c3d4-0000-4000-8000-00000000de12";
const CHIME_SEEDED = {
  cluster: "5eed0000-0000-4000-8000-0000000000c1",
  network: "5eed0000-0000-4000-8000-0000000000a1",
  subnet: "5eed0000-0000-4000-8000-0000000000b1",
};
const CVM_FIRST_ID = 1001;

// ---- Vendors: simulator, seed, config, fleet program, poll paths, async wait per command -----------------
// `program` is the body of index.js after `pulumi`, `n` (config bench:n) and the package are in scope.
// `wait`: the seconds a command must wait at the vendor whatever the provider does (T); absent is 0.

const VENDORS = {
  cloudtower: {
    simulator: (m) => m.createCloudTowerSimulator({ taskMs: ASYNC_MS }),
    config: (url, m) => ({ endpoint: url, username: m.DEMO_USER.username, password: m.DEMO_USER.password }),
    secret: "password",
    fleet: (n) => `${n} cloudtower.Vm`,
    resources: (n) => n,
    program: () =>
      `for (let i = 0; i < n; i++) new cloudtower.Vm("vm-" + i, { name: "vm-" + i, clusterId: "${CLUSTER_A}", nics: [{ vlanId: "${DEFAULT_VLAN_A}" }] });`,
    poll: (r) => r.path === "/v2/api/get-tasks",
    // Create: one task. Delete: one task (delete-vm).
    wait: { up: 3, destroy: 3 },
    // A VM's state entry is ~1,330 bytes larger than a no-op's, and a pad shows twice (inputs, outputs): at
    // N=100 a third project, no-op resources padded to a VM's size (B+), shows the part of V's wall time that
    // is the engine handling larger state.
    padBytes: 665,
  },
  cloudsigma: {
    simulator: (m) => m.createCloudSigmaSimulator({ imagingMs: ASYNC_MS, shutdownMs: ASYNC_MS }),
    config: (url, m) => ({ endpoint: url, username: m.DEMO_ACCOUNT.email, password: m.DEMO_ACCOUNT.password }),
    secret: "password",
    fleet: (n) => `${Math.floor(n / 2)} cloudsigma.Drive (Debian 12 clones) + ${Math.floor(n / 2)} cloudsigma.Server`,
    resources: (n) => 2 * Math.floor(n / 2),
    program: () => `for (let i = 0; i < Math.floor(n / 2); i++) {
  const drive = new cloudsigma.Drive("drive-" + i, { name: "drive-" + i, sizeGb: 10, cloneFrom: "${DEBIAN_12}" });
  new cloudsigma.Server("server-" + i, { name: "server-" + i, cpuMhz: 2000, memMb: 1024, drives: [{ device: "ide:0:0", driveUuid: drive.id }] });
}`,
    // Per-object reads (/drives/<uuid>/info) and lists (/drives/info).
    poll: (r) => r.method === "GET" && /^\/(drives|servers)\/([^/]+\/)?info\/?$/.test(r.path),
    // Create: the clone's imaging (the server's start is immediate). Delete: a hard stop and destroys, immediate.
    wait: { up: 3 },
  },
  chimestack: {
    simulator: (m) => m.createChimeStackSimulator({ createMs: ASYNC_MS, transitionMs: ASYNC_MS }),
    seed: () => ({
      clusters: [{ uuid: CHIME_SEEDED.cluster, name: "seeded" }],
      networks: [{ uuid: CHIME_SEEDED.network, name: "seeded", cluster_uuid: CHIME_SEEDED.cluster, bridge_name: "br0", interface_name: "eth0" }],
      subnets: [{ uuid: CHIME_SEEDED.subnet, name: "seeded", network_uuid: CHIME_SEEDED.network, cidr: "192.168.231.1/24" }],
    }),
    config: (url, m) => ({ endpoint: url, username: m.DEMO.user, password: m.DEMO.password }),
    secret: "password",
    fleet: (n) => `${n} chimestack.Vm`,
    resources: (n) => n,
    program: (m) => `for (let i = 0; i < n; i++) new chimestack.Vm("vm-" + i, {
  azUuid: "${m.DEMO.az}", clusterUuid: "${CHIME_SEEDED.cluster}", instanceSpecUuid: "${m.DEMO.instanceSpec}", name: "vm-" + i,
  volumes: [{ name: "root", sizeGb: 10, volumeSpecUuid: "${m.DEMO.volumeSpec}", imageUuid: "${m.DEMO.image}", root: true }],
  nics: [{ name: "nic0", subnetUuid: "${CHIME_SEEDED.subnet}", securityGroupUuid: "${m.DEMO.securityGroup}" }],
});`,
    poll: (r) => r.method === "GET" && /^\/v1\/vm(\/|$)/.test(r.path),
    // Create: createMs. Delete: immediate (DELETE ?force_del=true).
    wait: { up: 3 },
  },
  cvm: {
    simulator: (m) => m.createCvmSimulator({ transitionMs: ASYNC_MS }),
    // Seed adds to the demo state (its token pairs stay).
    seed: (n) => ({ vpses: Array.from({ length: n }, (_, i) => ({ id: String(CVM_FIRST_ID + i), hostname: `bench-${i}`, status: "stopped", node: "1" })) }),
    config: (url) => ({ endpoint: url, publicToken: "demo-public", privateToken: "demo-private" }),
    secret: "privateToken",
    fleet: (n) => `${n} cvm.Vm (seeded stopped VPSes, started)`,
    resources: (n) => n,
    program: () => `for (let i = 0; i < n; i++) new cvm.Vm("vps-" + (${CVM_FIRST_ID} + i), { vpsId: String(${CVM_FIRST_ID} + i), powerState: "running" });`,
    poll: (r) => r.path === "/api/client/vps/list" || /^\/api\/client\/vps\/[^/]+\/status$/.test(r.path),
    // Create (adopt): the start's transition. Delete: releases the VPS, no request.
    wait: { up: 3 },
  },
};
const SELECTED = values.vendors.split(",").map((v) => v.trim());
for (const v of SELECTED) if (!VENDORS[v]) throw new Error(`unknown vendor ${v} (known: ${Object.keys(VENDORS).join(", ")})`);

const NOOP_PROGRAM = `const provider = { create: async (inputs) => ({ id: "noop-" + inputs.name, outs: inputs }) };
class Noop extends pulumi.dynamic.Resource {
  constructor(name, args, opts) { super(provider, name, args, opts, "noop", "Resource"); }
}
const pad = "x".repeat(new pulumi.Config("bench").getNumber("pad") ?? 0);
for (let i = 0; i < n; i++) new Noop("noop-" + i, { name: "noop-" + i, index: i, ...(pad ? { pad } : {}) });`;

const COMMANDS = [
  { name: "preview", args: ["preview"] },
  { name: "up", args: ["up", "--yes", "--skip-preview"] },
  { name: "refresh", args: ["refresh", "--yes", "--skip-preview"] },
  { name: "destroy", args: ["destroy", "--yes", "--skip-preview"] },
];

// ---- Helpers -----------------------------------------------------------------------------------------

const T0 = performance.now();
const log = (msg) => console.error(`[fleet +${((performance.now() - T0) / 1000).toFixed(0)}s] ${msg}`);
const work = mkdtempSync(join(tmpdir(), "ppc-fleet-"));
const bytes = (s) => Buffer.byteLength(s, "utf8");
// Ctrl-C: the running pulumi command (same process group) cancels, then the stacks are destroyed and the
// simulators stopped; a second Ctrl-C exits at once.
let interrupted = false;
process.once("SIGINT", () => {
  interrupted = true;
  log("interrupted: cleaning up (Ctrl-C again to exit at once)");
  process.once("SIGINT", () => process.exit(130));
});
const round = (x, d = 2) => (x === undefined || x === null || Number.isNaN(x) ? undefined : Number(x.toFixed(d)));
const fmt = (x, d = 2) => (x === undefined || x === null || Number.isNaN(x) ? "-" : x.toFixed(d));

/** Compiles and packs this checkout into `dir`; returns the tarball path. */
async function pack(dir) {
  log("compiling (npx tsc) and packing (npm pack)");
  await run("npx", ["tsc", "-p", "tsconfig.json"], { cwd: ROOT });
  const { stdout } = await run("npm", ["pack", "--silent", "--pack-destination", dir], { cwd: ROOT });
  return join(dir, stdout.trim().split("\n").pop());
}

/** Ids in a path as `:id`: uuids, numbers and long alphanumeric ids holding a digit. */
const normalize = (path) =>
  path
    .split("/")
    .map((s) =>
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s) || /^\d+$/.test(s) || (/^[a-z0-9]{16,}$/i.test(s) && /\d/.test(s)) ? ":id" : s,
    )
    .join("/");

/**
 * Samples, every 100 ms, the peak memory (VmHWM) of the dynamic provider host of the project in `dir`: the
 * `node .../node_modules/@pulumi/pulumi/cmd/dynamic-provider/index.js` process (the plugin script execs it)
 * whose cwd is the project, or whose entry is in the project's node_modules. `stop()` answers the peak in MB
 * (undefined when no such process was seen) and the pids seen.
 */
function sampleHost(dir) {
  const peaks = new Map();
  let busy = false;
  const tick = async () => {
    if (busy) return;
    busy = true;
    try {
      for (const pid of await readdir("/proc")) {
        if (!/^\d+$/.test(pid)) continue;
        try {
          const cmd = (await readFile(`/proc/${pid}/cmdline`, "utf8")).replaceAll("\0", " ");
          if (!cmd.includes("cmd/dynamic-provider/index.js")) continue;
          const cwd = await readlink(`/proc/${pid}/cwd`).catch(() => "");
          if (!(cwd === dir || cwd.startsWith(dir + "/") || cmd.includes(join(dir, "node_modules") + "/"))) continue;
          const kb = Number(/VmHWM:\s+(\d+) kB/.exec(await readFile(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
          peaks.set(pid, Math.max(peaks.get(pid) ?? 0, kb));
        } catch {
          // The process ended between the reads.
        }
      }
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(tick, SAMPLE_MS);
  void tick();
  return {
    async stop() {
      clearInterval(timer);
      while (busy) await new Promise((r) => setTimeout(r, 10));
      const kb = Math.max(0, ...peaks.values());
      return { mb: kb ? kb / 1024 : undefined, pids: [...peaks.keys()] };
    },
  };
}

/** A temporary Pulumi project (plain JavaScript) that installs the tarball, with its own file:// backend. */
async function makeProject(key, body, installed) {
  const dir = join(work, key);
  const project = `ppc-bench-fleet-${key}`;
  mkdirSync(join(dir, ".state"), { recursive: true });
  writeFileSync(join(dir, "Pulumi.yaml"), `name: ${project}\nruntime:\n  name: nodejs\n  options:\n    typescript: false\n`);
  const pkg = { name: project, private: true, main: "index.js", dependencies: { "@pulumi/pulumi": PULUMI_SDK, "pulumi-private-cloud": `file:${tarball}` } };
  writeFileSync(join(dir, "package.json"), JSON.stringify(pkg, null, 2));
  const program = `const pulumi = require("@pulumi/pulumi");
const { cloudtower, cloudsigma, chimestack, cvm } = require("pulumi-private-cloud");
const n = new pulumi.Config("bench").requireNumber("n");
${body}
`;
  writeFileSync(join(dir, "index.js"), program);
  const env = {
    ...process.env,
    PULUMI_BACKEND_URL: `file://${join(dir, ".state")}`,
    PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_HOME: join(work, ".pulumi-home"),
  };
  const opts = { cwd: dir, env, maxBuffer: 1 << 30 };
  if (installed) {
    // The same dependencies: a copy of the first project's node_modules (its own files, so that the
    // provider host's entry is inside this project).
    cpSync(join(installed, "node_modules"), join(dir, "node_modules"), { recursive: true, verbatimSymlinks: true });
    cpSync(join(installed, "package-lock.json"), join(dir, "package-lock.json"));
  } else {
    log(`npm install in ${dir}`);
    await run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"], opts);
  }
  const pulumi = async (...args) => {
    try {
      return (await run("pulumi", [...args, "--non-interactive", "--color=never"], opts)).stdout;
    } catch (e) {
      const out = `${e.stdout ?? ""}\n${e.stderr ?? ""}`.trim().split("\n").slice(-40).join("\n");
      throw new Error(`pulumi ${args.join(" ")} failed in ${dir} (exit ${e.code}):\n${out}`, { cause: e });
    }
  };
  return { key, dir, pulumi };
}

/** One command on one stack: wall seconds and the host's peak memory. */
async function timed(p, stack, args) {
  const sampler = sampleHost(p.dir);
  const t0 = performance.now();
  const done = await p.pulumi(...args, "--stack", stack).then(
    () => undefined,
    (e) => e,
  );
  const wall = (performance.now() - t0) / 1000;
  const host = await sampler.stop();
  if (done) throw done;
  return { wall, peakMb: host.mb, hostPids: host.pids };
}

/** The requests of the log: total, per resource, polls per tick, the most frequent paths. */
function requestFigures(log, vendor, resources, wall) {
  const counts = new Map();
  for (const r of log) {
    const key = `${r.method} ${normalize(r.path)}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const polls = log.filter(vendor.poll).length;
  return {
    requests: log.length,
    perResource: log.length / resources,
    polls,
    pollsPerTick: polls / (wall / (POLL_MS / 1000)),
    byPath: Object.fromEntries([...counts].sort((a, b) => b[1] - a[1])),
  };
}

/** Bytes per dynamic resource entry and the largest `__provider` of a stack's export. */
async function stateFigures(p, stack) {
  const exported = await p.pulumi("stack", "export", "--stack", stack);
  const dynamic = (JSON.parse(exported).deployment?.resources ?? []).filter((r) => r.type.startsWith("pulumi-nodejs:dynamic"));
  const entries = dynamic.map((r) => bytes(JSON.stringify(r)));
  const providers = dynamic.flatMap((r) => [r.inputs?.__provider, r.outputs?.__provider]).filter((x) => x !== undefined);
  return {
    resources: dynamic.length,
    stateBytes: bytes(exported),
    bytesPerEntry: entries.reduce((a, b) => a + b, 0) / Math.max(1, dynamic.length),
    largestProviderBytes: Math.max(0, ...providers.map((x) => bytes(typeof x === "string" ? x : JSON.stringify(x)))),
  };
}

// ---- One vendor at one N ---------------------------------------------------------------------------

async function benchVendor(name, n, V, B, sims) {
  const vendor = VENDORS[name];
  const m = sims[name];
  const resources = vendor.resources(n);
  const result = { vendor: name, n, resources, fleet: vendor.fleet(n), commands: {}, state: {} };
  const server = new sims.SimServer(vendor.simulator(m), { logLimit: 10_000_000 });
  const url = await server.start();
  log(`${name} N=${n}: simulator at ${url}`);
  const vStack = `n${n}`;
  const bStack = `${name}-n${n}`;
  const padded = vendor.padBytes && n >= 100 && !SMOKE ? `${name}-n${n}-padded` : undefined;
  const live = new Set(); // the projects whose stack may hold resources
  try {
    if (vendor.seed) {
      const res = await fetch(`${url}/_sim/seed`, { method: "POST", body: JSON.stringify(vendor.seed(n)) });
      if (!res.ok) throw new Error(`${name}: seed answered ${res.status}: ${await res.text()}`);
    }
    for (const [p, stack] of [[V, vStack], [B, bStack], ...(padded ? [[B, padded]] : [])]) {
      await p.pulumi("stack", "init", stack);
      await p.pulumi("config", "set", "bench:n", String(n), "--stack", stack);
    }
    if (padded) await B.pulumi("config", "set", "bench:pad", String(vendor.padBytes), "--stack", padded);
    for (const [key, value] of Object.entries(vendor.config(url, m))) {
      await V.pulumi("config", "set", ...(key === vendor.secret ? ["--secret"] : []), `${name}:${key}`, value, "--stack", vStack);
    }
    await V.pulumi("config", "set", `${name}:pollIntervalMs`, String(POLL_MS), "--stack", vStack);

    for (const c of COMMANDS) {
      if (interrupted) throw new Error("interrupted");
      const args = [...c.args, "--parallel", String(PARALLEL)];
      if (c.name === "up") live.add(V).add(B);
      log(`${name} N=${n}: ${c.name} V`);
      server.requests.length = 0;
      const v = await timed(V, vStack, args);
      const reqs = requestFigures(server.requests, vendor, resources, v.wall);
      log(`${name} N=${n}: ${c.name} B`);
      const b = await timed(B, bStack, args);
      // The vendor's work goes in waves of --parallel resources, each waiting its async time.
      const T = (vendor.wait[c.name] ?? 0) * Math.ceil(resources / PARALLEL);
      let bPad;
      if (padded) {
        log(`${name} N=${n}: ${c.name} B+ (padded)`);
        bPad = await timed(B, padded, args);
      }
      result.commands[c.name] = {
        wallV: v.wall,
        wallB: b.wall,
        T,
        ratio: v.wall / (b.wall + T),
        ...(bPad ? { wallBPadded: bPad.wall, ratioPadded: v.wall / (bPad.wall + T) } : {}),
        ...reqs,
        peakMbV: v.peakMb,
        peakMbB: b.peakMb,
        peakRatio: v.peakMb && b.peakMb ? v.peakMb / b.peakMb : undefined,
        hostPidsV: v.hostPids,
        hostPidsB: b.hostPids,
      };
      if (c.name === "up") {
        result.state.V = await stateFigures(V, vStack);
        result.state.B = await stateFigures(B, bStack);
      }
      if (c.name === "destroy") live.clear();
      if (padded && c.name === "up") result.state.Bpadded = await stateFigures(B, padded);
    }

    // CloudTower at N=100: the same up with the CLI's default --parallel.
    if (name === "cloudtower" && n === 100 && !SMOKE && !interrupted) {
      log(`${name} N=${n}: up V with the default --parallel`);
      live.add(V);
      server.requests.length = 0;
      const v = await timed(V, vStack, ["up", "--yes", "--skip-preview"]);
      // The CLI's default parallelism is 4 per CPU: the creates go in waves of that many.
      const T = vendor.wait.up * Math.ceil(resources / (4 * availableParallelism()));
      result.defaultParallelUp = {
        wall: v.wall,
        T,
        requests: server.requests.length,
        perResource: server.requests.length / resources,
        ratio: v.wall / (result.commands.up.wallB + T),
      };
      log(`${name} N=${n}: destroy V`);
      await V.pulumi("destroy", "--yes", "--skip-preview", "--parallel", String(PARALLEL), "--stack", vStack);
      live.clear();
    }
  } catch (e) {
    result.error = String(e.message ?? e);
    log(`${name} N=${n} FAILED: ${result.error}`);
  } finally {
    for (const [p, stack] of [[V, vStack], [B, bStack], ...(padded ? [[B, padded]] : [])]) {
      if (!live.has(p)) continue;
      log(`${name} N=${n}: cleanup destroy ${p.key}`);
      await p.pulumi("destroy", "--yes", "--skip-preview", "--parallel", String(PARALLEL), "--stack", stack).catch((e) => log(`cleanup failed: ${e.message}`));
    }
    await server.stop();
  }
  return result;
}

// ---- Printing --------------------------------------------------------------------------------------

function table(headers, rows) {
  const cells = [headers, ...rows].map((r) => r.map((c) => String(c ?? "-")));
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  const line = (r) => `| ${r.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
  return [line(cells[0]), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...cells.slice(1).map(line)].join("\n");
}

const top = (byPath, k = 3) =>
  Object.entries(byPath ?? {})
    .slice(0, k)
    .map(([p, c]) => `${p} ×${c}`)
    .join("; ");

function printRun(r) {
  console.log(`\n### ${r.vendor}, N=${r.n}: V = ${r.fleet}, B = ${r.n} no-op dynamic (--parallel ${PARALLEL}, async ${ASYNC_MS} ms, poll ${POLL_MS} ms)`);
  if (r.error) console.log(`FAILED: ${r.error.split("\n").slice(0, 12).join("\n")}`);
  const rows = COMMANDS.filter((c) => r.commands[c.name]).map(({ name }) => {
    const c = r.commands[name];
    return [
      name,
      fmt(c.wallV),
      fmt(c.wallB),
      c.T,
      fmt(c.ratio),
      c.requests,
      fmt(c.perResource),
      fmt(c.pollsPerTick, 1),
      fmt(c.peakMbV, 0),
      fmt(c.peakMbB, 0),
      fmt(c.peakRatio),
      top(c.byPath),
    ];
  });
  if (r.defaultParallelUp) {
    const d = r.defaultParallelUp;
    rows.push(["up (default --parallel)", fmt(d.wall), fmt(r.commands.up.wallB), d.T, fmt(d.ratio), d.requests, fmt(d.perResource), "", "", "", "", ""]);
  }
  const note = r.defaultParallelUp
    ? `\n(up with the default --parallel, ${4 * availableParallelism()} here: V only; its V/(B+T) uses B of the --parallel ${PARALLEL} up)`
    : "";
  console.log(
    table(
      ["command", "wall V s", "wall B s", "T s", "V/(B+T)", "requests", "req/resource", "polls/tick", "peak MB V", "peak MB B", "mem V/B", "top paths"],
      rows,
    ) + note,
  );
  const paddedRows = COMMANDS.filter((c) => r.commands[c.name]?.wallBPadded !== undefined).map(({ name }) => {
    const c = r.commands[name];
    return [name, fmt(c.wallV), fmt(c.wallBPadded), c.T, fmt(c.ratioPadded)];
  });
  if (paddedRows.length) {
    console.log(
      `B+ = ${r.n} no-op dynamic resources padded by ${VENDORS[r.vendor].padBytes} bytes each (state entry ${Math.round(r.state.Bpadded?.bytesPerEntry ?? 0)} bytes, V's ${Math.round(r.state.V?.bytesPerEntry ?? 0)}):`,
    );
    console.log(table(["command", "wall V s", "wall B+ s", "T s", "V/(B++T)"], paddedRows));
  }
  if (r.state.V && r.state.B) {
    const { V, B } = r.state;
    console.log(
      table(
        ["state after up", "resources", "bytes/resource entry", "largest __provider bytes", "state bytes"],
        [
          ["V", V.resources, Math.round(V.bytesPerEntry), V.largestProviderBytes, V.stateBytes],
          ["B", B.resources, Math.round(B.bytesPerEntry), B.largestProviderBytes, B.stateBytes],
          ["V/B", "", fmt(V.bytesPerEntry / B.bytesPerEntry), "", ""],
        ],
      ),
    );
  }
}

/** The goals, each beside its measure (N=100, or the largest N run). */
function goals(results) {
  const goalN = NS.includes(100) ? 100 : Math.max(...NS);
  const at = (vendor) => results.find((r) => r.vendor === vendor && r.n === goalN);
  const cmd = (vendor, name) => at(vendor)?.commands[name];
  const tower = at("cloudtower");
  const peak = (k) => Math.max(0, ...Object.values(tower?.commands ?? {}).map((c) => c[k] ?? 0)) || undefined;
  const list = (vendors, f) => {
    const xs = vendors.map((v) => (SELECTED.includes(v) ? f(v) : undefined));
    return { text: xs.map((x) => fmt(x)).join(" / "), xs };
  };
  const refresh = list(["cloudtower", "cloudsigma", "chimestack", "cvm"], (v) => cmd(v, "refresh")?.perResource);
  const up = list(["cloudsigma", "chimestack", "cvm"], (v) => cmd(v, "up")?.perResource);
  const pre = cmd("cloudtower", "preview");
  const mem = peak("peakMbV") && peak("peakMbB") ? peak("peakMbV") / peak("peakMbB") : undefined;
  const suffix = goalN === 100 ? "" : ` (at N=${goalN}: 100 not run)`;
  const all = (xs, max) => (xs.some((x) => x === undefined) ? undefined : xs.every((x) => x <= max));
  return [
    {
      goal: `CloudTower up, 100 VMs: HTTP requests per VM${suffix}`,
      measure: cmd("cloudtower", "up")?.perResource,
      target: "<= 1.5",
      met: all([cmd("cloudtower", "up")?.perResource], 1.5),
    },
    { goal: "same: wall / (task time + no-op up)", measure: cmd("cloudtower", "up")?.ratio, target: "<= 1.2", met: all([cmd("cloudtower", "up")?.ratio], 1.2) },
    { goal: "  (against no-op resources with state as large as a VM's: B+)", measure: cmd("cloudtower", "up")?.ratioPadded, target: "", met: undefined },
    {
      goal: `preview of 100 VMs / preview of 100 no-op${suffix}`,
      measure: pre && pre.wallV / pre.wallB,
      target: "<= 1.1",
      met: all([pre && pre.wallV / pre.wallB], 1.1),
    },
    { goal: "  (against B+)", measure: pre?.wallBPadded && pre.wallV / pre.wallBPadded, target: "", met: undefined },
    {
      goal: `refresh requests per resource: cloudtower / cloudsigma / chimestack / cvm${suffix}`,
      measure: refresh.text,
      values: refresh.xs,
      target: "<= 0.1 each",
      met: all(refresh.xs, 0.1),
    },
    {
      goal: `up requests per resource: cloudsigma drives+servers / chimestack / cvm${suffix}`,
      measure: up.text,
      values: up.xs,
      target: "<= 1.5",
      met: all(up.xs, 1.5),
    },
    {
      goal: `dynamic provider host peak memory, 100 VMs, over the no-op host (max over the commands)${suffix}`,
      measure: mem,
      target: "<= 1.2x",
      met: all([mem], 1.2),
    },
  ];
}

// ---- Main ------------------------------------------------------------------------------------------

await run("pulumi", ["version"]).catch(() => {
  throw new Error("pulumi is not on PATH: source scripts/env.sh && ppc_ensure_node && ppc_ensure_pulumi && ppc_offline_pulumi");
});
const tarball = values.tarball ? resolve(values.tarball) : await pack(work);
const DIST = values.dist ? resolve(values.dist) : join(ROOT, "dist");
if (!existsSync(join(DIST, "simulator/core/index.js"))) throw new Error(`no simulators in ${DIST}: build first (npx tsc -p tsconfig.json) or pass --dist`);
log(`tarball ${tarball}, simulators from ${DIST}, work dir ${work}`);
const sims = { SimServer: require(join(DIST, "simulator/core")).SimServer };
for (const v of SELECTED) sims[v] = require(join(DIST, "simulator", v));
const commit = await run("git", ["-C", dirname(DIST), "rev-parse", "--short", "HEAD"]).then(
  (r) => r.stdout.trim(),
  () => undefined,
);

const results = [];
let failed = false;
try {
  const B = await makeProject("noop", NOOP_PROGRAM);
  for (const name of SELECTED) {
    if (interrupted) break;
    const V = await makeProject(name, VENDORS[name].program(sims[name]), B.dir);
    for (const n of NS) {
      if (interrupted) break;
      const r = await benchVendor(name, n, V, B, sims);
      failed ||= Boolean(r.error);
      results.push(r);
      printRun(r);
    }
  }
} finally {
  if (failed && !interrupted) log(`some runs failed: the work dir ${work} is kept`);
  else rmSync(work, { recursive: true, force: true });
}

const goalRows = SMOKE ? [] : goals(results);
if (SMOKE) console.log("\n(smoke run: N=10, no GOALS table)");
else {
  console.log("\n### GOALS");
  const yes = (m) => (m === undefined ? "n/a" : m ? "yes" : "no");
  console.log(
    table(
      ["goal", "measure", "target", "met"],
      goalRows.map((g) => [g.goal, typeof g.measure === "number" ? fmt(g.measure) : (g.measure ?? "-"), g.target, g.target ? yes(g.met) : ""]),
    ),
  );
}
const wallSeconds = (performance.now() - T0) / 1000;
console.log(`\nrun took ${(wallSeconds / 60).toFixed(1)} min`);
mkdirSync(dirname(resolve(values.json)), { recursive: true });
writeFileSync(
  values.json,
  JSON.stringify(
    {
      meta: {
        tarball,
        dist: DIST,
        commit,
        ns: NS,
        vendors: SELECTED,
        parallel: PARALLEL,
        asyncMs: ASYNC_MS,
        pollMs: POLL_MS,
        smoke: SMOKE,
        date: new Date().toISOString(),
        wallSeconds: round(wallSeconds, 1),
      },
      results,
      goals: goalRows,
    },
    null,
    2,
  ) + "\n",
);
log(`figures written to ${values.json}`);
if (failed) process.exitCode = 1;
