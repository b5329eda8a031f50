/**
 * The look-up layer with a vendor of its own: secret result fields as secret Outputs, a failed listing
 * failing every look-up waiting on it and asked again by the next, `pick` choosing among several, and a
 * look-up with no identifying filter (the account's one object) whose filters shape its result.
 */
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ProviderError, defineLookup, defineVendor, forgetClients, listOnce, lookups } from "../../../provider/core";

const backend = {
  lists: 0,
  failNext: false,
  items: [
    { id: "1", name: "a", version: 1, token: "tok-1" },
    { id: "2", name: "b", version: 1, token: "tok-2" },
    { id: "3", name: "b", version: 3, token: "tok-3" },
  ],
};
/** A client per configuration (the lists it has read are its own), all on one backend. */
const vendor = defineVendor({ name: "testvendor", settings: {}, connect: () => ({ backend }) });
const { getThing, getThingOutput } = defineLookup({
  vendor,
  name: "Thing",
  noun: "thing",
  description: "a thing",
  args: { name: z.string().optional(), newest: z.boolean().optional() },
  identifiedBy: ["name"],
  result: z.object({ id: z.string(), token: z.string() }),
  secrets: ["token"],
  list: (c) =>
    listOnce(c, "things", async () => {
      c.backend.lists++;
      await new Promise((r) => setTimeout(r, 5));
      if (c.backend.failNext) {
        c.backend.failNext = false;
        throw new ProviderError("server", "the thing list failed");
      }
      return c.backend.items;
    }),
  matches: (w, a) => w.name === a.name,
  pick: (ws, a) => (a.newest ? [ws.reduce((x, y) => (y.version > x.version ? y : x))] : ws),
  describe: (w) => `${w.name} v${w.version}`,
  narrow: "newest",
  toResult: (w) => ({ id: w.id, token: w.token }),
});
/** The account: one object, no filter needed; `unit` picks what the result shows and must be one it has. */
const account = { owner: "ops", quota: { cpu: 8, mem: 16 } as Record<string, number> };
const { getAccount, getAccountOutput } = defineLookup({
  vendor,
  name: "Account",
  noun: "account",
  description: "the account",
  args: { unit: z.string().optional() },
  identifiedBy: [],
  result: z.object({ owner: z.string(), quota: z.record(z.string(), z.number()) }),
  list: async () => [account],
  matches: (w, a) => a.unit === undefined || a.unit in w.quota,
  describe: (w) => `${w.owner} (quota of ${Object.keys(w.quota).join(", ")})`,
  narrow: "endpoint",
  toResult: (w, a) => ({ owner: w.owner, quota: Object.fromEntries(Object.entries(w.quota).filter(([k]) => a.unit === undefined || k === a.unit)) }),
});
const valueOf = <T>(o: pulumi.Output<T>) => new Promise<T>((resolve) => o.apply(resolve));

describe("the look-up layer", () => {
  it("answers secret result fields as Outputs marked secret, and the whole Output result as secret", async () => {
    const r = await getThing({ name: "a" });
    expect(r.id).toBe("1");
    expect(await (r.token as unknown as { isSecret: Promise<boolean> }).isSecret).toBe(true);
    expect(await valueOf(r.token)).toBe("tok-1");
    const out = getThingOutput({ name: "a" });
    expect(await (out as unknown as { isSecret: Promise<boolean> }).isSecret).toBe(true);
    expect(await valueOf(out.token)).toBe("tok-1");
  });

  it("fails every look-up waiting on a failed listing with that error, and lists again for the next one", async () => {
    forgetClients();
    backend.failNext = true;
    const before = backend.lists;
    const both = await Promise.allSettled([getThing({ name: "a" }), getThing({ name: "b", newest: true })]);
    expect(both.map((x) => x.status === "rejected" && String(x.reason))).toEqual([
      expect.stringMatching(/the thing list failed/),
      expect.stringMatching(/the thing list failed/),
    ]);
    expect((await getThing({ name: "a" })).id).toBe("1");
    expect(backend.lists - before).toBe(2);
  });

  it("lets a definition pick among several matches, and reports several when it does not", async () => {
    expect((await getThing({ name: "b", newest: true })).id).toBe("3");
    await expect(getThing({ name: "b" })).rejects.toThrow(
      'testvendor.getThing: 2 things have name "b" at the testvendor endpoint: b v1; b v3; narrow it with newest',
    );
  });

  it("needs no filter when a look-up has no identifying one, hands the filters it has to the result, and still checks them", async () => {
    expect(await getAccount()).toEqual({ owner: "ops", quota: { cpu: 8, mem: 16 } });
    expect(await valueOf(getAccountOutput({ unit: pulumi.output("mem") }).quota)).toEqual({ mem: 16 });
    await expect(getAccount({ unit: "gpu" })).rejects.toThrow(
      'testvendor.getAccount: no account has unit "gpu" at the testvendor endpoint; the 1 there: ops (quota of cpu, mem)',
    );
    await expect(getAccount({ unit: 5 } as never)).rejects.toThrow(/testvendor\.getAccount: unit: /);
  });

  it("records each look-up for the docs, with its filters (endpoint added) and what identifies it", () => {
    const e = lookups().find((l) => l.vendor === "testvendor")!;
    expect(Object.keys(e.args.shape)).toEqual(["name", "newest", "endpoint"]);
    expect(e.identifiedBy).toEqual(["name"]);
    expect(e.secrets).toEqual(["token"]);
  });
});
