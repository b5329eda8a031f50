import { describe, expect, it } from "vitest";
import { cloudsigmaPolicies } from "../../policy/cloudsigma";
import { cloudsigma } from "pulumi-private-cloud";
import { violations } from "./harness";

const byName = (name: string) => cloudsigmaPolicies().find((p) => p.name === name)!;

describe("CloudSigma policies", () => {
  it("blocks an unencrypted drive", () => {
    expect(violations(byName("cloudsigma-drive-encrypted"), cloudsigma.Drive, { name: "d", encryptionCipher: "none" })).toEqual(["drive d is not encrypted (encryptionCipher none)"]);
    expect(violations(byName("cloudsigma-drive-encrypted"), cloudsigma.Drive, { name: "d", encryptionCipher: "aes-xts-plain" })).toEqual([]);
  });
  it("advises a VNC password and TLS", () => {
    expect(violations(byName("cloudsigma-vnc-protected"), cloudsigma.Server, { name: "s" })).toHaveLength(1);
    expect(violations(byName("cloudsigma-vnc-protected"), cloudsigma.Server, { name: "s", vnc: { password: "x" } })).toEqual(["server s's VNC console is not on TLS"]);
    expect(violations(byName("cloudsigma-vnc-protected"), cloudsigma.Server, { name: "s", vnc: { password: "x", tls: true } })).toEqual([]);
  });
  it("limits subscription terms, configurably", () => {
    expect(violations(byName("cloudsigma-subscription-term"), cloudsigma.Subscription, { months: 24 })).toHaveLength(1);
    expect(violations(byName("cloudsigma-subscription-term"), cloudsigma.Subscription, { months: 24 }, { maxMonths: 36 })).toEqual([]);
  });
});
