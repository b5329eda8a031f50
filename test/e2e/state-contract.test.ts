/**
 * The state contract, through the real Pulumi CLI: a project that installs the packed package, `up`,
 * `refresh` with no changes, an update, `destroy`; `__provider` stays small, no credential is in the
 * state, and after installing a newer build, `refresh` and `destroy` run the new code.
 */
import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SimServer } from "../../simulator/core";
import { createCvmSimulator } from "../../simulator/cvm";
import { Project, ROOT, SKIP_REASON, makeProject, packedTarball, providerStrings, pulumiOnPath, repackWith } from "./harness";

const PRIVATE_TOKEN = "e2e-private-token-5f1c9a";
const haveCli = pulumiOnPath();
if (!haveCli && process.env.CI) throw new Error(`the e2e tests must run in CI: ${SKIP_REASON}`);
if (!haveCli) console.warn(`skipping the state-contract e2e test: ${SKIP_REASON}`);

describe.skipIf(!haveCli)("state contract through the real Pulumi CLI", () => {
  let sim: SimServer;
  let vendor: ReturnType<typeof createCvmSimulator>;
  let project: Project;
  let tarball: string;
  const marker = join(mkdtempSync(join(tmpdir(), "ppc-marker-")), "calls.log");

  beforeAll(async () => {
    vendor = createCvmSimulator({ transitionMs: 200 });
    vendor.state.seed({ tokens: [{ public: "e2e-public", private: PRIVATE_TOKEN, user: "demo", clientAccess: true }] });
    sim = new SimServer(vendor);
    const url = await sim.start();
    tarball = packedTarball();
    project = await makeProject(join(__dirname, "fixtures/cvm-stack"), tarball, "e2e", { PPC_E2E_MARKER: marker });
    await project.pulumi(["config", "set", "cvm:endpoint", url]);
    await project.pulumi(["config", "set", "cvm:publicToken", "e2e-public"]);
    await project.pulumi(["config", "set", "--secret", "cvm:privateToken", PRIVATE_TOKEN]);
  }, 300_000);

  afterAll(async () => {
    await sim?.stop();
  });

  const status = (id: string) => vendor.state.status(vendor.state.vpses.get(id)!);

  it("creates the stack with `pulumi up`", async () => {
    const up = await project.pulumi(["up", "--yes", "--skip-preview"]);
    expect(up.stdout).toMatch(/\+ 3 created/);
    const outputs = JSON.parse((await project.pulumi(["stack", "output", "--json"])).stdout);
    expect(outputs).toEqual({ webStatus: "running", webRamMb: 1024, dbId: "103", dbTraffic: "split" });
    expect(status("101")).toBe("running");
    expect(status("103")).toBe("stopped");
  }, 120_000);

  it("keeps every __provider small and no credential in the state", async () => {
    const exported = (await project.pulumi(["stack", "export", "--show-secrets"])).stdout;
    const providers = providerStrings(exported);
    expect(providers.length).toBeGreaterThanOrEqual(2);
    const largest = Math.max(...providers.map((p) => Buffer.byteLength(p)));
    console.log(`largest __provider in the state: ${largest} bytes`);
    expect(largest).toBeLessThanOrEqual(4096);
    for (const p of providers) expect(p).toContain('require(specifier)');
    // --show-secrets decrypts the stack's own secrets: the token may only appear as the (secret) config value.
    const plainExport = (await project.pulumi(["stack", "export"])).stdout;
    expect(plainExport).not.toContain(PRIVATE_TOKEN);
    expect(plainExport).not.toContain("e2e-passphrase");
    const resources = JSON.parse(exported).deployment.resources as Array<{ type: string; outputs?: object }>;
    for (const r of resources.filter((x) => x.type.startsWith("pulumi-nodejs:dynamic/"))) {
      expect(JSON.stringify(r)).not.toContain(PRIVATE_TOKEN);
    }
  }, 60_000);

  it("runs the policy pack in preview through the language host", async () => {
    const pack = mkdtempSync(join(tmpdir(), "ppc-policy-"));
    cpSync(join(ROOT, "policy"), pack, { recursive: true, filter: (src) => !src.includes("node_modules") });
    await promisify(execFile)("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"], { cwd: pack });
    const r = await project.pulumi(["preview", "--policy-pack", pack]);
    expect(r.stdout).toMatch(/cvm-adopt-by-id/);
    expect(r.stdout).toMatch(/VPS "db-1.example.net" is adopted by hostname/);
  }, 180_000);

  it("refreshes with no changes", async () => {
    const r = await project.pulumi(["refresh", "--yes", "--expect-no-changes"]);
    expect(r.stdout).toMatch(/3 unchanged/);
  }, 60_000);

  it("updates a power state in place", async () => {
    await project.pulumi(["config", "set", "webPower", "stopped"]);
    const up = await project.pulumi(["up", "--yes", "--skip-preview"]);
    expect(up.stdout).toMatch(/~ 1 updated/);
    expect(status("101")).toBe("stopped");
    await project.pulumi(["preview", "--expect-no-changes"]);
  }, 120_000);

  it("runs the code of a newer installed build for refresh and destroy of existing resources", async () => {
    const patch = `
;(function () {
  const fs = require("fs");
  const p = exports.vmProvider;
  for (const m of ["read", "delete"]) {
    const f = p[m];
    p[m] = async (...a) => { if (process.env.PPC_E2E_MARKER) fs.appendFileSync(process.env.PPC_E2E_MARKER, m + " 0.1.1-next\\n"); return f(...a); };
  }
})();`;
    const newer = await repackWith(tarball, "0.1.1-next", "dist/provider/cvm/vm.js", patch);
    await project.npm(["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error", `pulumi-private-cloud@file:${newer}`]);
    const installed = JSON.parse(readFileSync(join(project.dir, "node_modules/pulumi-private-cloud/package.json"), "utf8"));
    expect(installed.version).toBe("0.1.1-next");

    await project.pulumi(["refresh", "--yes", "--expect-no-changes"]);
    expect(readFileSync(marker, "utf8")).toMatch(/^read 0\.1\.1-next$/m);

    const destroy = await project.pulumi(["destroy", "--yes", "--skip-preview"]);
    expect(destroy.stdout).toMatch(/- 3 deleted/);
    expect(readFileSync(marker, "utf8")).toMatch(/^delete 0\.1\.1-next$/m);
  }, 300_000);

  it("leaves an empty stack and the VPSes in their last desired power state", async () => {
    const exported = JSON.parse((await project.pulumi(["stack", "export"])).stdout);
    expect(exported.deployment.resources ?? []).toEqual([]);
    expect(status("101")).toBe("stopped");
    expect(status("103")).toBe("stopped");
    expect(existsSync(marker)).toBe(true);
  }, 60_000);
});
