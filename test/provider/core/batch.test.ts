import { describe, expect, it } from "vitest";
import { Batcher, ProviderError, RunCache } from "../../../provider/core";

/** A batcher over a fake store that records each fetch's keys. */
function store(items: Record<string, string>, opts: { maxBatch?: number; fail?: Error } = {}) {
  const fetched: string[][] = [];
  const b = new Batcher<string, string>({
    maxBatch: opts.maxBatch,
    fetch: async (keys) => {
      fetched.push(keys);
      if (opts.fail) throw opts.fail;
      return new Map(keys.filter((k) => k in items).map((k) => [k, items[k]]));
    },
  });
  return { b, fetched };
}

describe("Batcher", () => {
  it("sends the keys asked for within one window as one fetch, and gives each caller its own value (undefined when absent)", async () => {
    const { b, fetched } = store({ a: "A", b: "B" });
    const got = await Promise.all([b.get("a"), b.get("b"), b.get("a"), b.get("x")]);
    expect(got).toEqual(["A", "B", "A", undefined]);
    expect(fetched).toEqual([["a", "b", "x"]]);
    expect(b.fetches).toBe(1);
  });

  it("splits more keys than maxBatch into several fetches sent together", async () => {
    const { b, fetched } = store({ a: "A", b: "B", c: "C" }, { maxBatch: 2 });
    expect(await Promise.all(["a", "b", "c"].map((k) => b.get(k)))).toEqual(["A", "B", "C"]);
    expect(fetched).toEqual([["a", "b"], ["c"]]);
  });

  it("starts a new window for keys asked after the last fetch went out", async () => {
    const { b, fetched } = store({ a: "A", b: "B" });
    await b.get("a");
    await b.get("b");
    expect(fetched).toEqual([["a"], ["b"]]);
  });

  it("fails every caller of a failed fetch, each with an error of its own (same class, code and message)", async () => {
    const { b } = store({}, { fail: new ProviderError("server", "the list failed", { status: 500 }) });
    const errors = await Promise.all(
      [b.get("a"), b.get("b")].map((p) =>
        p.then(
          () => new ProviderError("validation", "no error"),
          (e: ProviderError) => e,
        ),
      ),
    );
    expect(errors.map((e) => [e instanceof ProviderError, e.code, e.message, e.status])).toEqual([
      [true, "server", "the list failed [HTTP 500]", 500],
      [true, "server", "the list failed [HTTP 500]", 500],
    ]);
    expect(errors[0]).not.toBe(errors[1]);
    errors[0].message += " (more)";
    expect(errors[1].message).toBe("the list failed [HTTP 500]");
  });
});

describe("RunCache", () => {
  it("asks once for a value that exists, sharing the answer with callers in flight and later ones", async () => {
    const cache = new RunCache<string>();
    let asked = 0;
    const load = async () => (asked++, "yes");
    expect(await Promise.all([cache.get("k", load), cache.get("k", load)])).toEqual(["yes", "yes"]);
    expect(await cache.get("k", load)).toBe("yes");
    expect(asked).toBe(1);
  });

  it("asks again after an absent answer or a failure", async () => {
    const cache = new RunCache<string>();
    let asked = 0;
    await cache.get("k", async () => (asked++, undefined));
    await cache.get("k", async () => (asked++, Promise.reject(new Error("down")))).catch(() => undefined);
    expect(await cache.get("k", async () => (asked++, "now"))).toBe("now");
    expect(asked).toBe(3);
  });
});
