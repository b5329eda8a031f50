/**
 * The CloudSigma vendor: the settings of one endpoint (`cloudsigma:endpoint`, `cloudsigma:username` (the
 * account's email), `cloudsigma:password` as a secret, `cloudsigma:pollIntervalMs`, TLS settings;
 * `cloudsigma-<name>:*` for a named endpoint) and its client.
 */
import { defineVendor, parseMs } from "../core";
import { SigmaClient } from "./client";

export const vendor = defineVendor({
  name: "cloudsigma",
  settings: {
    endpoint: { required: true },
    username: { required: true },
    password: { required: true, secret: true },
    pollIntervalMs: { default: "1000" },
  },
  connect: (s, tls, ns) =>
    new SigmaClient({
      endpoint: s.endpoint!,
      username: s.username!,
      password: s.password!,
      pollIntervalMs: parseMs(`${ns}:pollIntervalMs`, s.pollIntervalMs),
      namespace: ns,
      ...tls,
    }),
});
