/**
 * The CloudSigma simulator's choices where the manual is silent, and its control routes, through HTTP
 * only: `user:*` keys kept on drives and servers, seeding the account and objects, reset, the end of a
 * subscription, the manual's doubled `servergroupss` spelling, the profile (its change and the manual's
 * field errors), the price list that subscriptions are charged by, and the balance they are paid from.
 */
import { describe, expect, it } from "vitest";
import { decode } from "../../../provider/cloudsigma/codec";
import { DEMO_ACCOUNT } from "../../../simulator/cloudsigma";
import { LIBRARY_DEBIAN, useSigma } from "../../helpers/cloudsigma";

const ctx = useSigma({ imagingMs: 50 });

/** A call as another account would make it (or this one with another password). */
async function callAs(email: string, password: string, path: string) {
  const res = await fetch(ctx.sim.url + path, { headers: { authorization: "Basic " + Buffer.from(`${email}:${password}`).toString("base64") } });
  return { status: res.status, objects: decode(await res.text()) };
}

describe("the CloudSigma simulator", () => {
  it("keeps and shows user:* keys given to a drive's create, clone and set", async () => {
    const [made] = await ctx.api("POST", "/drives/create", { name: "d", size: "1G", "user:pulumi": "pulumi:0000000000000001" });
    expect(made["user:pulumi"]).toBe("pulumi:0000000000000001");
    const [clone] = await ctx.api("POST", `/drives/${LIBRARY_DEBIAN}/clone`, { name: "c", "user:team": "web" });
    await new Promise((r) => setTimeout(r, 80));
    await ctx.api("POST", `/drives/${made.drive}/set`, { "user:team": "db" });
    const [info] = await ctx.api("GET", `/drives/${made.drive}/info`);
    expect(info).toMatchObject({ "user:pulumi": "pulumi:0000000000000001", "user:team": "db" });
    expect((await ctx.api("GET", "/drives/info")).find((d) => d.drive === clone.drive)).toMatchObject({ "user:team": "web" });
    expect((await ctx.sim.inventory("drives")).find((d) => d.drive === made.drive)).toMatchObject({ "user:team": "db" });
  });

  it("keeps and shows user:* keys given to a server's create and set, also while it runs", async () => {
    const [s] = await ctx.api("POST", "/servers/create", { name: "s", cpu: "1000", mem: "512", "user:pulumi": "pulumi:0000000000000002" });
    await ctx.api("POST", `/servers/${s.server}/start`);
    await ctx.api("POST", `/servers/${s.server}/set`, { "user:team": "web" });
    expect((await ctx.api("GET", "/servers/info"))[0]).toMatchObject({ status: "active", "user:pulumi": "pulumi:0000000000000002", "user:team": "web" });
  });

  it("seeds the account's login and objects through /_sim/seed, and a reset goes back to the demo account", async () => {
    await ctx.sim.control("POST", "/_sim/seed", {
      account: { password: "seeded-pass" },
      vlans: [{ resource: "5eed0000-0000-4000-8000-000000000001", type: "vlan", user: DEMO_ACCOUNT.uuid, name: "seeded" }],
    });
    expect((await callAs(DEMO_ACCOUNT.email, DEMO_ACCOUNT.password, "/resources/vlan/info")).status).toBe(401);
    expect((await callAs(DEMO_ACCOUNT.email, "seeded-pass", "/resources/vlan/info")).objects).toEqual([
      { resource: "5eed0000-0000-4000-8000-000000000001", type: "vlan", user: DEMO_ACCOUNT.uuid, name: "seeded" },
    ]);
    await ctx.sim.control("POST", "/_sim/reset");
    expect(await callAs(DEMO_ACCOUNT.email, DEMO_ACCOUNT.password, "/resources/vlan/info")).toEqual({ status: 200, objects: [] });
  });

  it("ends a subscription out of band through /_sim/cloudsigma/end-subscription", async () => {
    const [s] = await ctx.api("POST", "/subscriptions/network/vlan/create", { quantity: "1", start_time: "2026-12-01 00:00", months: "1" });
    await ctx.sim.control("POST", "/_sim/cloudsigma/end-subscription", { subscription: s.subscription });
    expect(await ctx.sim.inventory("subscriptions")).toEqual([]);
    await expect(ctx.api("GET", `/subscriptions/${s.subscription}/info`)).rejects.toThrow(/400: errors:system Subscription .* could not be found/);
  });

  it("shows the profile with the account's uuid and email, changes it, refuses what the manual refuses, and takes a new email as the login", async () => {
    const [p] = await ctx.api("GET", "/profile/info");
    expect(p).toMatchObject({
      uuid: DEMO_ACCOUNT.uuid,
      email: DEMO_ACCOUNT.email,
      first_name: "Demo",
      currency: "EUR",
      secret_key: expect.stringMatching(/^\w{40}$/),
    });
    expect((await ctx.api("POST", "/profile/set", { company: "Other Ltd.", phone: "+41 44 000 00 00" }))[0]).toMatchObject({
      company: "Other Ltd.",
      phone: "+41 44 000 00 00",
    });
    // As the manual shows it: the profile, the request's values, and an errors: line after the field's.
    await expect(ctx.api("POST", "/profile/set", { first_name: "" })).rejects.toThrow(
      /400: uuid .*\nfirst_name \nerrors:first_name \* This field is required\.\n/s,
    );
    await expect(ctx.api("POST", "/profile/set", { currency: "USD" })).rejects.toThrow(/errors:currency The billing currency cannot be changed once set/);
    await expect(ctx.api("POST", "/profile/set", { salary: "1" })).rejects.toThrow(/errors:salary Unknown key/);
    await ctx.api("POST", "/profile/set", { email: "new@example.com" });
    expect((await callAs(DEMO_ACCOUNT.email, DEMO_ACCOUNT.password, "/profile/info")).status).toBe(401);
    expect((await callAs("new@example.com", DEMO_ACCOUNT.password, "/profile/info")).objects[0]).toMatchObject({
      email: "new@example.com",
      company: "Other Ltd.",
    });
  });

  it("prices subscriptions by its price list, pays them from the balance, and shows both in the profile's currency", async () => {
    const [prices] = await ctx.api("GET", "/pricing/info");
    expect(Object.keys(prices)).toEqual([
      "start",
      "end",
      "cpu:sub",
      "cpu:burst",
      "mem:sub",
      "mem:burst",
      "xfer:sub",
      "xfer:burst",
      "disk:sub",
      "disk:burst",
      "ip",
      "vlan",
      "msft_lwa_00135",
      "msft_p73_04837",
      "msft_tfa_00009",
    ]);
    expect(Date.parse(prices.end.replace(" ", "T").slice(0, 23) + "Z") - Date.parse(prices.start.replace(" ", "T").slice(0, 23) + "Z")).toBe(5 * 60_000);
    await ctx.sim.control("POST", "/_sim/seed", { profile: { currency: "CHF" }, balance: "100.00" });
    const term = { start_time: "2026-12-01 00:00", months: "2" };
    const [quote] = await ctx.api("POST", "/subscriptions/resources/calculate", { cpu: "2000", disk: "10", ...term });
    expect(quote).toEqual({ amount: (2 * (2000 * Number(prices["cpu:sub"]) + 10 * Number(prices["disk:sub"]))).toFixed(2), currency: "CHF" });
    await ctx.api("POST", "/subscriptions/resources/create", { cpu: "2000", disk: "10", ...term });
    expect(await ctx.api("GET", "/balance/info")).toEqual([{ balance: (100 - Number(quote.amount)).toFixed(2), currency: "CHF" }]);
  });

  it("accepts the manual's doubled servergroupss spelling", async () => {
    const [g] = await ctx.api("POST", "/servergroups/create", { name: "g" });
    expect(await ctx.api("GET", `/servergroupss/${g.uuid}/info`)).toEqual([{ uuid: g.uuid, name: "g", description: "", servers: "" }]);
  });
});
