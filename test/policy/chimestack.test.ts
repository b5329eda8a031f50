import { describe, expect, it } from "vitest";
import { chimestack, cloudtower } from "pulumi-private-cloud";
import { chimestackPolicies } from "../../policy/chimestack";
import { violations } from "./harness";

const byName = (name: string) => chimestackPolicies().find((p) => p.name === name)!;

describe("chimestack-vm-instance-spec", () => {
  it("blocks a VM whose instance spec is not allowed, naming the allowed ones", () => {
    expect(
      violations(byName("chimestack-vm-instance-spec"), chimestack.Vm, { name: "app-1", instanceSpecUuid: "big" }, { allowed: ["small", "medium"] }),
    ).toEqual(["VM app-1 uses instance spec big, which is not among the 2 allowed; pick one of small, medium"]);
  });
  it("allows every spec when the list is empty, and ignores other types", () => {
    expect(violations(byName("chimestack-vm-instance-spec"), chimestack.Vm, { name: "a", instanceSpecUuid: "big" })).toEqual([]);
    expect(violations(byName("chimestack-vm-instance-spec"), cloudtower.Vm, { name: "a", instanceSpecUuid: "big" }, { allowed: ["s"] })).toEqual([]);
  });
});

describe("chimestack-vm-volume-size", () => {
  it("flags each volume above the limit", () => {
    const vm = {
      name: "db",
      volumes: [
        { name: "root", sizeGb: 40 },
        { name: "data", sizeGb: 4096 },
      ],
    };
    expect(violations(byName("chimestack-vm-volume-size"), chimestack.Vm, vm)).toEqual(["VM db's volume data is 4096 GB, above the 2048 GB allowed"]);
    expect(violations(byName("chimestack-vm-volume-size"), chimestack.Vm, vm, { maxVolumeGb: 8192 })).toEqual([]);
  });
});

describe("chimestack-security-group-open-management", () => {
  const policy = () => byName("chimestack-security-group-open-management");
  const group = (...ingressRules: Array<Record<string, unknown>>) => ({ name: "web", ingressRules });

  it("blocks an accepted TCP rule from 0.0.0.0/0 whose ports take in SSH or RDP, naming the rule and the ports", () => {
    expect(violations(policy(), chimestack.SecurityGroup, group({ protocol: "tcp", sourceCidr: "0.0.0.0/0", destinationPorts: "22:22" }))).toEqual([
      "security group web's ingress rule 0 (tcp 22:22) lets 0.0.0.0/0 reach management port 22; give sourceCidr an admin network",
    ]);
    // Defaults: any source, every port; the protocol `all` includes TCP.
    expect(violations(policy(), chimestack.SecurityGroup, group({ protocol: "tcp", destinationPorts: "443:443" }, { protocol: "all" }))).toEqual([
      "security group web's ingress rule 1 (all 1:65535) lets 0.0.0.0/0 reach management ports 22, 23, 3389, 5900, 5985, 5986; give sourceCidr an admin network",
    ]);
  });

  it("allows management ports from an admin network, rejected or UDP rules, web ports, egress rules, and other types", () => {
    const fine = {
      name: "ok",
      ingressRules: [
        { protocol: "tcp", sourceCidr: "10.0.0.0/8", destinationPorts: "22:22" },
        { protocol: "tcp", action: "REJECT", destinationPorts: "3389:3389" },
        { protocol: "udp", destinationPorts: "1:65535" },
        { protocol: "tcp", destinationPorts: "80:443" },
      ],
      egressRules: [{ protocol: "all" }],
    };
    expect(violations(policy(), chimestack.SecurityGroup, fine)).toEqual([]);
    expect(violations(policy(), chimestack.Vm, group({ protocol: "all" }))).toEqual([]);
  });

  it("checks the ports the config names instead of the default ones", () => {
    const db = group({ protocol: "tcp", destinationPorts: "5432:5432" });
    expect(violations(policy(), chimestack.SecurityGroup, db)).toEqual([]);
    expect(violations(policy(), chimestack.SecurityGroup, db, { ports: [5432] })).toHaveLength(1);
  });
});
