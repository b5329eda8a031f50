/**
 * The ChimeStack and CVM examples through the real Pulumi CLI against their simulators: up, refresh with
 * no changes, an update, destroy; ChimeStack's inventory ends empty, CVM's VPSes are untouched but in
 * their last desired power state; no credential in the exported state.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SimServer } from "../../simulator/core";
import { DEMO, createChimeStackSimulator } from "../../simulator/chimestack";
import { createCvmSimulator } from "../../simulator/cvm";
import { Project, ROOT, SKIP_REASON, makeProject, packedTarball, pulumiOnPath } from "./harness";

const haveCli = pulumiOnPath();
if (!haveCli && process.env.CI) throw new Error(`the e2e tests must run in CI: ${SKIP_REASON}`);
if (!haveCli) console.warn(`skipping the ChimeStack and CVM e2e tests: ${SKIP_REASON}`);

const tarball = haveCli ? packedTarball() : "";

describe.skipIf(!haveCli)("the ChimeStack cluster example through the real Pulumi CLI", () => {
  let sim: SimServer;
  let vendor: ReturnType<typeof createChimeStackSimulator>;
  let project: Project;

  beforeAll(async () => {
    vendor = createChimeStackSimulator({ createMs: 300, transitionMs: 100 });
    sim = new SimServer(vendor);
    const url = await sim.start();
    project = await makeProject(join(ROOT, "examples/chimestack-cluster"), tarball, "e2e");
    const set = (k: string, v: string, secret = false) => project.pulumi(["config", "set", ...(secret ? ["--secret"] : []), k, v]);
    await set("chimestack:endpoint", url);
    await set("chimestack:username", DEMO.user);
    await set("chimestack:password", DEMO.password, true);
    await set("chimestack:pollIntervalMs", "50");
    for (const [k, v] of [["azUuid", DEMO.az], ["instanceSpecUuid", DEMO.instanceSpec], ["volumeSpecUuid", DEMO.volumeSpec], ["imageUuid", DEMO.image], ["securityGroupUuid", DEMO.securityGroup]]) await set(k, v);
  }, 300_000);

  afterAll(async () => {
    await sim?.stop();
  });

  const inventory = async () => (await fetch(`${sim.url}/_sim/inventory`)).json() as Promise<Record<string, Array<Record<string, unknown>>>>;

  it("creates, refreshes with no changes, stops the app VMs in place, and destroys to an empty inventory", async () => {
    const up = await project.pulumi(["up", "--yes", "--skip-preview"]);
    expect(up.stdout).toMatch(/\+ 7 created/);
    expect((await inventory()).vms.map((v) => v.state)).toEqual([1, 1, 1]);
    await project.pulumi(["refresh", "--yes", "--expect-no-changes"]);
    await project.pulumi(["config", "set", "appPower", "stopped"]);
    const update = await project.pulumi(["up", "--yes", "--skip-preview"]);
    expect(update.stdout).toMatch(/~ 2 updated/);
    expect((await inventory()).vms.map((v) => `${v.name}:${v.state}`).sort()).toEqual(["app-1:2", "app-2:2", "db-1:1"]);
    await project.pulumi(["preview", "--expect-no-changes"]);
    const exported = (await project.pulumi(["stack", "export"])).stdout;
    expect(exported).not.toContain(DEMO.password);
    const d = await project.pulumi(["destroy", "--yes", "--skip-preview"]);
    expect(d.stdout).toMatch(/- 7 deleted/);
    expect(await inventory()).toEqual({ clusters: [], networks: [], subnets: [], vms: [], volumes: [], nics: [] });
  }, 300_000);
});

describe.skipIf(!haveCli)("the CVM fleet example through the real Pulumi CLI", () => {
  let sim: SimServer;
  let vendor: ReturnType<typeof createCvmSimulator>;
  let project: Project;

  beforeAll(async () => {
    vendor = createCvmSimulator({ transitionMs: 100 });
    sim = new SimServer(vendor);
    const url = await sim.start();
    project = await makeProject(join(ROOT, "examples/cvm-fleet"), tarball, "e2e");
    await project.pulumi(["config", "set", "cvm:endpoint", url]);
    await project.pulumi(["config", "set", "cvm:publicToken", "demo-public"]);
    await project.pulumi(["config", "set", "--secret", "cvm:privateToken", "demo-private"]);
  }, 300_000);

  afterAll(async () => {
    await sim?.stop();
  });

  const status = (id: string) => vendor.state.status(vendor.state.vpses.get(id)!);

  it("adopts, refreshes with no changes, starts the database VPS, and releases the fleet untouched", async () => {
    const up = await project.pulumi(["up", "--yes", "--skip-preview"]);
    expect(up.stdout).toMatch(/\+ 4 created/);
    expect([status("101"), status("102"), status("103")]).toEqual(["running", "running", "stopped"]);
    await project.pulumi(["refresh", "--yes", "--expect-no-changes"]);
    await project.pulumi(["config", "set", "dbPower", "running"]);
    expect((await project.pulumi(["up", "--yes", "--skip-preview"])).stdout).toMatch(/~ 1 updated/);
    expect(status("103")).toBe("running");
    expect((await project.pulumi(["stack", "export"])).stdout).not.toContain("demo-private");
    const operations = [...vendor.state.vpses.values()].map((v) => v.operations);
    const d = await project.pulumi(["destroy", "--yes", "--skip-preview"]);
    expect(d.stdout).toMatch(/- 4 deleted/);
    expect(d.stdout).toMatch(/cannot destroy a VPS/);
    // Released, not touched: same operations, last desired power states kept, nothing deleted.
    expect([...vendor.state.vpses.values()].map((v) => v.operations)).toEqual(operations);
    expect([status("101"), status("102"), status("103")]).toEqual(["running", "running", "running"]);
    expect(vendor.state.vpses.size).toBe(6);
  }, 300_000);
});
