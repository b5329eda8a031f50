/**
 * Reports for the posting tests, built from the engine events recorded through the real CLI
 * (test/gitops/fixtures/), and written into a folder as the commands write them.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { previewOutcome } from "../../../gitops/commands";
import { ResourceChange, collect } from "../../../gitops/events";
import { Report } from "../../../gitops/report";

const events = (name: string): EngineEvent[] => JSON.parse(readFileSync(join(__dirname, "..", "fixtures", `${name}.json`), "utf8"));

export function planReport(fixture = "preview-change"): Report {
  const c = collect(events(fixture), "preview");
  return {
    kind: "plan",
    project: "cloudtower-fleet",
    stack: "e2e",
    ...previewOutcome({ collected: c, error: c.errors.length ? "preview failed" : undefined }),
    commit: "0123456789abcdef0123456789abcdef01234567",
    resources: c.resources,
    policies: c.policies,
    packs: c.packs,
    errors: c.errors,
    notes: [],
  };
}

export function driftReport(found: boolean): Report {
  const c = collect(events("refresh-drift"), "refresh");
  return {
    kind: "drift",
    project: "cloudtower-fleet",
    stack: "e2e",
    outcome: found ? "drift" : "no-drift",
    exitCode: found ? 7 : 0,
    resources: [],
    drift: found ? c.resources : [],
    policies: [],
    packs: [],
    errors: [],
    notes: [],
  };
}

/** A plan whose Markdown is about `size` characters: `n` VMs to update, each with a long property. */
export function bigPlan(n: number, valueLength = 100): Report {
  const base = planReport();
  const vm = (i: number, op: ResourceChange["op"]): ResourceChange => ({
    urn: `urn:pulumi:e2e::cloudtower-fleet::pulumi-nodejs:dynamic:Resource::vm-${i}`,
    type: "cloudtower:Vm",
    token: "pulumi-nodejs:dynamic/cloudtower:Vm",
    name: `vm-${i}`,
    op,
    steps: [op],
    changes: op === "delete" ? [] : [{ path: "description", old: "x".repeat(valueLength), new: "y".repeat(valueLength) }],
    oldInputs: { description: "x".repeat(valueLength) },
    newInputs: { description: "y".repeat(valueLength) },
  });
  return {
    ...base,
    resources: [...base.resources, vm(0, "delete"), vm(1, "replace"), ...Array.from({ length: n }, (_, i) => vm(i + 2, "update"))],
  };
}

/** A folder with `<kind>.json` (and `.md`) as a command writes it. */
export function reportDir(report: Report): string {
  const dir = mkdtempSync(join(tmpdir(), "ppc-post-"));
  writeFileSync(join(dir, `${report.kind}.json`), JSON.stringify(report, null, 2));
  return dir;
}
