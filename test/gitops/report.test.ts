/**
 * The plan, apply and drift reports from engine events recorded through the real CLI (test/gitops/fixtures/:
 * the Automation API's onEvent of the CloudTower example fleet against the simulator, debug diagnostics left
 * out): a change that grows db-1, adds web-4 and web-5, removes web-2 and renames the snapshots (replaced),
 * with an advisory and a mandatory policy; a preview whose program failed; the update that applied the
 * change; a refresh preview after web-1 was renamed and web-3 deleted at the vendor.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { describe, expect, it } from "vitest";
import { EXIT, previewOutcome } from "../../gitops/commands";
import { collect, diffValues } from "../../gitops/events";
import { priceDelta } from "../../gitops/price";
import { Report, renderMarkdown, show } from "../../gitops/report";
import { planReport as basePlan } from "./forges/reports";

const events = (name: string): EngineEvent[] => JSON.parse(readFileSync(join(__dirname, "fixtures", `${name}.json`), "utf8"));
const PRICES = { currency: "EUR", cloudtower: { perVcpu: 10, perGbMemory: 5, perGbDisk: 0.1 } };

/** A plan report from recorded engine events, priced with PRICES. */
const planReport = (name: string): Report => {
  const r = basePlan(name);
  return { ...r, price: priceDelta(r.resources, PRICES, "the stack config") };
};

describe("events of a preview", () => {
  const c = collect(events("preview-change"), "preview");

  it("lists exactly the changed resources, replaces and deletes first, the stack and its providers left out", () => {
    expect(c.resources.map((r) => `${r.op} ${r.type} ${r.name}`)).toEqual([
      "replace cloudtower:VmSnapshot db-1-nightly",
      "replace cloudtower:VmSnapshot db-2-nightly",
      "delete cloudtower:Vm web-2",
      "create cloudtower:Vm web-4",
      "create cloudtower:Vm web-5",
      "update cloudtower:Vm db-1",
    ]);
  });

  it("approves every step other than same as URN and logical op, the default provider's config update included", () => {
    expect(c.steps.map((s) => `${s.op} ${s.urn.split("::").pop()}`).sort()).toEqual(
      ["update default", "create web-4", "create web-5", "update db-1", "replace db-1-nightly", "replace db-2-nightly", "delete web-2"].sort(),
    );
  });

  it("diffs the inputs itself: db-1's memory, and the snapshots' name marked as forcing the replacement", () => {
    expect(c.resources.find((r) => r.name === "db-1")!.changes).toEqual([{ path: "memoryMb", old: 4096, new: 8192 }]);
    expect(c.resources.find((r) => r.name === "db-1-nightly")!.changes).toEqual([
      { path: "name", old: "db-1-nightly-initial", new: "db-1-nightly-v2", replaces: true },
    ]);
    expect(c.resources.find((r) => r.name === "db-1-nightly")!.steps).toEqual(["create-replacement", "replace", "delete-replaced"]);
  });

  it("never keeps __provider", () => {
    expect(JSON.stringify(c)).not.toContain("__provider");
    expect(JSON.stringify(c)).not.toContain("exports.handler");
  });

  it("collects the policy violation with its level, pack and resource, and the pack that ran", () => {
    expect(c.policies).toEqual([
      expect.objectContaining({
        level: "advisory",
        policy: "cloudtower-vm-size",
        pack: "pulumi-private-cloud",
        resource: "cloudtower:Vm db-1",
        message: expect.stringMatching(/VM db-1 asks for 8192 MiB; at most 4096 MiB/),
      }),
    ]);
    expect(c.packs).toEqual(["pulumi-private-cloud@0.1.0"]);
  });
});

describe("exit codes of a preview", () => {
  it("is 2 for changes, 5 when a mandatory policy fired (the preview failed too), 1 for a failed program, 0 for none", () => {
    expect(planReport("preview-change")).toMatchObject({ outcome: "changes", exitCode: EXIT.changes });
    const mandatory = collect(events("preview-mandatory"), "preview");
    expect(mandatory.policies.map((p) => p.level)).toEqual(["mandatory"]);
    expect(previewOutcome({ collected: mandatory, error: "preview failed" })).toEqual({ outcome: "policy-blocked", exitCode: 5 });
    expect(previewOutcome({ collected: collect(events("preview-failed"), "preview"), error: "preview failed" })).toEqual({ outcome: "failed", exitCode: 1 });
    expect(previewOutcome({ collected: collect([], "preview") })).toEqual({ outcome: "no-changes", exitCode: 0 });
  });
});

describe("the plan's Markdown", () => {
  const md = renderMarkdown(planReport("preview-change"));

  it("heads with the verdict, the counts in listing order and the exit code", () => {
    expect(md.split("\n")[0]).toBe("## Plan of `cloudtower-fleet/e2e`: changes to review");
    expect(md).toContain("**2 to replace, 1 to delete, 2 to create, 1 to update** · commit `0123456789ab` · exit 2");
  });

  it("shows replaces and deletes before creates and updates, with per-property old → new values", () => {
    const first = md.indexOf("### Replaced and deleted (3)");
    const then = md.indexOf("### Created and updated (3)");
    expect(first).toBeGreaterThan(0);
    expect(then).toBeGreaterThan(first);
    expect(md).toContain("- **update** `cloudtower:Vm` **db-1**\n  - `memoryMb`: `4096` → `8192`");
    expect(md).toContain('  - `name`: `"db-1-nightly-initial"` → `"db-1-nightly-v2"` (forces replacement)');
    expect(md).toMatch(/- \*\*create\*\* `cloudtower:Vm` \*\*web-4\*\*\n {2}- .*memoryMb: 2048.*name: "web-4"/);
    expect(md).toContain("- **delete** `cloudtower:Vm` **web-2**");
  });

  it("masks secret inputs and hides __provider, in the list and in the full detail", () => {
    expect(md).toMatch(/template: \[secret\]/);
    expect(md).toContain('"template": "[secret]"');
    expect(md).not.toContain("__provider");
    expect(md).not.toContain("1b47061264138c4ac30d75fd1eb44270");
  });

  it("groups policy violations by level", () => {
    expect(md).toContain("### Policies (pulumi-private-cloud@0.1.0)\n\n**Advisory** (1)\n\n- `cloudtower-vm-size` on cloudtower:Vm db-1: ");
    const blocked = renderMarkdown(planReport("preview-mandatory"));
    expect(blocked).toContain("**Mandatory** (1): blocks the apply");
    expect(blocked.split("\n")[0]).toContain("blocked by a mandatory policy");
  });

  it("prices the change per resource from the unit prices: growth, creates and the deleted VM", () => {
    // db-1: 4 vCPU + 4 → 8 GB + 140 GB; a web VM: 2 vCPU + 2 GB + its template's 20 GB disk (read back).
    expect(md).toContain("| cloudtower:Vm db-1 | update | 74.00 | 94.00 | +20.00 |");
    expect(md).toContain("| cloudtower:Vm web-2 | delete | 32.00 | 0.00 | −32.00 |");
    expect(md).toContain("| cloudtower:Vm web-4 | create | 0.00 | 30.00 | +30.00 |");
    expect(md).toContain("### Monthly price: +48.00 EUR");
    expect(md).toContain("No price model for: cloudtower:VmSnapshot db-1-nightly, cloudtower:VmSnapshot db-2-nightly.");
  });

  it("ends with a collapsed full detail of every resource", () => {
    expect(md).toMatch(/<details><summary>Full detail<\/summary>[\s\S]*#### update cloudtower:Vm db-1[\s\S]*"oldInputs"[\s\S]*<\/details>\n$/);
  });

  it("says why a failed preview failed, with the program's own message and no colour codes", () => {
    const failed = renderMarkdown(planReport("preview-failed"));
    expect(failed.split("\n")[0]).toBe("## Plan of `cloudtower-fleet/e2e`: failed");
    expect(failed).toContain("### Why it failed");
    expect(failed).toContain('cloudtower.getCluster: no cluster has name "cluster-z"');
    expect(failed).not.toContain("\u001b[");
  });
});

describe("events of an update and of a refresh preview", () => {
  it("marks each step of an applied update done", () => {
    const c = collect(events("up-change"), "update");
    expect(c.resources.map((r) => `${r.op} ${r.name} ${r.done ? "done" : "not done"}`)).toEqual([
      "replace db-1-nightly done",
      "replace db-2-nightly done",
      "delete web-2 done",
      "create web-4 done",
      "create web-5 done",
      "update db-1 done",
    ]);
  });

  it("names each drifted resource and property, state against vendor, and the object gone at the vendor", () => {
    const c = collect(events("refresh-drift"), "refresh");
    expect(c.resources.map((r) => `${r.op} ${r.name}`)).toEqual(["delete web-3", "update web-1"]);
    expect(c.resources[1].changes).toEqual([{ path: "name", old: "web-1", new: "web-1-renamed" }]);
    const md = renderMarkdown({
      kind: "drift",
      project: "p",
      stack: "s",
      outcome: "drift",
      exitCode: 7,
      resources: [],
      drift: c.resources,
      policies: [],
      packs: [],
      errors: [],
      notes: [],
    });
    expect(md).toContain("**2 drifted at the vendor (1 gone, 1 changed), the program matches the state**");
    expect(md).toContain('- **update** `cloudtower:Vm` **web-1**\n  - `name`: state `"web-1"` → vendor `"web-1-renamed"`');
    expect(md).toContain("- **delete** `cloudtower:Vm` **web-3**\n  - gone at the vendor");
  });
});

describe("values", () => {
  it("diffs nested objects and arrays to their leaves", () => {
    expect(diffValues({ a: 1, disks: [{ sizeGb: 1 }, { sizeGb: 2 }] }, { a: 1, disks: [{ sizeGb: 1 }, { sizeGb: 3 }, { sizeGb: 4 }] })).toEqual([
      { path: "disks[1].sizeGb", old: 2, new: 3 },
      { path: "disks[2]", new: { sizeGb: 4 } },
    ]);
  });

  it("shows secrets and unknowns by name and cuts long values", () => {
    expect(show({ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", ciphertext: "[secret]" })).toBe("[secret]");
    expect(show("04da6b54-80e4-46f7-96ec-b56ff0331ba9")).toBe("(known after apply)");
    expect(show("x".repeat(500), 20)).toHaveLength(20);
  });
});
