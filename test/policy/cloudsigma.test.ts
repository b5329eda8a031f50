import { describe, expect, it } from "vitest";
import { cloudsigmaPolicies } from "../../policy/cloudsigma";
import { cloudsigma } from "pulumi-private-cloud";
import { monthlyCost } from "../../provider/cost";
import { violations } from "./harness";

const byName = (name: string) => cloudsigmaPolicies().find((p) => p.name === name)!;

describe("CloudSigma policies", () => {
  it("blocks an unencrypted drive", () => {
    expect(violations(byName("cloudsigma-drive-encrypted"), cloudsigma.Drive, { name: "d", encryptionCipher: "none" })).toEqual([
      "drive d is not encrypted (encryptionCipher none)",
    ]);
    expect(violations(byName("cloudsigma-drive-encrypted"), cloudsigma.Drive, { name: "d", encryptionCipher: "aes-xts-plain" })).toEqual([]);
  });
  it("advises a VNC password and TLS", () => {
    expect(violations(byName("cloudsigma-vnc-protected"), cloudsigma.Server, { name: "s" })).toHaveLength(1);
    expect(violations(byName("cloudsigma-vnc-protected"), cloudsigma.Server, { name: "s", vnc: { password: "x" } })).toEqual([
      "server s's VNC console is not on TLS",
    ]);
    expect(violations(byName("cloudsigma-vnc-protected"), cloudsigma.Server, { name: "s", vnc: { password: "x", tls: true } })).toEqual([]);
  });
  it("limits subscription terms, configurably", () => {
    expect(violations(byName("cloudsigma-subscription-term"), cloudsigma.Subscription, { months: 24 })).toHaveLength(1);
    expect(violations(byName("cloudsigma-subscription-term"), cloudsigma.Subscription, { months: 24 }, { maxMonths: 36 })).toEqual([]);
  });
  it("limits the term of static IPs bought with a subscription, and leaves a single address alone", () => {
    expect(violations(byName("cloudsigma-subscription-term"), cloudsigma.StaticIp, { quantity: 2, months: 24 })).toHaveLength(1);
    expect(violations(byName("cloudsigma-subscription-term"), cloudsigma.StaticIp, {})).toEqual([]);
  });
});

describe("cloudsigma-public-address", () => {
  const policy = () => cloudsigmaPolicies().find((p) => p.name === "cloudsigma-public-address")!;
  it("flags a server with a public address (nic0, by default) unless it carries the allowing tag", () => {
    expect(violations(policy(), cloudsigma.Server, { name: "db-1" })).toEqual([
      "server db-1 has a public address (nic0 auto) but not the tag public; tag it, or drop nic0 and join a VLAN on nic1",
    ]);
    expect(violations(policy(), cloudsigma.Server, { name: "web-1", nic0: { dhcp: "203.0.113.5" }, tags: ["public"] })).toEqual([]);
    expect(violations(policy(), cloudsigma.Server, { name: "web-1", nic0: { dhcp: "auto" }, tags: ["edge"] }, { allowTag: "edge" })).toEqual([]);
  });
});

describe("the cost of CloudSigma static IPs", () => {
  it("counts every address a subscription bought, and one without a subscription", () => {
    const prices = { cloudsigma: { perIp: 2 } };
    expect(monthlyCost(cloudsigma.StaticIp.__pulumiType, { quantity: 3, months: 1 }, prices)).toEqual({ monthly: 6, basis: "3 IP x 2" });
    expect(monthlyCost(cloudsigma.StaticIp.__pulumiType, {}, prices)).toEqual({ monthly: 2, basis: "1 IP x 2" });
  });
});
