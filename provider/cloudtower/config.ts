/**
 * CloudTower settings and the client, per provider process: read in `configure()` from stack config
 * (`cloudtower:endpoint`, `cloudtower:username`, `cloudtower:password` as a secret, `cloudtower:source`,
 * `cloudtower:authConfigId`, TLS settings) or from environment variables, never from resource inputs.
 */
import { ConfigSource, ProviderError, readSettings, readTls } from "../core";
import { TowerClient, UserSource } from "./client";

let config: ConfigSource | undefined;
let client: TowerClient | undefined;

export function configureTower(c: ConfigSource | undefined) {
  config = c;
  client = undefined;
}

export function tower(): TowerClient {
  if (!client) {
    const s = readSettings("cloudtower", config, {
      endpoint: { env: "CLOUDTOWER_ENDPOINT", required: true },
      username: { env: "CLOUDTOWER_USERNAME", required: true },
      password: { env: "CLOUDTOWER_PASSWORD", required: true, secret: true },
      source: { env: "CLOUDTOWER_SOURCE", default: "LOCAL" },
      authConfigId: { env: "CLOUDTOWER_AUTH_CONFIG_ID" },
      pollIntervalMs: { env: "CLOUDTOWER_POLL_INTERVAL_MS", default: "1000" },
    });
    const source = s.source!.toUpperCase();
    if (!["LOCAL", "LDAP", "AUTHN"].includes(source)) {
      throw new ProviderError("validation", `cloudtower:source must be LOCAL, LDAP or AUTHN, not "${s.source}"`, { property: "cloudtower:source" });
    }
    const poll = Number(s.pollIntervalMs);
    if (!Number.isFinite(poll) || poll < 10) {
      throw new ProviderError("validation", `cloudtower:pollIntervalMs must be a number of milliseconds >= 10`, { property: "cloudtower:pollIntervalMs" });
    }
    client = new TowerClient({
      endpoint: s.endpoint!,
      username: s.username!,
      password: s.password!,
      source: source as UserSource,
      authConfigId: s.authConfigId,
      pollIntervalMs: poll,
      ...readTls("cloudtower", config),
    });
  }
  return client;
}
