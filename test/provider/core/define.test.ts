/** The resource layer's pure parts: tokens, markers, the stub every type hands Pulumi, and the class it derives. */
import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  ProviderError,
  ResourceArgs,
  ResourceOutputs,
  VendorResource,
  defineResource,
  defineVendor,
  markerOf,
  registry,
  splitMarker,
  typeToken,
  withMarker,
} from "../../../provider/core";
import * as stub from "../../../provider/stub";

const vendor = defineVendor({ name: "demo", settings: {}, connect: () => ({}) });
const Thing = defineResource({
  vendor,
  type: "Thing",
  description: "A thing for tests.",
  inputs: z.strictObject({ name: z.string(), size: z.number().default(1), password: z.string().optional() }),
  outputs: z.object({ uid: z.string(), passwordHash: z.string().optional() }),
  hidden: { inputs: ["password"], hash: "passwordHash" },
  adopt: { byName: true },
  recovery: { marker: "its name" },
  model: (w: { uid: string }) => ({ uid: w.uid }),
  operations: {
    create: async () => ({ id: "1" }),
    read: async (id) => ({ uid: id }),
    update: async () => {},
    delete: async () => {},
  },
});

describe("the resource layer", () => {
  it("derives the type token from the vendor and type, and registers the type once", () => {
    expect(typeToken("cloudtower", "Vm")).toBe("pulumi-nodejs:dynamic/cloudtower:Vm");
    expect(Thing.__pulumiType).toBe("pulumi-nodejs:dynamic/demo:Thing");
    expect(registry().filter((e) => e.token === Thing.__pulumiType)).toHaveLength(1);
    expect(Object.keys(Thing.entry.inputShape)).toEqual(["name", "size", "password", "endpoint", "adopt", "marker"]);
  });

  it("recognises instances of a class by its own type token", () => {
    expect(Thing.isInstance({ __pulumiType: "pulumi-nodejs:dynamic/demo:Thing" })).toBe(true);
    expect(Thing.isInstance({ __pulumiType: "pulumi-nodejs:dynamic/demo:Other" })).toBe(false);
    expect(Thing.isInstance(undefined)).toBe(false);
    expect(Object.getPrototypeOf(Thing.prototype)).toBe(VendorResource.prototype);
  });

  it("hands Pulumi one stub per type: an object with only its vendor and type, whose prototype is the stub module", () => {
    expect(Object.getPrototypeOf(Thing.provider)).toBe(stub);
    expect(Object.entries(Thing.provider)).toEqual([
      ["vendor", "demo"],
      ["type", "Thing"],
    ]);
  });

  it("makes a short marker from a URN, the same for the same URN", () => {
    const urn = `urn:pulumi:prod::fleet::${Thing.__pulumiType}::web-1`;
    expect(markerOf(urn)).toMatch(/^pulumi:[0-9a-f]{16}$/);
    expect(markerOf(urn)).toBe(markerOf(urn));
    expect(markerOf(urn)).not.toBe(markerOf(urn.replace("prod", "dev")));
  });

  it.each([
    ["front end", "pulumi:0123456789abcdef", "front end [pulumi:0123456789abcdef]"],
    ["", "pulumi:0123456789abcdef", "[pulumi:0123456789abcdef]"],
    ["front end [pulumi:fedcba9876543210]", "pulumi:0123456789abcdef", "front end [pulumi:0123456789abcdef]"],
    ["front end", undefined, "front end"],
  ])("appends the marker to %j as one trailer", (text, marker, out) => {
    expect(withMarker(text, marker)).toBe(out);
    expect(splitMarker(out)).toEqual({ text: splitMarker(text).text, ...(marker ? { marker } : {}) });
  });

  it("leaves text without a marker as it is", () => {
    expect(splitMarker("a [note]")).toEqual({ text: "a [note]" });
    expect(splitMarker(undefined)).toEqual({ text: "" });
  });
});

describe("the types a class gives users", () => {
  it("names a class's args and outputs (checked by the compiler: tsc -p tsconfig.test.json)", () => {
    type Args = ResourceArgs<typeof Thing>;
    type Outs = ResourceOutputs<typeof Thing>;
    const args: Args = { name: "t", size: 2 };
    // @ts-expect-error: an input the schema does not have
    const wrong: Args = { name: "t", colour: "red" };
    const outs = { name: "t", size: 2, uid: "u" } satisfies Partial<Outs>;
    // @ts-expect-error: a hidden input is no output
    const leaked: Outs["password"] = "x";
    expect([args, wrong, outs, leaked]).toHaveLength(4);
  });
});

describe("inputs that only set a deadline or the provider's own behaviour", () => {
  const Timed = defineResource({
    vendor,
    type: "Timed",
    description: "A thing with a deadline, a local flag and a size, for tests.",
    inputs: z.strictObject({
      name: z.string(),
      size: z.number().default(1),
      timeoutSeconds: z.number().default(600),
      waitTimeoutSeconds: z.number().default(60),
      allowRestart: z.boolean().default(false),
    }),
    outputs: z.object({ uid: z.string() }),
    local: ["allowRestart"],
    adopt: false,
    recovery: { marker: "its name" },
    model: (w: { uid: string }) => ({ uid: w.uid }),
    operations: {
      create: async () => ({ id: "1" }),
      read: async (id) => ({ uid: id }),
      update: async () => {},
      delete: async () => {},
    },
  });
  const diff = (olds: Record<string, unknown>, news: Record<string, unknown>) => Timed.entry.provider.diff("1", olds, news);
  const news = { name: "t", size: 1, timeoutSeconds: 600, waitTimeoutSeconds: 60, allowRestart: false };

  it("are no change when a state written before they existed does not hold them (timeouts by name, flags declared local)", async () => {
    expect(await diff({ name: "t", size: 1, uid: "1" }, news)).toMatchObject({ changes: false, replaces: [] });
  });

  it("are a change when the stored state holds another value", async () => {
    expect(await diff({ ...news, timeoutSeconds: 300, uid: "1" }, news)).toMatchObject({ changes: true });
    expect(await diff({ ...news, allowRestart: true, uid: "1" }, news)).toMatchObject({ changes: true });
  });

  it("leave other inputs missing from the stored state a change", async () => {
    expect(await diff({ name: "t", uid: "1" }, news)).toMatchObject({ changes: true });
  });
});

describe("a stored state written by an older version (upgrade)", () => {
  const Stored = defineResource({
    vendor,
    type: "Stored",
    description: "A thing whose kind an older version did not store, for tests.",
    inputs: z.strictObject({ name: z.string(), tags: z.array(z.string()).default([]), kind: z.enum(["a", "b"]).optional() }),
    outputs: z.object({ uid: z.string() }),
    replaceOn: ["kind"],
    upgrade: (olds) => (olds.kind === undefined ? { kind: olds.tags.includes("b") ? ("b" as const) : ("a" as const) } : {}),
    adopt: false,
    recovery: { marker: "its name" },
    model: (w: { uid: string }) => ({ uid: w.uid }),
    operations: {
      create: async () => ({ id: "1" }),
      read: async (id) => ({ uid: id }),
      update: async () => {},
      delete: async () => {},
    },
  });
  const diff = (olds: Record<string, unknown>, news: Record<string, unknown>) => Stored.entry.provider.diff("1", olds, news);

  it("is compared as this version would have written it: what it derives is no replacement", async () => {
    expect(await diff({ name: "t", tags: [], uid: "1" }, { name: "t", tags: [], kind: "a" })).toMatchObject({ changes: false, replaces: [] });
    expect(await diff({ name: "t", tags: ["b"], uid: "1" }, { name: "t", tags: ["b"], kind: "b" })).toMatchObject({ changes: false, replaces: [] });
  });

  it("still replaces when the derived value differs from the new one", async () => {
    expect(await diff({ name: "t", tags: [], uid: "1" }, { name: "t", tags: [], kind: "b" })).toMatchObject({ changes: true, replaces: ["kind"] });
  });
});

describe("secret inputs in errors", () => {
  const URL = "sftp://user:pa%24s@files.example/x.qcow2";
  let fail: (i: { url: string; vnc?: { password: string } }) => Error = () => new Error("none");
  const Secretive = defineResource({
    vendor,
    type: "Secretive",
    description: "A thing with a secret URL and a secret object, for tests.",
    inputs: z.strictObject({ name: z.string(), url: z.string(), vnc: z.object({ ip: z.string(), password: z.string() }).optional() }),
    outputs: z.object({ uid: z.string() }),
    secrets: ["url", "vnc"],
    adopt: false,
    recovery: { marker: "its name" },
    model: (w: { uid: string }) => ({ uid: w.uid }),
    operations: {
      create: async (i) => Promise.reject(fail(i)),
      read: async (id) => ({ uid: id }),
      update: async (_id, _o, n) => Promise.reject(fail(n)),
      delete: async (_id, p) => Promise.reject(fail(p)),
    },
  });
  const provider = Secretive.entry.provider;
  const inputs = { name: "s", url: URL, vnc: { ip: "auto", password: "vncpw" }, marker: "pulumi:0000000000000001" };

  it("are redacted from any error a call throws: the whole value, a URL's password raw and decoded, in the message, vendor message and cause", async () => {
    fail = (i) =>
      new ProviderError("server", `fetch ${i.url} failed: login user/pa$s refused (pa%24s); vnc ${i.vnc?.password} on auto`, {
        vendorMessage: `no access to ${i.url}`,
        cause: new Error(`inner ${i.url}`),
      });
    const err = await provider.create(inputs).catch((e) => e);
    expect(err.code).toBe("server");
    const text = JSON.stringify([err.message, err.stack, err.details.vendorMessage, err.cause.message]);
    for (const secret of [URL, "pa$s", "pa%24s", "vncpw"]) expect(text).not.toContain(secret);
    expect(err.message).toMatch(/^fetch \*\*\* failed: login user\/\*\*\* refused \(\*\*\*\); vnc \*\*\* on auto/);
    await expect(provider.update("1", { ...inputs, uid: "1" }, inputs)).rejects.toThrow(/^fetch \*\*\* failed/);
    await expect(provider.delete("1", { ...inputs, uid: "1" })).rejects.toThrow(/^fetch \*\*\* failed/);
  });
});
