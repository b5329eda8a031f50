/**
 * The fault matrix, through the real Pulumi CLI against the simulators: vendor x operation (create,
 * update, delete, refresh) x fault (a 5xx burst, 429 with Retry-After, a dropped connection, an answer lost
 * after the change was committed, an answer slower than the request timeout, token expiry, failed async
 * work). After each case the simulator's inventory is compared with `pulumi stack export`: no orphan, no
 * duplicate, no phantom, no pending operation, and a transient fault ends in success within the same
 * command followed by a clean `preview --expect-no-changes`; failed async work ends in a clear error with
 * nothing left behind, and the next `up` converges. Beside it: a 30-VM fleet under a 10% random fault
 * rate, SIGINT mid-`up`, and every configured secret searched for in the state, the backend's files and the
 * outputs. CI runs one operation per fault and vendor (rotating); PPC_FAULT_MATRIX=full runs every cell.
 */
import { spawn } from "node:child_process";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO as CHIME, createChimeStackSimulator } from "../../simulator/chimestack";
import { DEMO_ACCOUNT, createCloudSigmaSimulator } from "../../simulator/cloudsigma";
import { DEMO_USER, createCloudTowerSimulator } from "../../simulator/cloudtower";
import { createCvmSimulator } from "../../simulator/cvm";
import { SEEDED, seedChime } from "../helpers/chimestack";
import { CLUSTER_A } from "../helpers/cloudtower";
import { Sim, startSim } from "../helpers/sim";
import { Project, SKIP_REASON, deployment, jsProject, makeInlineProject, packedTarball, pulumiOnPath } from "./harness";

const haveCli = pulumiOnPath();
if (!haveCli && process.env.CI) throw new Error(`the e2e tests must run in CI: ${SKIP_REASON}`);
if (!haveCli) console.warn(`skipping the fault matrix: ${SKIP_REASON}`);
const FULL = process.env.PPC_FAULT_MATRIX === "full";

type Op = "create" | "update" | "delete" | "refresh";
type FaultName =
  | "5xx burst"
  | "429 Retry-After"
  | "dropped connection"
  | "lost answer"
  | "slow answer"
  | "token expiry"
  | "failed async work"
  | "bad input"
  | "bad credentials";
const OPS: Op[] = ["create", "update", "delete", "refresh"];
const FAULTS: FaultName[] = ["5xx burst", "429 Retry-After", "dropped connection", "lost answer", "slow answer", "token expiry", "failed async work"];
/** Faults with a case of their own, after the matrix's (in the table's order). */
const ALSO: FaultName[] = ["bad input", "bad credentials"];

/** The requests an operation sends that a fault hits: method and path (a `^` regular expression). */
type Target = { method: string; path: string };

interface Vendor {
  name: string;
  start(): Promise<Sim>;
  config(url: string): Record<string, string>;
  /** Two resources named `f-*`; the config key `note` changes both in place. */
  program: string;
  type: string;
  targets: Record<Op, Target | undefined>;
  /** Makes the vendor's next async work fail (for create, or for update). */
  failAsync?: Partial<Record<"create" | "update", (sim: Sim) => Promise<void>>>;
  expireTokens?: (sim: Sim) => Promise<void>;
  /** The objects the stack's resources are: id and name. */
  objects(sim: Sim): Promise<Array<{ id: string; name: string }>>;
  /** The resources adopt what exists (nothing is made or deleted at the vendor). */
  adoptsOnly?: boolean;
  /** Why a cell has no case here, by `<op> <fault>`, operation or fault (the first that says). */
  na?: Record<string, string>;
  /** The status of a 5xx burst (default 500). */
  burstStatus?: number;
  /** Inputs laid over the resources' that are wrong (nested where the type has nested inputs), and what the error shows. */
  badInput: { extra: Record<string, unknown>; shows: string };
}

// The config key `note` changes the resources in place; `extra` (JSON) is laid over their inputs (bad input).
const note = `const cfg = new (require("@pulumi/pulumi").Config)();
const note = cfg.get("note") || "first";
const extra = JSON.parse(cfg.get("extra") || "{}");\n`;

const VENDORS: Vendor[] = [
  {
    name: "cloudtower",
    start: () => startSim(createCloudTowerSimulator({ taskMs: 100 })),
    config: (url) => ({
      "cloudtower:endpoint": url,
      "cloudtower:username": DEMO_USER.username,
      "cloudtower:password": DEMO_USER.password,
      "cloudtower:pollIntervalMs": "50",
    }),
    program: `${note}const { cloudtower } = require("pulumi-private-cloud");
for (const n of ["f-1", "f-2"]) new cloudtower.Vm(n, { name: n, clusterId: "${CLUSTER_A}", description: note, timeoutSeconds: 60, ...extra });`,
    badInput: { extra: { disks: [{ sizeGb: -1 }] }, shows: "disks[0].sizeGb: must be positive (got -1)" },
    type: "cloudtower:Vm",
    targets: {
      create: { method: "POST", path: "/v2/api/create-vm" },
      update: { method: "POST", path: "/v2/api/update-vm-basic-info" },
      delete: { method: "POST", path: "/v2/api/delete-vm" },
      refresh: { method: "POST", path: "^/v2/api/get-vms$" },
    },
    failAsync: {
      create: (sim) =>
        sim.control("POST", "/_sim/cloudtower/fail-tasks", {
          mutation: "createVm",
          error_code: "HostAvailableMemoryFilter",
          error_message: "no host has room",
        }),
      update: (sim) =>
        sim.control("POST", "/_sim/cloudtower/fail-tasks", { mutation: "updateVm", error_code: "VM_UPDATE_FAILED", error_message: "the update failed" }),
    },
    expireTokens: (sim) => sim.control("POST", "/_sim/cloudtower/expire-tokens"),
    objects: async (sim) => (await sim.inventory<{ id: string; name: string }>("vms")).filter((v) => v.name.startsWith("f-")),
  },
  {
    name: "cloudsigma",
    start: () => startSim(createCloudSigmaSimulator({ imagingMs: 200, shutdownMs: 100 })),
    config: (url) => ({
      "cloudsigma:endpoint": url,
      "cloudsigma:username": DEMO_ACCOUNT.email,
      "cloudsigma:password": DEMO_ACCOUNT.password,
      "cloudsigma:pollIntervalMs": "50",
    }),
    program: `${note}const { cloudsigma } = require("pulumi-private-cloud");
for (const n of ["f-1", "f-2"]) new cloudsigma.Drive(n, { name: n, sizeGb: 10, cloneFrom: "a1b2c3d4-0000-4000-8000-00000000de12", tags: ["note:" + note], ...extra });`,
    badInput: { extra: { tags: ["has space"] }, shows: 'tags[0]: must not hold spaces (got "has space")' },
    type: "cloudsigma:Drive",
    targets: {
      create: { method: "POST", path: "^/drives/[0-9a-f-]+/clone$" },
      update: { method: "POST", path: "^/drives/[0-9a-f-]+/set$" },
      delete: { method: "POST", path: "^/drives/[0-9a-f-]+/destroy$" },
      refresh: { method: "GET", path: "^/drives/[0-9a-f-]+/info$" },
    },
    failAsync: { create: (sim) => sim.control("POST", "/_sim/cloudsigma/fail-imaging", { count: 1 }) },
    na: { "token expiry": "HTTP Basic auth: no token to expire" },
    objects: async (sim) =>
      (await sim.inventory<{ drive: string; name: string }>("drives")).filter((d) => d.name.startsWith("f-")).map((d) => ({ id: d.drive, name: d.name })),
  },
  {
    name: "chimestack",
    start: async () => {
      const sim = await startSim(createChimeStackSimulator({ createMs: 100, transitionMs: 50 }));
      await seedChime(sim);
      return sim;
    },
    config: (url) => ({
      "chimestack:endpoint": url,
      "chimestack:username": CHIME.user,
      "chimestack:password": CHIME.password,
      "chimestack:pollIntervalMs": "50",
    }),
    program: `${note}const { chimestack } = require("pulumi-private-cloud");
for (const n of ["f-1", "f-2"]) new chimestack.Vm(n, {
  azUuid: "${CHIME.az}", clusterUuid: "${SEEDED.cluster}", instanceSpecUuid: "${CHIME.instanceSpec}", name: n, description: note, timeoutSeconds: 60,
  volumes: [{ name: "root", sizeGb: 10, volumeSpecUuid: "${CHIME.volumeSpec}", imageUuid: "${CHIME.image}", root: true }],
  nics: [{ name: "nic0", subnetUuid: "${SEEDED.subnet}", securityGroupUuid: "${CHIME.securityGroup}" }], ...extra,
});`,
    badInput: {
      extra: { volumes: [{ name: "root", sizeGb: -1, volumeSpecUuid: CHIME.volumeSpec, root: true }] },
      shows: "volumes[0].sizeGb: must be positive (got -1)",
    },
    type: "chimestack:Vm",
    targets: {
      create: { method: "POST", path: "^/v1/vm$" },
      update: { method: "PATCH", path: "^/v1/vm/[^/]+$" },
      delete: { method: "DELETE", path: "^/v1/vm/[^/]+$" },
      refresh: { method: "GET", path: "^/v1/vm/[^/]+$" },
    },
    failAsync: { create: (sim) => sim.control("POST", "/_sim/chimestack/fail-operations", { count: 1, message: "no host has room" }) },
    expireTokens: (sim) => sim.control("POST", "/_sim/chimestack/expire-tokens"),
    objects: async (sim) =>
      (await sim.inventory<{ uuid: string; name: string }>("vms")).filter((v) => v.name.startsWith("f-")).map((v) => ({ id: v.uuid, name: v.name })),
  },
  {
    name: "cvm",
    adoptsOnly: true,
    na: {
      "token expiry": "a fixed token pair: nothing expires",
      delete: "releasing a VPS sends no request",
      "create failed async work": "a create only reads (it adopts)",
    },
    // A power action answered 500 ran and failed (that is its failed async work, below): a burst is a 502.
    burstStatus: 502,
    start: () => startSim(createCvmSimulator({ transitionMs: 100 })),
    config: (url) => ({ "cvm:endpoint": url, "cvm:publicToken": "demo-public", "cvm:privateToken": "demo-private", "cvm:pollIntervalMs": "50" }),
    // The note sets the power state: "first" runs, anything else stops.
    program: `${note}const { cvm } = require("pulumi-private-cloud");
new cvm.Vm("f-1", { vpsId: "101", powerState: note === "first" ? "running" : "stopped", ...extra });
new cvm.Vm("f-2", { vpsId: "102", powerState: note === "first" ? "running" : "stopped", ...extra });`,
    // cvm.Vm has no nested inputs.
    badInput: { extra: { waitTimeoutSeconds: 0 }, shows: "must be positive" },
    type: "cvm:Vm",
    targets: {
      create: { method: "GET", path: "^/api/client/vps/list$" },
      update: { method: "POST", path: "^/api/client/vps/10[12]/stop$" },
      delete: undefined,
      refresh: { method: "GET", path: "^/api/client/vps/10[12]/status$" },
    },
    failAsync: {
      update: (sim) =>
        sim.control("POST", "/_sim/faults", { method: "POST", path: "^/api/client/vps/10[12]/stop$", status: 500, message: "the operation failed", count: 2 }),
    },
    objects: async (sim) =>
      (await sim.inventory<{ id: string; hostname: string }>("vpses"))
        .filter((v) => ["101", "102"].includes(v.id))
        .map((v) => ({ id: v.id, name: v.hostname })),
  },
];

/** The fault rule of a cell, on the operation's requests (count: how many requests it hits). */
function faultRule(v: Vendor, f: FaultName, t: Target): Record<string, unknown> | undefined {
  switch (f) {
    case "5xx burst":
      return { ...t, status: v.burstStatus ?? 500, count: 2, message: "injected server error" };
    case "429 Retry-After":
      return { ...t, status: 429, retryAfter: 1, count: 2, message: "slow down" };
    case "dropped connection":
      return { ...t, drop: true, count: 1 };
    case "lost answer":
      return { ...t, lostResponse: true, count: 1 };
    case "slow answer":
      return { ...t, delayMs: 2_500, count: 1 };
    default:
      return undefined;
  }
}

/** What a cell's run showed: its outcome and the audit of vendor against state. */
interface Result {
  vendor: string;
  op: Op;
  fault: FaultName;
  outcome: string;
  orphans: number;
  duplicates: number;
  phantoms: number;
  pending: number;
  clean: boolean;
}
const results: Result[] = [];

/** The cells CI runs: every fault, each on an operation it matters most for (the full matrix with PPC_FAULT_MATRIX=full). */
const CI_CELLS: Array<{ op: Op; fault: FaultName }> = [
  { op: "create", fault: "5xx burst" },
  { op: "create", fault: "lost answer" },
  { op: "create", fault: "slow answer" },
  { op: "create", fault: "failed async work" },
  { op: "update", fault: "429 Retry-After" },
  { op: "update", fault: "dropped connection" },
  { op: "update", fault: "token expiry" },
  { op: "delete", fault: "lost answer" },
  { op: "refresh", fault: "5xx burst" },
];
const cells = (): Array<{ op: Op; fault: FaultName }> => (FULL ? OPS.flatMap((op) => FAULTS.map((fault) => ({ op, fault }))) : CI_CELLS);

/** Why a cell has no case for a vendor (its fault cannot happen there), or undefined when it has one. */
function notApplicable(v: Vendor, op: Op, fault: FaultName): string | undefined {
  const why = v.na?.[`${op} ${fault}`] ?? v.na?.[op] ?? v.na?.[fault];
  if (fault === "token expiry") return v.expireTokens ? undefined : (why ?? "no token");
  if (fault === "failed async work") return v.failAsync?.[op as "create" | "update"] ? undefined : (why ?? `no async work in ${op}`);
  return v.targets[op] ? undefined : (why ?? `no request in ${op}`);
}

describe.skipIf(!haveCli).each(VENDORS)("the fault matrix of $name, through the real Pulumi CLI", (v) => {
  let sim: Sim;
  let project: Project;

  beforeAll(async () => {
    sim = await v.start();
    project = await makeInlineProject(jsProject(`faults-${v.name}`, v.program), packedTarball());
    for (const [k, val] of Object.entries({ ...v.config(sim.url), [`${v.name}:requestTimeoutMs`]: "1000" })) {
      await project.pulumi(["config", "set", ...(/password|privateToken/.test(k) ? ["--secret"] : []), k, val]);
    }
  }, 300_000);
  afterAll(async () => sim?.stop());

  /** Vendor against state: objects the state does not hold, names made twice, ids the vendor lacks. */
  async function audit() {
    const objects = await v.objects(sim);
    const { resources, pending } = deployment((await project.pulumi(["stack", "export"])).stdout);
    const held = resources.filter((r) => r.type.endsWith(v.type)).map((r) => r.id!);
    const names = objects.map((o) => o.name);
    return {
      orphans: v.adoptsOnly ? 0 : objects.filter((o) => !held.includes(o.id)).length,
      duplicates: names.filter((n, i) => names.indexOf(n) !== i).length,
      phantoms: held.filter((id) => !objects.some((o) => o.id === id)).length,
      pending: pending.length,
    };
  }

  const up = (args: string[] = []) => project.pulumi(["up", "--yes", "--skip-preview", ...args], { allowFail: true });

  for (const { op, fault } of cells()) {
    const why = notApplicable(v, op, fault);
    if (why) results.push({ vendor: v.name, op, fault, outcome: `n/a: ${why}`, orphans: 0, duplicates: 0, phantoms: 0, pending: 0, clean: true });
  }

  it.each(cells().filter(({ op, fault }) => !notApplicable(v, op, fault)))(
    "$op under $fault",
    async ({ op, fault }) => {
      const target = v.targets[op];
      const async = fault === "failed async work" ? v.failAsync?.[op as "create" | "update"] : undefined;
      // Every cell starts from an empty stack (or, for update, delete and refresh, from one made without faults).
      await project.pulumi(["config", "set", "note", "first"]);
      if (op !== "create") expect((await up()).code).toBe(0);
      if (op === "update") await project.pulumi(["config", "set", "note", "second"]);

      if (fault === "token expiry") await v.expireTokens!(sim);
      else if (async) await async(sim);
      else await sim.control("POST", "/_sim/faults", faultRule(v, fault, target!));

      const command =
        op === "delete"
          ? ["destroy", "--yes", "--skip-preview"]
          : op === "refresh"
            ? ["refresh", "--yes", "--skip-preview"]
            : ["up", "--yes", "--skip-preview"];
      const run = await project.pulumi(command, { allowFail: true });
      await sim.control("DELETE", "/_sim/faults");
      const a = await audit();
      const outcome = run.code === 0 ? "success" : `error: ${(/error: (.*)/.exec(run.stdout + run.stderr)?.[1] ?? "").slice(0, 140)}`;
      if (async) {
        // Failed async work: a clear error naming the vendor's failure, nothing left behind, and the next up converges.
        expect(run.code, run.stdout).not.toBe(0);
        expect(run.stdout + run.stderr).toMatch(/failed/);
        expect(a.orphans + a.duplicates + a.phantoms).toBe(0);
        expect((await up()).code).toBe(0);
      } else {
        expect(run.code, `${op} under ${fault} should succeed:\n${run.stdout}\n${run.stderr}`).toBe(0);
        expect(a).toEqual({ orphans: 0, duplicates: 0, phantoms: 0, pending: 0 });
      }
      const clean =
        op !== "delete"
          ? (await project.pulumi(["preview", "--expect-no-changes"], { allowFail: true })).code === 0
          : (await audit()).phantoms === 0 && (await v.objects(sim)).length === (v.adoptsOnly ? 2 : 0);
      expect(clean).toBe(true);
      results.push({ vendor: v.name, op, fault, outcome, ...a, clean });
      await project.pulumi(["destroy", "--yes", "--skip-preview"]);
    },
    180_000,
  );

  it("fails preview on bad input, showing the input's path and value (never {<nil>}), with no request to make anything", async () => {
    await project.pulumi(["config", "set", "extra", JSON.stringify(v.badInput.extra)]);
    await sim.control("DELETE", "/_sim/requests");
    const run = await project.pulumi(["preview"], { allowFail: true });
    await project.pulumi(["config", "rm", "extra"]);
    expect(run.code).not.toBe(0);
    expect(run.stdout + run.stderr).toContain(v.badInput.shows);
    expect(run.stdout + run.stderr).not.toContain("<nil>");
    const create = v.targets.create!;
    expect((await sim.requests()).filter((r) => r.method === create.method && new RegExp(create.path).test(r.path))).toEqual([]);
    results.push({
      vendor: v.name,
      op: "create",
      fault: "bad input",
      outcome: `preview error: ${v.badInput.shows}`,
      orphans: 0,
      duplicates: 0,
      phantoms: 0,
      pending: 0,
      clean: true,
    });
  }, 120_000);

  it("ends in a clear error naming the credential settings when they are wrong, with nothing made and the wrong secret shown nowhere", async () => {
    const key = Object.keys(v.config(sim.url)).find((k) => /password|privateToken/.test(k))!;
    const wrong = "wrong-secret-7f3a9c";
    await project.pulumi(["config", "set", "--secret", key, wrong]);
    const run = await project.pulumi(["up", "--yes", "--skip-preview"], { allowFail: true });
    await project.pulumi(["config", "set", "--secret", key, v.config(sim.url)[key]]);
    expect(run.code).not.toBe(0);
    expect(run.stdout + run.stderr).toContain(`check ${v.name}:`);
    expect(run.stdout + run.stderr).not.toContain(wrong);
    expect((await project.pulumi(["stack", "export"])).stdout).not.toContain(wrong);
    expect(await audit()).toEqual({ orphans: 0, duplicates: 0, phantoms: 0, pending: 0 });
    if (!v.adoptsOnly) expect(await v.objects(sim)).toEqual([]);
    results.push({
      vendor: v.name,
      op: "create",
      fault: "bad credentials",
      outcome: `error: ${(/error: (.*)/.exec(run.stdout + run.stderr)?.[1] ?? "").slice(0, 140)}`,
      orphans: 0,
      duplicates: 0,
      phantoms: 0,
      pending: 0,
      clean: true,
    });
  }, 120_000);
});

describe.skipIf(!haveCli)("CloudTower under stress, through the real Pulumi CLI", () => {
  let sim: Sim;
  let project: Project;
  const PASSWORD = "e2e-fault-matrix-pass-4e1";

  beforeAll(async () => {
    sim = await startSim(createCloudTowerSimulator({ taskMs: 300 }));
    await sim.control("POST", "/_sim/seed", { users: [{ username: "ops", password: PASSWORD }] });
    const program = `const { cloudtower } = require("pulumi-private-cloud");
const n = Number(new (require("@pulumi/pulumi").Config)().get("count") || 30);
for (let i = 1; i <= n; i++) new cloudtower.Vm("s-" + i, { name: "s-" + i, clusterId: "${CLUSTER_A}", timeoutSeconds: 120 });
exports.names = Array.from({ length: n }, (_, i) => "s-" + (i + 1));`;
    project = await makeInlineProject(jsProject("stress-tower", program), packedTarball());
    for (const [k, val] of Object.entries({ "cloudtower:endpoint": sim.url, "cloudtower:username": "ops", "cloudtower:pollIntervalMs": "100" }))
      await project.pulumi(["config", "set", k, val]);
    await project.pulumi(["config", "set", "--secret", "cloudtower:password", PASSWORD]);
  }, 300_000);
  afterAll(async () => sim?.stop());

  const vms = async () => (await sim.inventory<{ id: string; name: string }>("vms")).filter((v) => v.name.startsWith("s-"));
  const held = async () =>
    deployment((await project.pulumi(["stack", "export"])).stdout)
      .resources.filter((r) => r.type.endsWith("cloudtower:Vm"))
      .map((r) => r.id!)
      .sort();

  it("makes a 30-VM fleet under a 10% random fault rate (500s, 429s, drops, lost answers) in one up, with one VM per resource", async () => {
    for (const [k, f] of [
      [1, { status: 500 }],
      [2, { status: 429, retryAfter: 1 }],
      [3, { drop: true }],
      [4, { lostResponse: true }],
    ] as const) {
      await sim.control("POST", "/_sim/faults", { path: "^/v2/api/(?!login)", rate: 0.025, seed: k, ...f });
    }
    const run = await project.pulumi(["up", "--yes", "--skip-preview"], { allowFail: true });
    const hits = ((await sim.control("GET", "/_sim/faults")) as Array<{ hit: number }>).reduce((n, r) => n + r.hit, 0);
    await sim.control("DELETE", "/_sim/faults");
    console.log(`30 VMs under a 10% fault rate: ${hits} requests hit, up ${run.code === 0 ? "succeeded" : "failed"}`);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(hits).toBeGreaterThan(0);
    const made = await vms();
    expect(made).toHaveLength(30);
    expect(await held()).toEqual(made.map((v) => v.id).sort());
    await project.pulumi(["preview", "--expect-no-changes"]);
  }, 300_000);

  it("keeps every configured secret out of the state, the backend's files and the outputs", async () => {
    const backend = join(project.dir, ".state");
    const files = (dir: string): string[] => readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : [join(dir, f)]));
    for (const f of files(backend)) expect(readFileSync(f, "utf8"), f).not.toContain(PASSWORD);
    expect((await project.pulumi(["stack", "export"])).stdout).not.toContain(PASSWORD);
    expect((await project.pulumi(["stack", "output", "--json"])).stdout).not.toContain(PASSWORD);
    for (const token of (await sim.control("GET", "/_sim/cloudtower/tokens")) as string[])
      expect((await project.pulumi(["stack", "export"])).stdout).not.toContain(token);
  }, 120_000);

  it("after SIGINT mid-up, the next up converges with one VM per resource", async () => {
    await project.pulumi(["destroy", "--yes", "--skip-preview"]);
    await project.pulumi(["config", "set", "count", "6"]);
    const child = spawn("pulumi", ["up", "--yes", "--skip-preview", "--non-interactive"], { cwd: project.dir, env: project.env, stdio: "ignore" });
    for (let i = 0; (await vms()).length < 3; i++) {
      if (i > 600) throw new Error("the VMs never appeared");
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill("SIGINT");
    await new Promise((r) => child.once("exit", r));
    await project.pulumi(["cancel", "--yes"], { allowFail: true });
    const again = await project.pulumi(["up", "--yes", "--skip-preview"], { allowFail: true });
    expect(again.code, again.stdout + again.stderr).toBe(0);
    await project.pulumi(["refresh", "--yes", "--clear-pending-creates"]);
    const made = await vms();
    expect(made).toHaveLength(6);
    expect(await held()).toEqual(made.map((v) => v.id).sort());
    expect(deployment((await project.pulumi(["stack", "export"])).stdout).pending).toEqual([]);
    await project.pulumi(["preview", "--expect-no-changes"]);
    await project.pulumi(["destroy", "--yes", "--skip-preview"]);
    expect(await vms()).toEqual([]);
  }, 300_000);

  it("writes the stack config's passwords to verbose engine logs (-v=9), and not credentials given as environment variables", async () => {
    const verbose = ["preview", "--logtostderr", "-v=9", "--logflow"];
    const fromConfig = await project.pulumi(verbose, { allowFail: true });
    expect(fromConfig.stderr).toContain(PASSWORD);
    await project.pulumi(["config", "rm", "cloudtower:password"]);
    const fromEnv = await project.pulumi(verbose, { allowFail: true, env: { CLOUDTOWER_PASSWORD: PASSWORD } });
    expect(fromEnv.code, fromEnv.stdout).toBe(0);
    expect(fromEnv.stderr).not.toContain(PASSWORD);
    await project.pulumi(["config", "set", "--secret", "cloudtower:password", PASSWORD]);
  }, 120_000);
});

afterAll(() => {
  if (results.every((r) => r.outcome.startsWith("n/a"))) return;
  const order = (r: Result) => [VENDORS.findIndex((v) => v.name === r.vendor), OPS.indexOf(r.op), [...FAULTS, ...ALSO].indexOf(r.fault)];
  const sorted = [...results].sort((a, b) => order(a).reduce((d, x, i) => d || x - order(b)[i], 0));
  const rows = sorted.map((r) =>
    r.outcome.startsWith("n/a")
      ? `| ${r.vendor} | ${r.op} | ${r.fault} | ${r.outcome} | - | - | - | - | - |`
      : `| ${r.vendor} | ${r.op} | ${r.fault} | ${r.outcome} | ${r.orphans} | ${r.duplicates} | ${r.phantoms} | ${r.pending} | ${r.clean ? "yes" : "no"} |`,
  );
  console.log(
    [
      "| vendor | operation | fault | outcome | orphans | duplicates | phantoms | pending | clean preview after |",
      "|---|---|---|---|---|---|---|---|---|",
      ...rows,
    ].join("\n"),
  );
});
