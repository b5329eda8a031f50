/**
 * The fleet benchmark (bench/fleet.mjs) as a smoke run in CI: every vendor's fleet of 10 through preview,
 * up, refresh and destroy with the real CLI, side by side with the no-op baseline. It asserts that the run
 * works and that its figures are there, never a timing (the machines are shared and noisy).
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { ROOT, SKIP_REASON, packedTarball, pulumiOnPath } from "./harness";

const haveCli = pulumiOnPath();
if (!haveCli && process.env.CI) throw new Error(`the e2e tests must run in CI: ${SKIP_REASON}`);
const VENDORS = ["cloudtower", "cloudsigma", "chimestack", "cvm"];

describe.skipIf(!haveCli)("the fleet benchmark, as a smoke run", () => {
  it("runs every vendor's fleet of 10 through preview, up, refresh and destroy, and writes their figures", async () => {
    const json = join(mkdtempSync(join(tmpdir(), "ppc-bench-")), "fleet.json");
    await promisify(execFile)("node", ["bench/fleet.mjs", "--smoke", "--tarball", packedTarball(), "--json", json], { cwd: ROOT, maxBuffer: 1 << 26 });
    const { results } = JSON.parse(readFileSync(json, "utf8")) as {
      results: Array<{ vendor: string; n: number; error?: string; commands: Record<string, { requests: number; wallV: number; wallB: number }> }>;
    };
    expect(results.map((r) => [r.vendor, r.n, r.error])).toEqual(VENDORS.map((v) => [v, 10, undefined]));
    for (const r of results) {
      expect(Object.keys(r.commands)).toEqual(["preview", "up", "refresh", "destroy"]);
      expect(r.commands.up.requests, `${r.vendor}: up sent requests`).toBeGreaterThan(0);
      expect(r.commands.up.wallV).toBeGreaterThan(0);
    }
  }, 900_000);
});
