/** Every CloudSigma resource class against the guarantees all resources share (test/helpers/conformance.ts). */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { UNKNOWN } from "../../../provider/core";
import { asEngine } from "../../helpers/engine";
import * as cloudsigma from "../../../provider/cloudsigma";
import { conformance } from "../../helpers/conformance";
import { MINIMAL } from "../../helpers/minimal";
import { LIBRARY_DEBIAN, sigmaConfig, useSigma } from "../../helpers/cloudsigma";

const ctx = useSigma();
const sim = () => ctx.sim;
const GIB = 1024 ** 3;
/** Requests to this path answer 503 at once (Retry-After 0): the wait of a create, or the read after it, fails. */
const failing = (path: string) => ({ path, status: 503, retryAfter: 0 });
const post = async (path: string, body?: Record<string, string>) => (await ctx.api("POST", path, body))[0];

conformance({
  config: () => sigmaConfig(ctx.sim.url),
  resource: cloudsigma.Drive,
  sim,
  inputs: MINIMAL["cloudsigma.Drive"],
  collection: "drives",
  idOf: (d) => d.drive,
  createPath: "/drives/create",
  // A clone's imaging is polled until a 1 s deadline passes.
  partial: { inputs: { cloneFrom: LIBRARY_DEBIAN, sizeGb: 10, timeoutSeconds: 1 }, fault: failing("^/drives/[0-9a-f-]{36}/info$") },
  adoptByName: true,
  stranger: async (name) => ({ id: (await post("/drives/create", { name, size: String(GIB) })).drive }),
  vanish: async (id) => void (await post(`/drives/${id}/destroy`)),
});

conformance({
  config: () => sigmaConfig(ctx.sim.url),
  resource: cloudsigma.Server,
  sim,
  inputs: MINIMAL["cloudsigma.Server"],
  collection: "servers",
  idOf: (s) => s.server,
  createPath: "/servers/create",
  // The API boots a server as it creates it: a server declared stopped is stopped at once, and that fails.
  partial: { inputs: { powerState: "stopped" }, fault: failing("^/servers/[0-9a-f-]{36}/stop$") },
  adoptByName: true,
  stranger: async (name) => ({ id: (await post("/servers/create", { name, cpu: "2000", mem: "1024" })).server }),
  vanish: async (id) => {
    await post(`/servers/${id}/stop`);
    await post(`/servers/${id}/destroy`);
  },
});

conformance({
  config: () => sigmaConfig(ctx.sim.url),
  resource: cloudsigma.Vlan,
  sim,
  inputs: MINIMAL["cloudsigma.Vlan"],
  collection: "vlans",
  idOf: (v) => v.resource,
  createPath: "/resources/vlan/create",
  partial: { fault: failing("^/resources/vlan/[0-9a-f-]{36}/info$") },
  adoptByName: true,
  noMarker: true,
  stranger: async (name) => ({ id: (await post("/resources/vlan/create", { name })).resource }),
  vanish: async (id) => void (await post(`/resources/vlan/${id}/destroy`)),
});

conformance({
  config: () => sigmaConfig(ctx.sim.url),
  resource: cloudsigma.StaticIp,
  sim,
  inputs: MINIMAL["cloudsigma.StaticIp"],
  collection: "ips",
  idOf: (ip) => ip.resource,
  createPath: "/resources/ip/create",
  partial: { fault: failing("^/resources/ip/[0-9.]+/info$") },
  nameKey: null,
  adoptByName: false,
  noMarker: true,
  missingId: "192.0.2.1",
  stranger: async () => ({ id: (await post("/resources/ip/create")).resource }),
  vanish: async (id) => void (await post(`/resources/ip/${id}/destroy`)),
});

conformance({
  config: () => sigmaConfig(ctx.sim.url),
  resource: cloudsigma.ServerGroup,
  sim,
  inputs: MINIMAL["cloudsigma.ServerGroup"],
  collection: "servergroups",
  idOf: (g) => g.uuid,
  createPath: "/servergroups/create",
  partial: { fault: failing("^/servergroups/[0-9a-f-]{36}/info$") },
  adoptByName: true,
  stranger: async (name) => ({ id: (await post("/servergroups/create", { name })).uuid }),
  vanish: async (id) => void (await post(`/servergroups/${id}/destroy`)),
});

describe("cloudsigma.Subscription", () => {
  beforeEach(() => {
    // The price printed at check, and the warning of a destroy that only releases.
    vi.spyOn(console, "log").mockImplementation(() => {});
    vi.spyOn(console, "warn").mockImplementation(() => {});
  });
  afterEach(() => vi.restoreAllMocks());
  const term = { start_time: "2026-12-01 00:00", months: "1" };
  conformance({
    config: () => sigmaConfig(ctx.sim.url),
    resource: cloudsigma.Subscription,
    sim,
    // One item (CPU only), so that the one new item after a lost answer is the whole purchase.
    inputs: MINIMAL["cloudsigma.Subscription"],
    collection: "subscriptions",
    idOf: (s) => s.subscription,
    createPath: "/subscriptions/resources/create",
    partial: { fault: failing("^/subscriptions/[0-9a-f-]{36}/info$") },
    nameKey: null,
    adoptByName: false,
    noMarker: true,
    stranger: async () => ({ id: (await post("/subscriptions/resources/create", { cpu: "2000", ...term })).subscription }),
    // A subscription that ran to its end leaves the account (the API itself cannot end one).
    vanish: async (id) => void (await ctx.sim.control("POST", "/_sim/cloudsigma/end-subscription", { subscription: id })),
  });
});

/**
 * cloudsigma.Profile: the account has one profile, which a create sets and never makes, and a destroy leaves.
 * The shared suite assumes a create makes a new object: its cases are written here as they apply.
 */
describe(`${cloudsigma.Profile.__pulumiType}: the guarantees every resource gives, as they apply to the one profile of an account`, () => {
  const p = asEngine(cloudsigma.Profile.provider);
  const profile = async () => (await ctx.api("GET", "/profile/info"))[0];

  it("sets the fewest inputs on the profile that exists (its id the account's uuid), reads back the same outputs, and then sees no change", async () => {
    const inputs = await p.checked(MINIMAL["cloudsigma.Profile"]);
    const { id, outs } = await p.create(inputs);
    expect(id).toBe((await profile()).uuid);
    expect((await profile()).company).toBe("Conformance Ltd.");
    expect((await p.read(id, outs)).props).toEqual(outs);
    expect((await p.diff(id, outs, inputs)).changes).toBe(false);
  });

  it("accepts a value unknown at preview for any input, and diffs without a replacement", async () => {
    const { id, outs } = await p.create(await p.checked(MINIMAL["cloudsigma.Profile"]));
    for (const k of Object.keys(cloudsigma.Profile.entry.inputShape).filter((x) => !["endpoint", "marker"].includes(x))) {
      const r = await p.check({}, { ...MINIMAL["cloudsigma.Profile"], [k]: UNKNOWN });
      expect(r.failures, `${k} unknown`).toBeUndefined();
      expect((await p.diff(id, outs, r.inputs)).replaces, `${k} unknown`).toEqual([]);
    }
  });

  it("repeats a set whose answer was lost (a create makes nothing, so it is simply repeated)", async () => {
    await ctx.sim.control("POST", "/_sim/faults", { method: "POST", path: "/profile/set", lostResponse: true });
    const { outs } = await p.create(await p.checked({ company: "Lost Answer Ltd." }));
    expect(outs.company).toBe("Lost Answer Ltd.");
    expect((await ctx.sim.requests()).filter((r) => r.path === "/profile/set")).toHaveLength(2);
  });

  it("leaves the profile as it is on destroy (it cannot be deleted), and reads another account's as not this one", async () => {
    const { id, outs } = await p.create(await p.checked({ company: "Kept Ltd." }));
    await p.delete(id, outs);
    expect((await profile()).company).toBe("Kept Ltd.");
    expect(await p.read("00000000-0000-4000-8000-000000000000", outs)).toEqual({ id: "" });
  });

  it.skip("records the id of a create whose wait fails (a partial create): cannot apply, a profile's set has no wait", () => {});
  it.skip("takes up the object of a killed run, never a stranger: cannot apply, a create makes no object (the account has one profile)", () => {});
  it.skip("adopts an existing object through `adopt`: cannot apply, every create takes up the one profile there is", () => {});
});
