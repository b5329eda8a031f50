/**
 * What every resource type in the registry must have: checked-in reference docs that match its definition
 * (regenerate with `npm run docs`), and a run of the shared conformance suite (test/helpers/conformance.ts).
 */
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import "../../provider";
import { registry } from "../../provider/core";
import { vendorDoc, vendors } from "../../provider/core/docs";

const ROOT = join(__dirname, "../..");

describe("the registry", () => {
  it("holds every resource type of the package, each with one token", () => {
    const tokens = registry().map((e) => e.token);
    expect(new Set(tokens).size).toBe(tokens.length);
    expect(vendors()).toEqual(["chimestack", "cloudsigma", "cloudtower", "cvm"]);
  });

  it.each(vendors())("has up-to-date reference docs for %s (npm run docs)", (vendor) => {
    expect(readFileSync(join(ROOT, "docs/reference", `${vendor}.md`), "utf8")).toBe(vendorDoc(vendor));
  });

  it("runs the shared conformance suite for every resource type", () => {
    const suites = readdirSync(join(ROOT, "test/provider"), { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => join(ROOT, "test/provider", d.name, "conformance.test.ts"))
      .flatMap((f) => {
        try {
          return [readFileSync(f, "utf8")];
        } catch {
          return [];
        }
      })
      .join("\n");
    // A type is covered where a conformance file runs the shared suite on it (`resource: cloudtower.Vm`), or
    // writes its cases as they apply to it (cvm.Vm only adopts: test/provider/cvm/conformance.test.ts).
    const missing = registry().filter((e) => !new RegExp(`\\b${e.vendor}\\.${e.type}\\b`).test(suites));
    expect(missing.map((e) => `${e.vendor}.${e.type}`)).toEqual([]);
  });
});
