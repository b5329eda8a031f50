/**
 * The CloudTower vendor: the settings of one endpoint (`cloudtower:endpoint`, `cloudtower:username`,
 * `cloudtower:password` as a secret, `cloudtower:source`, `cloudtower:authConfigId`,
 * `cloudtower:pollIntervalMs`, TLS settings; `cloudtower-<name>:*` for a named endpoint) and its client.
 */
import { ProviderError, defineVendor, parseMs } from "../core";
import { TowerClient, UserSource } from "./client";

const SOURCES: readonly UserSource[] = ["LOCAL", "LDAP", "AUTHN"];

export const vendor = defineVendor({
  name: "cloudtower",
  settings: {
    endpoint: { required: true },
    username: { required: true },
    password: { required: true, secret: true },
    source: { default: "LOCAL" },
    authConfigId: {},
    pollIntervalMs: { default: "1000" },
  },
  connect(s, tls, ns) {
    const source = s.source!.toUpperCase() as UserSource;
    if (!SOURCES.includes(source)) {
      throw new ProviderError("validation", `${ns}:source must be ${SOURCES.join(", ")}, not "${s.source}"`, { property: `${ns}:source` });
    }
    return new TowerClient({
      endpoint: s.endpoint!,
      username: s.username!,
      password: s.password!,
      source,
      authConfigId: s.authConfigId,
      pollIntervalMs: parseMs(`${ns}:pollIntervalMs`, s.pollIntervalMs),
      namespace: ns,
      ...tls,
    });
  },
});
