/**
 * The CloudSigma simulator's choices where the manual is silent, and its control routes, through HTTP
 * only: `user:*` keys kept on drives and servers, seeding the account and objects, reset, the end of a
 * subscription, and the manual's doubled `servergroupss` spelling.
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
    expect((await callAs(DEMO_ACCOUNT.email, "seeded-pass", "/resources/vlan/info")).objects).toEqual([{ resource: "5eed0000-0000-4000-8000-000000000001", type: "vlan", user: DEMO_ACCOUNT.uuid, name: "seeded" }]);
    await ctx.sim.control("POST", "/_sim/reset");
    expect(await callAs(DEMO_ACCOUNT.email, DEMO_ACCOUNT.password, "/resources/vlan/info")).toEqual({ status: 200, objects: [] });
  });

  it("ends a subscription out of band through /_sim/cloudsigma/end-subscription", async () => {
    const [s] = await ctx.api("POST", "/subscriptions/network/vlan/create", { quantity: "1", start_time: "2026-12-01 00:00", months: "1" });
    await ctx.sim.control("POST", "/_sim/cloudsigma/end-subscription", { subscription: s.subscription });
    expect(await ctx.sim.inventory("subscriptions")).toEqual([]);
    await expect(ctx.api("GET", `/subscriptions/${s.subscription}/info`)).rejects.toThrow(/400: errors:system Subscription .* could not be found/);
  });

  it("accepts the manual's doubled servergroupss spelling", async () => {
    const [g] = await ctx.api("POST", "/servergroups/create", { name: "g" });
    expect(await ctx.api("GET", `/servergroupss/${g.uuid}/info`)).toEqual([{ uuid: g.uuid, name: "g", description: "", servers: "" }]);
  });
});
