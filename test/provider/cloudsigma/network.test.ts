import { describe, expect, it } from "vitest";
import * as cloudsigma from "../../../provider/cloudsigma";
import { asEngine, failedPaths } from "../../helpers/engine";
import { sigmaConfig, useSigma } from "../../helpers/cloudsigma";

const ctx = useSigma();
const vlan = asEngine(cloudsigma.Vlan.provider);
const ip = asEngine(cloudsigma.StaticIp.provider);
const wrong = { email: "demo@example.com", password: "wrong-pass-77" };

describe("cloudsigma.Vlan lifecycle", () => {
  it("creates, reads, renames in place and destroys, tolerating a vanished VLAN", async () => {
    const { id, outs } = await vlan.create(await vlan.checked({ name: "private" }));
    expect(outs).toMatchObject({ name: "private", uuid: id });
    expect((await vlan.read(id, outs)).props).toEqual(outs);
    const news = await vlan.checked({ name: "private-2" });
    expect(await vlan.diff(id, outs, news)).toMatchObject({ changes: true, replaces: [] });
    expect((await vlan.update(id, outs, news)).outs.name).toBe("private-2");
    expect((await ctx.sim.inventory("vlans")).find((v) => v.resource === id)).toMatchObject({ name: "private-2" });
    await vlan.delete(id, outs);
    expect((await ctx.sim.inventory("vlans")).map((v) => v.resource)).not.toContain(id);
    await expect(vlan.delete(id, outs)).resolves.toBeUndefined();
    expect(await vlan.read(id, outs)).toEqual({ id: "" });
  });

  it("keeps a name with quotes and line breaks intact", async () => {
    const name = 'it\'s "private"\nsecond line';
    const { id, outs } = await vlan.create(await vlan.checked({ name }));
    expect(outs.name).toBe(name);
    expect((await vlan.read(id, outs)).props?.name).toBe(name);
  });

  it("names an empty name at check", async () => {
    const r = await vlan.check({}, { name: " " });
    expect(failedPaths(r.failures)).toEqual(["name"]);
  });
});

describe("cloudsigma.StaticIp lifecycle", () => {
  it("creates with no inputs and outputs address, netmask, gateway and nameservers", async () => {
    const { id, outs } = await ip.create(await ip.checked({}));
    expect(outs).toMatchObject({ address: id, netmask: "255.255.255.0", gateway: "185.12.5.1", nameservers: ["185.12.5.1"] });
    expect((await ip.read(id, outs)).props).toEqual(outs);
    await ip.delete(id, outs);
    expect((await ctx.sim.inventory("ips")).map((x) => x.resource)).not.toContain(id);
    await expect(ip.delete(id, outs)).resolves.toBeUndefined();
    expect(await ip.read(id, outs)).toEqual({ id: "" });
  });
});

describe("CloudSigma endpoints and credentials", () => {
  it("reports bad credentials as auth, naming the settings to check and never the password", async () => {
    await ip.configure(sigmaConfig(ctx.sim.url, "cloudsigma", wrong));
    const err = await ip.create(await ip.checked({})).catch((e) => e);
    expect(err.code).toBe("auth");
    expect(err.message).toMatch(/rejected the credentials \(check cloudsigma:username and cloudsigma:password\)/);
    expect(err.message).not.toContain(wrong.password);
  });

  it("reaches a named endpoint with its own settings (cloudsigma-<name>:*), and names them in errors", async () => {
    // The default endpoint's password is wrong; site-b's is right.
    await ip.configure({ ...sigmaConfig(ctx.sim.url, "cloudsigma", wrong), ...sigmaConfig(ctx.sim.url, "cloudsigma-site-b") });
    const { id, outs } = await ip.create(await ip.checked({ endpoint: "site-b" }));
    expect(outs).toMatchObject({ address: id, endpoint: "site-b" });
    expect((await ip.read(id, outs)).props).toEqual(outs);
    await ip.configure(sigmaConfig(ctx.sim.url, "cloudsigma-site-b", wrong));
    await expect(ip.read(id, outs)).rejects.toThrow(/check cloudsigma-site-b:username and cloudsigma-site-b:password/);
  });

  it("asks at preview for a missing setting of a named endpoint, by its config key and its environment variable", async () => {
    await ip.configure({ "cloudsigma-site-c:endpoint": ctx.sim.url, "cloudsigma-site-c:username": "demo@example.com" });
    const r = await ip.check({}, { endpoint: "site-c" });
    expect(r.failures).toEqual([
      {
        property: "endpoint",
        reason: expect.stringMatching(
          /^cloudsigma-site-c:password is not set: run `pulumi config set --secret cloudsigma-site-c:password <value>` or set the environment variable CLOUDSIGMA_SITE_C_PASSWORD/,
        ),
      },
    ]);
  });

  it("refuses at preview a poll interval that is not a whole number of milliseconds, naming it", async () => {
    await ip.configure({ ...sigmaConfig(ctx.sim.url), "cloudsigma:pollIntervalMs": "fast" });
    await expect(ip.check({}, {})).rejects.toThrow(/cloudsigma:pollIntervalMs must be a whole number of milliseconds >= 10, not "fast"/);
  });
});
