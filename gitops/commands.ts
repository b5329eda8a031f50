/**
 * The kit's commands: plan, apply, drift (each writes a Markdown and a JSON report, masked) and changed.
 * Exit codes: 0 no changes (or applied, or no drift), 1 error or refused, 2 changes, 5 a mandatory policy
 * fired, 7 drift.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { changedStacks, projectsWithoutStacks, StackRef } from "./changed";
import { Collected } from "./events";
import { changedFiles, filesAt, git } from "./git";
import { LockPolicy, describeHolder, lockDecision, lockHolders } from "./lock";
import { MANIFEST_FORMAT, Manifest, compareFacts, compareSteps, readManifest } from "./manifest";
import { Masker } from "./mask";
import { priceDelta } from "./price";
import { Outcome, Report, renderMarkdown } from "./report";
import { Opened, OpResult, StackOptions, factsOf, openStack, pricesOf, run } from "./stack";

export const EXIT = { ok: 0, error: 1, changes: 2, policy: 5, drift: 7 } as const;

export interface Written {
  report: Report;
  files: string[];
}

/** Writes `<name>.md` and `<name>.json` (and extra JSON files) into `out`, every byte through the masker. */
export function writeReport(out: string, name: string, report: Report, masker: Masker, extra: Record<string, unknown> = {}): string[] {
  mkdirSync(out, { recursive: true });
  const files = [join(out, `${name}.md`), join(out, `${name}.json`), ...Object.keys(extra).map((k) => join(out, k))];
  writeFileSync(files[0], masker.mask(renderMarkdown(report)));
  writeFileSync(files[1], masker.mask(JSON.stringify(report, null, 2)) + "\n");
  Object.values(extra).forEach((v, i) => writeFileSync(files[2 + i], masker.mask(JSON.stringify(v, null, 2)) + "\n"));
  return files;
}

/** A report for a command that failed before its operation could run (a stack not found, a bad manifest). */
export function writeFailure(kind: Report["kind"], stack: string, cwd: string, out: string, error: string, masker: Masker): string[] {
  return writeReport(out, kind, failureReport(kind, stack, cwd, error), masker);
}

/** The report of a command that failed before it could run, the project named from the folder's Pulumi.yaml. */
export function failureReport(kind: Report["kind"], stack: string, cwd: string, error: string): Report {
  const file = ["Pulumi.yaml", "Pulumi.yml"].map((f) => join(cwd, f)).find((f) => existsSync(f));
  const project = (file && /^name:\s*(\S+)/m.exec(readFileSync(file, "utf8"))?.[1]) || "(unknown project)";
  return { kind, project, stack, outcome: "failed", exitCode: EXIT.error, resources: [], policies: [], packs: [], errors: [error], notes: [] };
}

const mandatory = (c: Collected) => c.policies.some((p) => p.level === "mandatory");

function baseReport(o: Opened, kind: Report["kind"], r: OpResult | undefined, commit?: string): Report {
  return {
    kind,
    project: o.project,
    stack: o.stack.name,
    outcome: "failed",
    exitCode: EXIT.error,
    ...(commit ? { commit } : {}),
    resources: r?.collected.resources ?? [],
    policies: r?.collected.policies ?? [],
    packs: r?.collected.packs ?? [],
    errors: [],
    notes: [],
  };
}

/** The engine's closing words on a failure, which say nothing that the other errors do not. */
const GENERIC = /^(preview|update|refresh) failed$/;

/**
 * A failed operation's reasons: the mandatory policies that fired, its error diagnostics (the engine's bare
 * "preview failed" dropped when there is more), else the CLI's own message.
 */
function reasons(r: OpResult): string[] {
  const blocked = r.collected.policies.filter((p) => p.level === "mandatory");
  const errors = r.collected.errors.filter((e) => !GENERIC.test(e));
  const out = [
    ...(blocked.length ? [`${blocked.length} mandatory policy violation(s): ${[...new Set(blocked.map((p) => p.policy))].join(", ")} (see Policies)`] : []),
    ...errors,
  ];
  return out.length ? out : r.collected.errors.length ? r.collected.errors : r.error ? [r.error] : [];
}

/** Outcome and exit code of a preview: a mandatory policy wins over a failure, which wins over changes. */
export function previewOutcome(r: Pick<OpResult, "collected" | "error">): { outcome: Outcome; exitCode: number } {
  if (mandatory(r.collected)) return { outcome: "policy-blocked", exitCode: EXIT.policy };
  if (r.error) return { outcome: "failed", exitCode: EXIT.error };
  return r.collected.steps.length ? { outcome: "changes", exitCode: EXIT.changes } : { outcome: "no-changes", exitCode: EXIT.ok };
}

export interface PlanOptions extends StackOptions {
  out: string;
}

export async function plan(opts: PlanOptions): Promise<Written> {
  const o = await openStack(opts);
  const { prices, source } = pricesOf(o);
  const { facts } = await factsOf(o);
  const r = await run(o, "preview");
  const report = baseReport(o, "plan", r, facts.git.commit);
  Object.assign(report, previewOutcome(r));
  if (r.error || report.outcome === "policy-blocked") report.errors = reasons(r);
  report.price = priceDelta(report.resources, prices, source);
  if (facts.git.dirty.length) report.notes.push(`the project folder has changes not committed (${facts.git.dirty.join(", ")}): apply refuses until they are`);
  const manifest: Manifest = { format: MANIFEST_FORMAT, createdAt: new Date().toISOString(), ...facts, outcome: report.outcome, steps: r.collected.steps };
  report.manifest = {
    commit: facts.git.commit,
    tree: facts.git.tree,
    [`config ${facts.config.file}`]: facts.config.sha256 ?? "absent",
    ...Object.fromEntries(facts.policy.packs.map((p) => [`policy pack ${p.path}`, p.sha256])),
    ...(facts.policy.config ? { [`policy config ${facts.policy.config.path}`]: facts.policy.config.sha256 } : {}),
    state: `${facts.state.sha256} (${facts.state.resources} resources${facts.state.lastUpdate ? `, last: ${facts.state.lastUpdate}` : ""})`,
    "approved steps": String(manifest.steps.length),
  };
  return { report, files: writeReport(opts.out, "plan", report, o.masker, { "manifest.json": manifest }) };
}

export interface ApplyOptions extends StackOptions, LockPolicy {
  manifest: string;
  out: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Checks the manifest against now and a fresh preview; reasons to refuse (none: apply). A plan that did not
 * succeed approves nothing.
 */
async function verify(o: Opened, m: Manifest, notes: string[]): Promise<{ refuse: string[]; preview?: OpResult }> {
  if (m.outcome !== "changes" && m.outcome !== "no-changes")
    return { refuse: [`the plan's outcome was "${m.outcome}": it approves nothing; fix it and plan again`] };
  const refuse = compareFacts(m, (await factsOf(o)).facts, notes);
  if (refuse.length) return { refuse };
  const preview = await run(o, "preview");
  if (mandatory(preview.collected)) return { refuse: ["a mandatory policy fires on a fresh preview", ...reasons(preview)], preview };
  if (preview.error) return { refuse: ["a fresh preview failed", ...reasons(preview)], preview };
  // The state is read again after the preview (which takes seconds and no lock): another apply that took the
  // lock meanwhile has written its first step by now, and is refused here rather than applied over.
  const after = compareFacts(m, (await factsOf(o)).facts);
  return { refuse: after.length ? after : compareSteps(m.steps, preview.collected.steps), preview };
}

export async function apply(opts: ApplyOptions): Promise<Written> {
  const m = readManifest(opts.manifest);
  const o = await openStack(opts);
  if (m.stack !== o.stack.name) throw new Error(`--manifest ${opts.manifest}: it is for stack ${m.stack}, not ${o.stack.name}`);
  const notes: string[] = [];
  const refused = (why: string[], preview?: OpResult): Written => {
    const report = baseReport(o, "apply", preview, m.git.commit);
    Object.assign(report, { outcome: "refused", exitCode: preview && mandatory(preview.collected) ? EXIT.policy : EXIT.error, errors: why, notes });
    return { report, files: writeReport(opts.out, "apply", report, o.masker) };
  };
  let checked = await verify(o, m, notes);
  if (checked.refuse.length) return refused(checked.refuse, checked.preview);
  if (!m.steps.length && !checked.preview!.collected.steps.length) {
    const report = baseReport(o, "apply", checked.preview, m.git.commit);
    Object.assign(report, {
      outcome: "no-changes",
      exitCode: EXIT.ok,
      notes: [...notes, "nothing to apply: the plan approved no step and a fresh preview has none"],
    });
    return { report, files: writeReport(opts.out, "apply", report, o.masker) };
  }
  const started = Date.now();
  let waitNoted = false;
  for (;;) {
    const up = await run(o, "up");
    const holders = up.error && !up.collected.steps.length ? lockHolders(up.error) : undefined;
    if (holders) {
      const d = lockDecision(holders, opts, Date.now() - started);
      if (d.action === "give-up") return refused([d.reason]);
      if (d.action === "remove") {
        await o.stack.cancel();
        notes.push(d.reason);
      } else {
        if (!waitNoted) notes.push(`waited for the lock held by ${holders.map(describeHolder).join("; ")}`);
        waitNoted = true;
        await sleep(1000 + Math.random() * 2000);
      }
      // The state may have moved while the lock was held: what was approved is checked again.
      checked = await verify(o, m, notes);
      if (checked.refuse.length) return refused(checked.refuse, checked.preview);
      continue;
    }
    const report = baseReport(o, "apply", up, m.git.commit);
    report.notes = notes;
    const { prices, source } = pricesOf(o);
    report.price = priceDelta(report.resources, prices, source);
    if (up.error) Object.assign(report, { outcome: "failed", exitCode: EXIT.error, errors: reasons(up) });
    else Object.assign(report, { outcome: "applied", exitCode: EXIT.ok });
    return { report, files: writeReport(opts.out, "apply", report, o.masker) };
  }
}

export interface DriftOptions extends StackOptions {
  out: string;
  remediate?: boolean;
}

export async function drift(opts: DriftOptions): Promise<Written> {
  const o = await openStack(opts);
  const refresh = await run(o, "previewRefresh");
  const code = await run(o, "preview");
  const report = baseReport(o, "drift", code);
  report.drift = refresh.collected.resources;
  const errors = [...(refresh.error ? reasons(refresh) : []), ...(code.error && !mandatory(code.collected) ? reasons(code) : [])];
  const found = report.drift.length > 0 || code.collected.steps.length > 0;
  if (errors.length) Object.assign(report, { outcome: "failed", exitCode: EXIT.error, errors });
  else if (!found) Object.assign(report, { outcome: "no-drift", exitCode: EXIT.ok });
  else Object.assign(report, { outcome: "drift", exitCode: EXIT.drift });
  if (report.outcome === "drift" && opts.remediate) {
    if (mandatory(code.collected)) {
      Object.assign(report, { exitCode: EXIT.policy });
      report.notes.push("not remediated: a mandatory policy fires on the program's preview");
    } else {
      const up = await run(o, "up", { refresh: true });
      report.notes.push(`remediation (\`up --refresh\`): ${up.error ? "failed" : `done, ${up.collected.resources.length} resource(s) changed`}`);
      if (up.error) Object.assign(report, { exitCode: EXIT.error, errors: reasons(up) });
      else Object.assign(report, { outcome: "remediated", exitCode: EXIT.ok });
    }
  }
  return { report, files: writeReport(opts.out, "drift", report, o.masker) };
}

export interface ChangedOptions {
  /** Every stack of the head commit, instead of those a change from base touches (a drift schedule). */
  all?: boolean;
  base?: string;
  head: string;
  cwd: string;
}

/** The stacks a change touches; projects with no stack config file are named on `warn`. */
export function changed(opts: ChangedOptions, warn: (s: string) => void = () => {}): StackRef[] {
  const root = git(opts.cwd, ["rev-parse", "--show-toplevel"]);
  const files = filesAt(root, opts.head);
  const stacks = changedStacks(opts.all ? files : changedFiles(root, opts.base!, opts.head), files);
  for (const p of projectsWithoutStacks(files)) warn(`project ${p} has no Pulumi.<stack>.yaml: not listed`);
  return stacks;
}
