/**
 * The CloudSigma example fleet through the real Pulumi CLI against the simulator: up, refresh (the first
 * records the drives' claims by the servers made after them; the second has no changes), an update in
 * place (a bigger data drive, which stops and starts nothing), destroy, and the simulator's inventory
 * empty but for the subscription, which the API cannot cancel; no credential in the exported state.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SimServer } from "../../simulator/core";
import { createCloudSigmaSimulator } from "../../simulator/cloudsigma";
import { Project, ROOT, SKIP_REASON, makeProject, packedTarball, pulumiOnPath } from "./harness";

const PASSWORD = "e2e-sigma-password-4d1f";
const haveCli = pulumiOnPath();
if (!haveCli && process.env.CI) throw new Error(`the e2e tests must run in CI: ${SKIP_REASON}`);
if (!haveCli) console.warn(`skipping the CloudSigma fleet e2e test: ${SKIP_REASON}`);

describe.skipIf(!haveCli)("the CloudSigma fleet through the real Pulumi CLI", () => {
  let sim: SimServer;
  let vendor: ReturnType<typeof createCloudSigmaSimulator>;
  let project: Project;

  beforeAll(async () => {
    vendor = createCloudSigmaSimulator({ imagingMs: 300, shutdownMs: 100 });
    vendor.state.account.password = PASSWORD;
    sim = new SimServer(vendor);
    const url = await sim.start();
    const tarball = packedTarball();
    project = await makeProject(join(ROOT, "examples/cloudsigma-fleet"), tarball, "e2e");
    const set = (k: string, v: string, secret = false) => project.pulumi(["config", "set", ...(secret ? ["--secret"] : []), k, v]);
    await set("cloudsigma:endpoint", url);
    await set("cloudsigma:username", vendor.state.account.email);
    await set("cloudsigma:password", PASSWORD, true);
    await set("cloudsigma:pollIntervalMs", "50");
    await set("baseImage", "a1b2c3d4-0000-4000-8000-00000000de12");
  }, 300_000);

  afterAll(async () => {
    await sim?.stop();
  });

  it("previews the subscription's price, then creates the fleet", async () => {
    const preview = await project.pulumi(["preview"]);
    expect(preview.stdout).toMatch(/cloudsigma\.Subscription \(resources\): 1 month\(s\) from 2026-12-01 00:00 costs \d+\.\d\d EUR/);
    const up = await project.pulumi(["up", "--yes", "--skip-preview"]);
    expect(up.stdout).toMatch(/\+ 12 created/);
    expect([...vendor.state.servers.values()].map((s) => s.status)).toEqual(["active", "active", "active"]);
    const out = JSON.parse((await project.pulumi(["stack", "output", "--json"])).stdout);
    expect(out.servers[0]).toMatch(/^web-1: active, 185\.12\.5\.\d+$/);
  }, 240_000);

  it("refreshes: once to record the drives' claims, then with no changes", async () => {
    await project.pulumi(["refresh", "--yes"]);
    await project.pulumi(["refresh", "--yes", "--expect-no-changes"]);
  }, 120_000);

  it("grows the data drive in place (and buys a subscription for the new totals)", async () => {
    await project.pulumi(["config", "set", "dataDiskGb", "150"]);
    const up = await project.pulumi(["up", "--yes", "--skip-preview"]);
    expect(up.stdout).toMatch(/~ 1 updated/);
    // A subscription's quantities cannot change: the fleet's new disk total is a new subscription.
    expect(up.stdout).toMatch(/\+-1 replaced/);
    const data = [...vendor.state.drives.values()].find((d) => d.name === "db-1-data")!;
    expect(Number(data.size)).toBe(150 * 1024 ** 3);
    await project.pulumi(["preview", "--expect-no-changes"]);
  }, 180_000);

  it("keeps credentials and the VNC password out of the plain state", async () => {
    const exported = (await project.pulumi(["stack", "export"])).stdout;
    expect(exported).not.toContain(PASSWORD);
    expect(exported).not.toContain(Buffer.from(`${vendor.state.account.email}:${PASSWORD}`).toString("base64"));
  }, 60_000);

  it("destroys everything but the subscription, which it only releases", async () => {
    const d = await project.pulumi(["destroy", "--yes", "--skip-preview"]);
    expect(d.stdout).toMatch(/- 12 deleted/);
    expect(d.stdout).toMatch(/cannot cancel a subscription/);
    expect(vendor.state.servers.size).toBe(0);
    expect(vendor.state.drives.size).toBe(0);
    expect(vendor.state.vlans.size).toBe(0);
    expect(vendor.state.ips.size).toBe(0);
    // Three items (cpu, mem, disk) of the first subscription and three of its replacement run on.
    expect(vendor.state.subscriptions.size).toBe(6);
  }, 180_000);
});
