/**
 * The GitOps kit end to end through the real Pulumi CLI, on a file:// backend: a bare git repository with the
 * CloudTower example fleet; a branch that grows one VM, adds two and removes one; `plan` names exactly those
 * changes, the policy section and the price delta (exit 2); merge; `apply` makes the simulator's inventory
 * match; a mandatory policy exits 5; a state or commit change between plan and apply is refused; an
 * out-of-band rename is drift (exit 7) until remediated; no secret appears in any output. The same flow on
 * postgres:// is test/e2e/gitops-postgres.test.ts.
 */
import { describe } from "vitest";
import { SKIP_REASON, pulumiOnPath } from "./harness";
import { gitopsTests, useFlow } from "./gitops-flow";

const haveCli = pulumiOnPath();
if (!haveCli && process.env.CI) throw new Error(`the e2e tests must run in CI: ${SKIP_REASON}`);
if (!haveCli) console.warn(`skipping the GitOps e2e test: ${SKIP_REASON}`);

describe.skipIf(!haveCli)("the GitOps kit on a file:// backend, through the real Pulumi CLI", () => {
  gitopsTests(useFlow());
});
