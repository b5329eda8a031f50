/** Which stacks a change touches: the rules on file lists, then `changed` on a real git repository. */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { changedStacks, projectsWithoutStacks } from "../../gitops/changed";
import { main } from "../../gitops/cli";

const FILES = [
  "package.json",
  "README.md",
  "stacks/web/Pulumi.yaml",
  "stacks/web/Pulumi.dev.yaml",
  "stacks/web/Pulumi.prod.yaml",
  "stacks/web/index.ts",
  "stacks/web/lib/fleet.ts",
  "stacks/db/Pulumi.yml",
  "stacks/db/Pulumi.prod.yml",
  "stacks/db/index.ts",
  "stacks/db/nested/Pulumi.yaml",
  "stacks/db/nested/Pulumi.test.yaml",
  "tools/build.sh",
];
const web = (stack: string) => ({ dir: "stacks/web", stack });

describe("changed stacks", () => {
  it.each<[string, string[], Array<{ dir: string; stack: string }>]>([
    ["a program file: every stack of its project", ["stacks/web/lib/fleet.ts"], [web("dev"), web("prod")]],
    ["one stack's config: that stack", ["stacks/web/Pulumi.prod.yaml"], [web("prod")]],
    ["a file of a nested project: the deepest project", ["stacks/db/nested/index.ts"], [{ dir: "stacks/db/nested", stack: "test" }]],
    ["Pulumi.yml projects", ["stacks/db/index.ts"], [{ dir: "stacks/db", stack: "prod" }]],
    [
      "the top package.json (the package version): every stack",
      ["package.json"],
      [{ dir: "stacks/db", stack: "prod" }, { dir: "stacks/db/nested", stack: "test" }, web("dev"), web("prod")],
    ],
    ["files outside every project: none", ["README.md", "tools/build.sh"], []],
    ["a stack config deleted at head: not planned", ["stacks/web/Pulumi.staging.yaml"], []],
    ["several files of one project: each stack once", ["stacks/web/index.ts", "stacks/web/Pulumi.dev.yaml"], [web("dev"), web("prod")]],
  ])("%s", (_what, changed, expected) => {
    expect(changedStacks(changed, FILES)).toEqual(expected);
  });

  it("treats a project at the top of the repository as holding every file", () => {
    expect(changedStacks(["fleet.ts"], ["Pulumi.yaml", "Pulumi.e2e.yaml", "fleet.ts"])).toEqual([{ dir: ".", stack: "e2e" }]);
  });

  it("names projects without a stack config file", () => {
    expect(projectsWithoutStacks(["a/Pulumi.yaml", "b/Pulumi.yaml", "b/Pulumi.x.yaml"])).toEqual(["a"]);
  });
});

describe("`changed` on a git repository", () => {
  it("prints the stacks a branch touches since its merge base, one per line, or as JSON, or every stack with --all", async () => {
    const repo = mkdtempSync(join(tmpdir(), "ppc-changed-"));
    const g = (...args: string[]) => execFileSync("git", ["-c", "user.email=ci@example.com", "-c", "user.name=ci", ...args], { cwd: repo, encoding: "utf8" });
    const put = (f: string, text: string) => (mkdirSync(dirname(join(repo, f)), { recursive: true }), writeFileSync(join(repo, f), text));
    g("init", "-q", "-b", "main");
    for (const f of FILES) put(f, f);
    g("add", "-A");
    g("commit", "-qm", "init");
    g("checkout", "-qb", "change");
    put("stacks/web/Pulumi.prod.yaml", "changed");
    g("commit", "-qam", "grow prod");
    g("checkout", "-q", "main");
    put("stacks/db/index.ts", "changed on main");
    g("commit", "-qam", "main moves on");
    const out: string[] = [];
    expect(await main(["changed", "--base", "main", "--head", "change", "--cwd", repo], (s) => out.push(s))).toBe(0);
    expect(out.join("")).toBe("stacks/web\tprod\n");
    out.length = 0;
    expect(await main(["changed", "--base", "main", "--head", "change", "--cwd", repo, "--json"], (s) => out.push(s))).toBe(0);
    expect(JSON.parse(out.join(""))).toEqual([web("prod")]);
    out.length = 0;
    expect(await main(["changed", "--all", "--cwd", repo], (s) => out.push(s))).toBe(0);
    expect(out.join("")).toBe("stacks/db\tprod\nstacks/db/nested\ttest\nstacks/web\tdev\nstacks/web\tprod\n");
    const err: string[] = [];
    expect(
      await main(
        ["changed", "--base", "nope", "--cwd", repo],
        () => {},
        (s) => err.push(s),
      ),
    ).toBe(1);
    expect(err.join("")).toMatch(/--base nope: not a commit of/);
  });
});
