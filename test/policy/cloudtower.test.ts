import { describe, expect, it } from "vitest";
import { cloudtowerPolicies } from "../../policy/cloudtower";
import { allPolicies } from "../../policy/policies";
import { cloudtower } from "pulumi-private-cloud";
import { violations } from "./harness";

const byName = (name: string) => cloudtowerPolicies().find((p) => p.name === name)!;
const VM = cloudtower.Vm;
const VLAN = cloudtower.Vlan;

describe("cloudtower-vm-size", () => {
  it("blocks a VM above the default limits, naming the figures", () => {
    expect(violations(byName("cloudtower-vm-size"), VM, { name: "big", cpuSockets: 4, cpuCores: 16, memoryMb: 300 * 1024 })).toEqual([
      "VM big asks for 64 vCPUs; at most 32 are allowed",
      "VM big asks for 307200 MiB; at most 262144 MiB are allowed",
    ]);
  });
  it("follows the pack config and ignores other types", () => {
    expect(violations(byName("cloudtower-vm-size"), VM, { name: "m", cpuSockets: 1, cpuCores: 8, memoryMb: 1024 }, { maxVcpu: 4 })).toHaveLength(1);
    expect(violations(byName("cloudtower-vm-size"), VLAN, { name: "x", cpuCores: 999 })).toEqual([]);
  });
});

describe("cloudtower-vm-ha, -vlan-tagged", () => {
  it("flags HA off and untagged networks", () => {
    expect(violations(byName("cloudtower-vm-ha"), VM, { name: "a", ha: false })).toEqual(["VM a has HA off"]);
    expect(violations(byName("cloudtower-vlan-tagged"), VLAN, { name: "n" })).toEqual([
      "VM network n is untagged (vlanId 0) without the label untagged; give it a VLAN id, or the label if it must be untagged",
    ]);
    expect(violations(byName("cloudtower-vlan-tagged"), VLAN, { name: "n", vlanId: 110 })).toEqual([]);
  });
  it("allows an untagged network that carries the allowing label, as a key or key=value of the pack config", () => {
    expect(violations(byName("cloudtower-vlan-tagged"), VLAN, { name: "n", labels: { untagged: "yes" } })).toEqual([]);
    expect(violations(byName("cloudtower-vlan-tagged"), VLAN, { name: "n", labels: { segment: "mgmt" } }, { allowLabel: "segment=mgmt" })).toEqual([]);
    expect(violations(byName("cloudtower-vlan-tagged"), VLAN, { name: "n", labels: { segment: "web" } }, { allowLabel: "segment=mgmt" })).toHaveLength(1);
  });
});

describe("the pack", () => {
  it("has unique policy names, none called all", () => {
    const names = allPolicies().map((p) => p.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).not.toContain("all");
  });
});
