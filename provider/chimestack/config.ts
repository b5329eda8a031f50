/**
 * ChimeStack settings and the client, per provider process: read in `configure()` from stack config
 * (`chimestack:endpoint`, `chimestack:username`, `chimestack:password` as a secret, TLS settings) or from
 * environment variables, never from resource inputs.
 */
import { ConfigSource, readSettings, readTls } from "../core";
import { ChimeClient } from "./client";

let config: ConfigSource | undefined;
let client: ChimeClient | undefined;

export function configureChime(c: ConfigSource | undefined) {
  config = c;
  client = undefined;
}

export function chime(): ChimeClient {
  if (!client) {
    const s = readSettings("chimestack", config, {
      endpoint: { env: "CHIMESTACK_ENDPOINT", required: true },
      username: { env: "CHIMESTACK_USERNAME", required: true },
      password: { env: "CHIMESTACK_PASSWORD", required: true, secret: true },
      pollIntervalMs: { env: "CHIMESTACK_POLL_INTERVAL_MS", default: "1000" },
    });
    client = new ChimeClient({ endpoint: s.endpoint!, username: s.username!, password: s.password!, pollIntervalMs: Number(s.pollIntervalMs), ...readTls("chimestack", config) });
  }
  return client;
}
