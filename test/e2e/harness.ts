/**
 * Drives the real Pulumi CLI offline: a Pulumi project in a temporary folder that installs this package
 * the way a user does (a packed tarball, copied into node_modules), a local file:// backend and a
 * passphrase. Tests skip with a message when no `pulumi` is on PATH (scripts/test.sh puts one there).
 */
import { execFile, execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { inject } from "vitest";

const run = promisify(execFile);

export const ROOT = resolve(__dirname, "../..");

export function pulumiOnPath(): boolean {
  try {
    execFileSync("pulumi", ["version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/**
 * The Pulumi SDK the test projects install: PPC_PULUMI_SDK (scripts/test.sh sets the current one for its
 * second e2e run), else the lowest the package supports, the floor of its `@pulumi/pulumi` range (the one
 * place the version is written; the CLI is built at it).
 */
export const PULUMI_SDK = process.env.PPC_PULUMI_SDK || lowestPulumiSdk();

export function lowestPulumiSdk(): string {
  const range: string = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).dependencies["@pulumi/pulumi"];
  return range.replace(/^\^/, "");
}

export const SKIP_REASON = "no `pulumi` on PATH: run the e2e tests through scripts/test.sh, which builds one";

/** The tarball that the global setup (pack.global.ts) packed for this run. */
export function packedTarball(): string {
  const t = inject("ppcTarball");
  if (!t) throw new Error("no packed tarball: the e2e global setup (test/e2e/pack.global.ts) did not run");
  return t;
}

/** Compiles the package and packs it into `dir`; returns the tarball path. */
export async function packPackage(dir: string): Promise<string> {
  mkdirSync(dir, { recursive: true });
  await run("npx", ["tsc", "-p", "tsconfig.json"], { cwd: ROOT });
  const { stdout } = await run("npm", ["pack", "--silent", "--pack-destination", dir], { cwd: ROOT });
  return join(dir, stdout.trim().split("\n").pop()!);
}

/**
 * A newer build of the package: the packed one with another version and `patch` appended to a file of
 * dist/ (e.g. code that records which build ran).
 */
export async function repackWith(tarball: string, version: string, file: string, patch: string): Promise<string> {
  const work = mkdtempSync(join(tmpdir(), "ppc-repack-"));
  await run("tar", ["xzf", tarball, "-C", work]);
  const pkgDir = join(work, "package");
  const pkgJson = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8"));
  pkgJson.version = version;
  writeFileSync(join(pkgDir, "package.json"), JSON.stringify(pkgJson, null, 2));
  writeFileSync(join(pkgDir, file), readFileSync(join(pkgDir, file), "utf8") + "\n" + patch + "\n");
  const { stdout } = await run("npm", ["pack", "--silent", "--pack-destination", work], { cwd: pkgDir });
  return join(work, stdout.trim().split("\n").pop()!);
}

export interface Project {
  dir: string;
  env: NodeJS.ProcessEnv;
  /** Runs the CLI in the project; `env` adds variables for this run only. */
  pulumi(args: string[], opts?: { allowFail?: boolean; env?: NodeJS.ProcessEnv }): Promise<{ stdout: string; stderr: string; code: number }>;
  npm(args: string[]): Promise<string>;
  /** `pulumi config set` of one key (`secret`: encrypted in the stack's config). */
  set(key: string, value: string, secret?: boolean): Promise<unknown>;
}

/**
 * Copies a fixture project into a temporary folder, points its `pulumi-private-cloud` dependency at the
 * tarball, installs it, and creates a stack on a file:// backend inside the folder.
 */
export async function makeProject(fixture: string, tarball: string, stack = "e2e", extraEnv: NodeJS.ProcessEnv = {}): Promise<Project> {
  const dir = mkdtempSync(join(tmpdir(), "ppc-e2e-"));
  cpSync(fixture, dir, { recursive: true, filter: (src) => !src.includes("node_modules") });
  const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  pkg.dependencies = { ...pkg.dependencies, "@pulumi/pulumi": PULUMI_SDK, "pulumi-private-cloud": `file:${tarball}` };
  writeFileSync(join(dir, "package.json"), JSON.stringify(pkg, null, 2));
  mkdirSync(join(dir, ".state"));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PULUMI_BACKEND_URL: `file://${join(dir, ".state")}`,
    PULUMI_CONFIG_PASSPHRASE: "e2e-passphrase",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_HOME: join(dir, ".pulumi-home"),
    ...extraEnv,
  };
  const npm = async (args: string[]) => (await run("npm", args, { cwd: dir, env, maxBuffer: 64 << 20 })).stdout;
  const pulumi = async (args: string[], opts: { allowFail?: boolean; env?: NodeJS.ProcessEnv } = {}) => {
    try {
      const r = await run("pulumi", [...args, "--non-interactive", "--color=never"], { cwd: dir, env: { ...env, ...opts.env }, maxBuffer: 64 << 20 });
      return { ...r, code: 0 };
    } catch (e) {
      const err = e as { stdout: string; stderr: string; code: number };
      if (opts.allowFail) return { stdout: err.stdout, stderr: err.stderr, code: err.code };
      throw new Error(`pulumi ${args.join(" ")} failed (${err.code}):\n${err.stdout}\n${err.stderr}`, { cause: e });
    }
  };
  await npm(["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"]);
  await pulumi(["stack", "init", stack]);
  const set = (key: string, value: string, secret = false) => pulumi(["config", "set", ...(secret ? ["--secret"] : []), key, value]);
  return { dir, env, pulumi, npm, set };
}

/**
 * A Pulumi project written from `files` (relative path -> content; plain JavaScript programs need no
 * compile step), installed and with a stack, as makeProject does for a fixture folder.
 */
export async function makeInlineProject(files: Record<string, string>, tarball: string, stack = "e2e", extraEnv: NodeJS.ProcessEnv = {}): Promise<Project> {
  const dir = mkdtempSync(join(tmpdir(), "ppc-inline-"));
  for (const [path, text] of Object.entries(files)) writeFileSync(join(dir, path), text);
  return makeProject(dir, tarball, stack, extraEnv);
}

/** A JavaScript Pulumi project: Pulumi.yaml and package.json for `index.js`. */
export function jsProject(name: string, program: string): Record<string, string> {
  return {
    "Pulumi.yaml": `name: ${name}\nruntime:\n  name: nodejs\n  options:\n    typescript: false\n`,
    "package.json": JSON.stringify({ name, private: true, main: "index.js", dependencies: { "@pulumi/pulumi": PULUMI_SDK } }, null, 2),
    "index.js": program,
  };
}

/** The resources of a `pulumi stack export`, and its pending operations. */
export function deployment(exported: string): {
  resources: Array<{ urn: string; type: string; id?: string; inputs?: Record<string, unknown>; outputs?: Record<string, unknown> }>;
  pending: unknown[];
} {
  const d = JSON.parse(exported).deployment ?? {};
  return { resources: d.resources ?? [], pending: d.pending_operations ?? [] };
}

/** The `__provider` strings in a `pulumi stack export` deployment. */
export function providerStrings(exported: string): string[] {
  const resources = (JSON.parse(exported).deployment?.resources ?? []) as Array<{ inputs?: Record<string, unknown>; outputs?: Record<string, unknown> }>;
  const out: string[] = [];
  for (const r of resources) {
    for (const bag of [r.inputs, r.outputs]) {
      const p = bag?.__provider;
      if (typeof p === "string") out.push(p);
      else if (p && typeof p === "object" && "ciphertext" in (p as object)) out.push(JSON.stringify(p));
    }
  }
  return out;
}
