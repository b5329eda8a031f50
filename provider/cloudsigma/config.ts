/**
 * CloudSigma settings and the client, per provider process: read in `configure()` from stack config
 * (`cloudsigma:endpoint`, `cloudsigma:username`, `cloudsigma:password` as a secret, TLS settings) or from
 * environment variables, never from resource inputs.
 */
import { ConfigSource, ProviderError, readSettings, readTls } from "../core";
import { SigmaClient } from "./client";

let config: ConfigSource | undefined;
let client: SigmaClient | undefined;

export function configureSigma(c: ConfigSource | undefined) {
  config = c;
  client = undefined;
}

export function sigma(): SigmaClient {
  if (!client) {
    const s = readSettings("cloudsigma", config, {
      endpoint: { env: "CLOUDSIGMA_ENDPOINT", required: true },
      username: { env: "CLOUDSIGMA_USERNAME", required: true },
      password: { env: "CLOUDSIGMA_PASSWORD", required: true, secret: true },
      pollIntervalMs: { env: "CLOUDSIGMA_POLL_INTERVAL_MS", default: "1000" },
    });
    const poll = Number(s.pollIntervalMs);
    if (!Number.isFinite(poll) || poll < 10) {
      throw new ProviderError("validation", "cloudsigma:pollIntervalMs must be a number of milliseconds >= 10", { property: "cloudsigma:pollIntervalMs" });
    }
    client = new SigmaClient({ endpoint: s.endpoint!, username: s.username!, password: s.password!, pollIntervalMs: poll, ...readTls("cloudsigma", config) });
  }
  return client;
}
