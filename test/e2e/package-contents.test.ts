/**
 * What `npm pack` ships: the compiled provider, simulators and policies, the policy-pack folder, the
 * README and CHANGELOG, and nothing else (no sources, tests, caches or files compiled from sources that
 * are gone); and the package declares the Pulumi SDK as a range, so that a program keeps one copy.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, SKIP_REASON, packedTarball, pulumiOnPath } from "./harness";

const haveCli = pulumiOnPath();
if (!haveCli && process.env.CI) throw new Error(`the e2e tests must run in CI: ${SKIP_REASON}`);

describe.skipIf(!haveCli)("the packed package", () => {
  const files = () =>
    execFileSync("tar", ["-tzf", packedTarball()], { encoding: "utf8" })
      .trim()
      .split("\n")
      .map((f) => f.replace(/^package\//, ""));

  it("ships only the compiled code, the policy pack folder, the README and the CHANGELOG", () => {
    const outside = files().filter(
      (f) => !/^(dist\/(provider|simulator|policy|gitops)\/.+\.(js|d\.ts|js\.map)|policy-pack\/[^/]+|README\.md|CHANGELOG\.md|package\.json|LICENSE)$/.test(f),
    );
    expect(outside).toEqual([]);
    for (const needed of [
      "dist/provider/index.js",
      "dist/provider/index.d.ts",
      "dist/provider/stub.js",
      "dist/simulator/cli.js",
      "dist/policy/index.js",
      "policy-pack/PulumiPolicy.yaml",
      "policy-pack/index.js",
      "policy-pack/package.json",
      "CHANGELOG.md",
    ]) {
      expect(files(), needed).toContain(needed);
    }
  });

  it("ships no compiled file whose source is gone (a stale dist/)", () => {
    const stale = files()
      .filter((f) => f.startsWith("dist/") && f.endsWith(".js"))
      .filter((f) => !existsSync(join(ROOT, f.replace(/^dist\//, "").replace(/\.js$/, ".ts"))));
    expect(stale).toEqual([]);
  });

  it("declares @pulumi/pulumi and @pulumi/policy as caret ranges", () => {
    const pkg = JSON.parse(execFileSync("tar", ["-xzOf", packedTarball(), "package/package.json"], { encoding: "utf8" }));
    expect(pkg.dependencies["@pulumi/pulumi"]).toMatch(/^\^3\.\d+\.\d+$/);
    expect(pkg.dependencies["@pulumi/policy"]).toMatch(/^\^1\.\d+\.\d+$/);
  });
});
