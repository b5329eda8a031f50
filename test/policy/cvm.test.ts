import { describe, expect, it } from "vitest";
import { cvmPolicies } from "../../policy/cvm";
import { cloudtower, cvm } from "pulumi-private-cloud";
import { violations } from "./harness";

const byName = (name: string) => cvmPolicies().find((p) => p.name === name)!;
const VM = cvm.Vm;

describe("cvm-adopt-by-id", () => {
  it("flags a VPS adopted by hostname", () => {
    expect(violations(byName("cvm-adopt-by-id"), VM, { hostname: "db-1.example.net" })).toEqual([
      'VPS "db-1.example.net" is adopted by hostname; set vpsId so that a renamed VPS is never confused with another',
    ]);
  });
  it("accepts a VPS adopted by id, and ignores other types", () => {
    expect(violations(byName("cvm-adopt-by-id"), VM, { vpsId: "101" })).toEqual([]);
    expect(violations(byName("cvm-adopt-by-id"), cloudtower.Vm, { hostname: "x" })).toEqual([]);
  });
});

describe("cvm-release-keeps-running", () => {
  it("blocks stopOnRelease unless the policy config allows it", () => {
    expect(violations(byName("cvm-release-keeps-running"), VM, { vpsId: "1", stopOnRelease: true })).toHaveLength(1);
    expect(violations(byName("cvm-release-keeps-running"), VM, { vpsId: "1", stopOnRelease: true }, { allowStopOnRelease: true })).toEqual([]);
    expect(violations(byName("cvm-release-keeps-running"), VM, { vpsId: "1", stopOnRelease: false })).toEqual([]);
  });
});
