/**
 * The CVM vendor: the settings of one panel (`cvm:endpoint`, `cvm:publicToken`, `cvm:privateToken` as a
 * secret, `cvm:pollIntervalMs`, TLS settings; `cvm-<name>:*` for a named endpoint) and its client.
 */
import { TIMING, defineVendor, timing } from "../core";
import { CvmClient } from "./client";

export const vendor = defineVendor({
  name: "cvm",
  settings: {
    endpoint: { required: true },
    publicToken: { required: true },
    privateToken: { required: true, secret: true },
    ...TIMING,
    pollIntervalMs: { default: "500" },
  },
  connect: (s, tls, ns) =>
    new CvmClient({
      endpoint: s.endpoint!,
      publicToken: s.publicToken!,
      privateToken: s.privateToken!,
      ...timing(s, ns),
      namespace: ns,
      ...tls,
    }),
});
