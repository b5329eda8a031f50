/**
 * The ChimeStack vendor: the settings of one endpoint (`chimestack:endpoint`, `chimestack:username`,
 * `chimestack:password` as a secret, `chimestack:pollIntervalMs`, TLS settings; `chimestack-<name>:*` for
 * a named endpoint) and its client.
 */
import { defineVendor, parseMs } from "../core";
import { ChimeClient } from "./client";

export const vendor = defineVendor({
  name: "chimestack",
  settings: {
    endpoint: { required: true },
    username: { required: true },
    password: { required: true, secret: true },
    pollIntervalMs: { default: "1000" },
  },
  connect: (s, tls, ns) =>
    new ChimeClient({
      endpoint: s.endpoint!,
      username: s.username!,
      password: s.password!,
      pollIntervalMs: parseMs(`${ns}:pollIntervalMs`, s.pollIntervalMs),
      namespace: ns,
      ...tls,
    }),
});
