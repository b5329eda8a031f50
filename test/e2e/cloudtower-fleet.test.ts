/**
 * The CloudTower example fleet through the real Pulumi CLI against the simulator: up, refresh with no
 * changes, an update (one more web VM, bigger databases), a preview with the expected diff, destroy, and
 * the simulator's inventory back to its seed; the exported state holds no credential and the web VMs'
 * cloud-init password only as a secret.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as cloudtower from "../../provider/cloudtower";
import { APPLIANCE, createCloudTowerSimulator } from "../../simulator/cloudtower";
import { Sim, startSim } from "../helpers/sim";
import { Project, ROOT, SKIP_REASON, deployment, makeProject, packedTarball, pulumiOnPath } from "./harness";

const PASSWORD = "e2e-tower-password-81c2";
const GUEST_PASSWORD = "e2e-guest-password-5e01";
const haveCli = pulumiOnPath();
if (!haveCli && process.env.CI) throw new Error(`the e2e tests must run in CI: ${SKIP_REASON}`);
if (!haveCli) console.warn(`skipping the CloudTower fleet e2e test: ${SKIP_REASON}`);

describe.skipIf(!haveCli)("the CloudTower fleet through the real Pulumi CLI", () => {
  let sim: Sim;
  let project: Project;
  const vms = () => sim.inventory<{ name: string; memory: number }>("vms");
  const seedVms = async () => (await vms()).map((v) => v.name).sort();
  let before: string[];

  beforeAll(async () => {
    sim = await startSim(createCloudTowerSimulator({ taskMs: 200 }));
    const url = sim.url;
    await sim.control("POST", "/_sim/seed", { users: [{ username: "ops", password: PASSWORD }] });
    before = await seedVms();
    const tarball = packedTarball();
    project = await makeProject(join(ROOT, "examples/cloudtower-fleet"), tarball, "e2e");
    const set = project.set;
    await set("cloudtower:endpoint", url);
    await set("cloudtower:username", "ops");
    await set("cloudtower:password", PASSWORD, true);
    await set("cloudtower:pollIntervalMs", "100");
    await set("clusterName", "cluster-a");
    await set("vdsName", "cluster-a-vds-vm");
    await set("templateName", "debian-12");
    await set("webPassword", GUEST_PASSWORD, true);
  }, 300_000);

  afterAll(async () => {
    await sim?.stop();
  });

  it("creates the fleet with `pulumi up`", async () => {
    const up = await project.pulumi(["up", "--yes", "--skip-preview"]);
    expect(up.stdout).toMatch(/\+ 10 created/);
    expect(await seedVms()).toEqual([...before, "db-1", "db-2", "web-1", "web-2", "web-3"].sort());
    const out = JSON.parse((await project.pulumi(["stack", "output", "--json"])).stdout);
    expect(out.webVms).toHaveLength(3);
    expect(out.snapshots[0][0]).toMatch(/-snapshot-/);
  }, 180_000);

  it("refreshes with no changes", async () => {
    await project.pulumi(["refresh", "--yes", "--expect-no-changes"]);
  }, 120_000);

  it("previews the expected diff of a change, then applies it", async () => {
    await project.pulumi(["config", "set", "webCount", "4"]);
    await project.pulumi(["config", "set", "dbMemoryMb", "8192"]);
    const preview = await project.pulumi(["preview", "--diff"]);
    const token = cloudtower.Vm.__pulumiType.replace(/[/.]/g, "\\$&");
    expect(preview.stdout).toMatch(new RegExp(`\\+ ${token}: \\(create\\)[\\s\\S]*web-4`));
    expect(preview.stdout).toMatch(/~ memoryMb\s*: 4096 => 8192/);
    expect(preview.stdout).toMatch(/\+ 1 to create[\s\S]*~ 2 to update/);
    const up = await project.pulumi(["up", "--yes", "--skip-preview"]);
    expect(up.stdout).toMatch(/\+ 1 created[\s\S]*~ 2 updated/);
    expect((await vms()).filter((v) => v.name.startsWith("db-")).map((v) => v.memory)).toEqual([8 * 1024 ** 3, 8 * 1024 ** 3]);
    await project.pulumi(["preview", "--expect-no-changes"]);
  }, 180_000);

  it("keeps credentials out of the state and the cloud-init password a secret, also after a refresh", async () => {
    await project.pulumi(["refresh", "--yes", "--expect-no-changes"]);
    const exported = (await project.pulumi(["stack", "export"])).stdout;
    expect(exported).not.toContain(PASSWORD);
    expect(exported).not.toContain(APPLIANCE.password);
    expect(exported).not.toContain(GUEST_PASSWORD);
    for (const token of await sim.control("GET", "/_sim/cloudtower/tokens")) expect(exported).not.toContain(token);
    // The web VMs' template (with its cloud-init password) is a secret in their inputs and outputs.
    const web = deployment(exported).resources.find((r) => r.type === cloudtower.Vm.__pulumiType && r.urn.endsWith("::web-1"))!;
    expect(JSON.stringify(web.inputs!.template)).toMatch(/4dabf18193072939515e22adb298388d/);
    expect(JSON.stringify(web.outputs!.template)).toMatch(/4dabf18193072939515e22adb298388d/);
    const shown = (await project.pulumi(["stack", "export", "--show-secrets"])).stdout;
    expect(shown).toContain(GUEST_PASSWORD);
  }, 120_000);

  it("fails the preview with the look-up's own message when the named cluster does not exist, and changes nothing", async () => {
    await project.pulumi(["config", "set", "clusterName", "cluster-z"]);
    const failed = await project.pulumi(["preview"], { allowFail: true });
    await project.pulumi(["config", "set", "clusterName", "cluster-a"]);
    expect(failed.code).not.toBe(0);
    expect(failed.stdout + failed.stderr).toMatch(/cloudtower\.getCluster: no cluster has name "cluster-z" at the cloudtower endpoint; the 2 there: cluster-a/);
    await project.pulumi(["preview", "--expect-no-changes"]);
  }, 120_000);

  it("destroys everything it made and leaves the simulator as seeded", async () => {
    const d = await project.pulumi(["destroy", "--yes", "--skip-preview"]);
    expect(d.stdout).toMatch(/- 11 deleted/);
    expect(await seedVms()).toEqual(before);
    expect(await sim.inventory("vmSnapshots")).toEqual([]);
    expect((await sim.inventory<{ name: string }>("vlans")).map((v) => v.name)).toEqual(["default", "default"]);
  }, 180_000);
});
