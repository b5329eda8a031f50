import { MockInstance, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import * as cloudsigma from "../../../provider/cloudsigma";
import { asEngine, failedPaths } from "../../helpers/engine";
import { useSigma } from "../../helpers/cloudsigma";

const ctx = useSigma();
const sub = asEngine(cloudsigma.Subscription.provider);
const start = "2026-12-01 00:00";
const items = () => ctx.sim.inventory("subscriptions");
let log: MockInstance<typeof console.log>;
let warn: MockInstance<typeof console.warn>;
const logged = () => log.mock.calls.map((c) => String(c[0]));

beforeEach(() => {
  log = vi.spyOn(console, "log").mockImplementation(() => {});
  warn = vi.spyOn(console, "warn").mockImplementation(() => {});
});
afterEach(() => vi.restoreAllMocks());

describe("cloudsigma.Subscription", () => {
  it("shows the price at preview, buys resources, and outputs one subscription per type", async () => {
    const inputs = await sub.checked({ kind: "resources", cpuMhz: 4000, memMb: 4096, diskGb: 100, months: 1, startTime: start });
    expect(logged()).toEqual(["cloudsigma.Subscription (resources): 1 month(s) from 2026-12-01 00:00 costs 141.92 EUR"]);
    const { id, outs } = await sub.create(inputs);
    expect(outs.subscriptions.map((s: { type: string; quantity: number }) => [s.type, s.quantity])).toEqual([
      ["cpu", 4000],
      ["mem", 4096],
      ["disk", 100],
    ]);
    expect(outs).toMatchObject({ price: "141.92 EUR", endTime: "2027-01-01 00:00" });
    expect(id.split(",").sort()).toEqual((await items()).map((s) => s.subscription).sort());
    const read = await sub.read(id, outs);
    expect(read.props).toEqual(outs);
    expect((await sub.diff(id, outs, read.inputs!)).changes).toBe(false);
  });

  it("extends every item in place when months grows", async () => {
    const { id, outs } = await sub.create(await sub.checked({ kind: "ip", quantity: 2, months: 1, startTime: start }));
    expect(outs.subscriptions.map((s: { resource?: string }) => s.resource)).toEqual([
      expect.stringMatching(/^185\.12\.5\.\d+$/),
      expect.stringMatching(/^185\.12\.5\.\d+$/),
    ]);
    const news = await sub.checked({ kind: "ip", quantity: 2, months: 3, startTime: start });
    expect(await sub.diff(id, outs, news)).toMatchObject({ changes: true, replaces: [] });
    const u = await sub.update(id, outs, news);
    expect(u.outs).toMatchObject({ months: 3, endTime: "2027-03-01 00:00", price: "48.00 EUR" });
    expect((await items()).map((s) => s.end_time)).toEqual(["2027-03-01 00:00", "2027-03-01 00:00"]);
    // Run again (a retry after a failure), it extends nothing twice.
    await sub.update(id, outs, news);
    expect((await items()).map((s) => s.months)).toEqual(["3", "3"]);
  });

  it("prices only the extension at preview when months grows", async () => {
    const { outs } = await sub.create(await sub.checked({ kind: "ip", quantity: 2, months: 1, startTime: start }));
    await sub.check(outs, { kind: "ip", quantity: 2, months: 3, startTime: start });
    expect(logged().at(-1)).toMatch(/extending by 2 month\(s\) costs 32.00 EUR/);
  });

  it("shows an extension made out of band at refresh", async () => {
    const { id, outs } = await sub.create(await sub.checked({ kind: "vlan", quantity: 1, months: 1, startTime: start }));
    await ctx.api("POST", `/subscriptions/${id}/set`, { months: "2" });
    const read = await sub.read(id, outs);
    expect(read.inputs).toMatchObject({ months: 3 });
    expect(read.props).toMatchObject({ months: 3, endTime: "2027-03-01 00:00", price: outs.price });
  });

  it("refuses to shorten, and replaces on a new quantity", async () => {
    const { id, outs } = await sub.create(await sub.checked({ kind: "vlan", quantity: 1, months: 2, startTime: start }));
    await expect(sub.diff(id, outs, await sub.checked({ kind: "vlan", quantity: 1, months: 1, startTime: start }))).rejects.toThrow(
      /^months: a subscription cannot be shortened \(from 2 to 1\)/,
    );
    expect((await sub.diff(id, outs, await sub.checked({ kind: "vlan", quantity: 2, months: 2, startTime: start }))).replaces).toEqual(["quantity"]);
  });

  it("only removes the subscription from the stack on delete, and says so", async () => {
    const { id, outs } = await sub.create(await sub.checked({ kind: "software", licences: { msft_lwa_00135: 1 }, months: 1, startTime: start }));
    await sub.delete(id, outs);
    expect(warn.mock.calls[0][0]).toMatch(
      /cannot cancel a subscription; .* \(software, until 2027-01-01 00:00\) is removed from the stack only and runs to its end/,
    );
    expect((await items()).map((s) => s.subscription)).toEqual([id]);
  });

  it("adopts a subscription bought out of band by id, as it shows it, prices it, and only releases it on destroy", async () => {
    const [bought] = await ctx.api("POST", "/subscriptions/resources/create", { mem: "2048", start_time: start, months: "2" });
    const inputs = await sub.checked({ kind: "resources", memMb: 1024, months: 1, startTime: start, adopt: { id: bought.subscription } });
    expect(logged()).toEqual([]);
    const { id, outs } = await sub.create(inputs);
    expect(id).toBe(bought.subscription);
    expect(outs).toMatchObject({ kind: "resources", memMb: 2048, months: 2, price: "81.92 EUR" });
    await sub.delete(id, outs);
    expect(warn.mock.calls[0][0]).toMatch(/cannot cancel a subscription/);
    expect((await items()).map((s) => s.subscription)).toEqual([id]);
  });

  it("takes up every item of a purchase of several whose answer is lost, and buys nothing again", async () => {
    await ctx.sim.control("POST", "/_sim/faults", { path: "/subscriptions/resources/create", lostResponse: true });
    const { id, outs } = await sub.create(await sub.checked({ kind: "resources", cpuMhz: 2000, memMb: 1024, months: 1, startTime: start }));
    const bought = (await items()).map((s) => s.subscription);
    expect(bought).toHaveLength(2);
    expect(id.split(",").sort()).toEqual([...bought].sort());
    expect(outs).toMatchObject({ kind: "resources", cpuMhz: 2000, memMb: 1024 });
  });

  it.each([
    [{ kind: "resources", cpuMhz: 1000, months: 1, startTime: start }, "cpuMhz", /minimum CPU subscription is 2000/],
    [{ kind: "resources", memMb: 512, months: 1, startTime: start }, "memMb", /minimum memory subscription is 1024/],
    [{ kind: "resources", months: 1, startTime: start }, "cpuMhz", /at least one of/],
    [{ kind: "ip", months: 1, startTime: start }, "quantity", /needs quantity/],
    [{ kind: "ip", quantity: 1, months: 0, startTime: start }, "months", /at least 1/],
    [{ kind: "ip", quantity: 1, months: 1, startTime: "tomorrow" }, "startTime", /YYYY-MM-DD HH:MM/],
  ])("check of %j fails on %s before any request", async (news, property, reason) => {
    await ctx.sim.control("DELETE", "/_sim/requests");
    const r = await sub.check({}, news);
    expect(failedPaths(r.failures)).toEqual([property]);
    expect(r.failures![0].reason).toMatch(reason);
    expect(await ctx.sim.requests()).toEqual([]);
  });
});
