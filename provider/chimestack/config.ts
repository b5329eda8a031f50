/**
 * The ChimeStack vendor: the settings of one endpoint (`chimestack:endpoint`, `chimestack:username`,
 * `chimestack:password` as a secret, `chimestack:pollIntervalMs`, TLS settings; `chimestack-<name>:*` for
 * a named endpoint) and its client.
 */
import { PASSWORD_LOGIN, defineVendor, loginSettings } from "../core";
import { ChimeClient } from "./client";

export const vendor = defineVendor({
  name: "chimestack",
  settings: PASSWORD_LOGIN,
  connect: (s, tls, ns) => new ChimeClient(loginSettings(s, tls, ns)),
});
