import { describe, expect, it } from "vitest";
import { configFrom, configureProviders, defineVendor, envName, parseBool, parseMs, readSettings, readTls } from "../../../provider/core/config";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const spec = {
  endpoint: { required: true },
  privateToken: { required: true, secret: true },
  region: { default: "eu" },
};

describe("readSettings", () => {
  it("prefers stack config over the environment", () => {
    const s = readSettings("cvm", configFrom({ "cvm:endpoint": "https://a", "cvm:privateToken": "p" }), spec, { CVM_ENDPOINT: "https://b" });
    expect(s).toEqual({ endpoint: "https://a", privateToken: "p", region: "eu" });
  });

  it("falls back to environment variables, then defaults", () => {
    const s = readSettings("cvm", undefined, spec, { CVM_ENDPOINT: "https://b", CVM_PRIVATE_TOKEN: "q", CVM_REGION: "us" });
    expect(s).toEqual({ endpoint: "https://b", privateToken: "q", region: "us" });
  });

  it("names the config key and the environment variable of every missing setting", () => {
    expect(() => readSettings("cvm", configFrom({}), spec, {})).toThrow(
      "cvm:endpoint is not set: run `pulumi config set cvm:endpoint <value>` or set the environment variable CVM_ENDPOINT; " +
        "cvm:privateToken is not set: run `pulumi config set --secret cvm:privateToken <value>` or set the environment variable CVM_PRIVATE_TOKEN",
    );
  });
});

describe("envName", () => {
  it.each([
    ["cvm", "endpoint", "CVM_ENDPOINT"],
    ["cloudtower", "pollIntervalMs", "CLOUDTOWER_POLL_INTERVAL_MS"],
    ["cloudtower-site-b", "authConfigId", "CLOUDTOWER_SITE_B_AUTH_CONFIG_ID"],
    ["cloudsigma", "caCertPath", "CLOUDSIGMA_CA_CERT_PATH"],
  ])("names %s:%s %s", (ns, key, env) => {
    expect(envName(ns, key)).toBe(env);
  });
});

describe("defineVendor", () => {
  const made: Array<Record<string, string | undefined>> = [];
  const vendor = defineVendor({
    name: "demo",
    settings: { endpoint: { required: true }, password: { required: true, secret: true } },
    connect: (s, tls, ns) => {
      made.push({ ...s, ns });
      return { url: s.endpoint, ns, tls };
    },
  });

  it("reads the default endpoint from the vendor's namespace and a named one from <vendor>-<name>", () => {
    configureProviders(configFrom({ "demo:endpoint": "https://a", "demo:password": "p", "demo-site-b:endpoint": "https://b", "demo-site-b:password": "q" }));
    expect(vendor.client()).toMatchObject({ url: "https://a", ns: "demo" });
    expect(vendor.client("site-b")).toMatchObject({ url: "https://b", ns: "demo-site-b" });
  });

  it("makes one client per endpoint and settings, and a new one when the settings change", () => {
    configureProviders(configFrom({ "demo:endpoint": "https://c", "demo:password": "p" }));
    const before = made.length;
    const a = vendor.client();
    expect(vendor.client()).toBe(a);
    configureProviders(configFrom({ "demo:endpoint": "https://c", "demo:password": "rotated" }));
    expect(vendor.client()).not.toBe(a);
    expect(made.length).toBe(before + 2);
  });

  it("names the settings of a named endpoint that is not configured", () => {
    configureProviders(configFrom({}));
    expect(() => vendor.client("site-z")).toThrow(
      /^demo-site-z:endpoint is not set: run `pulumi config set demo-site-z:endpoint <value>` or set the environment variable DEMO_SITE_Z_ENDPOINT/,
    );
  });
});

describe("parseMs", () => {
  it("reads whole milliseconds and names the setting of anything else", () => {
    expect(parseMs("x:pollIntervalMs", "250")).toBe(250);
    expect(() => parseMs("x:pollIntervalMs", "5")).toThrow('x:pollIntervalMs must be a whole number of milliseconds >= 10, not "5"');
    expect(() => parseMs("x:pollIntervalMs", "soon")).toThrow(/x:pollIntervalMs/);
  });
});

describe("readTls", () => {
  it("reads a CA file named by caCertPath", () => {
    const dir = mkdtempSync(join(tmpdir(), "ppc-"));
    writeFileSync(join(dir, "ca.pem"), "PEM");
    expect(readTls("cvm", configFrom({ "cvm:caCertPath": join(dir, "ca.pem") }), {})).toEqual({ ca: "PEM", insecure: false });
  });

  it("reports an unreadable CA file by its setting", () => {
    expect(() => readTls("cvm", configFrom({ "cvm:caCertPath": "/nonexistent/ca.pem" }), {})).toThrow(/cvm:caCertPath: cannot read/);
  });

  it("reads insecure from the environment", () => {
    expect(readTls("cvm", undefined, { CVM_INSECURE: "true" })).toEqual({ insecure: true });
  });
});

describe("parseBool", () => {
  it.each([
    ["true", true],
    ["1", true],
    ["YES", true],
    ["false", false],
    ["0", false],
    [undefined, false],
  ])("reads %s", (v, b) => {
    expect(parseBool("x", v)).toBe(b);
  });
  it("rejects other words, naming the setting", () => {
    expect(() => parseBool("cvm:insecure", "maybe")).toThrow('cvm:insecure must be true or false, not "maybe"');
  });
});
