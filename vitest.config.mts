import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    // The e2e tests drive the real Pulumi CLI; one file at a time keeps the 2-core machine responsive.
    fileParallelism: true,
    maxWorkers: 2,
  },
});
