import { defineConfig } from "vitest/config";

export default defineConfig({
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
