#!/usr/bin/env node
/**
 * Benchmark (not a test): the Pulumi state cost per resource. Applies two stacks of N resources each
 * with the real Pulumi CLI (offline, file:// backend, passphrase secrets) and measures `pulumi stack export`:
 *   A: N cloudtower.Vm against the CloudTower simulator (started in this process, 50 ms tasks);
 *   B: the baseline, N no-op dynamic resources whose provider is a plain object literal.
 * For each: total state bytes, dynamic resources, bytes per resource (mean JSON of a resource entry, and
 * the whole export / count), largest and smallest `__provider` (inputs and outputs; a string's bytes or
 * a secret's JSON), whether all `__provider` values are identical, the checkpoint file's size and the
 * wall time of `pulumi up`. Prints a table and the ratio A/B; both stacks are destroyed at the end.
 *
 *   source scripts/env.sh && ppc_setup
 *   node bench/state-size.mjs [--n 100] [--tarball path] [--json out.json]
 *
 * Without --tarball it compiles the package (npx tsc) and packs it (npm pack) into a temporary folder.
 * Either way the simulator is loaded from this checkout's dist/.
 */
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs, promisify } from "node:util";

const run = promisify(execFile);
const require = createRequire(import.meta.url);
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const CLUSTER = "cl0c1uster00000000000000a";
const PASSPHRASE = "bench-passphrase";

const { values } = parseArgs({ options: { n: { type: "string", default: "100" }, tarball: { type: "string" }, json: { type: "string" } } });
const N = Number(values.n);
if (!Number.isInteger(N) || N < 1) throw new Error(`--n must be a positive whole number, not ${values.n}`);
const work = mkdtempSync(join(tmpdir(), "ppc-state-size-"));
const log = (msg) => console.error(`[state-size] ${msg}`);

/** Compiles and packs this checkout into `dir`; returns the tarball path. */
async function pack(dir) {
  log("compiling (npx tsc) and packing (npm pack)");
  await run("npx", ["tsc", "-p", "tsconfig.json"], { cwd: ROOT });
  const { stdout } = await run("npm", ["pack", "--silent", "--pack-destination", dir], { cwd: ROOT });
  return join(dir, stdout.trim().split("\n").pop());
}

const PROGRAMS = {
  A: `const { cloudtower } = require("pulumi-private-cloud");
for (let i = 0; i < ${N}; i++) new cloudtower.Vm("vm-" + i, { name: "vm-" + i, clusterId: "${CLUSTER}" });
`,
  B: `const pulumi = require("@pulumi/pulumi");
const provider = { create: async (inputs) => ({ id: "noop-" + inputs.name, outs: inputs }) };
class Noop extends pulumi.dynamic.Resource {
  constructor(name, args, opts) { super(provider, name, args, opts, "noop", "Resource"); }
}
for (let i = 0; i < ${N}; i++) new Noop("noop-" + i, { name: "noop-" + i, index: i });
`,
};

/** A temporary Pulumi project (plain JavaScript) that installs the tarball, with its own file:// backend. */
async function makeProject(key, tarball) {
  const dir = join(work, key);
  const project = `ppc-bench-state-${key.toLowerCase()}`;
  mkdirSync(join(dir, ".state"), { recursive: true });
  writeFileSync(join(dir, "Pulumi.yaml"), `name: ${project}\nruntime:\n  name: nodejs\n  options:\n    typescript: false\n`);
  const pkg = { name: project, private: true, main: "index.js", dependencies: { "@pulumi/pulumi": "3.259.0", "pulumi-private-cloud": `file:${tarball}` } };
  writeFileSync(join(dir, "package.json"), JSON.stringify(pkg, null, 2));
  writeFileSync(join(dir, "index.js"), PROGRAMS[key]);
  const env = {
    ...process.env,
    PULUMI_BACKEND_URL: `file://${join(dir, ".state")}`,
    PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_HOME: join(dir, ".pulumi-home"),
  };
  const opts = { cwd: dir, env, maxBuffer: 1 << 30 };
  const pulumi = async (...args) => {
    try {
      return (await run("pulumi", [...args, "--non-interactive", "--color=never"], opts)).stdout;
    } catch (e) {
      throw new Error(`pulumi ${args.join(" ")} failed in ${dir} (${e.code}):\n${e.stdout}\n${e.stderr}`);
    }
  };
  log(`${key}: npm install in ${dir}`);
  await run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"], opts);
  await pulumi("stack", "init", "bench");
  return { key, dir, project, pulumi, checkpoint: join(dir, ".state", ".pulumi", "stacks", project, "bench.json") };
}

const bytes = (s) => Buffer.byteLength(s, "utf8");
/** A `__provider` as stored: a string's own bytes, or a secret object's JSON. */
const providerText = (p) => (typeof p === "string" ? p : JSON.stringify(p));

/** Applies the project's stack, exports it and measures the state. */
async function measure(p) {
  log(`${p.key}: pulumi up (${N} resources)`);
  const t0 = performance.now();
  await p.pulumi("up", "--yes", "--skip-preview", "--parallel", "64");
  const upSeconds = (performance.now() - t0) / 1000;
  const exported = await p.pulumi("stack", "export");
  const resources = JSON.parse(exported).deployment?.resources ?? [];
  const dynamic = resources.filter((r) => r.type.startsWith("pulumi-nodejs:dynamic"));
  const entryBytes = dynamic.map((r) => bytes(JSON.stringify(r)));
  const providers = dynamic.flatMap((r) => [r.inputs?.__provider, r.outputs?.__provider]).filter((x) => x !== undefined).map(providerText);
  const providerBytes = providers.map(bytes);
  return {
    project: p.key === "A" ? `A: ${N} cloudtower.Vm` : `B: ${N} no-op dynamic`,
    n: N,
    types: [...new Set(dynamic.map((r) => r.type))],
    resources: dynamic.length,
    stateBytes: bytes(exported),
    checkpointBytes: statSync(p.checkpoint).size,
    bytesPerResourceEntry: entryBytes.reduce((a, b) => a + b, 0) / Math.max(1, dynamic.length),
    bytesPerResourceTotal: bytes(exported) / Math.max(1, dynamic.length),
    largestEntryBytes: Math.max(...entryBytes),
    providerValues: providers.length,
    providerSecret: dynamic.some((r) => typeof r.inputs?.__provider === "object"),
    largestProviderBytes: Math.max(...providerBytes),
    smallestProviderBytes: Math.min(...providerBytes),
    identicalProvider: new Set(providers).size === 1,
    upSeconds,
  };
}

const tarball = values.tarball ? resolve(values.tarball) : await pack(work);
log(`tarball ${tarball}`);
const { SimServer } = require(join(ROOT, "dist/simulator/core"));
const { createCloudTowerSimulator } = require(join(ROOT, "dist/simulator/cloudtower"));
const sim = new SimServer(createCloudTowerSimulator({ taskMs: 50 }));
const url = await sim.start();
log(`CloudTower simulator at ${url}`);

const projects = [];
const results = [];
try {
  const a = await makeProject("A", tarball);
  projects.push(a);
  await a.pulumi("config", "set", "cloudtower:endpoint", url);
  await a.pulumi("config", "set", "cloudtower:username", "admin");
  await a.pulumi("config", "set", "--secret", "cloudtower:password", "tower-pass");
  await a.pulumi("config", "set", "cloudtower:pollIntervalMs", "100");
  const b = await makeProject("B", tarball);
  projects.push(b);
  for (const p of projects) results.push(await measure(p));
} finally {
  for (const p of projects) {
    log(`${p.key}: pulumi destroy`);
    await p.pulumi("destroy", "--yes", "--skip-preview", "--parallel", "64").catch((e) => log(String(e)));
  }
  await sim.stop();
}

const [A, B] = results;
const ratio = { bytesPerResourceEntry: A.bytesPerResourceEntry / B.bytesPerResourceEntry, bytesPerResourceTotal: A.bytesPerResourceTotal / B.bytesPerResourceTotal };
console.log(`Pulumi state per resource, ${N} resources a stack (pulumi up --parallel 64, CloudTower tasks 50 ms)`);
console.table(
  results.map((r) => ({
    project: r.project,
    N: r.n,
    resources: r.resources,
    "state bytes": r.stateBytes,
    "checkpoint bytes": r.checkpointBytes,
    "bytes/resource (entry)": Math.round(r.bytesPerResourceEntry),
    "bytes/resource (total/count)": Math.round(r.bytesPerResourceTotal),
    "largest __provider": r.largestProviderBytes,
    "smallest __provider": r.smallestProviderBytes,
    "__provider secret": r.providerSecret ? "yes" : "no",
    "identical __provider": r.identicalProvider ? "yes" : "no",
    "up wall s": r.upSeconds.toFixed(2),
  })),
);
console.log(`A/B bytes per resource: ${ratio.bytesPerResourceEntry.toFixed(2)} (entry), ${ratio.bytesPerResourceTotal.toFixed(2)} (total/count)`);
if (values.json) writeFileSync(values.json, JSON.stringify({ n: N, tarball, results, ratio }, null, 2) + "\n");
rmSync(work, { recursive: true, force: true });
