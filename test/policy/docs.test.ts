import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { policyDoc } from "../../policy/docs";
import { allPolicies } from "../../policy/policies";

const FILE = join(__dirname, "../../docs/policies.md");

describe("the policy pack reference", () => {
  it("is the one the policies make (set PPC_WRITE_DOCS=1 to write it)", () => {
    const doc = policyDoc(allPolicies());
    if (process.env.PPC_WRITE_DOCS) writeFileSync(FILE, doc);
    expect(readFileSync(FILE, "utf8")).toBe(doc);
  });
});
