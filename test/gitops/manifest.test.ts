/** The plan manifest: reading it (errors name the field), the facts compared at apply, the approved steps. */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Facts, MANIFEST_FORMAT, compareFacts, compareSteps, hashFolders, readManifest } from "../../gitops/manifest";

const H = (c: string) => c.repeat(64);
const FACTS: Facts = {
  project: "fleet",
  stack: "prod",
  git: { dir: ".", commit: "a".repeat(40), tree: "b".repeat(40), dirty: [] },
  config: { file: "Pulumi.prod.yaml", sha256: H("1") },
  policy: { packs: [{ path: "policy-pack", sha256: H("2") }], config: { path: "policy.json", sha256: H("3") } },
  state: { sha256: H("4"), resources: 12 },
};
const URN = "urn:pulumi:prod::fleet::pulumi-nodejs:dynamic/cloudtower:Vm::web-1";

const tmp = () => mkdtempSync(join(tmpdir(), "ppc-manifest-"));
function write(value: unknown): string {
  const f = join(tmp(), "manifest.json");
  writeFileSync(f, typeof value === "string" ? value : JSON.stringify(value));
  return f;
}

describe("reading a manifest", () => {
  const good = { format: MANIFEST_FORMAT, createdAt: "2026-01-01T00:00:00Z", outcome: "changes", steps: [{ urn: URN, op: "update" }], ...FACTS };

  it("reads a manifest that plan wrote", () => {
    expect(readManifest(write(good))).toEqual(good);
  });

  it.each([
    [{ ...good, format: "other" }, /format: Invalid input: expected "pulumi-private-cloud-gitops\/manifest@1"/],
    [{ ...good, state: { ...FACTS.state, sha256: "nope" } }, /state\.sha256: expected a sha256 in hex/],
    [{ ...good, steps: [{ urn: "web-1", op: "update" }] }, /steps\.0\.urn: /],
    [{ ...good, git: { ...FACTS.git, commit: undefined } }, /git\.commit: /],
    [{ ...good, extra: 1 }, /\(top\): Unrecognized key: "extra"/],
  ])("names the field that is wrong (%#)", (value, message) => {
    expect(() => readManifest(write(value))).toThrow(message);
  });

  it("says when the file is missing or not JSON", () => {
    expect(() => readManifest("/nowhere/manifest.json")).toThrow(/--manifest \/nowhere\/manifest.json: no such file/);
    expect(() => readManifest(write("{"))).toThrow(/not JSON/);
  });
});

describe("the facts at apply", () => {
  const with_ = (patch: (f: Facts) => void): Facts => {
    const f = structuredClone(FACTS);
    patch(f);
    return f;
  };

  it("match when nothing changed", () => {
    expect(compareFacts(FACTS, structuredClone(FACTS))).toEqual([]);
  });

  it("match a merge commit with the planned tree, and say so", () => {
    const notes: string[] = [];
    expect(
      compareFacts(
        FACTS,
        with_((f) => (f.git.commit = "c".repeat(40))),
        notes,
      ),
    ).toEqual([]);
    expect(notes).toEqual([`commit cccccccccccc is not the planned aaaaaaaaaaaa but has its files (same tree bbbbbbbbbbbb)`]);
  });

  it.each<[string, (f: Facts) => void, RegExp]>([
    [
      "another commit and tree",
      (f) => ((f.git.commit = "c".repeat(40)), (f.git.tree = "d".repeat(40))),
      /^the commit differs: planned aaaaaaaaaaaa \(tree bbbbbbbbbbbb\), now cccccccccccc \(tree dddddddddddd\)/,
    ],
    ["uncommitted changes", (f) => (f.git.dirty = ["index.ts"]), /^the project folder has changes not committed: index.ts$/],
    ["other config", (f) => (f.config.sha256 = H("5")), /^the stack's config file Pulumi.prod.yaml changed since the plan/],
    ["another policy pack", (f) => (f.policy.packs[0].sha256 = H("6")), /^the policy packs differ from the planned ones/],
    ["other policy config", (f) => (f.policy.config = null), /^the policy pack config differs from the planned one \(policy.json 333333333333 → none\)/],
    [
      "a state changed since the plan",
      (f) => ((f.state.sha256 = H("7")), (f.state.resources = 13)),
      /^the stack's state changed since the plan \(sha256 444444444444 → 777777777777, 12 → 13 resources\): plan again$/,
    ],
    ["another stack", (f) => (f.stack = "dev"), /^the manifest is for fleet\/prod, not fleet\/dev$/],
  ])("refuse %s", (_what, patch, message) => {
    const reasons = compareFacts(FACTS, with_(patch));
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toMatch(message);
  });
});

describe("the approved steps", () => {
  const a = [{ urn: URN, op: "update" }];

  it("match the same set in any order", () => {
    const two = [...a, { urn: URN.replace("web-1", "web-2"), op: "create" }];
    expect(compareSteps(two, [...two].reverse())).toEqual([]);
  });

  it("name the steps not approved and the approved ones gone", () => {
    expect(compareSteps(a, [{ urn: URN, op: "replace" }])).toEqual([
      `a fresh preview has steps that were not approved: replace ${URN}`,
      `approved steps that a fresh preview no longer has: update ${URN}`,
    ]);
  });
});

describe("folder hashes", () => {
  it("change with a file's content or name, and leave node_modules out", () => {
    const d = tmp();
    writeFileSync(join(d, "index.js"), "a");
    const h1 = hashFolders([d]);
    mkdirSync(join(d, "node_modules"));
    writeFileSync(join(d, "node_modules", "x.js"), "x");
    expect(hashFolders([d])).toBe(h1);
    writeFileSync(join(d, "index.js"), "b");
    expect(hashFolders([d])).not.toBe(h1);
  });
});
