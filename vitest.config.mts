import { resolve } from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    // The policy pack imports the package by name, as an installed pack does: here that is the source.
    alias: [{ find: /^pulumi-private-cloud$/, replacement: resolve(__dirname, "provider/index.ts") }],
  },
  test: {
    include: ["test/**/*.test.ts"],
    // Packs the package once for all end-to-end tests.
    globalSetup: ["test/e2e/pack.global.ts"],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    // Two workers for the machines' two cores; the e2e file drives the Pulumi CLI beside the others.
    maxWorkers: 2,
  },
});
