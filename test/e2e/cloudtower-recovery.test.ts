/**
 * Through the real Pulumi CLI against CloudTower simulators: creates whose waits pass their deadline are
 * recorded (partial creates) and the next `up` goes on with them; a `pulumi up` killed with SIGKILL while
 * its VMs are being made is followed by an `up` that takes them up by their ownership markers, with
 * exactly one VM per resource at the vendor; and one stack reaching two CloudTower endpoints.
 */
import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCloudTowerSimulator } from "../../simulator/cloudtower";
import { CLUSTER_A } from "../helpers/cloudtower";
import { startSim, Sim } from "../helpers/sim";
import { Project, SKIP_REASON, deployment, jsProject, makeInlineProject, packedTarball, pulumiOnPath } from "./harness";

const haveCli = pulumiOnPath();
if (!haveCli && process.env.CI) throw new Error(`the e2e tests must run in CI: ${SKIP_REASON}`);
if (!haveCli) console.warn(`skipping the CloudTower recovery e2e test: ${SKIP_REASON}`);

const OPS = { username: "ops", password: "e2e-tower-ops-3c9d" };

const fleet = `
const pulumi = require("@pulumi/pulumi");
const { cloudtower } = require("pulumi-private-cloud");
const config = new pulumi.Config();
const timeoutSeconds = config.getNumber("timeoutSeconds") || 60;
for (let i = 0; i < 3; i++) new cloudtower.Vm("vm-" + i, { name: "vm-" + i, clusterId: "${CLUSTER_A}", timeoutSeconds });
`;

async function towerProject(name: string, program: string, sim: Sim): Promise<Project> {
  await sim.control("POST", "/_sim/seed", { users: [OPS] });
  const p = await makeInlineProject(jsProject(name, program), packedTarball());
  for (const [k, v] of Object.entries({ "cloudtower:endpoint": sim.url, "cloudtower:username": OPS.username, "cloudtower:pollIntervalMs": "100" }))
    await p.pulumi(["config", "set", k, v]);
  await p.pulumi(["config", "set", "--secret", "cloudtower:password", OPS.password]);
  return p;
}

/** The VMs the stack made (not the seed's), at the vendor and in the state: ids sorted. */
async function agree(p: Project, sim: Sim) {
  const vendor = (await sim.inventory<{ id: string; name: string }>("vms"))
    .filter((v) => v.name.startsWith("vm-"))
    .map((v) => v.id)
    .sort();
  const { resources, pending } = deployment((await p.pulumi(["stack", "export"])).stdout);
  const state = resources
    .filter((r) => r.type.endsWith("cloudtower:Vm"))
    .map((r) => r.id!)
    .sort();
  return { vendor, state, pending };
}

describe.skipIf(!haveCli)("CloudTower creates that fail half way, through the real Pulumi CLI", () => {
  let sim: Sim;
  let project: Project;

  beforeAll(async () => {
    sim = await startSim(createCloudTowerSimulator({ taskMs: 2500 }));
    project = await towerProject("tower-deadline", fleet, sim);
  }, 300_000);
  afterAll(async () => sim?.stop());

  it("records the VMs whose create waits pass their deadline, and the next up goes on with them", async () => {
    await project.pulumi(["config", "set", "timeoutSeconds", "1"]);
    const first = await project.pulumi(["up", "--yes", "--skip-preview"], { allowFail: true });
    expect(first.code).not.toBe(0);
    expect(first.stdout + first.stderr).toMatch(/timed out after 1s waiting for VM vm-\d to be created/);
    const half = await agree(project, sim);
    expect(half.vendor).toHaveLength(3);
    expect(half.state).toEqual(half.vendor);

    await project.pulumi(["config", "set", "timeoutSeconds", "60"]);
    await project.pulumi(["up", "--yes", "--skip-preview"]);
    const done = await agree(project, sim);
    expect(done).toEqual({ vendor: half.vendor, state: half.vendor, pending: [] });
    expect((await sim.inventory<{ name: string; status: string }>("vms")).filter((v) => v.name.startsWith("vm-")).map((v) => v.status)).toEqual([
      "RUNNING",
      "RUNNING",
      "RUNNING",
    ]);
    await project.pulumi(["preview", "--expect-no-changes"]);
  }, 240_000);

  it("after SIGKILL of pulumi up mid-create, the next up takes up the VMs by their markers and makes no duplicate", async () => {
    await project.pulumi(["destroy", "--yes", "--skip-preview"]);
    const up = spawn("pulumi", ["up", "--yes", "--skip-preview", "--non-interactive"], { cwd: project.dir, env: project.env, detached: true, stdio: "ignore" });
    try {
      for (let i = 0; ; i++) {
        const made = (await sim.inventory<{ name: string }>("vms")).filter((v) => v.name.startsWith("vm-"));
        if (made.length === 3) break;
        if (i > 600) throw new Error("the VMs never appeared at the vendor");
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      process.kill(-up.pid!, "SIGKILL");
    }
    await new Promise((r) => up.once("exit", r));
    const killed = await agree(project, sim);
    expect(killed.vendor).toHaveLength(3);
    expect(killed.state.filter(Boolean)).toEqual([]);

    expect(killed.pending).toHaveLength(3);
    // The CLI's advice after an interrupted update: cancel it (the file backend keeps its lock), `up` again
    // (the creates take up the VMs by their markers), and clear the interrupted creates with a refresh.
    await project.pulumi(["cancel", "--yes"], { allowFail: true });
    const again = await project.pulumi(["up", "--yes", "--skip-preview"]);
    expect(again.stdout).toMatch(/3 created/);
    expect((await agree(project, sim)).state).toEqual(killed.vendor);
    await project.pulumi(["refresh", "--yes", "--clear-pending-creates"]);
    expect(await agree(project, sim)).toEqual({ vendor: killed.vendor, state: killed.vendor, pending: [] });
    await project.pulumi(["preview", "--expect-no-changes"]);
    await project.pulumi(["destroy", "--yes", "--skip-preview"]);
    expect((await agree(project, sim)).vendor).toEqual([]);
  }, 240_000);
});

describe.skipIf(!haveCli)("one stack, two CloudTower endpoints", () => {
  let siteA: Sim;
  let siteB: Sim;
  let project: Project;
  const SITE_B = { username: "ops-b", password: "e2e-site-b-pass-77aa" };

  beforeAll(async () => {
    siteA = await startSim(createCloudTowerSimulator({ taskMs: 100 }));
    siteB = await startSim(createCloudTowerSimulator({ taskMs: 100 }));
    await siteB.control("POST", "/_sim/seed", { users: [SITE_B] });
    const program = `
const { cloudtower } = require("pulumi-private-cloud");
new cloudtower.Vm("a", { name: "app-a", clusterId: "${CLUSTER_A}" });
new cloudtower.Vm("b", { name: "app-b", clusterId: "${CLUSTER_A}", endpoint: "site-b" });
`;
    project = await towerProject("tower-two-sites", program, siteA);
    await project.pulumi(["config", "set", "cloudtower-site-b:endpoint", siteB.url]);
    await project.pulumi(["config", "set", "cloudtower-site-b:username", SITE_B.username]);
    await project.pulumi(["config", "set", "--secret", "cloudtower-site-b:password", SITE_B.password]);
  }, 300_000);
  afterAll(async () => {
    await siteA?.stop();
    await siteB?.stop();
  });

  const names = async (sim: Sim) => (await sim.inventory<{ name: string }>("vms")).map((v) => v.name).filter((n) => n.startsWith("app-"));

  it("creates each VM at its own endpoint, refreshes with no change, and keeps both passwords out of the state", async () => {
    await project.pulumi(["up", "--yes", "--skip-preview"]);
    expect(await names(siteA)).toEqual(["app-a"]);
    expect(await names(siteB)).toEqual(["app-b"]);
    await project.pulumi(["refresh", "--yes", "--expect-no-changes"]);
    const exported = (await project.pulumi(["stack", "export"])).stdout;
    expect(exported).not.toContain(OPS.password);
    expect(exported).not.toContain(SITE_B.password);
  }, 180_000);

  it("destroys at both endpoints", async () => {
    await project.pulumi(["destroy", "--yes", "--skip-preview"]);
    expect(await names(siteA)).toEqual([]);
    expect(await names(siteB)).toEqual([]);
  }, 120_000);
});
