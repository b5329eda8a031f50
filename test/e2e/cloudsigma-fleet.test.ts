/**
 * The CloudSigma example fleet through the real Pulumi CLI against the simulator (set up and inspected
 * through its HTTP routes only): up, refresh (the first records the drives' claims by the servers made
 * after them; the second has no changes), an update in place (a bigger data drive, which stops and starts
 * nothing), destroy, and the simulator's inventory empty but for the subscription, which the API cannot
 * cancel; no credential and no VNC password in the exported state.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as cloudsigma from "../../provider/cloudsigma";
import { DEMO_ACCOUNT, createCloudSigmaSimulator } from "../../simulator/cloudsigma";
import { Sim, startSim } from "../helpers/sim";
import { Project, ROOT, SKIP_REASON, makeProject, packedTarball, pulumiOnPath } from "./harness";

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

  it("previews the subscription's price, then creates the fleet", async () => {
    const preview = await project.pulumi(["preview"]);
    expect(preview.stdout).toMatch(/cloudsigma\.Subscription \(resources\): 1 month\(s\) from 2026-12-01 00:00 costs \d+\.\d\d EUR/);
    const up = await project.pulumi(["up", "--yes", "--skip-preview"]);
    expect(up.stdout).toMatch(/\+ 12 created/);
    const servers = await inventory("servers");
    expect(servers.map((s) => s.status)).toEqual(["active", "active", "active"]);
    expect(servers.map((s) => s["vnc:password"])).toEqual([VNC_PASSWORD, VNC_PASSWORD, VNC_PASSWORD]);
    const out = JSON.parse((await project.pulumi(["stack", "output", "--json"])).stdout);
    expect(out.servers[0]).toMatch(/^web-1: active, 185\.12\.5\.\d+$/);
    // The base image is named (Debian 12) and the look-up takes the newest 12.x of the library.
    expect(out.baseImage).toBe("Debian 12.10 Server 64bit Preinstalled System (a1b2c3d4-0000-4000-8000-0000de120010)");
  }, 240_000);

  /** The servers' VNC settings are Pulumi secrets in the state (inputs and outputs), and the password nowhere in plain text. */
  async function expectVncSecret() {
    const state = await exported();
    expect(state).not.toContain(VNC_PASSWORD);
    const servers = JSON.parse(state).deployment.resources.filter((r: { type: string }) => r.type === cloudsigma.Server.__pulumiType);
    expect(servers).toHaveLength(3);
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

  it("grows the data drive in place (and buys a subscription for the new totals)", async () => {
    await project.pulumi(["config", "set", "dataDiskGb", "150"]);
    const up = await project.pulumi(["up", "--yes", "--skip-preview"]);
    expect(up.stdout).toMatch(/~ 1 updated/);
    // A subscription's quantities cannot change: the fleet's new disk total is a new subscription.
    expect(up.stdout).toMatch(/\+-1 replaced/);
    const data = (await inventory("drives")).find((d) => d.name === "db-1-data")!;
    expect(Number(data.size)).toBe(150 * 1024 ** 3);
    await project.pulumi(["preview", "--expect-no-changes"]);
  }, 180_000);

  it("keeps credentials and the VNC password out of the plain state after the update", async () => {
    const state = await exported();
    expect(state).not.toContain(PASSWORD);
    expect(state).not.toContain(Buffer.from(`${DEMO_ACCOUNT.email}:${PASSWORD}`).toString("base64"));
    expect(state).not.toContain(VNC_PASSWORD);
  }, 60_000);

  it("destroys everything but the subscription, which it only releases", async () => {
    const d = await project.pulumi(["destroy", "--yes", "--skip-preview"]);
    expect(d.stdout).toMatch(/- 12 deleted/);
    expect(d.stdout).toMatch(/cannot cancel a subscription/);
    for (const collection of ["servers", "drives", "vlans", "ips", "servergroups"]) expect(await inventory(collection), collection).toEqual([]);
    // Three items (cpu, mem, disk) of the first subscription and three of its replacement run on.
    expect(await inventory("subscriptions")).toHaveLength(6);
  }, 180_000);
});
