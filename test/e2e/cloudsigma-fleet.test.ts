/**
 * The CloudSigma example fleet through the real Pulumi CLI against the simulator (set up and inspected
 * through its HTTP routes only): up (with a server clone and its copied drive, the web servers' addresses
 * from one IP subscription, a backup drive cloned from SSD onto HDD, the account's profile), refresh (the
 * first records the drives' claims by the servers made after them; the second has no changes), changes in
 * place proven in place (the preview plans updates, no replacement, and the ids stay: a bigger data drive
 * and backup, a longer IP subscription, the clone's CPU changed live, the profile's company), destroy, and
 * the simulator's inventory empty but for the subscriptions, which the API cannot cancel, and the profile,
 * which it cannot delete; no credential and no VNC password in the exported state.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as cloudsigma from "../../provider/cloudsigma";
import { DEMO_ACCOUNT, createCloudSigmaSimulator } from "../../simulator/cloudsigma";
import { Sim, startSim } from "../helpers/sim";
import { Project, ROOT, SKIP_REASON, deployment, makeProject, packedTarball, pulumiOnPath } from "./harness";

const PASSWORD = "e2e-sigma-password-4d1f";
const VNC_PASSWORD = "vnc-4d1f";
/** What marks a secret value in a Pulumi state (sdk/go/common/resource/sig). */
const SECRET = "4dabf18193072939515e22adb298388d";
const haveCli = pulumiOnPath();
if (!haveCli && process.env.CI) throw new Error(`the e2e tests must run in CI: ${SKIP_REASON}`);
if (!haveCli) console.warn(`skipping the CloudSigma fleet e2e test: ${SKIP_REASON}`);

describe.skipIf(!haveCli)("the CloudSigma fleet through the real Pulumi CLI", () => {
  let sim: Sim;
  let project: Project;
  const inventory = (collection: string) => sim.inventory(collection);
  /** `pulumi stack export` as anyone with the state file (no --show-secrets) reads it. */
  const exported = async () => (await project.pulumi(["stack", "export"])).stdout;

  beforeAll(async () => {
    sim = await startSim(createCloudSigmaSimulator({ imagingMs: 300, shutdownMs: 100 }));
    await sim.control("POST", "/_sim/seed", { account: { password: PASSWORD } });
    project = await makeProject(join(ROOT, "examples/cloudsigma-fleet"), packedTarball(), "e2e");
    const set = project.set;
    await set("cloudsigma:endpoint", sim.url);
    await set("cloudsigma:username", DEMO_ACCOUNT.email);
    await set("cloudsigma:password", PASSWORD, true);
    await set("cloudsigma:pollIntervalMs", "50");
    await set("baseImage", "Debian");
    await set("baseImageVersion", "12");
    await set("vncPassword", VNC_PASSWORD, true);
  }, 300_000);

  afterAll(async () => {
    await sim?.stop();
  });

  /** The ids of the stack's resources, by name. */
  const ids = async () => Object.fromEntries(deployment(await exported()).resources.map((r) => [r.urn.split("::").pop()!, r.id]));

  it("previews the subscriptions' prices, then creates the fleet", async () => {
    const preview = await project.pulumi(["preview"]);
    expect(preview.stdout).toMatch(/cloudsigma\.Subscription \(resources\): 1 month\(s\) from 2026-12-01 00:00 costs \d+\.\d\d EUR/);
    expect(preview.stdout).toMatch(/cloudsigma\.StaticIp: 2 address\(es\) for 1 month\(s\) from 2026-12-01 00:00 costs \d+\.\d\d EUR/);
    const up = await project.pulumi(["up", "--yes", "--skip-preview"]);
    expect(up.stdout).toMatch(/\+ 14 created/);
    const servers = await inventory("servers");
    expect(servers.map((s) => s.status)).toEqual(["active", "active", "active", "active"]);
    expect(servers.map((s) => s["vnc:password"])).toEqual([VNC_PASSWORD, VNC_PASSWORD, VNC_PASSWORD, VNC_PASSWORD]);
    const out = JSON.parse((await project.pulumi(["stack", "output", "--json"])).stdout);
    expect(out.servers[0]).toMatch(/^web-1: active, 185\.12\.5\.\d+$/);
    // The web servers are on the two addresses that the one IP subscription bought.
    const bought = (await inventory("subscriptions")).filter((s) => s.type === "ip").map((s) => s.resource);
    expect(out.addresses).toEqual(bought);
    expect(out.servers.slice(0, 2)).toEqual([`web-1: active, ${bought[0]}`, `web-2: active, ${bought[1]}`]);
    // The clone runs on its own copy of web-1's root drive.
    const drives = await inventory("drives");
    const copy = drives.find((d) => d.name === "web-1-clone ide:0:0")!;
    expect(out.clone).toBe(`web-1-clone: active, copies ${copy.drive}`);
    expect(servers.find((s) => s.name === "web-1-clone")).toMatchObject({ "ide:0:0": copy.drive });
    // The backup is the data drive's clone on HDD (no affinity:ssd), the data drive on SSD.
    expect(out.backups).toEqual(["db-1-backup: hdd, 100 GiB"]);
    expect(drives.find((d) => d.name === "db-1-data")?.tags).toBe("affinity:ssd");
    expect(drives.find((d) => d.name === "db-1-backup")?.tags).toBeUndefined();
    expect(out.account).toBe(`${DEMO_ACCOUNT.email} (Example Fleet Ltd., EUR)`);
    // The base image is named (Debian 12) and the look-up takes the newest 12.x of the library.
    expect(out.baseImage).toBe("Debian 12.10 Server 64bit Preinstalled System (a1b2c3d4-0000-4000-8000-0000de120010)");
  }, 240_000);

  /** The servers' VNC settings are Pulumi secrets in the state (inputs and outputs), and the password nowhere in plain text. */
  async function expectVncSecret() {
    const state = await exported();
    expect(state).not.toContain(VNC_PASSWORD);
    const servers = JSON.parse(state).deployment.resources.filter((r: { type: string }) => r.type === cloudsigma.Server.__pulumiType);
    expect(servers).toHaveLength(4);
    for (const r of servers) {
      expect(r.inputs.vnc).toHaveProperty(SECRET);
      expect(r.outputs.vnc).toHaveProperty(SECRET);
    }
  }

  it("keeps the VNC password a secret in the state after the up", expectVncSecret, 60_000);

  it("refreshes: once to record the drives' claims, then with no changes", async () => {
    await project.pulumi(["refresh", "--yes"]);
    await project.pulumi(["refresh", "--yes", "--expect-no-changes"]);
  }, 120_000);

  it("keeps the VNC password a secret in the state after the refresh", expectVncSecret, 60_000);

  it("changes in place, as the preview plans it: drives grown, the IP subscription extended, the clone's CPU live, the profile", async () => {
    const IN_PLACE = ["db-1-data", "db-1-backup", "web-ips", "web-1-clone", "account"];
    await project.set("dataDiskGb", "150");
    await project.set("ipMonths", "2");
    await project.set("cloneCpuMhz", "3000");
    await project.set("company", "Fleet Ops AG");
    const before = await ids();
    const started = (await inventory("servers")).find((s) => s.name === "web-1-clone")!.started;
    const plan = JSON.parse((await project.pulumi(["preview", "--json"])).stdout) as { steps: Array<{ op: string; urn: string }> };
    const ops = Object.fromEntries(plan.steps.filter((s) => s.op !== "same").map((s) => [s.urn.split("::").pop(), s.op]));
    // A subscription's quantities cannot change: the fleet's new disk total is a new subscription; all else is in
    // place. The web servers' addresses are outputs of the IP subscription being extended, unknown until it is:
    // the preview shows them as possible updates, and the up finds them unchanged (5 updated, not 7).
    expect(ops).toEqual({ ...Object.fromEntries([...IN_PLACE, "web-1", "web-2"].map((n) => [n, "update"])), "fleet-resources": "replace" });
    const up = await project.pulumi(["up", "--yes", "--skip-preview"]);
    expect(up.stdout).toMatch(/~ 5 updated/);
    expect(up.stdout).toMatch(/\b8 unchanged/);
    expect(up.stdout).toMatch(/\+-1 replaced/);
    const after = await ids();
    for (const name of IN_PLACE) expect(after[name], name).toBe(before[name]);
    const drives = await inventory("drives");
    for (const name of ["db-1-data", "db-1-backup"]) expect(Number(drives.find((d) => d.name === name)!.size), name).toBe(150 * 1024 ** 3);
    expect((await inventory("subscriptions")).filter((s) => s.type === "ip").map((s) => s.months)).toEqual(["2", "2"]);
    // The clone's CPU changed live: it was not restarted.
    expect((await inventory("servers")).find((s) => s.name === "web-1-clone")).toMatchObject({ cpu: "3000", status: "active", started });
    const out = JSON.parse((await project.pulumi(["stack", "output", "--json"])).stdout);
    expect(out.account).toBe(`${DEMO_ACCOUNT.email} (Fleet Ops AG, EUR)`);
    await project.pulumi(["preview", "--expect-no-changes"]);
  }, 240_000);

  it("keeps credentials and the VNC password out of the plain state after the update", async () => {
    const state = await exported();
    expect(state).not.toContain(PASSWORD);
    expect(state).not.toContain(Buffer.from(`${DEMO_ACCOUNT.email}:${PASSWORD}`).toString("base64"));
    expect(state).not.toContain(VNC_PASSWORD);
  }, 60_000);

  it("destroys everything (the clone's copied drive and every bought address too) but the subscriptions and the profile", async () => {
    const d = await project.pulumi(["destroy", "--yes", "--skip-preview"]);
    expect(d.stdout).toMatch(/- 14 deleted/);
    expect(d.stdout).toMatch(/cannot cancel a subscription/);
    for (const collection of ["servers", "drives", "vlans", "ips", "servergroups"]) expect(await inventory(collection), collection).toEqual([]);
    // Three items (cpu, mem, disk) of the first subscription, three of its replacement and the two addresses' run on.
    expect(await inventory("subscriptions")).toHaveLength(8);
    const auth = "Basic " + Buffer.from(`${DEMO_ACCOUNT.email}:${PASSWORD}`).toString("base64");
    expect(await (await fetch(`${sim.url}/profile/info`, { headers: { authorization: auth } })).text()).toContain("company Fleet Ops AG");
  }, 180_000);
});
