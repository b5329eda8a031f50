/**
 * The CloudSigma vendor: the settings of one endpoint (`cloudsigma:endpoint`, `cloudsigma:username` (the
 * account's email), `cloudsigma:password` as a secret, `cloudsigma:pollIntervalMs`, TLS settings;
 * `cloudsigma-<name>:*` for a named endpoint) and its client.
 */
import { PASSWORD_LOGIN, defineVendor, loginSettings } from "../core";
import { SigmaClient } from "./client";

export const vendor = defineVendor({
  name: "cloudsigma",
  settings: PASSWORD_LOGIN,
  connect: (s, tls, ns) => new SigmaClient(loginSettings(s, tls, ns)),
});
