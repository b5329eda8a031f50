/**
 * The pipeline templates (gitops/templates/) pass their linters: actionlint for the GitHub Actions workflows,
 * check-jsonschema's built-in GitLab CI schema for .gitlab-ci.yml; each linter is first shown to reject a
 * broken file. The linters live in .cache/ci-linters/ (scripts/env.sh ppc_ensure_ci_linters): the test fails
 * in CI without them and skips elsewhere, saying how to install them.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(__dirname, "../..");
const BIN = join(process.env.PPC_CACHE ?? join(ROOT, ".cache"), "ci-linters", "bin");
const ACTIONLINT = join(BIN, "actionlint");
const CHECK_JSONSCHEMA = join(BIN, "check-jsonschema");
const TEMPLATES = join(ROOT, "gitops/templates");
const have = existsSync(ACTIONLINT) && existsSync(CHECK_JSONSCHEMA);
const SKIP_REASON = `the linters are not installed in ${BIN} (source scripts/env.sh && ppc_ensure_ci_linters)`;
if (!have && process.env.CI) throw new Error(`the GitOps templates must be linted in CI: ${SKIP_REASON}`);
if (!have) console.warn(`skipping the GitOps templates' lint: ${SKIP_REASON}`);

function lint(bin: string, args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(bin, args, { timeout: 60_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, output: stdout + stderr }),
    );
  });
}

const workflows = () => readdirSync(join(TEMPLATES, "github")).map((f) => join(TEMPLATES, "github", f));
const gitlab = ["--builtin-schema", "vendor.gitlab-ci"];

describe.skipIf(!have)("the GitOps pipeline templates", () => {
  it("has a plan, an apply and a drift workflow for GitHub, and one GitLab CI file", () => {
    expect(
      workflows()
        .map((f) => f.split("/").pop())
        .sort(),
    ).toEqual(["pulumi-apply.yml", "pulumi-drift.yml", "pulumi-plan.yml"]);
    expect(existsSync(join(TEMPLATES, "gitlab/.gitlab-ci.yml"))).toBe(true);
  });

  it("passes actionlint, which rejects a broken workflow", async () => {
    const broken = join(mkdtempSync(join(tmpdir(), "ppc-lint-")), "broken.yml");
    writeFileSync(
      broken,
      "on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nope.x }}\n        uses: actions/checkout@v4\n",
    );
    expect((await lint(ACTIONLINT, [broken])).code).not.toBe(0);
    const r = await lint(ACTIONLINT, workflows());
    expect(r.output).toBe("");
    expect(r.code).toBe(0);
  }, 60_000);

  it("passes the GitLab CI schema, which rejects a broken file", async () => {
    const broken = join(mkdtempSync(join(tmpdir(), "ppc-lint-")), ".gitlab-ci.yml");
    writeFileSync(broken, "plan:\n  script:\n    - curl --header JOB-TOKEN: $CI_JOB_TOKEN\n");
    expect((await lint(CHECK_JSONSCHEMA, [...gitlab, broken])).code).not.toBe(0);
    const r = await lint(CHECK_JSONSCHEMA, [...gitlab, join(TEMPLATES, "gitlab/.gitlab-ci.yml")]);
    expect(r.output).toMatch(/ok -- validation done/);
    expect(r.code).toBe(0);
  }, 60_000);
});
