import { describe, expect, it } from "vitest";
import { configFrom, parseBool, readSettings, readTls } from "../../../provider/core/config";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const spec = {
  endpoint: { env: "CVM_ENDPOINT", required: true },
  privateToken: { env: "CVM_PRIVATE_TOKEN", required: true, secret: true },
  region: { env: "CVM_REGION", default: "eu" },
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
  it.each([["true", true], ["1", true], ["YES", true], ["false", false], ["0", false], [undefined, false]])("reads %s", (v, b) => {
    expect(parseBool("x", v)).toBe(b);
  });
  it("rejects other words, naming the setting", () => {
    expect(() => parseBool("cvm:insecure", "maybe")).toThrow('cvm:insecure must be true or false, not "maybe"');
  });
});
