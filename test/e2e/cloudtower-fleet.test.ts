/**
 * The CloudTower example fleet through the real Pulumi CLI against the simulator: up, refresh with no
 * changes, an update (one more web VM, bigger databases), a preview with the expected diff, destroy, and
 * the simulator's inventory back to its seed; the exported state holds no credential.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SimServer } from "../../simulator/core";
import { APPLIANCE, createCloudTowerSimulator } from "../../simulator/cloudtower";
import { Project, ROOT, SKIP_REASON, makeProject, packedTarball, pulumiOnPath } from "./harness";

const PASSWORD = "e2e-tower-password-81c2";
const haveCli = pulumiOnPath();
if (!haveCli && process.env.CI) throw new Error(`the e2e tests must run in CI: ${SKIP_REASON}`);
if (!haveCli) console.warn(`skipping the CloudTower fleet e2e test: ${SKIP_REASON}`);

describe.skipIf(!haveCli)("the CloudTower fleet through the real Pulumi CLI", () => {
  let sim: SimServer;
  let vendor: ReturnType<typeof createCloudTowerSimulator>;
  let project: Project;
  const seedVms = () => vendor.state.list("vms").map((v) => String(v.name)).sort();
  let before: string[];

  beforeAll(async () => {
    vendor = createCloudTowerSimulator({ taskMs: 200 });
    vendor.state.users.set("ops", { password: PASSWORD, source: "LOCAL" });
    sim = new SimServer(vendor);
    const url = await sim.start();
    before = seedVms();
    const tarball = packedTarball();
    project = await makeProject(join(ROOT, "examples/cloudtower-fleet"), tarball, "e2e");
    const set = (k: string, v: string, secret = false) => project.pulumi(["config", "set", ...(secret ? ["--secret"] : []), k, v]);
    await set("cloudtower:endpoint", url);
    await set("cloudtower:username", "ops");
    await set("cloudtower:password", PASSWORD, true);
    await set("cloudtower:pollIntervalMs", "100");
    await set("clusterId", "cl0c1uster00000000000000a");
    await set("vdsId", "cvdc1uster00000000000000a");
    await set("templateId", "cl0temp1ate0000000000deb1");
  }, 300_000);

  afterAll(async () => {
    await sim?.stop();
  });

  it("creates the fleet with `pulumi up`", async () => {
    const up = await project.pulumi(["up", "--yes", "--skip-preview"]);
    expect(up.stdout).toMatch(/\+ 10 created/);
    expect(seedVms()).toEqual([...before, "db-1", "db-2", "web-1", "web-2", "web-3"].sort());
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
    expect(preview.stdout).toMatch(/\+ pulumi-nodejs:dynamic\/cloudtower:Vm: \(create\)[\s\S]*web-4/);
    expect(preview.stdout).toMatch(/~ memoryMb\s*: 4096 => 8192/);
    expect(preview.stdout).toMatch(/\+ 1 to create[\s\S]*~ 2 to update/);
    const up = await project.pulumi(["up", "--yes", "--skip-preview"]);
    expect(up.stdout).toMatch(/\+ 1 created[\s\S]*~ 2 updated/);
    expect(vendor.state.list("vms").filter((v) => String(v.name).startsWith("db-")).map((v) => v.memory)).toEqual([8 * 1024 ** 3, 8 * 1024 ** 3]);
    await project.pulumi(["preview", "--expect-no-changes"]);
  }, 180_000);

  it("keeps credentials out of the state", async () => {
    const exported = (await project.pulumi(["stack", "export"])).stdout;
    expect(exported).not.toContain(PASSWORD);
    expect(exported).not.toContain(APPLIANCE.password);
    for (const token of vendor.state.tokens) expect(exported).not.toContain(token);
  }, 60_000);

  it("destroys everything it made and leaves the simulator as seeded", async () => {
    const d = await project.pulumi(["destroy", "--yes", "--skip-preview"]);
    expect(d.stdout).toMatch(/- 11 deleted/);
    expect(seedVms()).toEqual(before);
    expect(vendor.state.list("vmSnapshots")).toEqual([]);
    expect(vendor.state.list("vlans").map((v) => v.name)).toEqual(["default", "default"]);
  }, 180_000);
});
