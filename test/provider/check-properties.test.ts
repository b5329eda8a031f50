/**
 * Property-based tests of every resource type's `check`, through the provider exactly as Pulumi gets it
 * (asEngine) and against all four simulators: 10,000 generated inputs per type (random objects over the
 * type's fields, and the type's fewest valid inputs with one value replaced or removed at any depth),
 * each of which must end in a result, never a thrown error; every failure names an input and says why
 * without echoing a secret; inputs the schema refuses send no request at all, and no input sends
 * anything but reads (logins and look-ups); inputs that pass check the same again.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import * as pkg from "../../provider";
import { UNKNOWN, closeAllPools, containsUnknown, registry } from "../../provider/core";
import { createChimeStackSimulator } from "../../simulator/chimestack";
import { createCloudSigmaSimulator } from "../../simulator/cloudsigma";
import { createCloudTowerSimulator } from "../../simulator/cloudtower";
import { createCvmSimulator } from "../../simulator/cvm";
import { chimeConfig, seedChime } from "../helpers/chimestack";
import { sigmaConfig } from "../helpers/cloudsigma";
import { towerConfig } from "../helpers/cloudtower";
import { cvmConfig } from "../helpers/cvm";
import { asEngine } from "../helpers/engine";
import { MINIMAL } from "../helpers/minimal";
import { Sim, startSim } from "../helpers/sim";

void pkg; // every resource type registers itself when the package loads
const RUNS = Number(process.env.PPC_CHECK_RUNS ?? 10_000);

type Obj = Record<string, unknown>;
const SECRET = "s3cret-value-";

/** Each vendor: its simulator, its stack config, and which requests only read. */
const VENDORS: Record<string, { start(): Promise<Sim>; config(url: string): Record<string, string>; reads(method: string, path: string): boolean }> = {
  cloudtower: { start: () => startSim(createCloudTowerSimulator()), config: towerConfig, reads: (m, p) => m === "GET" || /^\/v2\/api\/(login|get-)/.test(p) },
  // A subscription's price is asked with a POST to `.../calculate`, which buys nothing.
  cloudsigma: { start: () => startSim(createCloudSigmaSimulator()), config: sigmaConfig, reads: (m, p) => m === "GET" || p.endsWith("/calculate") },
  chimestack: {
    start: async () => {
      const sim = await startSim(createChimeStackSimulator());
      await seedChime(sim);
      return sim;
    },
    config: chimeConfig,
    reads: (m, p) => m === "GET" || p === "/v1/login",
  },
  cvm: { start: () => startSim(createCvmSimulator()), config: cvmConfig, reads: (m) => m === "GET" },
};

/** Strings that have broken providers before: path pieces, escapes, blanks, look-alike ids, long ones. */
const TRICKY = [
  "",
  " ",
  "../..",
  "a/b",
  "%2F",
  "?x=1",
  "#x",
  "\u0000",
  "ü",
  "x".repeat(300),
  "00000000-0000-4000-8000-000000000000",
  "-1",
  "1e400",
  "true",
  "null",
  "__proto__",
  "constructor",
  UNKNOWN,
];

const value: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  { weight: 2, arbitrary: fc.constantFrom(...TRICKY) },
  { weight: 1, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.array(fc.constantFrom(...TRICKY, 0, -1, null)) },
);

/** The value with each string in it (at any depth) ending with SECRET. */
function marked(v: unknown): unknown {
  // At the end: a secret with a shape (a URL's scheme) still passes when the rest of it is well-formed.
  if (typeof v === "string") return v === UNKNOWN ? v : v + SECRET;
  if (Array.isArray(v)) return v.map(marked);
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, marked(x)]));
  return v;
}

/** Every path into a value (object keys and array indexes), the value's own first. */
function paths(v: unknown, at: Array<string | number> = []): Array<Array<string | number>> {
  if (Array.isArray(v)) return [at, ...v.flatMap((x, i) => paths(x, [...at, i]))];
  if (v && typeof v === "object") return [at, ...Object.entries(v).flatMap(([k, x]) => paths(x, [...at, k]))];
  return [at];
}

/** A copy of `v` with the value at `path` replaced (or removed, for `undefined`). */
function replaced(v: unknown, path: Array<string | number>, by: unknown): unknown {
  if (!path.length) return by;
  const [head, ...rest] = path;
  const copy: Obj | unknown[] = Array.isArray(v) ? [...v] : { ...(v as Obj) };
  const next = replaced((copy as Obj)[head as string], rest, by);
  if (next === undefined && !Array.isArray(copy)) delete (copy as Obj)[head as string];
  else (copy as Obj)[head as string] = next === undefined ? null : next;
  return copy;
}

/** Inputs of one type: random objects over its fields (and strangers), and its fewest inputs with one value changed. */
function inputsOf(fields: string[], minimal: Obj): fc.Arbitrary<Obj> {
  const key = fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...fields) }, { weight: 1, arbitrary: fc.string({ maxLength: 8 }) });
  const random = fc.dictionary(key, value, { maxKeys: fields.length + 2 });
  const where = [...paths(minimal).filter((p) => p.length), ...fields.filter((f) => !(f in minimal)).map((f) => [f])];
  const mutated = fc.tuple(fc.constantFrom(...where), fc.option(value, { freq: 6, nil: undefined })).map(([p, v]) => replaced(minimal, p, v) as Obj);
  return fc.oneof({ weight: 1, arbitrary: random }, { weight: 3, arbitrary: mutated });
}

const sims: Record<string, Sim> = {};

beforeAll(async () => {
  let config: Record<string, string> = {};
  for (const [name, v] of Object.entries(VENDORS)) {
    sims[name] = await v.start();
    config = { ...config, ...v.config(sims[name].url) };
  }
  // One configure sets every vendor's config at once (each resource type reads its own vendor's keys).
  await asEngine(registry()[0].provider).configure(config);
}, 60_000);

afterAll(async () => {
  for (const s of Object.values(sims)) await s.stop();
  await closeAllPools();
});

describe("check of every resource type, on generated inputs", () => {
  it("covers every registered type", () => {
    expect(
      registry()
        .map((e) => `${e.vendor}.${e.type}`)
        .sort(),
    ).toEqual(Object.keys(MINIMAL).sort());
  });

  it.each(registry().map((e) => ({ name: `${e.vendor}.${e.type}`, e })))(
    `$name: ${RUNS} inputs, each a result (no thrown error), every failure naming an input, no request for what the schema refuses, only reads`,
    async ({ name, e }) => {
      const p = asEngine(e.provider);
      const sim = sims[e.vendor];
      const reads = VENDORS[e.vendor].reads;
      const fields = Object.keys(e.inputShape);
      const def = e.definition as { secrets?: readonly string[]; hidden?: { inputs: readonly string[] } };
      const secrets = [...(def.secrets ?? []), ...(def.hidden?.inputs ?? [])];
      const stats = { runs: 0, failed: 0, passed: 0, requests: 0 };
      await sim.control("DELETE", "/_sim/requests");
      /** The requests sent since the last call, which must all be reads. */
      const sentSince = async () => {
        const sent = await sim.requests();
        if (sent.length) await sim.control("DELETE", "/_sim/requests");
        stats.requests += sent.length;
        expect(
          sent.filter((q) => !reads(q.method, q.path)).map((q) => `${q.method} ${q.path}`),
          "requests that change something",
        ).toEqual([]);
        return sent;
      };

      // cloudsigma.Subscription's check shows the price at preview: quiet here.
      const quiet = vi.spyOn(console, "log").mockImplementation(() => {});
      try {
        await fc.assert(
          fc.asyncProperty(inputsOf(fields, MINIMAL[name] as Obj), async (generated) => {
            stats.runs++;
            // A secret's strings are made unmistakable, so that a reason echoing one is caught.
            const news = Object.fromEntries(Object.entries(generated).map(([k, v]) => [k, secrets.includes(k) ? marked(v) : v]));
            const r = await p.check({}, news);
            const sent = await sentSince();
            if (!e.inputSchema.safeParse(news).success && !containsUnknown(news)) {
              expect(
                sent.map((q) => `${q.method} ${q.path}`),
                "requests for inputs the schema refuses",
              ).toEqual([]);
            }
            if (r.failures) {
              stats.failed++;
              for (const f of r.failures) {
                expect(f.property === "(inputs)" || fields.includes(f.property) || f.property in news, `failure on "${f.property}", which is no input`).toBe(
                  true,
                );
                expect(f.reason, `the reason of a failure on ${f.property}`).toMatch(/\w/);
                expect(f.reason).not.toMatch(/\{<nil>\}|\[object Object\]|undefined/);
                expect(f.reason, "a failure echoing a secret").not.toContain(SECRET);
              }
            } else {
              stats.passed++;
              // What check answers is what the engine hands create and later checks: checked again it stays the same.
              if (!containsUnknown(r.inputs)) {
                const again = await p.check({}, r.inputs);
                expect(again.failures).toBeUndefined();
                expect(again.inputs).toEqual(r.inputs);
                await sentSince();
              }
            }
          }),
          { numRuns: RUNS, seed: Number(process.env.PPC_CHECK_SEED ?? 16), endOnFailure: true },
        );
      } finally {
        quiet.mockRestore();
      }
      console.log(`${name}: ${stats.runs} inputs, ${stats.failed} refused, ${stats.passed} accepted, ${stats.requests} read requests`);
      expect(stats.runs).toBe(RUNS);
      expect(stats.passed, "some generated inputs pass").toBeGreaterThan(0);
      expect(stats.failed, "some generated inputs fail").toBeGreaterThan(0);
    },
    600_000,
  );
});
