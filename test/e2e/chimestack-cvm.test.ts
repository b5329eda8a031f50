/**
 * The ChimeStack and CVM examples through the real Pulumi CLI against their simulators (reached only
 * through HTTP), each naming what it uses (looked up by name): a preview of the fresh stack, up, refresh
 * with no changes, an update, destroy; ChimeStack's inventory ends as it began, CVM's VPSes are untouched
 * but in their last desired power state; no credential and no VM password in the exported state.
 * ChimeStack's update changes, each in place (same ids, no replacement in the preview): VM power states,
 * a security group's rules, the VM a volume is attached to, a VM's second NIC's group (the NIC swapped),
 * a snapshot's description and an image's details.
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
  const SFTP_PASSWORD = "e2e-sftp-pass-9d2e";
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
    await set("imageUrl", `sftp://images:${SFTP_PASSWORD}@files.example/golden.qcow2`, true);
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
  /** The id of every resource of the stack, by URN. */
  const ids = async () => Object.fromEntries(deployment(await exported()).resources.map((r) => [r.urn, r.id]));
  type Inventory = Record<string, Array<Record<string, any>>>;

  it("previews the fresh stack, whose networks and VMs name a cluster not made yet", async () => {
    const preview = await project.pulumi(["preview"]);
    expect(preview.stdout).toMatch(/\+ 11 to create/);
    // Reads only: the look-ups' and the checks' (a session's login and logout aside).
    expect((await sim.requests()).filter((r) => r.method !== "GET" && r.path !== "/v1/login" && r.path !== "/v1/logout")).toEqual([]);
  }, 300_000);

  it("creates on the AZ, spec, image and security group it names, refreshes with no changes, changes power states, rules, a volume's VM, a NIC's group, a snapshot and an image in place (same ids, no replacement), and destroys to the inventory it began with, no password in the state", async () => {
    const before = await sim.control("GET", "/_sim/inventory");
    const up = await project.pulumi(["up", "--yes", "--skip-preview"]);
    expect(up.stdout).toMatch(/\+ 11 created/);
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
    expect(await exported()).not.toContain(SFTP_PASSWORD);

    // What the fleet made beside the VMs: the shared volume on db-1, its snapshot, the image, the app group on db-1's second NIC.
    const made = (await sim.control("GET", "/_sim/inventory")) as Inventory;
    const vmId = (n: string) => made.vms.find((v) => v.name === n)!.uuid;
    const shared = made.volumes.find((v) => v.name === "prod-shared")!;
    const appSg = made.securitygroups.find((g) => g.name === "prod-app")!;
    expect(shared.attached_vms).toEqual([vmId("db-1")]);
    expect(made.snapshots.map((x) => [x.name, x.volume_uuid, x.state])).toEqual([["prod-shared-snap", shared.uuid, 1]]);
    expect(made.images.find((x) => x.name === "prod-golden")).toMatchObject({ state: 1, os_detail: "Ubuntu 22.04" });
    expect(appSg.ingress_rules.map((r: { dport: string }) => r.dport)).toEqual(["22:22", "80:80"]);
    const dbNics = () => made.vms.find((v) => v.name === "db-1")!.nics.map((n: { name: string; sg_uuid: string; uuid: string }) => n);
    const [, nic1Before] = dbNics();
    expect(nic1Before.sg_uuid).toBe(appSg.uuid);

    // One update, every change in place: the preview replaces nothing, and every id stays.
    const idsBefore = await ids();
    for (const [k, v] of [
      ["appPower", "stopped"],
      ["httpsOpen", "true"],
      ["sharedVolumeVm", "app-1"],
      ["dbNicGroup", "default"],
      ["snapshotDescription", "weekly"],
      ["imageOsDetail", "Ubuntu 24.04"],
    ])
      await project.set(k, v);
    const changes = await project.pulumi(["preview"]);
    expect(changes.stdout).toMatch(/~ 7 to update/);
    expect(changes.stdout).not.toMatch(/replace/);
    const update = await project.pulumi(["up", "--yes", "--skip-preview"]);
    expect(update.stdout).toMatch(/~ 7 updated/);
    expect(update.stdout).not.toMatch(/replace/);
    expect(await ids()).toEqual(idsBefore);
    const after = (await sim.control("GET", "/_sim/inventory")) as Inventory;
    expect(after.vms.map((v) => `${v.name}:${v.state}`).sort()).toEqual(["app-1:2", "app-2:2", "db-1:1"]);
    expect(after.volumes.find((v) => v.uuid === shared.uuid)!.attached_vms).toEqual([vmId("app-1")]);
    expect(after.securitygroups.find((g) => g.uuid === appSg.uuid)!.ingress_rules.map((r: { dport: string }) => r.dport)).toEqual([
      "22:22",
      "80:80",
      "443:443",
    ]);
    expect(after.snapshots.map((x) => x.description)).toEqual([expect.stringMatching(/^weekly \[pulumi:[0-9a-f]{16}\]$/)]);
    expect(after.images.find((x) => x.name === "prod-golden")!.os_detail).toBe("Ubuntu 24.04");
    // db-1's second NIC was swapped for one in the default group; its primary NIC is the same.
    const db = after.vms.find((v) => v.name === "db-1")!;
    expect(db.nics.map((n: { uuid: string }) => n.uuid)[0]).toBe(dbNics()[0].uuid);
    expect(db.nics[1]).toMatchObject({ name: "db-1-nic1", sg_uuid: DEMO.securityGroup });
    expect(db.nics[1].uuid).not.toBe(nic1Before.uuid);

    await project.pulumi(["preview", "--expect-no-changes"]);
    const state = await exported();
    expect(state).not.toContain(DEMO.password);
    expect(state).not.toContain(VM_PASSWORD);
    expect(state).not.toContain(SFTP_PASSWORD);
    const d = await project.pulumi(["destroy", "--yes", "--skip-preview"]);
    expect(d.stdout).toMatch(/- 11 deleted/);
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
