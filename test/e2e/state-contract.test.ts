/**
 * The state contract, through the real Pulumi CLI: a project that installs the packed package, `up`,
 * `refresh` with no changes, an update, `destroy`; every `__provider` is the same small stub for every
 * resource of a type, no credential is in the state, a newer installed build runs refresh and destroy of
 * resources made by an older one, and a state written by 0.1.0 (its larger stub) still refreshes and
 * destroys with this build.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as cvm from "../../provider/cvm";
import { createCvmSimulator } from "../../simulator/cvm";
import { Sim, startSim } from "../helpers/sim";
import { Project, SKIP_REASON, deployment, makeProject, packedTarball, providerStrings, pulumiOnPath, repackWith } from "./harness";

const PRIVATE_TOKEN = "e2e-private-token-5f1c9a";
const haveCli = pulumiOnPath();
if (!haveCli && process.env.CI) throw new Error(`the e2e tests must run in CI: ${SKIP_REASON}`);
if (!haveCli) console.warn(`skipping the state-contract e2e test: ${SKIP_REASON}`);

describe.skipIf(!haveCli)("state contract through the real Pulumi CLI", () => {
  let sim: Sim;
  let project: Project;
  let tarball: string;
  const marker = join(mkdtempSync(join(tmpdir(), "ppc-marker-")), "calls.log");

  beforeAll(async () => {
    sim = await startSim(createCvmSimulator({ transitionMs: 200 }));
    await sim.control("POST", "/_sim/seed", { tokens: [{ public: "e2e-public", private: PRIVATE_TOKEN, user: "demo", clientAccess: true }] });
    tarball = packedTarball();
    project = await makeProject(join(__dirname, "fixtures/cvm-stack"), tarball, "e2e", { PPC_E2E_MARKER: marker });
    await project.pulumi(["config", "set", "cvm:endpoint", sim.url]);
    await project.pulumi(["config", "set", "cvm:publicToken", "e2e-public"]);
    await project.pulumi(["config", "set", "--secret", "cvm:privateToken", PRIVATE_TOKEN]);
  }, 300_000);

  afterAll(async () => {
    await sim?.stop();
  });

  const status = async (id: string) => (await sim.inventory<{ id: string; status: string }>("vpses")).find((v) => v.id === id)?.status;

  it("creates the stack with `pulumi up`", async () => {
    const up = await project.pulumi(["up", "--yes", "--skip-preview"]);
    expect(up.stdout).toMatch(/\+ 3 created/);
    const outputs = JSON.parse((await project.pulumi(["stack", "output", "--json"])).stdout);
    expect(outputs).toEqual({ webStatus: "running", webRamMb: 1024, dbId: "103", dbTraffic: "split" });
    expect(await status("101")).toBe("running");
    expect(await status("103")).toBe("stopped");
  }, 120_000);

  it("stores one small stub as every resource's __provider, and no credential", async () => {
    const exported = (await project.pulumi(["stack", "export", "--show-secrets"])).stdout;
    const providers = providerStrings(exported);
    expect(providers).toHaveLength(4); // two resources, inputs and outputs
    expect(new Set(providers).size).toBe(1);
    console.log(`__provider in the state: ${Buffer.byteLength(providers[0])} bytes`);
    expect(Buffer.byteLength(providers[0])).toBeLessThanOrEqual(1024);
    expect(providers[0]).toContain('require("pulumi-private-cloud/dist/provider/stub.js")');
    expect(providers[0]).toMatch(/"vendor".*"cvm"/s);
    // --show-secrets decrypts the stack's own secrets: the token may only appear as the (secret) config value.
    const plainExport = (await project.pulumi(["stack", "export"])).stdout;
    expect(plainExport).not.toContain(PRIVATE_TOKEN);
    expect(plainExport).not.toContain("e2e-passphrase");
    for (const r of deployment(exported).resources.filter((x) => x.type === cvm.Vm.__pulumiType)) {
      expect(JSON.stringify(r)).not.toContain(PRIVATE_TOKEN);
    }
  }, 60_000);

  it("runs the policy pack shipped in the package in preview through the language host", async () => {
    const r = await project.pulumi(["preview", "--policy-pack", "node_modules/pulumi-private-cloud/policy-pack"]);
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
    expect(await status("101")).toBe("stopped");
    await project.pulumi(["preview", "--expect-no-changes"]);
  }, 120_000);

  it("refreshes a state whose stubs 0.1.0 wrote (a larger closure that loads this module by name)", async () => {
    const legacy = readFileSync(join(__dirname, "fixtures/provider-stub-0.1.0.js"), "utf8");
    const exported = JSON.parse((await project.pulumi(["stack", "export"])).stdout);
    for (const r of exported.deployment.resources) {
      for (const bag of [r.inputs, r.outputs]) if (bag?.__provider) bag.__provider = legacy;
    }
    const file = join(project.dir, "legacy-state.json");
    writeFileSync(file, JSON.stringify(exported));
    await project.pulumi(["stack", "import", "--file", file]);
    expect(providerStrings((await project.pulumi(["stack", "export"])).stdout).every((p) => p === legacy)).toBe(true);
    await project.pulumi(["refresh", "--yes", "--expect-no-changes"]);
    await project.pulumi(["preview", "--expect-no-changes"]);
    // The next test refreshes and destroys these resources through the 0.1.0 stubs still in the state.
  }, 180_000);

  it("runs the code of a newer installed build for refresh and destroy of existing resources", async () => {
    const patch = `
;(function () {
  const fs = require("fs");
  const p = exports.Vm.entry.provider;
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
    expect(deployment((await project.pulumi(["stack", "export"])).stdout).resources).toEqual([]);
    expect(await status("101")).toBe("stopped");
    expect(await status("103")).toBe("stopped");
    expect(existsSync(marker)).toBe(true);
  }, 60_000);
});
