/**
 * The CloudTower example fleet through the real Pulumi CLI against the simulator: up (VMs from a template
 * with static cloud-init networking, from scratch, from the content library, cloned, booting an ISO; a
 * volume, a placement group, labels, a host, HA off), refresh with no changes, an update (one more web VM,
 * bigger databases), in-place changes proven in place (labels, power state to SUSPENDED, the volume moved,
 * grown and detached, the placement rule, a live migration: same ids, no replace in the preview), destroy, and the simulator's
 * inventory back to its seed; the exported state holds no credential and the cloud-init password only as
 * a secret.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as cloudtower from "../../provider/cloudtower";
import { APPLIANCE, createCloudTowerSimulator } from "../../simulator/cloudtower";
import { Sim, startSim } from "../helpers/sim";
import { Project, ROOT, SKIP_REASON, deployment, makeProject, packedTarball, pulumiOnPath } from "./harness";

const PASSWORD = "e2e-tower-password-81c2";
const SSH_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE2eTestKeyForTheFleetOnly0000000000000000 e2e@fleet";
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
    await set("sshPublicKey", SSH_KEY);
  }, 300_000);

  type Entity = { id: string; name: string; [k: string]: unknown };
  const byName = async (c: string, name: string) => (await sim.inventory<Entity>(c)).find((e) => e.name === name)!;
  /** The ids of the stack's resources by URN name, as the state holds them. */
  const stateIds = async () =>
    Object.fromEntries(
      deployment((await project.pulumi(["stack", "export"])).stdout).resources.map((r) => [r.urn.split("::").pop()!, (r as { id?: string }).id]),
    );

  afterAll(async () => {
    await sim?.stop();
  });

  it("creates the fleet with `pulumi up`", async () => {
    const up = await project.pulumi(["up", "--yes", "--skip-preview"]);
    expect(up.stdout).toMatch(/\+ 15 created/);
    expect(await seedVms()).toEqual([...before, "cache-1", "db-1", "db-2", "installer-1", "tools-1", "web-1", "web-2", "web-3"].sort());
    const out = JSON.parse((await project.pulumi(["stack", "output", "--json"])).stdout);
    expect(out.webVms).toHaveLength(3);
    expect(out.snapshots[0][0]).toMatch(/-snapshot-/);
    expect(out.dbSpread).toEqual(["db-1", "db-2"]);
    expect(out.fleetData).toBe("fleet-data: 10 GiB on db-1");

    // Web VMs: a static address, DNS and hostname by cloud-init; labels.
    const web1 = await byName("vms", "web-1");
    expect(web1).toMatchObject({ hostname: "web-1", dns_servers: "10.0.110.2", ips: "10.0.110.11" });
    expect((web1.labels as Array<{ key: string; value: string }>).map((l) => `${l.key}=${l.value}`).sort()).toEqual(["env=dev", "role=web"]);
    // The cache from the content library, keeping its template's NIC; the clone of db-1 with its disks; the ISO first to boot.
    const disks = await sim.inventory<{ vm: { id: string }; type: string; boot: number; elf_image?: { name: string } | null }>("vmDisks");
    const of = async (name: string) => {
      const id = (await byName("vms", name)).id;
      return disks.filter((d) => d.vm.id === id).sort((a, b) => a.boot - b.boot);
    };
    expect(await byName("vms", "cache-1")).toMatchObject({ hostname: "cache-1", host: { name: "cluster-a-node-1" } });
    expect((await byName("vms", "tools-1")).ha).toBe(false);
    expect((await of("tools-1")).filter((d) => d.type === "DISK")).toHaveLength(2);
    expect((await of("installer-1"))[0]).toMatchObject({ type: "CD_ROM", boot: 0, elf_image: { name: "ubuntu-24.04-live-server-amd64.iso" } });
    expect((await byName("vms", "installer-1")).status).toBe("STOPPED");
    expect((await byName("vmPlacementGroups", "db-spread")).vm_vm_policy).toBe("MUST_DIFFERENT");
  }, 240_000);

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

  it("changes labels, the power state (to SUSPENDED), the volume (moved and grown), the placement rule and the host (a live migration) in place: same ids, no replace", async () => {
    const ids = await stateIds();
    await project.set("labels", '{"env":"staging"}');
    await project.set("installerPower", "SUSPENDED");
    await project.set("volumeVm", "db-2");
    await project.set("volumeGb", "20");
    await project.set("dbPlacement", "PREFER_DIFFERENT");
    await project.set("cacheHost", "cluster-a-node-2");
    const preview = await project.pulumi(["preview", "--diff"]);
    expect(preview.stdout).not.toMatch(/\+-|replace/);
    expect(preview.stdout).toMatch(/~ powerState\s*: "STOPPED" => "SUSPENDED"/);
    expect(preview.stdout).toMatch(/~ sizeGb\s*: 10 => 20/);
    expect(preview.stdout).toMatch(/~ vmPolicy\s*: "MUST_DIFFERENT" => "PREFER_DIFFERENT"/);
    const up = await project.pulumi(["up", "--yes", "--skip-preview"]);
    expect(up.stdout).not.toMatch(/replaced|created|deleted/);
    expect(await stateIds()).toEqual(ids);
    expect((await byName("vms", "installer-1")).status).toBe("SUSPENDED");
    const vol = await byName("vmVolumes", "fleet-data");
    expect(vol.size).toBe(20 * 1024 ** 3);
    const disk = (await sim.inventory<{ vm: { id: string }; vm_volume?: { id: string } | null }>("vmDisks")).find((d) => d.vm_volume?.id === vol.id)!;
    expect(disk.vm.id).toBe((await byName("vms", "db-2")).id);
    const pairs = (e: Entity) => (e.labels as Array<{ key: string; value: string }>).map((l) => `${l.key}=${l.value}`).sort();
    expect(pairs(await byName("vlans", "front"))).toEqual(["env=staging", "role=front"]);
    expect(pairs(await byName("vmVolumes", "fleet-data"))).toEqual(["env=staging", "role=data"]);
    expect((await byName("vmPlacementGroups", "db-spread")).vm_vm_policy).toBe("PREFER_DIFFERENT");
    expect(((await byName("vms", "cache-1")).host as { name: string }).name).toBe("cluster-a-node-2");
    await project.pulumi(["preview", "--expect-no-changes"]);

    // Detached in place, back to running from suspended, the ISO ejected.
    await project.set("volumeVm", "none");
    await project.set("installerPower", "RUNNING");
    await project.set("installerDone", "true");
    const again = await project.pulumi(["up", "--yes"]);
    expect(again.stdout).not.toMatch(/replaced|created|deleted/);
    expect(await stateIds()).toEqual(ids);
    expect((await byName("vmVolumes", "fleet-data")).mounting).toBe(false);
    expect((await byName("vms", "installer-1")).status).toBe("RUNNING");
    const installer = (await byName("vms", "installer-1")).id;
    const drives = (await sim.inventory<{ vm: { id: string }; type: string; elf_image?: unknown }>("vmDisks")).filter(
      (d) => d.vm.id === installer && d.type === "CD_ROM",
    );
    expect(drives.map((d) => d.elf_image ?? null)).toEqual([null]);
    await project.pulumi(["refresh", "--yes"]);
    await project.pulumi(["preview", "--expect-no-changes"]);
  }, 300_000);

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
    expect(d.stdout).toMatch(/- 16 deleted/);
    expect(await seedVms()).toEqual(before);
    expect(await sim.inventory("vmSnapshots")).toEqual([]);
    expect(await sim.inventory("vmPlacementGroups")).toEqual([]);
    expect((await sim.inventory<{ name: string }>("vmVolumes")).map((v) => v.name)).not.toContain("fleet-data");
    expect((await sim.inventory<{ name: string }>("vlans")).map((v) => v.name)).toEqual(["default", "default"]);
  }, 180_000);
});
