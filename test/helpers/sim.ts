/**
 * A vendor simulator for one test file, reached only through HTTP: its vendor routes, and its /_sim/
 * control routes to reset, seed, inspect (inventory, request log) and inject faults.
 */
import { SimServer, VendorSim } from "../../simulator/core";

/** A well-formed uuid that no simulator holds. */
export const NOWHERE = "00000000-0000-4000-8000-000000000000";

export interface Sim {
  url: string;
  /** Calls a /_sim/ control route; the parsed JSON answer. */
  control(method: string, path: string, body?: unknown): Promise<any>;
  /** The simulator's objects of one collection, from GET /_sim/inventory. */
  inventory<T = Record<string, any>>(collection: string): Promise<T[]>;
  /** The paths of the requests logged since the last reset or clear. */
  requests(): Promise<Array<{ method: string; path: string; query: string; body: string; status: number; response: string }>>;
  /** The requests answered since the last call, counted by path (logins and 401 answers left out); clears the log. */
  sent(): Promise<Record<string, number>>;
  stop(): Promise<void>;
}

export async function startSim(vendor: VendorSim): Promise<Sim> {
  const server = new SimServer(vendor);
  const url = await server.start();
  const control = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(url + path, { method, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text}`);
    return text ? JSON.parse(text) : undefined;
  };
  return {
    url,
    control,
    inventory: async (collection) => {
      const all = await control("GET", "/_sim/inventory");
      if (!(collection in all)) throw new Error(`the ${vendor.name} inventory has no collection "${collection}" (has: ${Object.keys(all).join(", ")})`);
      return all[collection];
    },
    requests: () => control("GET", "/_sim/requests"),
    sent: async () => {
      const log: Array<{ path: string; status: number }> = await control("GET", "/_sim/requests");
      await control("DELETE", "/_sim/requests");
      const by: Record<string, number> = {};
      for (const r of log.filter((q) => !q.path.endsWith("/login") && q.status !== 401)) by[r.path] = (by[r.path] ?? 0) + 1;
      return by;
    },
    stop: () => server.stop(),
  };
}
