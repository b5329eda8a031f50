/**
 * A stack opened through the Automation API (a LocalWorkspace on the project folder, the backend from
 * PULUMI_BACKEND_URL or Pulumi.yaml, no Pulumi Cloud), the facts a plan is pinned to, and the operations run
 * with their engine events collected (a failed operation throws; its events still say what happened).
 */
import { existsSync, readFileSync } from "node:fs";
import { hostname } from "node:os";
import { basename, dirname, isAbsolute, join, relative, resolve } from "node:path";
import type { ConfigMap, EngineEvent, PreviewOptions, Stack, UpOptions } from "@pulumi/pulumi/automation";
import { Collected, collect, plain } from "./events";
import { Facts, hashFolders, sha256 } from "./manifest";
import { Masker } from "./mask";
import { GitFacts, gitFacts } from "./git";
import { PRICES_KEY, parsePrices } from "./price";
import type { UnitPrices } from "../provider/cost";

/** The package's own folder (where package.json says `pulumi-private-cloud`), from the kit's location. */
export function packageRoot(): string {
  let d = __dirname;
  for (;;) {
    const p = join(d, "package.json");
    if (existsSync(p) && JSON.parse(readFileSync(p, "utf8")).name === "pulumi-private-cloud") return d;
    const up = dirname(d);
    if (up === d) throw new Error(`cannot find the pulumi-private-cloud package above ${__dirname}`);
    d = up;
  }
}

/** The policy pack shipped with the package, used when no --policy-pack is given. */
export const shippedPack = () => join(packageRoot(), "policy-pack");

export interface StackOptions {
  stack: string;
  cwd: string;
  /** Policy pack folders (default: the shipped pack). */
  policyPacks?: string[];
  policyPackConfig?: string;
  /** Where CLI output goes (masked); default stderr. */
  log?: (text: string) => void;
}

export interface Opened {
  stack: Stack;
  project: string;
  dir: string;
  masker: Masker;
  config: ConfigMap;
  policyPacks: string[];
  policyPackConfig?: string;
  log: (text: string) => void;
}

const STACK_NAME = /^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+){0,2}$/;

/** Opens the stack; every bad input is an error naming its option or variable. */
export async function openStack(o: StackOptions): Promise<Opened> {
  if (!STACK_NAME.test(o.stack))
    throw new Error(`--stack ${JSON.stringify(o.stack)}: a stack name has letters, digits, "-", "_" and "." (optionally org/project/stack)`);
  const dir = resolve(o.cwd);
  if (!existsSync(join(dir, "Pulumi.yaml")) && !existsSync(join(dir, "Pulumi.yml")))
    throw new Error(`--cwd ${o.cwd}: no Pulumi.yaml there (give the project folder)`);
  const packs = (o.policyPacks?.length ? o.policyPacks : [shippedPack()]).map((p) => resolve(p));
  for (const p of packs)
    if (!existsSync(join(p, "PulumiPolicy.yaml"))) throw new Error(`--policy-pack ${p}: no PulumiPolicy.yaml there (give a policy pack folder)`);
  const packConfig = o.policyPackConfig ? resolve(o.policyPackConfig) : undefined;
  if (packConfig) {
    if (!existsSync(packConfig)) throw new Error(`--policy-pack-config ${o.policyPackConfig}: no such file`);
    try {
      JSON.parse(readFileSync(packConfig, "utf8"));
    } catch (e) {
      throw new Error(`--policy-pack-config ${o.policyPackConfig}: not JSON (${(e as Error).message})`, { cause: e });
    }
  }
  const masker = new Masker().addFromEnv();
  const log = (text: string) => (o.log ?? ((t: string) => process.stderr.write(t)))(masker.mask(text));
  const { LocalWorkspace, Stack } = await import("@pulumi/pulumi/automation");
  const ws = await LocalWorkspace.create({ workDir: dir });
  const settings = await ws.projectSettings();
  if (!process.env.PULUMI_BACKEND_URL && !settings.backend?.url) {
    throw new Error("PULUMI_BACKEND_URL is not set and Pulumi.yaml names no backend: set it to your state backend (file://, s3://, postgres://, ...)");
  }
  let stack: Stack;
  try {
    stack = await Stack.select(o.stack, ws);
  } catch (e) {
    throw new Error(`--stack ${o.stack}: ${commandError(e, masker)}`, { cause: e });
  }
  const config = await stack.getAllConfig();
  for (const v of Object.values(config)) if (v.secret) masker.add(v.value);
  return { stack, project: settings.name, dir, masker, config, policyPacks: packs, policyPackConfig: packConfig, log };
}

/** The reason of a failed CLI command (its stderr, masked, colours stripped, the tail if long). */
export function commandError(e: unknown, masker: Masker): string {
  const msg = e instanceof Error ? e.message : String(e);
  const m = /\n stderr: ([\s\S]*?)(?:\n err\?: [\s\S]*)?$/.exec(msg);
  let text = plain(m ? m[1] : msg).trim();
  if (text.length > 4000) text = `…${text.slice(-4000)}`;
  return masker.mask(text);
}

/** Per-unit prices: the stack config key, else the policy pack config's stack-budget prices. */
export function pricesOf(o: Opened): { prices: UnitPrices; source?: string } {
  const v = o.config[PRICES_KEY];
  if (v) return { prices: parsePrices(v.value), source: `the stack config \`${PRICES_KEY}\`` };
  if (o.policyPackConfig) {
    const budget = JSON.parse(readFileSync(o.policyPackConfig, "utf8"))["stack-budget"];
    if (budget?.prices)
      return {
        prices: parsePrices(budget.prices, `${basename(o.policyPackConfig)}: stack-budget.prices`),
        source: "the policy pack config's `stack-budget.prices`",
      };
  }
  return { prices: {} };
}

/** The stack's config file: `Pulumi.<stack>.yaml` (`.yml`), by the stack's own name. */
function configFile(dir: string, stack: string): string {
  const name = stack.split("/").pop()!;
  const yml = join(dir, `Pulumi.${name}.yml`);
  return existsSync(yml) ? yml : join(dir, `Pulumi.${name}.yaml`);
}

/** A path as stored in a manifest: relative to the repository's top when inside it. */
const stored = (root: string, p: string) => (isAbsolute(p) && !relative(root, p).startsWith("..") ? relative(root, p) || "." : p);

/** What a plan is pinned to, now. */
export async function factsOf(o: Opened): Promise<{ facts: Facts; git: GitFacts }> {
  const g = gitFacts(o.dir);
  const cfg = configFile(o.dir, o.stack.name);
  const shipped = resolve(shippedPack());
  const packs = o.policyPacks.map((p) => ({
    path: stored(g.root, p),
    // The shipped pack's policies are compiled into dist/policy beside it.
    sha256: hashFolders(p === shipped && existsSync(join(packageRoot(), "dist/policy")) ? [p, join(packageRoot(), "dist/policy")] : [p]),
  }));
  const exported = await o.stack.exportStack();
  const resources = ((exported.deployment as { resources?: unknown[] } | undefined)?.resources ?? []).length;
  const last = await o.stack.info().catch(() => undefined);
  const facts: Facts = {
    project: o.project,
    stack: o.stack.name,
    git: { dir: g.dir, commit: g.commit, tree: g.tree, dirty: g.dirty },
    config: { file: stored(g.root, cfg), sha256: existsSync(cfg) ? sha256(readFileSync(cfg)) : null },
    policy: {
      packs,
      config: o.policyPackConfig ? { path: stored(g.root, o.policyPackConfig), sha256: sha256(readFileSync(o.policyPackConfig)) } : null,
    },
    state: {
      sha256: sha256(JSON.stringify(exported)),
      resources,
      ...(last ? { lastUpdate: `${last.kind} ${last.result} at ${new Date(last.endTime ?? last.startTime).toISOString()}` } : {}),
    },
  };
  return { facts, git: g };
}

export interface OpResult {
  events: EngineEvent[];
  collected: Collected;
  /** The failure, masked; absent when the operation succeeded. */
  error?: string;
}

/** Runs one operation with its engine events collected; a failure is returned, not thrown. */
export async function run(o: Opened, op: "preview" | "up" | "previewRefresh", extra: PreviewOptions & UpOptions = {}): Promise<OpResult> {
  const events: EngineEvent[] = [];
  const common = { onEvent: (e: EngineEvent) => events.push(e), onOutput: o.log, color: "never" as const };
  const policy = { policyPacks: o.policyPacks, ...(o.policyPackConfig ? { policyPackConfigs: [o.policyPackConfig] } : {}) };
  let error: string | undefined;
  try {
    if (op === "preview") await o.stack.preview({ ...common, ...policy, ...extra });
    else if (op === "up") await o.stack.up({ ...common, ...policy, ...extra });
    else await o.stack.previewRefresh({ ...common });
  } catch (e) {
    error = commandError(e, o.masker);
  }
  const collected = collect(events, op === "up" ? "update" : op === "previewRefresh" ? "refresh" : "preview");
  collected.errors = collected.errors.map((m) => o.masker.mask(m));
  return { events, collected, ...(error ? { error } : {}) };
}

/** This runner, as a lock holder would name it. */
export const runnerName = () => `${process.env.USER ?? "runner"}@${hostname()} (pid ${process.pid})`;
