#!/usr/bin/env node
/**
 * Starts the vendor simulators on loopback and prints one line per vendor: `<vendor> <url>`, then
 * `ready`. Runs until stopped (SIGINT/SIGTERM).
 *
 *   pulumi-private-cloud-sim [--only cvm,cloudtower] [--port-base 18000] [--state-dir DIR] [--json]
 */
import { parseArgs } from "node:util";
import { startSimulators, vendorSimulators } from "./index";

async function main() {
  const { values } = parseArgs({
    options: {
      only: { type: "string" },
      "port-base": { type: "string" },
      "state-dir": { type: "string" },
      host: { type: "string", default: "127.0.0.1" },
      json: { type: "boolean", default: false },
    },
  });
  const names = values.only ? values.only.split(",").map((s) => s.trim()) : Object.keys(vendorSimulators());
  const base = values["port-base"] ? Number(values["port-base"]) : undefined;
  const ports = base ? Object.fromEntries(names.map((n, i) => [n, base + i])) : undefined;
  const sims = await startSimulators(names, { host: values.host, ports, stateDir: values["state-dir"] });
  if (values.json) console.log(JSON.stringify(sims.urls));
  else for (const [name, url] of Object.entries(sims.urls)) console.log(`${name} ${url}`);
  console.log("ready");
  const stop = async () => {
    await sims.stop();
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
