/**
 * The simulators: one per vendor folder, each exporting `createSimulator(options)`. Found by folder, so
 * that a new vendor adds its folder and nothing else.
 */
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { SimServer, SimServerOptions, VendorSim } from "./core";

export * from "./core";

export type SimulatorFactory = (opts?: Record<string, unknown>) => VendorSim;

/** Vendor name -> factory, for every vendor folder that exports `createSimulator`. */
export function vendorSimulators(): Record<string, SimulatorFactory> {
  const out: Record<string, SimulatorFactory> = {};
  for (const entry of readdirSync(__dirname).sort()) {
    if (entry === "core" || !statSync(join(__dirname, entry)).isDirectory()) continue;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(join(__dirname, entry)) as { createSimulator?: SimulatorFactory };
    if (typeof mod.createSimulator === "function") out[entry] = mod.createSimulator;
  }
  return out;
}

export interface RunningSimulators {
  urls: Record<string, string>;
  servers: Record<string, SimServer>;
  stop(): Promise<void>;
}

/**
 * Starts the named simulators (default: all) on loopback ports. With `stateDir`, each keeps its state in
 * `<stateDir>/<vendor>.json`, so a stack can be applied, then destroyed by a later command.
 */
export async function startSimulators(
  names?: string[],
  opts: { host?: string; ports?: Record<string, number>; stateDir?: string; vendorOptions?: Record<string, Record<string, unknown>> } = {},
): Promise<RunningSimulators> {
  const all = vendorSimulators();
  const chosen = names ?? Object.keys(all);
  const servers: Record<string, SimServer> = {};
  const urls: Record<string, string> = {};
  for (const name of chosen) {
    const make = all[name];
    if (!make) throw new Error(`no simulator named "${name}" (have: ${Object.keys(all).join(", ")})`);
    const serverOpts: SimServerOptions = {
      host: opts.host,
      port: opts.ports?.[name] ?? 0,
      statePath: opts.stateDir ? join(opts.stateDir, `${name}.json`) : undefined,
    };
    const s = new SimServer(make(opts.vendorOptions?.[name]), serverOpts);
    urls[name] = await s.start();
    servers[name] = s;
  }
  return {
    urls,
    servers,
    stop: async () => {
      await Promise.all(Object.values(servers).map((s) => s.stop()));
    },
  };
}
