/**
 * What the engine said, as data: the steps of a preview or an update, the drift a refresh found, the policy
 * violations and the errors, collected from Automation API engine events (a failed preview throws, so the
 * events are the source). Values stay as the engine sent them: secrets are its secret sigil (shown
 * `[secret]`), unknowns its unknown sentinel (shown `(known after apply)`); `__provider` is never kept.
 */
import type { EngineEvent, StepEventMetadata } from "@pulumi/pulumi/automation";

/** The engine's marker of a secret value in events, and of a value not known until apply. */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const SECRET_VALUE = "1b47061264138c4ac30d75fd1eb44270";
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export type Props = Record<string, unknown>;

/** One changed property: a path like `disks[1].sizeGb`, its old and new value (absent when added or removed). */
export interface PropertyChange {
  path: string;
  old?: unknown;
  new?: unknown;
  /** This property forces a replacement. */
  replaces?: boolean;
}

/** The logical operation on one resource (a replacement's three engine steps are one `replace`). */
export type Op = "create" | "update" | "replace" | "delete" | "read" | "import" | "refresh" | "discard" | "other";

export interface ResourceChange {
  urn: string;
  /** `cloudtower:Vm` for this package's dynamic types, the engine's type otherwise. */
  type: string;
  /** The engine's type token (`pulumi-nodejs:dynamic/cloudtower:Vm`). */
  token: string;
  name: string;
  op: Op;
  /** The engine's own step ops for this resource, in order (`create-replacement`, `replace`, `delete-replaced`). */
  steps: string[];
  /** Properties (inputs; outputs for drift) that changed; for a create, every input. */
  changes: PropertyChange[];
  /** The resource's inputs and outputs before, and its inputs after (for pricing and the detail section). */
  oldInputs?: Props;
  oldOutputs?: Props;
  newInputs?: Props;
  /** Drift: the outputs as the vendor has them now. */
  newOutputs?: Props;
  /** Step failed (an update): the engine's reason, when it gave one. */
  failed?: string;
  /** The step finished (an update). */
  done?: boolean;
}

export type Level = "mandatory" | "advisory";

export interface PolicyViolation {
  level: Level;
  policy: string;
  pack: string;
  packVersion: string;
  urn?: string;
  /** The resource's name and type, when the violation names one. */
  resource?: string;
  message: string;
}

export interface Collected {
  /** Resources with a step other than `same`, the engine's own resources (stack, providers) apart. */
  resources: ResourceChange[];
  /** Every step other than `same` as URN + logical op, the engine's own resources included: what a plan approves. */
  steps: Array<{ urn: string; op: Op }>;
  policies: PolicyViolation[];
  /** Error diagnostics, in order (ANSI colours stripped). */
  errors: string[];
  /** The engine's summary: ops counted as it counts them, and whether it succeeded. */
  summary?: { resourceChanges: Record<string, number>; result?: string };
  /** The policy packs that ran, `name@version`. */
  packs: string[];
}

export const isSecret = (v: unknown): boolean => typeof v === "object" && v !== null && (v as Props)[SECRET_SIG] === SECRET_VALUE;

/** `pulumi-nodejs:dynamic/cloudtower:Vm` -> `cloudtower:Vm`. */
export const shortType = (type: string) => type.replace(/^pulumi-nodejs:dynamic\//, "");
export const nameOf = (urn: string) => urn.split("::").pop() ?? urn;
const isEngineOwn = (type: string) => type === "pulumi:pulumi:Stack" || type.startsWith("pulumi:providers:");

/** Strips ANSI colour codes. */
// eslint-disable-next-line no-control-regex
export const plain = (s: string) => s.replace(/\u001b\[[0-9;]*m/g, "");

function logicalOp(steps: string[]): Op {
  if (steps.some((s) => s === "replace" || s === "create-replacement" || s === "delete-replaced")) return "replace";
  const first = steps[0];
  if (first === "read-replacement" || first === "read-discard") return "read";
  if (first === "import-replacement") return "import";
  if (first === "discard-replaced") return "discard";
  if (["create", "update", "delete", "read", "import", "refresh", "discard"].includes(first)) return first as Op;
  return "other";
}

const withoutProvider = (p: Props | undefined): Props | undefined => {
  if (!p) return undefined;
  const { __provider: _, ...rest } = p;
  return rest;
};

const isObject = (v: unknown): v is Props => typeof v === "object" && v !== null && !Array.isArray(v) && !isSecret(v);
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The changed leaves between two values, recursing into objects and arrays (a secret is a leaf). */
export function diffValues(oldV: unknown, newV: unknown, path = ""): PropertyChange[] {
  if (same(oldV, newV)) return [];
  const key = (k: string | number) => (typeof k === "number" ? `${path}[${k}]` : path ? `${path}.${k}` : k);
  if (isObject(oldV) && isObject(newV)) {
    const keys = [...new Set([...Object.keys(oldV), ...Object.keys(newV)])].sort();
    return keys.flatMap((k) => diffValues(oldV[k], newV[k], key(k)));
  }
  if (Array.isArray(oldV) && Array.isArray(newV)) {
    return Array.from({ length: Math.max(oldV.length, newV.length) }, (_, i) => diffValues(oldV[i], newV[i], key(i))).flat();
  }
  const change: PropertyChange = { path };
  if (oldV !== undefined) change.old = oldV;
  if (newV !== undefined) change.new = newV;
  return [change];
}

/** Every top-level input of a create, as a change from nothing. */
const allOf = (p: Props | undefined): PropertyChange[] =>
  Object.keys(p ?? {})
    .sort()
    .map((k) => ({ path: k, new: p![k] }));

interface Pending {
  urn: string;
  type: string;
  steps: string[];
  pre?: StepEventMetadata;
  replaceKeys: Set<string>;
  failed?: string;
  done?: boolean;
}

/**
 * Collects the events of one operation. `mode` says which events hold the steps: a preview's and an update's
 * steps are their resource pre-events (an update also says which finished or failed); a refresh's changes are
 * its resource output events (`update` for drift, `delete` for an object gone at the vendor).
 */
export function collect(events: EngineEvent[], mode: "preview" | "update" | "refresh"): Collected {
  const byUrn = new Map<string, Pending>();
  const policies: PolicyViolation[] = [];
  const errors: string[] = [];
  const packs = new Set<string>();
  let summary: Collected["summary"];
  const pending = (m: StepEventMetadata) => {
    let p = byUrn.get(m.urn);
    if (!p) byUrn.set(m.urn, (p = { urn: m.urn, type: m.type, steps: [], replaceKeys: new Set() }));
    return p;
  };
  for (const e of events) {
    const pre = e.resourcePreEvent?.metadata;
    const out = e.resOutputsEvent?.metadata;
    const failed = e.resOpFailedEvent?.metadata;
    const stepMeta = mode === "refresh" ? out : pre;
    if (stepMeta && stepMeta.op !== "same" && !(mode === "refresh" && stepMeta.op === "refresh")) {
      const p = pending(stepMeta);
      p.steps.push(stepMeta.op);
      p.pre ??= stepMeta;
      if (stepMeta.op === "replace" || stepMeta.op === "create-replacement") p.pre = stepMeta;
      for (const k of stepMeta.keys ?? []) p.replaceKeys.add(k);
    }
    if (mode === "update" && out && out.op !== "same" && byUrn.has(out.urn)) byUrn.get(out.urn)!.done = true;
    if (failed && byUrn.has(failed.urn)) byUrn.get(failed.urn)!.failed ??= "the step failed";
    const diag = e.diagnosticEvent;
    if (diag && diag.severity === "error") {
      const msg = plain(diag.message).trim();
      if (diag.urn && byUrn.has(diag.urn)) byUrn.get(diag.urn)!.failed = msg;
      if (msg && !errors.includes(msg)) errors.push(msg);
    }
    const pol = e.policyEvent;
    if (pol) {
      policies.push({
        level: pol.enforcementLevel === "mandatory" ? "mandatory" : "advisory",
        policy: pol.policyName,
        pack: pol.policyPackName,
        packVersion: pol.policyPackVersion,
        ...(pol.resourceUrn ? { urn: pol.resourceUrn, resource: `${shortType(pol.resourceUrn.split("::")[2] ?? "")} ${nameOf(pol.resourceUrn)}` } : {}),
        message: plain(pol.message).trim(),
      });
    }
    if (e.summaryEvent) {
      const s = e.summaryEvent as EngineEvent["summaryEvent"] & { result?: string };
      summary = { resourceChanges: { ...s.resourceChanges } as Record<string, number>, ...(s.result ? { result: s.result } : {}) };
      // The engine writes this field as `PolicyPacks` (its JSON name was never set); keys are `name|local|path`.
      const ran = (s as unknown as { PolicyPacks?: Record<string, string> }).PolicyPacks ?? s.policyPacks ?? {};
      for (const [k, v] of Object.entries(ran)) packs.add(`${k.split("|")[0]}@${v}`);
    }
  }
  const all = [...byUrn.values()];
  const resources = all.filter((p) => !isEngineOwn(p.type)).map((p) => toChange(p, mode));
  return { resources: sortChanges(resources), steps: all.map((p) => ({ urn: p.urn, op: logicalOp(p.steps) })), policies, errors, summary, packs: [...packs] };
}

function toChange(p: Pending, mode: "preview" | "update" | "refresh"): ResourceChange {
  const m = p.pre!;
  const op = logicalOp(p.steps);
  const oldInputs = withoutProvider(m.old?.inputs);
  const oldOutputs = withoutProvider(m.old?.outputs);
  const newInputs = withoutProvider(m.new?.inputs);
  let changes: PropertyChange[];
  if (mode === "refresh") changes = op === "delete" ? [] : diffValues(oldOutputs, withoutProvider(m.new?.outputs));
  else if (op === "create") changes = allOf(newInputs);
  else if (op === "delete" || op === "discard") changes = [];
  else changes = diffValues(oldInputs, newInputs);
  for (const c of changes) if (p.replaceKeys.has(c.path.split(/[.[]/)[0])) c.replaces = true;
  const change: ResourceChange = { urn: p.urn, type: shortType(p.type), token: p.type, name: nameOf(p.urn), op, steps: p.steps, changes };
  if (oldInputs) change.oldInputs = oldInputs;
  if (oldOutputs) change.oldOutputs = oldOutputs;
  if (newInputs && op !== "delete") change.newInputs = newInputs;
  if (mode === "refresh" && m.new?.outputs) change.newOutputs = withoutProvider(m.new.outputs);
  if (p.failed) change.failed = p.failed;
  if (p.done) change.done = true;
  return change;
}

/** Replaces and deletes first, then creates, updates and the rest; by name within each. */
const ORDER: Op[] = ["replace", "delete", "create", "update", "import", "read", "refresh", "discard", "other"];
export function sortChanges(rs: ResourceChange[]): ResourceChange[] {
  return [...rs].sort((a, b) => ORDER.indexOf(a.op) - ORDER.indexOf(b.op) || a.type.localeCompare(b.type) || a.name.localeCompare(b.name));
}
