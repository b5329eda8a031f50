import { describe, expect, it } from "vitest";
import { z } from "zod";
import { UNKNOWN, checkWithSchema, deepEqual, diffInputs, forEngine, plain, propertyPath } from "../../../provider/core/resource";

const schema = () =>
  z.strictObject({
    name: z.string().min(1, "must not be empty"),
    memoryMb: z.number().int().positive("must be positive"),
    disks: z.array(z.strictObject({ sizeGb: z.number().positive("must be positive") })).default([]),
    cluster: z.string(),
  });

describe("checkWithSchema", () => {
  it("accepts valid inputs and applies defaults", () => {
    const r = checkWithSchema(schema(), { name: "vm", memoryMb: 512, cluster: "c1", __provider: "code" });
    expect(r.failures).toBeUndefined();
    expect(r.inputs).toEqual({ name: "vm", memoryMb: 512, cluster: "c1", disks: [] });
  });

  it("names each bad field with its path and reason", () => {
    const r = checkWithSchema(schema(), { name: "", memoryMb: -1, cluster: "c1", disks: [{ sizeGb: 0 }] });
    expect(r.failures).toMatchObject([
      { property: "name", reason: "must not be empty" },
      { property: "memoryMb", reason: "must be positive" },
      { property: "disks[0].sizeGb", reason: "must be positive" },
    ]);
  });

  it("names unknown inputs one by one", () => {
    const r = checkWithSchema(schema(), { name: "a", memoryMb: 1, cluster: "c", colour: "red", size: 3 });
    expect(r.failures).toMatchObject([
      { property: "colour", reason: 'unknown input "colour" (check the spelling)' },
      { property: "size", reason: 'unknown input "size" (check the spelling)' },
    ]);
  });

  it("accepts the preview-unknown sentinel where a value is not known yet", () => {
    const r = checkWithSchema(schema(), { name: "a", memoryMb: UNKNOWN, cluster: UNKNOWN, disks: UNKNOWN });
    expect(r.failures).toBeUndefined();
    expect(r.inputs).toMatchObject({ memoryMb: UNKNOWN });
  });

  it("still reports known bad values beside unknown ones", () => {
    const r = checkWithSchema(schema(), { name: "", memoryMb: UNKNOWN, cluster: "c" });
    expect(r.failures).toMatchObject([{ property: "name", reason: "must not be empty" }]);
  });

  it("reports a missing required field as required, with the type it expects", () => {
    const r = checkWithSchema(schema(), { name: "a", memoryMb: 1 });
    expect(r.failures).toMatchObject([{ property: "cluster", reason: "required (expected string)" }]);
  });

  it("names an unknown key that holds a dot, or is empty, on the input that holds it", () => {
    const raw = { name: "a", memoryMb: 1, cluster: "c", disks: [{ sizeGb: 1, "x.y": 1 }], "a.b": 2 };
    const r = checkWithSchema(schema(), raw);
    expect(r.failures!.map((f) => f.property)).toEqual(['disks[0]["x.y"]', '["a.b"]']);
    expect(forEngine(r.failures!, raw).map((f) => f.property)).toEqual(["disks", "a.b"]);
  });
});

describe("forEngine", () => {
  it("names the top-level input of a nested failure (the engine shows only those values) and puts the path and the value in the reason", () => {
    const raw = { name: "a", disks: [{ sizeGb: -1 }], vnc: { password: "toolongsecret" } };
    expect(
      forEngine(
        [
          { property: "name", reason: "must not be empty" },
          { property: "disks[0].sizeGb", reason: "must be positive" },
          { property: "vnc.password", reason: "must be at most 8 characters" },
        ],
        raw,
        ["vnc"],
      ),
    ).toEqual([
      { property: "name", reason: "must not be empty" },
      { property: "disks", reason: "disks[0].sizeGb: must be positive (got -1)" },
      { property: "vnc", reason: "vnc.password: must be at most 8 characters" },
    ]);
  });
});

describe("diffInputs", () => {
  const spec = { inputs: ["name", "memoryMb", "cluster", "disks"], replaceOn: ["cluster"] };
  it.each([
    ["nothing changed", { name: "a", memoryMb: 1, cluster: "c" }, false, []],
    ["an in-place field", { name: "b", memoryMb: 1, cluster: "c" }, true, []],
    ["a replace-only field", { name: "a", memoryMb: 1, cluster: "d" }, true, ["cluster"]],
    ["an unknown replace-only field", { name: "a", memoryMb: 1, cluster: UNKNOWN }, true, ["cluster"]],
    ["an added optional field", { name: "a", memoryMb: 1, cluster: "c", disks: [] }, true, []],
  ])("%s", (_what, news, changes, replaces) => {
    const d = diffInputs({ name: "a", memoryMb: 1, cluster: "c", id: "x", status: "RUNNING" }, news, spec);
    expect(d.changes).toBe(changes);
    expect(d.replaces).toEqual(replaces);
  });
});

describe("plain and helpers", () => {
  it("drops undefined, turns dates into text and non-finite numbers into null", () => {
    expect(plain({ a: undefined, b: [1, undefined], c: new Date("2026-01-01T00:00:00Z"), d: NaN, e: { f: undefined } })).toEqual({
      b: [1, null],
      c: "2026-01-01T00:00:00.000Z",
      d: null,
      e: {},
    });
  });

  it("refuses functions, naming where", () => {
    expect(() => plain({ x: { y: () => 1 } })).toThrow(/outputs.x.y holds a function/);
  });

  it("compares JSON deeply, ignoring undefined keys", () => {
    expect(deepEqual({ a: [1, { b: 2 }], c: undefined }, { a: [1, { b: 2 }] })).toBe(true);
    expect(deepEqual({ a: [1, 2] }, { a: [2, 1] })).toBe(false);
  });

  it("writes property paths as users write them", () => {
    expect(propertyPath(["nics", 2, "vlanId"])).toBe("nics[2].vlanId");
  });
});
