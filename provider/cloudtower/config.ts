/**
 * The CloudTower vendor: the settings of one endpoint (`cloudtower:endpoint`, `cloudtower:username`,
 * `cloudtower:password` as a secret, `cloudtower:source`, `cloudtower:authConfigId`,
 * `cloudtower:pollIntervalMs`, TLS settings; `cloudtower-<name>:*` for a named endpoint) and its client.
 */
import { PASSWORD_LOGIN, ProviderError, defineVendor, loginSettings } from "../core";
import { TowerClient, UserSource } from "./client";

const SOURCES: readonly UserSource[] = ["LOCAL", "LDAP", "AUTHN"];

export const vendor = defineVendor({
  name: "cloudtower",
  settings: { ...PASSWORD_LOGIN, source: { default: "LOCAL" }, authConfigId: {} },
  connect(s, tls, ns) {
    const source = s.source!.toUpperCase() as UserSource;
    if (!SOURCES.includes(source)) {
      throw new ProviderError("validation", `${ns}:source must be ${SOURCES.join(", ")}, not "${s.source}"`, { property: `${ns}:source` });
    }
    return new TowerClient({ ...loginSettings(s, tls, ns), source, authConfigId: s.authConfigId });
  },
});
