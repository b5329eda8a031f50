/**
 * A plan, an apply or a drift check as one report: the data (written as JSON) and its Markdown for a merge
 * request (replaces and deletes first, then creates and updates, each with its properties' old → new values;
 * the policy violations by enforcement level; the monthly price delta; a collapsed full detail). Rendering is
 * pure: the same report always gives the same text. The caller masks the text before writing it.
 */
import { PolicyViolation, ResourceChange, UNKNOWN, isSecret } from "./events";
import type { PriceDelta } from "./price";

export type Kind = "plan" | "apply" | "drift";
export type Outcome = "no-changes" | "changes" | "failed" | "policy-blocked" | "refused" | "applied" | "no-drift" | "drift" | "remediated";

export interface Report {
  kind: Kind;
  project: string;
  stack: string;
  outcome: Outcome;
  exitCode: number;
  /** The commit the report is about (short form shown). */
  commit?: string;
  /** Plan and apply: the resources the change touches. Drift: what the program would change in the state (code not applied). */
  resources: ResourceChange[];
  /** Drift: resources whose vendor object differs from the state (a refresh preview). */
  drift?: ResourceChange[];
  policies: PolicyViolation[];
  packs: string[];
  /** Why it failed or was refused, in order. */
  errors: string[];
  /** What else happened (a stale lock removed, a remediation run). */
  notes: string[];
  price?: PriceDelta;
  /** For a plan: what the manifest pins, one line per fact. */
  manifest?: Record<string, string>;
}

const TITLE: Record<Kind, string> = { plan: "Plan", apply: "Apply", drift: "Drift check" };
const VERDICT: Record<Outcome, string> = {
  "no-changes": "no changes",
  changes: "changes to review",
  failed: "failed",
  "policy-blocked": "blocked by a mandatory policy",
  refused: "refused",
  applied: "applied",
  "no-drift": "no drift",
  drift: "drift found",
  remediated: "drift found and remediated",
};
const VERB: Record<string, string> = {
  create: "to create",
  update: "to update",
  replace: "to replace",
  delete: "to delete",
  read: "to read",
  import: "to import",
  discard: "to discard",
  other: "other",
};
const DONE: Record<string, string> = {
  create: "created",
  update: "updated",
  replace: "replaced",
  delete: "deleted",
  read: "read",
  import: "imported",
  discard: "discarded",
  other: "other",
};

const MAIN_VALUE = 120;
const CREATE_LINE = 400;

/** A value as shown: secrets `[secret]`, unknowns `(known after apply)`, else compact JSON, cut to `max`. */
export function show(v: unknown, max = MAIN_VALUE): string {
  const text = JSON.stringify(v, (_k, x) => (isSecret(x) ? "[secret]" : x === UNKNOWN ? "(known after apply)" : x));
  const s = text === undefined ? "undefined" : text.replace(/^"\[secret\]"$/, "[secret]").replace(/^"\(known after apply\)"$/, "(known after apply)");
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** Inline code that survives backticks in the value. */
const code = (s: string) => (s.includes("`") ? `\`\` ${s} \`\`` : `\`${s}\``);

/** `2 to create, 1 to delete` (or `created` for an apply) in the order changes are listed. */
export function countLine(rs: ResourceChange[], past = false): string {
  const counts = new Map<string, number>();
  for (const r of rs) counts.set(r.op, (counts.get(r.op) ?? 0) + 1);
  const words = past ? DONE : VERB;
  return [...counts].map(([op, n]) => `${n} ${words[op] ?? op}`).join(", ") || (past ? "nothing changed" : "no changes");
}

/** `2 drifted at the vendor (1 gone, 1 changed), 1 change not applied`. */
function driftLine(report: Report): string {
  const d = report.drift ?? [];
  const gone = d.filter((r) => r.op === "delete").length;
  const vendor = d.length ? `${d.length} drifted at the vendor (${gone} gone, ${d.length - gone} changed)` : "no vendor drift";
  return `${vendor}, ${report.resources.length ? `code not applied: ${countLine(report.resources)}` : "the program matches the state"}`;
}

function changeLines(r: ResourceChange, drift: boolean): string[] {
  if (r.op === "create" && !drift) {
    const line = r.changes.map((c) => `${c.path}: ${show(c.new, 60)}`).join(", ");
    return line ? [`  - ${line.length > CREATE_LINE ? `${line.slice(0, CREATE_LINE - 1)}…` : line}`] : [];
  }
  if (r.op === "delete" && drift) return ["  - gone at the vendor: the refresh drops it from the state"];
  if (r.op === "delete" || r.op === "discard") return [];
  if (!r.changes.length) return ["  - no property shown changed: the change is in a secret value or in the provider code (`__provider`, hidden)"];
  const [from, to] = drift ? ["state", "vendor"] : ["", ""];
  return r.changes.map((c) => {
    const oldV = "old" in c ? show(c.old) : "(none)";
    const newV = "new" in c ? show(c.new) : "(none)";
    const arrow = drift ? `${from} ${code(oldV)} → ${to} ${code(newV)}` : `${code(oldV)} → ${code(newV)}`;
    return `  - ${code(c.path)}: ${arrow}${c.replaces ? " (forces replacement)" : ""}`;
  });
}

function resourceLine(r: ResourceChange, kind: Kind): string {
  const status = kind === "apply" ? (r.failed ? " — **failed**" : r.done ? " — done" : " — not done") : "";
  return `- **${r.op}** ${code(r.type)} **${r.name}**${status}`;
}

function resourceList(rs: ResourceChange[], kind: Kind, drift = false): string[] {
  const lines: string[] = [];
  for (const r of rs) {
    lines.push(resourceLine(r, kind), ...changeLines(r, drift));
    if (r.failed && r.failed !== "the step failed") lines.push(`  - error: ${r.failed.split("\n")[0]}`);
  }
  return lines;
}

function policySection(report: Report): string[] {
  const out = [`### Policies${report.packs.length ? ` (${report.packs.join(", ")})` : ""}`, ""];
  if (!report.packs.length && !report.policies.length) return report.errors.length ? [] : [...out, "No policy pack ran.", ""];
  if (!report.policies.length) return [...out, "No violations.", ""];
  for (const level of ["mandatory", "advisory"] as const) {
    const vs = report.policies.filter((p) => p.level === level);
    if (!vs.length) continue;
    out.push(`**${level === "mandatory" ? "Mandatory" : "Advisory"}** (${vs.length})${level === "mandatory" ? ": blocks the apply" : ""}`, "");
    for (const v of vs)
      out.push(`- ${code(v.policy)}${v.resource ? ` on ${v.resource}` : " on the stack"}: ${v.message.split("\n").filter(Boolean).join(" — ")}`);
    out.push("");
  }
  return out;
}

const money = (n: number) => n.toFixed(2);
const signed = (n: number) => (n > 0 ? `+${money(n)}` : n < 0 ? `−${money(-n)}` : "±0.00");

function priceSection(p: PriceDelta | undefined): string[] {
  if (!p) return [];
  const cur = p.currency ? ` ${p.currency}` : "";
  const out = [`### Monthly price: ${signed(p.delta)}${cur} (${money(p.before)} → ${money(p.after)}${cur} for what changes)`, ""];
  if (p.rows.length) {
    out.push("| resource | change | before | after | delta |", "|---|---|---:|---:|---:|");
    for (const r of p.rows) out.push(`| ${r.type} ${r.name} | ${r.op} | ${money(r.before)} | ${money(r.after)} | ${signed(r.delta)} |`);
    out.push("");
  }
  out.push(
    p.source
      ? `Per-unit prices from ${p.source}.`
      : "No per-unit prices configured (stack config `pulumi-private-cloud:prices`): only vendor-priced resources count.",
  );
  if (p.unpriced.length) out.push(`No price model for: ${p.unpriced.join(", ")}.`);
  out.push("");
  return out;
}

function detailSection(report: Report): string[] {
  const all = [...(report.drift ?? []), ...report.resources];
  if (!all.length) return [];
  const out = ["<details><summary>Full detail</summary>", ""];
  for (const r of all) {
    out.push(`#### ${r.op} ${r.type} ${r.name}`, "", `${code(r.urn)}, engine steps: ${r.steps.join(", ")}`, "");
    const body: Record<string, unknown> = {};
    if (r.changes.length) body.changes = r.changes;
    if (r.oldInputs && r.op !== "create") body.oldInputs = r.oldInputs;
    if (r.newInputs) body.newInputs = r.newInputs;
    if (r.newOutputs) body.vendorOutputs = r.newOutputs;
    if (r.failed) body.error = r.failed;
    out.push(
      "```json",
      JSON.stringify(body, (_k, x) => (isSecret(x) ? "[secret]" : x === UNKNOWN ? "(known after apply)" : x), 2),
      "```",
      "",
    );
  }
  out.push("</details>", "");
  return out;
}

/** The title, the verdict and the counts. */
function headLines(report: Report): string[] {
  const past = report.kind === "apply" && report.outcome === "applied";
  const nothing = (report.outcome === "refused" || report.outcome === "failed") && !report.resources.length;
  const head =
    report.kind === "drift" ? driftLine(report) : nothing ? `nothing ${report.kind === "apply" ? "applied" : "planned"}` : countLine(report.resources, past);
  return [
    `## ${TITLE[report.kind]} of \`${report.project}/${report.stack}\`: ${VERDICT[report.outcome]}`,
    "",
    `**${head}**${report.commit ? ` · commit ${code(report.commit.slice(0, 12))}` : ""} · exit ${report.exitCode}`,
    "",
  ];
}

/** Why it failed or was refused, each reason cut to `max` characters. */
function errorSection(report: Report, max = Infinity): string[] {
  if (!report.errors.length) return [];
  const out = [`### ${report.outcome === "refused" ? "Why it was refused" : "Why it failed"}`, ""];
  for (const e of report.errors) {
    const t = e.trim();
    out.push("```text", t.length > max ? `${t.slice(0, max - 1)}…` : t, "```", "");
  }
  return out;
}

/**
 * The report in short, for a forge whose comment limit the full Markdown passes: the verdict and counts, why
 * it failed, the replaced and deleted resources (drift: the drifted ones) by name, the other changes as counts,
 * the policies, the price headline and the notes; `pointer` says where the full report is.
 */
export function renderSummary(report: Report, pointer: string): string {
  const out = [...headLines(report), `> ${pointer}`, "", ...errorSection(report, 2000)];
  const names = (rs: ResourceChange[]) => rs.map((r) => resourceLine(r, report.kind));
  if (report.kind === "drift") {
    out.push(`### Vendor drift (${report.drift?.length ?? 0})`, "", ...(report.drift?.length ? names(report.drift) : ["None."]), "");
    out.push(`### Code not applied: ${countLine(report.resources)}`, "");
  } else {
    const first = report.resources.filter((r) => r.op === "replace" || r.op === "delete");
    const rest = report.resources.filter((r) => r.op !== "replace" && r.op !== "delete");
    if (first.length) out.push(`### Replaced and deleted (${first.length})`, "", ...names(first), "");
    if (rest.length) out.push(`### Created and updated: ${countLine(rest, report.kind === "apply" && report.outcome === "applied")}`, "");
  }
  out.push(...policySection(report), ...priceSection(report.price).slice(0, 2));
  if (report.notes.length) out.push("### Notes", "", ...report.notes.map((n) => `- ${n}`), "");
  return out.join("\n");
}

/** The report as Markdown for a merge request, a job summary or an issue. */
export function renderMarkdown(report: Report): string {
  const out = [...headLines(report), ...errorSection(report)];
  if (report.kind === "drift") {
    out.push("### Vendor drift (the vendor's objects differ from the state)", "");
    out.push(...(report.drift?.length ? resourceList(report.drift, report.kind, true) : ["None."]), "");
    out.push("### Code not applied (the program differs from the state)", "");
    out.push(...(report.resources.length ? resourceList(report.resources, report.kind) : ["None."]), "");
  } else {
    const first = report.resources.filter((r) => r.op === "replace" || r.op === "delete");
    const rest = report.resources.filter((r) => r.op !== "replace" && r.op !== "delete");
    if (first.length) out.push(`### Replaced and deleted (${first.length})`, "", ...resourceList(first, report.kind), "");
    if (rest.length) out.push(`### Created and updated (${rest.length})`, "", ...resourceList(rest, report.kind), "");
  }
  out.push(...policySection(report), ...priceSection(report.price));
  if (report.notes.length) out.push("### Notes", "", ...report.notes.map((n) => `- ${n}`), "");
  if (report.manifest) {
    out.push("### Manifest", "", ...Object.entries(report.manifest).map(([k, v]) => `- ${k}: ${code(v)}`), "");
  }
  out.push(...detailSection(report));
  return out.join("\n");
}
