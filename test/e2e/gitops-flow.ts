/**
 * The GitOps flow of the kit (`pulumi-private-cloud-gitops`, as installed from the packed package) on the
 * CloudTower example fleet against the simulator, in a git repository with a bare origin, for one state
 * backend: test/e2e/gitops.test.ts runs it on file://, test/e2e/gitops-postgres.test.ts on postgres://.
 */
import { execFile, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createCloudTowerSimulator } from "../../simulator/cloudtower";
import { GitHubFake } from "../gitops/forges/github-fake";
import { GitLabFake } from "../gitops/forges/gitlab-fake";
import { Sim, startSim } from "../helpers/sim";
import { Project, ROOT, makeProject, packedTarball } from "./harness";

const run = promisify(execFile);

export const PASSWORD = "gitops-tower-password-7d1e";
export const GUEST_PASSWORD = "gitops-guest-password-90ab";
export const PRICES = { currency: "EUR", cloudtower: { perVcpu: 10, perGbMemory: 5, perGbDisk: 0.1 } };
const ADVISORY = { "cloudtower-vm-size": { enforcementLevel: "advisory", maxMemoryMb: 4096 } };
const MANDATORY = { "cloudtower-vm-size": { enforcementLevel: "mandatory", maxMemoryMb: 4096 } };

export interface Kit {
  code: number;
  stdout: string;
  stderr: string;
  out: string;
  md: string;
  json: Record<string, any>;
}

export interface Flow {
  sim: Sim;
  project: Project;
  /** Runs the kit in the project; `name` is the report's file name (plan, apply, drift). */
  kit(args: string[], name: string, env?: NodeJS.ProcessEnv): Promise<Kit>;
  git(...args: string[]): string;
  /** Every file the kit wrote and everything it printed, for the secrets check. */
  outputs: string[];
  outRoot: string;
  /** Runs a step of the kit without waiting (for concurrent applies), returning its exit code and output. */
  spawnKit(args: string[], env?: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }>;
}

/**
 * Sets up the sim, the project (stack `e2e` on `backendUrl`, or the harness's file:// backend) with a secret
 * password and unit prices, commits it to `main` with a bare origin; the returned object fills in beforeAll.
 */
export function useFlow(backendEnv: () => NodeJS.ProcessEnv = () => ({})): Flow {
  const flow = { outputs: [] as string[] } as unknown as Flow;
  beforeAll(async () => {
    flow.sim = await startSim(createCloudTowerSimulator({ taskMs: 150 }));
    await flow.sim.control("POST", "/_sim/seed", { users: [{ username: "ops", password: PASSWORD }] });
    const project = await makeProject(join(ROOT, "examples/cloudtower-fleet"), packedTarball(), "e2e", backendEnv());
    flow.project = project;
    const set = project.set;
    await set("cloudtower:endpoint", flow.sim.url);
    await set("cloudtower:username", "ops");
    await set("cloudtower:password", PASSWORD, true);
    await set("cloudtower:pollIntervalMs", "100");
    await set("clusterName", "cluster-a");
    await set("vdsName", "cluster-a-vds-vm");
    await set("templateName", "debian-12");
    // The kit's flow needs a fleet, not the example's extras (its vendor depth is cloudtower-fleet.test.ts's).
    await set("extras", "false");
    await set("webPassword", GUEST_PASSWORD, true);
    await set("pulumi-private-cloud:prices", JSON.stringify(PRICES));
    writeFileSync(join(project.dir, "policy-advisory.json"), JSON.stringify(ADVISORY));
    writeFileSync(join(project.dir, "policy-mandatory.json"), JSON.stringify(MANDATORY));
    writeFileSync(join(project.dir, ".gitignore"), "node_modules/\n.state/\n.pulumi-home/\n");
    const origin = mkdtempSync(join(tmpdir(), "ppc-origin-"));
    flow.outRoot = mkdtempSync(join(tmpdir(), "ppc-gitops-out-"));
    flow.git = (...args: string[]) =>
      execFileSync("git", ["-c", "user.email=ci@example.com", "-c", "user.name=ci", ...args], {
        cwd: project.dir,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
      }).trim();
    execFileSync("git", ["init", "-q", "--bare", "-b", "main", origin]);
    flow.git("init", "-q", "-b", "main");
    flow.git("add", "-A");
    flow.git("commit", "-qm", "the CloudTower fleet");
    flow.git("remote", "add", "origin", origin);
    flow.git("push", "-q", "origin", "main");
    const bin = join(project.dir, "node_modules/.bin/pulumi-private-cloud-gitops");
    let n = 0;
    flow.spawnKit = async (args, env = {}) => {
      try {
        const r = await run(bin, args, { cwd: project.dir, env: { ...project.env, ...env }, maxBuffer: 64 << 20 });
        flow.outputs.push(r.stdout, r.stderr);
        return { code: 0, ...r };
      } catch (e) {
        const err = e as { code: number; stdout: string; stderr: string };
        flow.outputs.push(err.stdout, err.stderr);
        return { code: err.code, stdout: err.stdout, stderr: err.stderr };
      }
    };
    flow.kit = async (args, name, env = {}) => {
      const out = join(flow.outRoot, `${++n}-${args[0]}`);
      const r = await flow.spawnKit([...args, "--out", out], env);
      const md = existsSync(join(out, `${name}.md`)) ? readFileSync(join(out, `${name}.md`), "utf8") : "";
      const json = existsSync(join(out, `${name}.json`)) ? JSON.parse(readFileSync(join(out, `${name}.json`), "utf8")) : {};
      return { ...r, out, md, json };
    };
  }, 300_000);
  afterAll(async () => {
    await flow.sim?.stop();
  });
  return flow;
}

/** The simulator's VMs by name, with memory in MiB. */
export async function vms(sim: Sim): Promise<Record<string, number>> {
  const all = await sim.inventory<{ name: string; memory: number }>("vms");
  return Object.fromEntries(all.map((v) => [v.name, v.memory / 1024 ** 2]));
}

/** Renames a VM through the vendor API, as someone at the console would, and waits for its task. */
export async function renameAtVendor(sim: Sim, from: string, to: string): Promise<void> {
  const api = async (path: string, body: unknown, token?: string) => {
    const res = await fetch(`${sim.url}/v2/api${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(token ? { authorization: token } : {}) },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${path} answered ${res.status}: ${await res.text()}`);
    return res.json() as Promise<any>;
  };
  const token = (await api("/login", { username: "ops", password: PASSWORD })).data.token;
  const [vm] = await api("/get-vms", { where: { name: from } }, token);
  const [{ task_id }] = await api("/update-vm-basic-info", { where: { id: vm.id }, data: { name: to } }, token);
  for (let i = 0; i < 200; i++) {
    const [t] = await api("/get-tasks", { where: { id: task_id } }, token);
    if (t?.status === "SUCCESSED") return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`renaming ${from}: task ${task_id} did not finish`);
}

/** Every file under a folder, read. */
export function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => readFileSync(join(e.parentPath, e.name), "utf8"));
}

const PLAN = ["plan", "--stack", "e2e", "--policy-pack-config", "policy-advisory.json"];
const APPLY = (manifest: string) => ["apply", "--stack", "e2e", "--manifest", manifest, "--policy-pack-config", "policy-advisory.json"];

/** The flow's tests, for the backend the flow was set up on. */
export const GITHUB_TOKEN = "ghs_e2eGitopsPostToken0000000000000000";
export const GITLAB_TOKEN = "glpat-e2eGitopsPostToken00";
const MARKER = "<!-- pulumi-private-cloud-gitops:stack=cloudtower-fleet/e2e -->";

export function gitopsTests(flow: Flow): void {
  let seed: Record<string, number>;
  // The forges the installed kit posts to (@octokit/rest, @gitbeaker/rest from the packed package's dependencies).
  let gh: GitHubFake;
  let gl: GitLabFake;
  beforeAll(async () => {
    gh = await new GitHubFake(GITHUB_TOKEN).start();
    gl = await new GitLabFake(GITLAB_TOKEN).start();
  }, 120_000);
  afterAll(async () => {
    await gh?.stop();
    await gl?.stop();
  });
  /** The environment of a GitHub Actions job for pull request 7. */
  const github = () => {
    const event = join(flow.outRoot, "event.json");
    writeFileSync(event, JSON.stringify({ pull_request: { number: 7 } }));
    return { GITHUB_ACTIONS: "true", GITHUB_TOKEN, GITHUB_REPOSITORY: gh.repo, GITHUB_API_URL: gh.url, GITHUB_EVENT_PATH: event };
  };
  const gitlab = () => ({ GITLAB_CI: "true", GITLAB_TOKEN, CI_API_V4_URL: gl.apiUrl, CI_PROJECT_ID: String(gl.projectId) });

  it("plans the fleet on main (exit 2, nine creates) and applies it", async () => {
    seed = await vms(flow.sim);
    const plan = await flow.kit(PLAN, "plan");
    expect(plan.code, plan.stderr).toBe(2);
    expect(plan.json.resources.map((r: { op: string }) => r.op)).toEqual(Array(9).fill("create"));
    const apply = await flow.kit(APPLY(join(plan.out, "manifest.json")), "apply");
    expect(apply.code, apply.md).toBe(0);
    expect(apply.json.outcome).toBe("applied");
    expect(await vms(flow.sim)).toEqual({ ...seed, "web-1": 2048, "web-2": 2048, "web-3": 2048, "db-1": 4096, "db-2": 4096 });
  }, 240_000);

  let planned: Kit;

  it("plans a branch that grows one VM, adds two and removes one: exactly those changes, the policy and the price delta, exit 2", async () => {
    flow.git("checkout", "-qb", "grow");
    for (const [i, name] of ["web-1", "web-3", "web-4", "web-5"].entries()) await flow.project.pulumi(["config", "set", "--path", `webNames[${i}]`, name]);
    await flow.project.pulumi(["config", "set", "--path", "memoryMb.db-1", "8192"]);
    flow.git("commit", "-qam", "grow db-1, web-4 and web-5 in, web-2 out");
    flow.git("push", "-q", "origin", "grow");
    planned = await flow.kit(PLAN, "plan");
    expect(planned.code, planned.stderr).toBe(2);
    const changes = planned.json.resources.map((r: { op: string; name: string; changes: unknown[] }) => [
      r.op,
      r.name,
      r.op === "update" ? r.changes : undefined,
    ]);
    expect(changes).toEqual([
      ["delete", "web-2", undefined],
      ["create", "web-4", undefined],
      ["create", "web-5", undefined],
      ["update", "db-1", [{ path: "memoryMb", old: 4096, new: 8192 }]],
    ]);
    expect(planned.md).toContain("**1 to delete, 2 to create, 1 to update**");
    expect(planned.md).toMatch(/### Replaced and deleted \(1\)\n\n- \*\*delete\*\* `cloudtower:Vm` \*\*web-2\*\*\n\n### Created and updated \(3\)/);
    expect(planned.md).toContain("- **update** `cloudtower:Vm` **db-1**\n  - `memoryMb`: `4096` → `8192`");
    expect(planned.md).toMatch(
      /\*\*Advisory\*\* \(1\)\n\n- `cloudtower-vm-size` on cloudtower:Vm db-1: .*VM db-1 asks for 8192 MiB; at most 4096 MiB are allowed/,
    );
    // web-2 (2 vCPU, 2 GB, its template's 20 GB) goes, web-4 and web-5 come (their disks not known yet), db-1 gains 4 GB.
    expect(planned.md).toContain("| cloudtower:Vm web-2 | delete | 32.00 | 0.00 | −32.00 |");
    expect(planned.md).toContain("| cloudtower:Vm db-1 | update | 74.00 | 94.00 | +20.00 |");
    expect(planned.md).toContain("### Monthly price: +48.00 EUR");
    expect(planned.json.price).toMatchObject({ currency: "EUR", delta: 48 });
    const manifest = JSON.parse(readFileSync(join(planned.out, "manifest.json"), "utf8"));
    expect(manifest).toMatchObject({ stack: "e2e", outcome: "changes", git: { commit: flow.git("rev-parse", "HEAD"), dirty: [] } });
    expect(manifest.steps.map((s: { op: string; urn: string }) => `${s.op} ${s.urn.split("::").pop()}`).sort()).toEqual(
      ["create web-4", "create web-5", "delete web-2", "update db-1", "update default"].sort(),
    );
    // Posted on the pull request: one comment, the plan as plan.md has it.
    for (let i = 0; i < 2; i++) {
      const posted = await flow.spawnKit(["post", "--stack", "e2e", "--report", planned.out], github());
      expect(posted.code, posted.stderr).toBe(0);
      expect(posted.stdout).toMatch(new RegExp(`^post plan cloudtower-fleet/e2e: ${i ? "updated" : "created"} comment on GitHub pull request acme/infra#7`));
    }
    expect(gh.commentsOn(7)).toEqual([expect.objectContaining({ body: `${MARKER}\n${planned.md}`, updated: 1 })]);
    expect(gh.violations).toEqual([]);
  }, 120_000);

  it("merges and applies exactly the plan: the simulator's inventory matches", async () => {
    flow.git("checkout", "-q", "main");
    flow.git("merge", "-q", "--no-ff", "-m", "Merge grow", "grow");
    flow.git("push", "-q", "origin", "main");
    const apply = await flow.kit(APPLY(join(planned.out, "manifest.json")), "apply");
    expect(apply.code, apply.md).toBe(0);
    expect(apply.md).toMatch(/^## Apply of `cloudtower-fleet\/e2e`: applied\n\n\*\*1 deleted, 2 created, 1 updated\*\*/);
    expect(apply.md).toMatch(/is not the planned .* but has its files \(same tree/);
    expect(await vms(flow.sim)).toEqual({ ...seed, "web-1": 2048, "web-3": 2048, "web-4": 2048, "web-5": 2048, "db-1": 8192, "db-2": 4096 });
    // The outcome replaces the plan in the merged pull request's comment (a push event: the number is given).
    const posted = await flow.spawnKit(["post", "--stack", "e2e", "--kind", "apply", "--report", apply.out, "--pr", "7"], github());
    expect(posted.code, posted.stderr).toBe(0);
    expect(gh.commentsOn(7)).toEqual([expect.objectContaining({ body: `${MARKER}\n${apply.md}`, updated: 2 })]);
    expect(gh.violations).toEqual([]);
  }, 180_000);

  it("exits 5 and says so when a mandatory policy fires, and an apply of that plan is refused", async () => {
    flow.git("checkout", "-qb", "db-2");
    await flow.project.pulumi(["config", "set", "--path", "memoryMb.db-2", "8192"]);
    flow.git("commit", "-qam", "grow db-2");
    const plan = await flow.kit(["plan", "--stack", "e2e", "--policy-pack-config", "policy-mandatory.json"], "plan");
    expect(plan.code, plan.stderr).toBe(5);
    expect(plan.md.split("\n")[0]).toBe("## Plan of `cloudtower-fleet/e2e`: blocked by a mandatory policy");
    expect(plan.md).toMatch(/\*\*Mandatory\*\* \(2\): blocks the apply/);
    const apply = await flow.kit(
      ["apply", "--stack", "e2e", "--manifest", join(plan.out, "manifest.json"), "--policy-pack-config", "policy-mandatory.json"],
      "apply",
    );
    expect(apply.code).toBe(1);
    expect(apply.md).toContain('the plan\'s outcome was "policy-blocked": it approves nothing');
    expect((await vms(flow.sim))["db-2"]).toBe(4096);
  }, 120_000);

  it("refuses an apply when the state changed between plan and apply, or the commit moved on", async () => {
    const plan = await flow.kit(PLAN, "plan");
    expect(plan.code, plan.stderr).toBe(2);
    await flow.project.pulumi(["refresh", "--yes"]);
    const stale = await flow.kit(APPLY(join(plan.out, "manifest.json")), "apply");
    expect(stale.code).toBe(1);
    expect(stale.json.outcome).toBe("refused");
    expect(stale.md).toMatch(
      /### Why it was refused\n\n```text\nthe stack's state changed since the plan \(sha256 \w{12} → \w{12}, 12 → 12 resources; last: refresh succeeded at .*\): plan again\n```/,
    );
    const again = await flow.kit(PLAN, "plan");
    await flow.project.pulumi(["config", "set", "--path", "memoryMb.db-2", "6144"]);
    flow.git("commit", "-qam", "db-2 at 6 GB after all");
    const moved = await flow.kit(APPLY(join(again.out, "manifest.json")), "apply");
    expect(moved.code).toBe(1);
    expect(moved.md).toMatch(/the commit differs: planned \w{12} \(tree \w{12}\), now \w{12} \(tree \w{12}\); the files changed since the plan: plan again/);
    expect((await vms(flow.sim))["db-2"]).toBe(4096);
    flow.git("checkout", "-q", "main");
  }, 180_000);

  it("finds an out-of-band rename (exit 7, the resource and property named), remediates it, then finds none", async () => {
    await renameAtVendor(flow.sim, "web-3", "web-3-by-hand");
    const found = await flow.kit(["drift", "--stack", "e2e"], "drift");
    expect(found.code, found.stderr).toBe(7);
    expect(found.md).toContain("**1 drifted at the vendor (0 gone, 1 changed), the program matches the state**");
    expect(found.md).toContain('- **update** `cloudtower:Vm` **web-3**\n  - `name`: state `"web-3"` → vendor `"web-3-by-hand"`');
    expect(found.json.drift).toEqual([
      expect.objectContaining({ name: "web-3", op: "update", changes: [{ path: "name", old: "web-3", new: "web-3-by-hand" }] }),
    ]);
    const opened = await flow.spawnKit(["post", "--stack", "e2e", "--report", found.out], gitlab());
    expect(opened.code, opened.stderr).toBe(0);
    expect(gl.issues).toEqual([
      expect.objectContaining({ title: "Drift: cloudtower-fleet/e2e", labels: ["pulumi-drift"], state: "opened", description: `${MARKER}\n${found.md}` }),
    ]);
    const fixed = await flow.kit(["drift", "--stack", "e2e", "--remediate"], "drift");
    expect(fixed.code, fixed.md).toBe(0);
    expect(fixed.json.outcome).toBe("remediated");
    expect(Object.keys(await vms(flow.sim))).toContain("web-3");
    const clean = await flow.kit(["drift", "--stack", "e2e"], "drift");
    expect(clean.code, clean.md).toBe(0);
    expect(clean.md.split("\n")[0]).toBe("## Drift check of `cloudtower-fleet/e2e`: no drift");
    const closed = await flow.spawnKit(["post", "--stack", "e2e", "--report", clean.out], gitlab());
    expect(closed.code, closed.stderr).toBe(0);
    expect(closed.stdout).toMatch(/: closed drift issue #\d+ in GitLab project 42/);
    expect(gl.issues).toEqual([expect.objectContaining({ state: "closed" })]);
    expect(gl.notesOn("Issue", gl.issues[0].iid)).toEqual([expect.objectContaining({ body: clean.md })]);
    expect(gl.violations).toEqual([]);
  }, 180_000);

  it("writes no secret config value, password or passphrase into any Markdown, JSON or log", () => {
    const written = [...filesUnder(flow.outRoot), ...flow.outputs].join("\n");
    expect(written.length).toBeGreaterThan(10_000);
    for (const secret of [PASSWORD, GUEST_PASSWORD, flow.project.env.PULUMI_CONFIG_PASSPHRASE!, GITHUB_TOKEN, GITLAB_TOKEN])
      expect(written).not.toContain(secret);
    const posted = [...gh.comments.map((c) => c.body), ...gl.issues.map((i) => i.description), ...gl.notes.map((n) => n.body)].join("\n");
    for (const secret of [PASSWORD, GUEST_PASSWORD, flow.project.env.PULUMI_CONFIG_PASSPHRASE!, GITHUB_TOKEN, GITLAB_TOKEN])
      expect(posted).not.toContain(secret);
    expect(written).toContain("[secret]");
  });
}

/** Plans a committed change on main (db-2's memory) and returns the manifest's path. */
async function planOnMain(flow: Flow, memoryMb: number): Promise<string> {
  flow.git("checkout", "-q", "main");
  await flow.project.pulumi(["config", "set", "--path", "memoryMb.db-2", String(memoryMb)]);
  flow.git("commit", "-qam", `db-2 at ${memoryMb} MiB`);
  const plan = await flow.kit(PLAN, "plan");
  expect(plan.code, plan.stderr).toBe(2);
  return join(plan.out, "manifest.json");
}

/** Updates recorded in the stack's history. */
async function updates(flow: Flow): Promise<number> {
  const history = JSON.parse((await flow.project.pulumi(["stack", "history", "--json"])).stdout) as Array<{ kind: string }>;
  return history.filter((h) => h.kind === "update").length;
}

/**
 * Locks: two applies of one plan at once never both apply (the second waits for the lock and is refused,
 * since the state moved, or it meets the state already moved); a lock left by a killed runner stops an apply
 * with a message naming it, and is removed after --lock-expiry, which the report says.
 */
export function lockTests(flow: Flow, backend: string): void {
  it(`lets one of two applies at once apply, and refuses the other (${backend})`, async () => {
    const manifest = await planOnMain(flow, 6144);
    const before = await updates(flow);
    const args = [...APPLY(manifest), "--lock-wait", "3m"];
    const outs = [join(flow.outRoot, "concurrent-a"), join(flow.outRoot, "concurrent-b")];
    const results = await Promise.all(outs.map((out) => flow.spawnKit([...args, "--out", out])));
    const reports = outs.map((out) => JSON.parse(readFileSync(join(out, "apply.json"), "utf8")));
    console.log(
      `[${backend}] two applies at once: ${reports.map((r, i) => `exit ${results[i].code} ${r.outcome}: ${[...r.errors, ...r.notes].join(" | ")}`).join(" || ")}`,
    );
    expect(results.map((r) => r.code).sort()).toEqual([0, 1]);
    const refused = reports.find((r) => r.outcome === "refused");
    // Refused either by the state check (it waited for the lock) or by its fresh preview, taken while the
    // other apply was under way (previews take no lock): either way it changed nothing.
    expect(refused.errors.join("\n")).toMatch(/the stack's state changed since the plan|approved steps that a fresh preview no longer has/);
    expect(await updates(flow)).toBe(before + 1);
    expect((await vms(flow.sim))["db-2"]).toBe(6144);
  }, 300_000);

  it(`names the lock a killed runner left, and removes it after the lock expiry, saying so (${backend})`, async () => {
    const manifest = await planOnMain(flow, 4096);
    // A runner killed while it held the lock: its program waits on a slow login when it is killed.
    await flow.sim.control("POST", "/_sim/faults", { path: "/v2/api/login", delayMs: 20_000, count: 1 });
    const runner = spawn("pulumi", ["up", "--yes", "--skip-preview", "--non-interactive"], {
      cwd: flow.project.dir,
      env: flow.project.env,
      detached: true,
      stdio: "ignore",
    });
    for (let i = 0; ; i++) {
      const [rule] = (await flow.sim.control("GET", "/_sim/faults")) as Array<{ remaining: number }>;
      if (!rule || rule.remaining === 0) break;
      if (i > 600) throw new Error("the runner never reached the vendor");
      await new Promise((r) => setTimeout(r, 100));
    }
    process.kill(-runner.pid!, "SIGKILL");
    await new Promise((r) => runner.once("exit", r));
    await flow.sim.control("DELETE", "/_sim/faults");
    const blocked = await flow.kit(APPLY(manifest), "apply");
    expect(blocked.code).toBe(1);
    expect(blocked.md).toMatch(
      /the stack is locked by \S+@\S+ \(pid \d+\) since \S+: another run is applying it; retry when it ends, or raise --lock-wait, or set --lock-expiry/,
    );
    let recovered = await flow.kit([...APPLY(manifest), "--lock-expiry", "1s"], "apply");
    expect(recovered.md).toMatch(
      /removed the stack's lock held by \S+@\S+ \(pid \d+\) since \S+: older than the lock expiry of 1s, taken as left by a killed runner/,
    );
    if (recovered.code !== 0) {
      // The killed run may have written the state before it died: the apply then asks for a new plan.
      expect(recovered.md).toMatch(/the stack's state changed since the plan/);
      const again = await flow.kit(PLAN, "plan");
      recovered = await flow.kit(APPLY(join(again.out, "manifest.json")), "apply");
    }
    expect(recovered.code, recovered.md).toBe(0);
    expect((await vms(flow.sim))["db-2"]).toBe(4096);
  }, 300_000);
}
