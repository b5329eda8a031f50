/**
 * The CVM client API documentation replayed against the simulator: its source (`cvm-client-api-source.zpy`)
 * and the rendered page (`cvm-client-api.txt`), read from `../shared/vendor-docs` at test time. Every
 * `@ example` with a `$ path` and a `> {json}` answer is sent through HTTP and the answer's shape compared;
 * every `^ METHOD path` call is sent and its documented keys and status checked.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCvmSimulator } from "../../../simulator/cvm";
import { Sim, startSim } from "../../helpers/sim";

const DOCS = process.env.PPC_VENDOR_DOCS ?? join(__dirname, "../../../../shared/vendor-docs");
const FILES = ["cvm-client-api-source.zpy", "cvm-client-api.txt"].map((f) => join(DOCS, f));
const present = FILES.every((f) => existsSync(f));
if (!present) console.warn(`CVM reference replay skipped: the CVM documents are not in ${DOCS}`);

interface Example {
  file: string;
  title: string;
  path: string;
  answer: any;
}
interface Call {
  file: string;
  method: string;
  /** With `:id` for the documented `id` (written **id** or `id`). */
  path: string;
  /** The keys documented for the answer (`name::` lines under "Keys in the response"). */
  keys: string[];
  text: string;
}

function read(file: string): { examples: Example[]; calls: Call[]; unparsed: string[] } {
  const text = readFileSync(file, "utf8").replace(/\r\n/g, "\n");
  const examples: Example[] = [];
  const unparsed: string[] = [];
  // `@ title`, then `$ path` (or the path in a "Valid call to <path>" title), then `> {json}` (its braces balanced).
  for (const m of text.matchAll(/^\s*@ (.+)\n/gm)) {
    const title = m[1].trim();
    const rest = text.slice(m.index + m[0].length);
    const path = /^\s*\$ (\S+)/.exec(rest)?.[1] ?? /^Valid call to (\S+)/.exec(title)?.[1];
    const open = rest.indexOf("> {");
    if (!path || open < 0) {
      unparsed.push(`${title}: no request path or answer`);
      continue;
    }
    let depth = 0;
    let close = open + 2;
    for (; close < rest.length; close++) {
      if (rest[close] === "{") depth++;
      if (rest[close] === "}" && --depth === 0) break;
    }
    try {
      examples.push({ file, title, path, answer: JSON.parse(rest.slice(open + 2, close + 1)) });
    } catch (e) {
      unparsed.push(`${title}: ${(e as Error).message}`);
    }
  }
  const calls: Call[] = [];
  const parts = text.split(/^\s*\^ /m).slice(1);
  for (const part of parts) {
    const head = /^(GET|POST|PUT|DELETE) (\S+)/.exec(part);
    if (!head) {
      unparsed.push(`call: ${part.slice(0, 40)}`);
      continue;
    }
    const path = head[2].replace(/\*\*id\*\*|`id`/g, ":id");
    const keysAt = part.search(/### Keys in the response/);
    const keys = keysAt < 0 ? [] : [...part.slice(keysAt).matchAll(/^\t?\t?(\w+)::/gm)].map((k) => k[1]);
    calls.push({ file, method: head[1], path, keys, text: part });
  }
  return { examples, calls, unparsed };
}

const docs = present ? FILES.map(read) : [];
const examples = docs.flatMap((d) => d.examples);
const calls = docs.flatMap((d) => d.calls);

/** Calls the documents describe that the simulator does not implement (the fidelity table's "absent" rows). */
const ABSENT = [
  "POST /api/client/vps/:id/reinstall",
  "GET /api/client/node/list",
  "GET /api/client/node/:id",
  "GET /api/client/template/list",
  "GET /api/client/template/:id",
];
const STATUSES = ["running", "stopped", "suspended", "terminated", "unknown"];

let sim: Sim;
beforeAll(async () => {
  sim = await startSim(createCvmSimulator({ transitionMs: 10 }));
});
afterAll(() => sim?.stop());

const demo = { "API-Public-Token": "demo-public", "API-Private-Token": "demo-private" };
async function call(method: string, path: string, headers: Record<string, string> = demo) {
  const res = await fetch(sim.url + path, { method, headers });
  return { status: res.status, body: (await res.json()) as any };
}
const kind = (v: unknown) => (v === null ? "null" : Array.isArray(v) ? "array" : typeof v);
/** Keys that the documents say "may not be present" (vSwap, the traffic accounting in use). */
const OPTIONAL = /^(burstable_ram|traffic_(in_|out_)?(limit|used))$/;

describe.skipIf(!present)("CVM client API documents, replayed against the simulator", () => {
  it("reads the examples and the calls of both documents", () => {
    expect(docs.flatMap((d) => d.unparsed)).toEqual([]);
    expect(examples.length).toBe(6);
    expect(calls.length).toBe(5 + 10);
  });

  it.each(examples.map((e) => [`${e.file.split("/").pop()}: ${e.title}`, e] as const))("example %s", async (_t, ex) => {
    const invalid = "errors" in ex.answer;
    const answer = await call("GET", ex.path, invalid ? { "API-Public-Token": "nope", "API-Private-Token": "nope" } : demo);
    expect(Object.keys(answer.body)).toEqual(Object.keys(ex.answer));
    if (invalid) {
      expect(answer.status).toBe(401);
      expect(answer.body).toEqual(ex.answer); // the documented message, word for word
      return;
    }
    expect(answer.status).toBe(200);
    const doc = ex.answer.response.vpses[0];
    // The keys either document lists (the rendered page is an older version without location and template).
    const documented = new Set(calls.filter((c) => c.path === "/api/client/vps/list").flatMap((c) => c.keys));
    for (const v of answer.body.response.vpses) {
      for (const k of Object.keys(doc))
        if (!OPTIONAL.test(k) && !(k in v) && !["location", "template"].includes(k)) expect.fail(`VPS ${v.id}: ${k} documented, missing`);
      for (const [k, x] of Object.entries(v)) {
        expect(documented.has(k), `VPS ${v.id}: ${k} is not a documented key`).toBe(true);
        expect(kind(x), `VPS ${v.id}: ${k}`).toBe("string");
      }
      const split = "traffic_in_limit" in v;
      expect(
        Object.keys(v)
          .filter((k) => k.startsWith("traffic_"))
          .sort(),
      ).toEqual(split ? ["traffic_in_limit", "traffic_in_used", "traffic_out_limit", "traffic_out_used"] : ["traffic_limit", "traffic_used"]);
    }
    // The split-accounting VPS has exactly the documented example's keys (less burstable_ram: vSwap, and the OpenVZ template).
    if (!ex.file.endsWith(".zpy")) return;
    const db = answer.body.response.vpses.find((v: any) => v.id === "103");
    expect(Object.keys(db).sort()).toEqual(
      Object.keys(doc)
        .filter((k) => k !== "burstable_ram" && (k !== "template" || "template" in db))
        .sort(),
    );
  });

  const implemented = calls.filter((c) => !ABSENT.includes(`${c.method} ${c.path}`));
  it.each(implemented.map((c) => [`${c.file.split("/").pop()}: ${c.method} ${c.path}`, c] as const))("call %s answers as documented", async (_t, c) => {
    const path = c.path.replace(":id", "103");
    const answer = await call(c.method, path);
    expect(answer.status).toBe(200);
    expect(Object.keys(answer.body)).toEqual(["response"]);
    if (c.method === "POST") return expect(answer.body.response).toEqual([]); // "an empty response"
    const objects = c.path.endsWith("/list") ? answer.body.response.vpses : [answer.body.response];
    const documented = calls
      .filter((d) => d.path === c.path || (d.path.startsWith("/api/client/vps/:id") && c.path.startsWith("/api/client/vps/:id")))
      .flatMap((d) => d.keys);
    for (const o of objects)
      for (const k of Object.keys(o))
        expect(c.path.endsWith("/list") ? calls.filter((d) => d.path === c.path).flatMap((d) => d.keys) : documented, `${k} is documented`).toContain(k);
    if (c.path.endsWith("/list")) return;
    expect(STATUSES).toContain(answer.body.response.status);
    for (const k of c.keys.filter((k) => !OPTIONAL.test(k) && !STATUSES.includes(k))) expect(answer.body.response).toHaveProperty(k);
    for (const k of Object.keys(answer.body.response)) expect(typeof answer.body.response[k]).toBe("string");
    // Each of these calls answers 401 and 404 in the `{errors}` body.
    expect(await call(c.method, path, {})).toMatchObject({ status: 401, body: { errors: [expect.any(String)] } });
    expect(await call(c.method, c.path.replace(":id", "999"))).toMatchObject({ status: 404, body: { errors: [expect.any(String)] } });
  });

  it.each(ABSENT)("%s is absent: 404 no route", async (route) => {
    const [method, path] = route.split(" ");
    const answer = await call(method, path.replace(":id", "1"));
    expect(answer.status).toBe(404);
    expect(answer.body.errors[0]).toMatch(/^no route/);
  });

  it("answers 403 with {errors} to a token pair without client access, as documented", async () => {
    const r = await call("GET", "/api/client/vps/list", { "API-Public-Token": "billing-public", "API-Private-Token": "billing-private" });
    expect(r).toMatchObject({ status: 403, body: { errors: [expect.any(String)] } });
  });
});
