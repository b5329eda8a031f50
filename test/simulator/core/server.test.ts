import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Route, SimError, SimServer, VendorSim } from "../../../simulator/core";

/** A tiny vendor: a counter store with one create and one list route. */
function counterVendor(): VendorSim & { items: string[] } {
  const items: string[] = [];
  const routes: Route[] = [
    { method: "GET", path: "/items", handler: () => ({ status: 200, body: { items } }) },
    { method: "POST", path: "/items/:name", handler: (r) => (items.push(r.params.name), { status: 201, body: { name: r.params.name } }) },
    {
      method: "GET",
      path: "/items/:name",
      handler: (r) => {
        if (!items.includes(r.params.name)) throw new SimError(404, `no item ${r.params.name}`, { code: "NotFound" });
        return { status: 200, body: { name: r.params.name } };
      },
    },
  ];
  return {
    name: "counter",
    items,
    routes,
    renderError: (status, message, extra) => ({ status, body: { error: message, ...extra } }),
    reset: () => void items.splice(0),
    seed: (b) => void items.push(...(b as { items: string[] }).items),
    inventory: () => ({ items: [...items] }),
    snapshot: () => ({ items: [...items] }),
    restore: (d) => void items.splice(0, items.length, ...(d as { items: string[] }).items),
  };
}

let server: SimServer | undefined;
afterEach(async () => server?.stop());

async function start(vendor = counterVendor(), statePath?: string) {
  server = new SimServer(vendor, { statePath });
  const url = await server.start();
  const call = (method: string, path: string, body?: unknown) => fetch(url + path, { method, body: body === undefined ? undefined : JSON.stringify(body) });
  return { url, vendor, call };
}

describe("SimServer", () => {
  it("listens on a loopback port chosen by the system", async () => {
    const { url } = await start();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it("routes with params and renders handler errors in the vendor's format", async () => {
    const { call } = await start();
    expect((await call("POST", "/items/a")).status).toBe(201);
    expect(await (await call("GET", "/items/a")).json()).toEqual({ name: "a" });
    const miss = await call("GET", "/items/zz");
    expect(miss.status).toBe(404);
    expect(await miss.json()).toEqual({ error: "no item zz", code: "NotFound" });
  });

  it("answers 405 for a known path with the wrong method and 404 for an unknown path", async () => {
    const { call } = await start();
    expect((await call("DELETE", "/items")).status).toBe(405);
    expect((await call("GET", "/nothing")).status).toBe(404);
  });

  it("answers a seed it cannot carry out with a 400 that says why", async () => {
    const { call } = await start();
    const r = await call("POST", "/_sim/seed", { things: 1 });
    expect(r.status).toBe(400);
    expect(((await r.json()) as { error: string }).error).toMatch(/not iterable/);
  });

  it("resets, seeds and lists its inventory through /_sim/", async () => {
    const { call } = await start();
    await call("POST", "/_sim/seed", { items: ["x", "y"] });
    expect(await (await call("GET", "/_sim/inventory")).json()).toEqual({ items: ["x", "y"] });
    await call("POST", "/_sim/reset");
    expect(await (await call("GET", "/_sim/inventory")).json()).toEqual({ items: [] });
  });

  it("injects N failures with a status and Retry-After, then serves normally", async () => {
    const { call } = await start();
    await call("POST", "/_sim/faults", { path: "/items", method: "GET", count: 2, status: 503, retryAfter: 2, message: "busy" });
    const first = await call("GET", "/items");
    expect(first.status).toBe(503);
    expect(first.headers.get("retry-after")).toBe("2");
    expect(await first.json()).toEqual({ error: "busy" });
    expect((await call("GET", "/items")).status).toBe(503);
    expect((await call("GET", "/items")).status).toBe(200);
  });

  it("drops a connection without handling the request", async () => {
    const { call, vendor } = await start();
    await call("POST", "/_sim/faults", { path: "/items/a", drop: true });
    await expect(call("POST", "/items/a")).rejects.toThrow();
    expect(vendor.items).toEqual([]);
  });

  it("loses the response of a request whose change it committed", async () => {
    const { call, vendor } = await start();
    await call("POST", "/_sim/faults", { path: "/items/", method: "POST", lostResponse: true });
    await expect(call("POST", "/items/b")).rejects.toThrow();
    expect(vendor.items).toEqual(["b"]);
  });

  it("delays a response", async () => {
    const { call } = await start();
    await call("POST", "/_sim/faults", { path: "/items", delayMs: 150 });
    const t0 = Date.now();
    await call("GET", "/items");
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
  });

  it("hits a share of the matching requests at a rate, the same ones again for the same seed", async () => {
    const { call } = await start();
    const statuses = async (seed: number) => {
      await call("DELETE", "/_sim/faults");
      await call("POST", "/_sim/faults", { path: "/items", method: "GET", status: 503, rate: 0.3, seed });
      const out: number[] = [];
      for (let i = 0; i < 200; i++) out.push((await call("GET", "/items")).status);
      return out;
    };
    const first = await statuses(7);
    const hits = first.filter((x) => x === 503).length;
    expect(hits).toBeGreaterThan(35);
    expect(hits).toBeLessThan(85);
    expect(await statuses(7)).toEqual(first);
    expect(await statuses(8)).not.toEqual(first);
    const [rule] = (await (await call("GET", "/_sim/faults")).json()) as unknown[];
    expect(rule).toMatchObject({ rate: 0.3, seen: 200 });
  });

  it("records requests for tests to inspect", async () => {
    const { call } = await start();
    await call("POST", "/items/a", { hello: 1 });
    const log = await (await call("GET", "/_sim/requests")).json();
    expect(log).toEqual([{ method: "POST", path: "/items/a", query: "", body: '{"hello":1}', status: 201, response: '{"name":"a"}' }]);
  });

  it("keeps its state in a JSON file across restarts", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "ppc-sim-")), "counter.json");
    const first = await start(counterVendor(), path);
    await first.call("POST", "/items/kept");
    await server!.stop();
    expect(JSON.parse(readFileSync(path, "utf8"))).toEqual({ items: ["kept"] });
    const second = await start(counterVendor(), path);
    expect(await (await second.call("GET", "/_sim/inventory")).json()).toEqual({ items: ["kept"] });
  });
});
