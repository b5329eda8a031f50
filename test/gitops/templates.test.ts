/**
 * The pipeline templates (gitops/templates/) pass their linters: actionlint for the GitHub Actions workflows,
 * check-jsonschema's built-in GitLab CI schema for .gitlab-ci.yml; each linter is first shown to reject a
 * broken file. The linters live in .cache/ci-linters/ (scripts/env.sh ppc_ensure_ci_linters): the test fails
 * in CI without them and skips elsewhere, saying how to install them. The apply templates' look-up of the merged
 * pull/merge request runs as bash against fake `gh` and `curl` (it needs no linter).
 */
import { execFile, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

// js-yaml (a devDependency; it ships no type declarations).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { load } = require("js-yaml") as { load: (text: string) => unknown };
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

/** A template's shell script run by bash (as the runners do: -eo pipefail) with fakes of `gh`, `curl` and `unzip` that answer `answer` and log their calls. */
function runScript(script: string, answer: unknown, env: Record<string, string>): { code: number; out: string; calls: string[]; outputs: string } {
  const dir = mkdtempSync(join(tmpdir(), "ppc-tpl-"));
  const bin = join(dir, "bin");
  mkdirSync(bin);
  writeFileSync(join(dir, "answer.json"), JSON.stringify(answer));
  const fake = (name: string, body: string) =>
    writeFileSync(join(bin, name), `#!/usr/bin/env bash\necho "${name} $*" >> "${dir}/calls"\n${body}\n`, { mode: 0o755 });
  fake("gh", `if [ "$1" = api ]; then cat "${dir}/answer.json"; elif [ "$1 $2" = "run list" ]; then echo 4242; fi`);
  fake("curl", `case "$*" in *merge_requests*) cat "${dir}/answer.json";; esac`);
  fake("unzip", "");
  const r = spawnSync("bash", ["-eo", "pipefail", "-c", `${script}\necho "iid=\${iid:-}"`], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    env: { PATH: `${bin}:${process.env.PATH}`, HOME: dir, GITHUB_OUTPUT: join(dir, "outputs"), RUNNER_TEMP: dir, ...env },
  });
  const read = (f: string) => (existsSync(join(dir, f)) ? readFileSync(join(dir, f), "utf8") : "");
  return { code: r.status ?? 1, out: r.stdout + r.stderr, calls: read("calls").split("\n").filter(Boolean), outputs: read("outputs") };
}

describe("the apply templates' look-up of the merged pull/merge request", () => {
  const SHA = "c0ffee0000000000000000000000000000000001";
  const yaml = (f: string) => load(readFileSync(join(TEMPLATES, f), "utf8")) as Record<string, any>;
  const github = () =>
    (yaml("github/pulumi-apply.yml").jobs.apply.steps.find((s: { id?: string }) => s.id === "pr").run as string)
      .replaceAll("${{ github.repository }}", "acme/infra")
      .replaceAll("${{ matrix.stack }}", "prod");
  const gitlab = () => (yaml("gitlab/.gitlab-ci.yml").apply.script as string[]).slice(1, 3).join("\n");
  const env = { GITHUB_SHA: SHA, CI_COMMIT_SHA: SHA, CI_API_V4_URL: "https://gitlab.example/api/v4", CI_PROJECT_ID: "42" };

  it("GitHub: the plan is posted unless the run was cancelled (a superseded run must not post over the newer one), softly", () => {
    const steps = yaml("github/pulumi-plan.yml").jobs.plan.steps as { name?: string; if?: string; run?: string }[];
    const postStep = steps.find((s) => s.run?.includes("pulumi-private-cloud-gitops post"));
    expect(postStep).toMatchObject({ if: "${{ !cancelled() }}", run: expect.stringContaining("post --soft") });
  });

  it("GitHub: takes the merged pull request whose merge commit is the pushed commit, not an open one that contains it", () => {
    const pulls = [
      { number: 9, merged_at: null, merge_commit_sha: "1111111111111111111111111111111111111111", head: { sha: "h9" } },
      { number: 7, merged_at: "2026-11-26T05:00:00Z", merge_commit_sha: SHA, head: { sha: "h7" } },
    ];
    const r = runScript(github(), pulls, env);
    expect(r.code).toBe(0);
    expect(r.outputs).toBe("number=7\n");
    expect(r.calls.slice(1)).toEqual([
      "gh run list --workflow pulumi-plan --commit h7 --json databaseId --jq .[0].databaseId",
      expect.stringMatching(/^gh run download 4242 --name plan-prod-h7 --dir \S+\/plan$/),
    ]);
  });

  it("GitHub: a direct push (no pull request merged as that commit) downloads nothing and leaves no number to post on", () => {
    for (const pulls of [[], [{ number: 9, merged_at: null, merge_commit_sha: SHA, head: { sha: "h9" } }]]) {
      const r = runScript(github(), pulls, env);
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/::warning::no merged pull request has c0ffee0+1 as its merge commit/);
      expect(r.outputs).toBe("");
      expect(r.calls.filter((c) => !c.startsWith("gh api"))).toEqual([]);
    }
  });

  it("GitLab: takes the merged merge request whose merge or squash commit is CI_COMMIT_SHA, and downloads its branch's plans", () => {
    const mrs = [
      { iid: 3, state: "opened", source_branch: "other", merge_commit_sha: null, squash_commit_sha: null },
      { iid: 5, state: "merged", source_branch: "feature", merge_commit_sha: null, squash_commit_sha: SHA },
    ];
    const r = runScript(gitlab(), mrs, env);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/iid=5\n$/);
    expect(r.calls.find((c) => c.includes("--output plans.zip"))).toMatch(/\/projects\/42\/jobs\/artifacts\/feature\/download\?job=plan$/);
  });

  it("GitLab: a direct push downloads nothing and leaves no merge request to post on", () => {
    const r = runScript(gitlab(), [{ iid: 3, state: "opened", source_branch: "other", merge_commit_sha: null, squash_commit_sha: null }], env);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/no merged merge request has c0ffee0+1 as its merge or squash commit[\s\S]*iid=\n$/);
    expect(r.calls.filter((c) => c.includes("plans.zip") || c.startsWith("unzip"))).toEqual([]);
  });
});
