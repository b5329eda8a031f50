import { describe, expect, it } from "vitest";
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { chimestack, cloudsigma, cloudtower, core, cvm } from "pulumi-private-cloud";
import { commonPolicies } from "../../policy/common";
import { DECISIONS } from "../../policy/decisions";
import { stackViolations, violations } from "./harness";

const resourcePolicy = (name: string) => commonPolicies().find((p) => p.name === name) as ResourceValidationPolicy;
const stackPolicy = (name: string) => commonPolicies().find((p) => p.name === name) as StackValidationPolicy;

describe("the decisions behind the cross-vendor policies", () => {
  it("has a row for every resource type of the registry and none for a type that does not exist", () => {
    const types = core
      .registry()
      .map((e) => `${e.vendor}:${e.type}`)
      .sort();
    expect(Object.keys(DECISIONS).sort()).toEqual(types);
  });
  it("names as the naming input only an input the type has", () => {
    for (const e of core.registry()) {
      const d = DECISIONS[`${e.vendor}:${e.type}`];
      const inputs = Object.keys(z(e.inputSchema));
      for (const field of [d.name, d.tags]) if (typeof field === "string") expect(inputs, `${e.vendor}:${e.type}`).toContain(field);
    }
  });
});

/** The fields of an input schema (an object, or an object piped into a transform). */
function z(schema: unknown): Record<string, unknown> {
  const s = schema as { shape?: Record<string, unknown>; def?: { in?: unknown } };
  return s.shape ?? z(s.def?.in);
}

describe("name-pattern", () => {
  it("flags a name that is not a DNS label on every vendor that names its objects, naming the resource and the pattern", () => {
    expect(violations(resourcePolicy("name-pattern"), cloudtower.Vm, { name: "Web_1" })).toEqual([
      'cloudtower.Vm "r": name "Web_1" does not match ^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$; rename it or change the policy\'s pattern',
    ]);
    expect(violations(resourcePolicy("name-pattern"), cloudsigma.Drive, { name: "data drive" })).toHaveLength(1);
    expect(violations(resourcePolicy("name-pattern"), chimestack.Vm, { name: "app-1" })).toEqual([]);
  });
  it("takes a pattern per vendor, and leaves alone types without a name input", () => {
    const config = { patterns: { chimestack: "^[A-Za-z0-9_-]+$" } };
    expect(violations(resourcePolicy("name-pattern"), chimestack.Vm, { name: "App_1" }, config)).toEqual([]);
    expect(violations(resourcePolicy("name-pattern"), cloudtower.Vm, { name: "App_1" }, config)).toHaveLength(1);
    expect(violations(resourcePolicy("name-pattern"), cvm.Vm, { hostname: "Not A Label" })).toEqual([]);
  });
});

describe("required-tags", () => {
  it("flags a CloudSigma drive or server without a required tag, and checks nothing when none is required", () => {
    expect(violations(resourcePolicy("required-tags"), cloudsigma.Server, { name: "web-1", tags: ["team:web"] }, { tags: ["team:web", "env:prod"] })).toEqual([
      'cloudsigma.Server "r" lacks the required tag(s) env:prod; add them to its tags',
    ]);
    expect(violations(resourcePolicy("required-tags"), cloudsigma.Drive, { name: "d" })).toEqual([]);
    expect(violations(resourcePolicy("required-tags"), cloudtower.VmSnapshot, { name: "s" }, { tags: ["x"] })).toEqual([]);
  });

  it("reads CloudTower labels as tags: a required tag is a label key, key:value or key=value", () => {
    const labels = { env: "prod", team: "web" };
    const config = { tags: ["env", "team:web", "team=web", "owner"] };
    expect(violations(resourcePolicy("required-tags"), cloudtower.Vm, { name: "vm", labels }, config)).toEqual([
      'cloudtower.Vm "r" lacks the required tag(s) owner; add them to its labels',
    ]);
    expect(violations(resourcePolicy("required-tags"), cloudtower.Vlan, { name: "net" }, { tags: ["env"] })).toEqual([
      'cloudtower.Vlan "r" lacks the required tag(s) env; add them to its labels',
    ]);
  });
});

describe("deletion-protection", () => {
  const fleet = [
    { cls: cloudtower.Vm, name: "db-1", props: { name: "db-1" } },
    { cls: cloudtower.Vm, name: "db-2", props: { name: "db-2" }, protect: true },
    { cls: cloudsigma.Drive, name: "data", props: { name: "data" } },
    { cls: cloudtower.Vlan, name: "front", props: { name: "front" } },
  ];
  it("requires protect on every resource holding data in a prod* stack, naming each one and the fix", () => {
    expect(stackViolations(stackPolicy("deletion-protection"), fleet, {}, "prod-eu")).toEqual([
      'cloudtower.Vm "db-1" holds data but is not protected in stack prod-eu: give it the resource option { protect: true }',
      'cloudsigma.Drive "data" holds data but is not protected in stack prod-eu: give it the resource option { protect: true }',
    ]);
  });
  it("leaves other stacks alone, and follows the configured stack patterns", () => {
    expect(stackViolations(stackPolicy("deletion-protection"), fleet, {}, "dev")).toEqual([]);
    expect(stackViolations(stackPolicy("deletion-protection"), fleet, { stacks: ["staging-?"] }, "staging-1")).toHaveLength(2);
    expect(stackViolations(stackPolicy("deletion-protection"), fleet, { stacks: ["staging-?"] }, "prod")).toEqual([]);
  });
});

describe("stack-budget", () => {
  const prices = { currency: "EUR", cloudtower: { perVcpu: 10, perGbMemory: 5, perGbDisk: 0.1 }, chimestack: { perInstanceSpec: { "spec-large": 80 } } };
  const fleet = [
    { cls: cloudtower.Vm, name: "db-1", props: { name: "db-1", cpuSockets: 2, cpuCores: 4, memoryMb: 16384, disks: [{ sizeGb: 100 }] } },
    { cls: chimestack.Vm, name: "app-1", props: { name: "app-1", instanceSpecUuid: "spec-large", volumes: [] } },
    { cls: cloudsigma.Subscription, name: "sub", props: { kind: "resources", months: 12, price: "1200.00 EUR" } },
  ];
  it("reports the monthly cost above the limit, with the largest resources and how each was reckoned", () => {
    // db-1: 8 vCPU x 10 + 16 GB x 5 + 100 GB x 0.1 = 170; app-1: 80; the subscription: 1200 / 12 = 100.
    expect(stackViolations(stackPolicy("stack-budget"), fleet, { monthlyLimit: 300, prices })).toEqual([
      'the stack costs 350 EUR a month, above its limit of 300 EUR; the largest: cloudtower.Vm "db-1" 170 EUR (8 vCPU x 10 + 16 GB memory x 5 + 100 GB disk x 0.1); ' +
        'cloudsigma.Subscription "sub" 100 EUR (1200.00 EUR over 12 month(s)); chimestack.Vm "app-1" 80 EUR (1 instance spec spec-large x 80)',
    ]);
  });
  it("passes within the limit, and checks nothing without one", () => {
    expect(stackViolations(stackPolicy("stack-budget"), fleet, { monthlyLimit: 350, prices })).toEqual([]);
    expect(stackViolations(stackPolicy("stack-budget"), fleet, { prices })).toEqual([]);
  });
});
