import { describe, expect, it, vi } from "vitest";
import { ServerGroupOutputs, serverGroupProvider } from "../../../provider/cloudsigma/server-group";
import { serverProvider, serverSchema, ServerInputs } from "../../../provider/cloudsigma/server";
import { SubscriptionInputs, SubscriptionOutputs, subscriptionProvider } from "../../../provider/cloudsigma/subscription";
import { useSigma } from "../../helpers/cloudsigma";

const ctx = useSigma();
const start = "2026-12-01 00:00";

async function checked(news: Record<string, unknown>): Promise<SubscriptionInputs> {
  const log = vi.spyOn(console, "log").mockImplementation(() => {});
  const r = await subscriptionProvider.check({} as SubscriptionInputs, news as never);
  log.mockRestore();
  expect(r.failures ?? []).toEqual([]);
  return r.inputs as SubscriptionInputs;
}

describe("cloudsigma.Subscription", () => {
  it("shows the price at preview, buys resources, and outputs one subscription per type", async () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    const r = await subscriptionProvider.check({} as SubscriptionInputs, { kind: "resources", cpuMhz: 4000, memMb: 4096, diskGb: 100, months: 1, startTime: start } as never);
    expect(log.mock.calls[0][0]).toBe("cloudsigma.Subscription (resources): 1 month(s) from 2026-12-01 00:00 costs 141.92 EUR");
    log.mockRestore();
    const { id, outs } = await subscriptionProvider.create(r.inputs as SubscriptionInputs);
    expect(outs!.subscriptions.map((s) => [s.type, s.quantity])).toEqual([["cpu", 4000], ["mem", 4096], ["disk", 100]]);
    expect(outs).toMatchObject({ price: "141.92 EUR", endTime: "2027-01-01 00:00" });
    expect(id.split(",")).toHaveLength(3);
    expect((await subscriptionProvider.read(id, outs as SubscriptionOutputs)).props).toEqual(outs);
  });

  it("extends in place when months grows, pricing only the extension at preview", async () => {
    const { id, outs } = await subscriptionProvider.create(await checked({ kind: "ip", quantity: 2, months: 1, startTime: start }));
    expect(outs!.subscriptions.every((s) => s.resource)).toBe(true);
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    const r = await subscriptionProvider.check(outs as SubscriptionInputs, { kind: "ip", quantity: 2, months: 3, startTime: start } as never);
    expect(log.mock.calls[0][0]).toMatch(/extending by 2 month\(s\) costs 32.00 EUR/);
    log.mockRestore();
    const news = r.inputs as SubscriptionInputs;
    expect(await subscriptionProvider.diff(id, outs as SubscriptionOutputs, news)).toMatchObject({ changes: true, replaces: [] });
    const u = await subscriptionProvider.update(id, outs as SubscriptionOutputs, news);
    expect(u.outs!.endTime).toBe("2027-03-01 00:00");
  });

  it("refuses to shorten, and replaces on a new quantity", async () => {
    const { id, outs } = await subscriptionProvider.create(await checked({ kind: "vlan", quantity: 1, months: 2, startTime: start }));
    await expect(subscriptionProvider.diff(id, outs as SubscriptionOutputs, { ...(outs as SubscriptionInputs), months: 1 })).rejects.toThrow(/cannot be shortened/);
    expect((await subscriptionProvider.diff(id, outs as SubscriptionOutputs, { ...(outs as SubscriptionInputs), quantity: 2 })).replaces).toEqual(["quantity"]);
  });

  it("only removes the subscription from the stack on delete, and says so", async () => {
    const { id, outs } = await subscriptionProvider.create(await checked({ kind: "software", licences: { msft_lwa_00135: 1 }, months: 1, startTime: start }));
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    await subscriptionProvider.delete(id, outs as SubscriptionOutputs);
    expect(warn.mock.calls[0][0]).toMatch(/cannot cancel a subscription/);
    warn.mockRestore();
    expect(ctx.sim.vendor.state.subscriptions.size).toBe(1);
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
    const r = await subscriptionProvider.check({} as SubscriptionInputs, news as never);
    expect(r.failures?.map((f) => f.property)).toEqual([property]);
    expect(r.failures![0].reason).toMatch(reason);
    expect(await ctx.sim.control("GET", "/_sim/requests")).toEqual([]);
  });
});

describe("cloudsigma.ServerGroup", () => {
  it("creates with members, adds and removes one change at a time, renames and destroys", async () => {
    const server = async (name: string) => (await serverProvider.create(serverSchema().parse({ name, cpuMhz: 2000, memMb: 1024, powerState: "stopped" }) as unknown as ServerInputs)).id;
    const [a, b, c] = [await server("a"), await server("b"), await server("c")];
    const { id, outs } = await serverGroupProvider.create({ name: "web", description: "", servers: [a, b] });
    expect(outs).toMatchObject({ name: "web", servers: [a, b] });
    const u = await serverGroupProvider.update(id, outs as ServerGroupOutputs, { name: "web servers", description: "front", servers: [b, c] });
    expect(u.outs).toMatchObject({ name: "web servers", description: "front", servers: [b, c] });
    expect((await serverGroupProvider.read(id, u.outs as ServerGroupOutputs)).props).toEqual(u.outs);
    await serverGroupProvider.delete(id, u.outs as ServerGroupOutputs);
    expect(ctx.sim.vendor.state.groups.has(id)).toBe(false);
    await expect(serverGroupProvider.delete(id, u.outs as ServerGroupOutputs)).resolves.toBeUndefined();
    expect(await serverGroupProvider.read(id, u.outs as ServerGroupOutputs)).toEqual({ id: "" });
  });

  it("accepts the manual's doubled servergroupss spelling in the simulator", async () => {
    const { id } = await serverGroupProvider.create({ name: "g", description: "", servers: [] });
    const a = ctx.sim.vendor.state.account;
    const res = await fetch(`${ctx.sim.url}/servergroupss/${id}/info`, { headers: { authorization: "Basic " + Buffer.from(`${a.email}:${a.password}`).toString("base64") } });
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/^uuid /m);
  });
});
