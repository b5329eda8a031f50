/**
 * The ChimeStack and CVM examples through the real Pulumi CLI against their simulators (reached only
 * through HTTP), each naming what it uses (looked up by name): a preview of the fresh stack, up, refresh
 * with no changes, an update, destroy; ChimeStack's inventory ends as it began, CVM's VPSes are untouched
 * but in their last desired power state; no credential and no VM password in the exported state.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO, createChimeStackSimulator } from "../../simulator/chimestack";
import { createCvmSimulator } from "../../simulator/cvm";
import { Sim, startSim } from "../helpers/sim";
import * as chimestack from "../../provider/chimestack";
import { Project, ROOT, SKIP_REASON, deployment, makeProject, packedTarball, pulumiOnPath } from "./harness";

const haveCli = pulumiOnPath();
if (!haveCli && process.env.CI) throw new Error(`the e2e tests must run in CI: ${SKIP_REASON}`);
if (!haveCli) console.warn(`skipping the ChimeStack and CVM e2e tests: ${SKIP_REASON}`);

const tarball = haveCli ? packedTarball() : "";

describe.skipIf(!haveCli)("the ChimeStack cluster example through the real Pulumi CLI", () => {
  const VM_PASSWORD = "e2e-vm-root-pass-41c7";
  let sim: Sim;
  let project: Project;

  beforeAll(async () => {
    sim = await startSim(createChimeStackSimulator({ createMs: 300, transitionMs: 100 }));
    project = await makeProject(join(ROOT, "examples/chimestack-cluster"), tarball, "e2e");
    const set = project.set;
    await set("chimestack:endpoint", sim.url);
    await set("chimestack:username", DEMO.user);
    await set("chimestack:password", DEMO.password, true);
    await set("chimestack:pollIntervalMs", "50");
    await set("vmPassword", VM_PASSWORD, true);
    for (const [k, v] of [
      ["azName", "az-1"],
      ["instanceSpecName", "small"],
      ["volumeSpecName", "ssd"],
      ["imageName", "ubuntu-22.04"],
      ["securityGroupName", "default"],
    ])
      await set(k, v);
  }, 300_000);

  afterAll(async () => {
    await sim?.stop();
  });

  const exported = async () => (await project.pulumi(["stack", "export"])).stdout;

  it("previews the fresh stack, whose networks and VMs name a cluster not made yet", async () => {
    const preview = await project.pulumi(["preview"]);
    expect(preview.stdout).toMatch(/\+ 7 to create/);
    // Reads only: the look-ups' and the checks' (a session's login and logout aside).
    expect((await sim.requests()).filter((r) => r.method !== "GET" && r.path !== "/v1/login" && r.path !== "/v1/logout")).toEqual([]);
  }, 300_000);

  it("creates on the AZ, spec, image and security group it names, refreshes with no changes, stops the app VMs in place, and destroys to the inventory it began with, the VM passwords never in the state", async () => {
    const before = await sim.control("GET", "/_sim/inventory");
    const up = await project.pulumi(["up", "--yes", "--skip-preview"]);
    expect(up.stdout).toMatch(/\+ 7 created/);
    // Running in az-1, sized by the instance spec "small" (1 vCPU, 1 GiB).
    const vms = await sim.inventory<{ state: number; az_uuid: string; vcpus: number; memory: number }>("vms");
    expect(vms.map((v) => [v.state, v.az_uuid, v.vcpus, v.memory])).toEqual([1, 1, 1].map((s) => [s, DEMO.az, 1, 1024 ** 3]));
    const afterUp = await exported();
    expect(afterUp).not.toContain(VM_PASSWORD);
    // The password input and the hash output of each VM are secrets: encrypted in the state.
    for (const r of deployment(afterUp).resources.filter((x) => x.type === chimestack.Vm.__pulumiType)) {
      expect(JSON.stringify(r.inputs!.password)).toMatch(/4dabf18193072939515e22adb298388d.*ciphertext/);
      expect(JSON.stringify(r.outputs!.secretsHash)).toMatch(/4dabf18193072939515e22adb298388d.*ciphertext/);
    }
    await project.pulumi(["refresh", "--yes", "--expect-no-changes"]);
    expect(await exported()).not.toContain(VM_PASSWORD);
    await project.pulumi(["config", "set", "appPower", "stopped"]);
    const update = await project.pulumi(["up", "--yes", "--skip-preview"]);
    expect(update.stdout).toMatch(/~ 2 updated/);
    expect((await sim.inventory("vms")).map((v) => `${v.name}:${v.state}`).sort()).toEqual(["app-1:2", "app-2:2", "db-1:1"]);
    await project.pulumi(["preview", "--expect-no-changes"]);
    const state = await exported();
    expect(state).not.toContain(DEMO.password);
    expect(state).not.toContain(VM_PASSWORD);
    const d = await project.pulumi(["destroy", "--yes", "--skip-preview"]);
    expect(d.stdout).toMatch(/- 7 deleted/);
    expect(await sim.control("GET", "/_sim/inventory")).toEqual(before);
  }, 300_000);
});

describe.skipIf(!haveCli)("the CVM fleet example through the real Pulumi CLI", () => {
  let sim: Sim;
  let project: Project;

  beforeAll(async () => {
    sim = await startSim(createCvmSimulator({ transitionMs: 100 }));
    project = await makeProject(join(ROOT, "examples/cvm-fleet"), tarball, "e2e");
    await project.pulumi(["config", "set", "cvm:endpoint", sim.url]);
    await project.pulumi(["config", "set", "cvm:publicToken", "demo-public"]);
    await project.pulumi(["config", "set", "--secret", "cvm:privateToken", "demo-private"]);
  }, 300_000);

  afterAll(async () => {
    await sim?.stop();
  });

  const vpses = () => sim.inventory<{ id: string; status: string; operations: number }>("vpses");
  const statuses = async (...ids: string[]) => {
    const all = await vpses();
    return ids.map((id) => all.find((v) => v.id === id)?.status);
  };

  it("adopts, refreshes with no changes, starts the database VPS, and releases the fleet untouched", async () => {
    const up = await project.pulumi(["up", "--yes", "--skip-preview"]);
    expect(up.stdout).toMatch(/\+ 4 created/);
    expect(await statuses("101", "102", "103")).toEqual(["running", "running", "stopped"]);
    await project.pulumi(["refresh", "--yes", "--expect-no-changes"]);
    await project.pulumi(["config", "set", "dbPower", "running"]);
    expect((await project.pulumi(["up", "--yes", "--skip-preview"])).stdout).toMatch(/~ 1 updated/);
    expect(await statuses("103")).toEqual(["running"]);
    expect((await project.pulumi(["stack", "export"])).stdout).not.toContain("demo-private");
    const operations = (await vpses()).map((v) => v.operations);
    const d = await project.pulumi(["destroy", "--yes", "--skip-preview"]);
    expect(d.stdout).toMatch(/- 4 deleted/);
    expect(d.stdout).toMatch(/cannot destroy a VPS/);
    // Released, not touched: same operations, last desired power states kept, nothing deleted.
    expect((await vpses()).map((v) => v.operations)).toEqual(operations);
    expect(await statuses("101", "102", "103")).toEqual(["running", "running", "running"]);
    expect(await vpses()).toHaveLength(8);
  }, 300_000);
});
