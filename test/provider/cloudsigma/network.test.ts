import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
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

describe("cloudsigma.StaticIp bought with an IP subscription (months)", () => {
  const term = { months: 1, startTime: "2026-12-01 00:00" };
  const addresses = async () => (await ctx.sim.inventory("ips")).map((x) => x.resource);
  const items = async () => (await ctx.sim.inventory("subscriptions")).filter((s) => s.type === "ip");
  beforeEach(() => {
    vi.spyOn(console, "log").mockImplementation(() => {});
    vi.spyOn(console, "warn").mockImplementation(() => {});
  });
  afterEach(() => vi.restoreAllMocks());

  it("prices the purchase at preview, then owns every address it bought (address the first) and reads back without drift", async () => {
    const inputs = await ip.checked({ quantity: 3, ...term });
    expect(vi.mocked(console.log).mock.calls.flat()).toContainEqual(
      expect.stringMatching(/^cloudsigma\.StaticIp: 3 address\(es\) for 1 month\(s\) from 2026-12-01 00:00 costs \d+\.\d\d EUR$/),
    );
    const { id, outs } = await ip.create(inputs);
    const bought = (await items()).map((s) => s.resource);
    expect(bought).toHaveLength(3);
    expect(id).toBe(bought.join(","));
    expect(outs).toMatchObject({ address: bought[0], addresses: bought, quantity: 3, months: 1, endTime: "2027-01-01 00:00" });
    expect(outs.subscriptionIds).toEqual((await items()).map((s) => s.subscription));
    const read = await ip.read(id, outs);
    expect(read.props).toEqual(outs);
    expect((await ip.diff(id, outs, read.inputs!)).changes).toBe(false);
  });

  it("extends the subscription in place when months grows (same id, no replacement), and refuses a shorter term at preview", async () => {
    const { id, outs } = await ip.create(await ip.checked({ quantity: 2, ...term }));
    const news = await ip.checked({ quantity: 2, ...term, months: 3 });
    expect(await ip.diff(id, outs, news)).toMatchObject({ changes: true, replaces: [] });
    const u = await ip.update(id, outs, news);
    expect(u.outs).toMatchObject({ months: 3, addresses: outs.addresses, endTime: "2027-03-01 00:00" });
    expect((await items()).map((s) => s.months)).toEqual(["3", "3"]);
    await expect(ip.diff(id, u.outs, await ip.checked({ quantity: 2, ...term }))).rejects.toThrow(
      /^months: a subscription cannot be shortened \(from 3 to 1\)/,
    );
  });

  it("replaces when the quantity or the start changes, or when a single address becomes a subscription", async () => {
    const { id, outs } = await ip.create(await ip.checked({ quantity: 2, ...term }));
    expect((await ip.diff(id, outs, await ip.checked({ quantity: 3, ...term }))).replaces).toEqual(["quantity"]);
    expect((await ip.diff(id, outs, await ip.checked({ quantity: 2, ...term, startTime: "2027-01-01 00:00" }))).replaces).toEqual(["startTime"]);
    const one = await ip.create(await ip.checked({}));
    expect((await ip.diff(one.id, one.outs, await ip.checked(term))).replaces).toEqual(["quantity", "startTime", "months"]);
  });

  it("treats quantity 1 written out and quantity left out as the same purchase (no replacement), also for a state stored without it", async () => {
    expect(await ip.checked(term)).toMatchObject({ quantity: 1 });
    const { id, outs } = await ip.create(await ip.checked(term));
    expect(await ip.diff(id, outs, await ip.checked({ quantity: 1, ...term }))).toMatchObject({ changes: false, replaces: [] });
    const { quantity, ...stored } = outs;
    expect(quantity).toBe(1);
    expect(await ip.diff(id, stored, await ip.checked({ quantity: 1, ...term }))).toMatchObject({ changes: false, replaces: [] });
    expect(await ip.diff(id, stored, await ip.checked(term))).toMatchObject({ changes: false, replaces: [] });
    expect((await ip.diff(id, stored, await ip.checked({ quantity: 2, ...term }))).replaces).toEqual(["quantity"]);
  });

  it("destroys every address it owns, warning that the subscription runs to its end, and tolerates them gone", async () => {
    const { id, outs } = await ip.create(await ip.checked({ quantity: 2, ...term }));
    await ip.delete(id, outs);
    expect(await addresses()).toEqual([]);
    expect(vi.mocked(console.warn).mock.calls[0][0]).toMatch(
      /cannot cancel a subscription; the addresses .* are destroyed, their subscription runs until 2027-01-01 00:00/,
    );
    expect(await items()).toHaveLength(2);
    await expect(ip.delete(id, outs)).resolves.toBeUndefined();
    expect(await ip.read(id, outs)).toEqual({ id: "" });
  });

  it("takes up every address of a purchase whose answer was lost, and buys none twice", async () => {
    await ctx.sim.control("POST", "/_sim/faults", { path: "/subscriptions/network/ip/create", lostResponse: true });
    const { id, outs } = await ip.create(await ip.checked({ quantity: 2, ...term }));
    expect(await items()).toHaveLength(2);
    expect(outs.addresses).toEqual((await addresses()).sort());
    expect(id).toBe(outs.addresses.join(","));
  });

  it("takes up only the new addresses its purchase's items hold when a stranger's address appears beside a lost answer", async () => {
    await ctx.sim.control("POST", "/_sim/faults", { path: "/subscriptions/network/ip/create", lostResponse: true, delayMs: 300 });
    const created = ip.create(await ip.checked({ quantity: 2, ...term }));
    await new Promise((r) => setTimeout(r, 100));
    const [stranger] = await ctx.api("POST", "/resources/ip/create");
    const { id, outs } = await created;
    const bought = (await items()).map((s) => s.resource);
    expect(bought).toHaveLength(2);
    expect(id.split(",").sort()).toEqual([...bought].sort());
    expect(outs.addresses).not.toContain(stranger.resource);
  });

  it("refuses to guess when a lost purchase's term shows more addresses than its quantity (another purchase beside it), naming them", async () => {
    await ctx.sim.control("POST", "/_sim/faults", { path: "/subscriptions/network/ip/create", lostResponse: true, delayMs: 300 });
    const created = ip.create(await ip.checked({ quantity: 2, ...term })).catch((e) => e);
    await new Promise((r) => setTimeout(r, 100));
    await ctx.api("POST", "/subscriptions/network/ip/create", { quantity: "1", start_time: term.startTime, months: String(term.months) });
    const err = await created;
    expect(err.code).toBe("conflict");
    expect(err.message).toMatch(/3 new address\(es\) are held by ip subscription items of that term \((185\.12\.5\.\d+, ){2}185\.12\.5\.\d+\)/);
    expect(await items()).toHaveLength(3);
  });

  it("never takes a stranger's address for its own when a single address's answer is lost", async () => {
    await ctx.sim.control("POST", "/_sim/faults", { path: "/resources/ip/create", lostResponse: true, delayMs: 300 });
    const created = ip.create(await ip.checked({})).catch((e) => e);
    await new Promise((r) => setTimeout(r, 100));
    await ctx.api("POST", "/resources/ip/create");
    const err = await created;
    expect(err.code).toBe("conflict");
    expect(err.message).toMatch(/2 objects \(185\.12\.5\.\d+, 185\.12\.5\.\d+\) look like the one this create made/);
  });

  it("reads an address recorded before addresses existed (its id the address) with no change", async () => {
    const [made] = await ctx.api("POST", "/resources/ip/create");
    const stored = { address: made.resource, netmask: made.netmask, gateway: made.gateway, nameservers: [made.nameserver], owner: made.user };
    const read = await ip.read(made.resource, stored);
    expect(read.props).toEqual({ ...stored, addresses: [made.resource], subscriptionIds: [], endTime: "" });
    expect((await ip.diff(made.resource, read.props!, await ip.checked({}))).changes).toBe(false);
  });

  it.each([
    [{ months: 1 }, "startTime"],
    [{ startTime: "2026-12-01 00:00" }, "months"],
    [{ quantity: 2 }, "months"],
    [{ quantity: 0, ...term }, "quantity"],
    [{ months: 1, startTime: "tomorrow" }, "startTime"],
  ])("check of %j fails on %s", async (news, property) => {
    const r = await ip.check({}, news);
    expect(failedPaths(r.failures)).toEqual([property]);
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
