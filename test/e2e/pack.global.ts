/**
 * Vitest global setup: builds and packs the package once per run, for every e2e file to install (they
 * used to pack one each). Skipped when no `pulumi` is on PATH, as the e2e tests are then.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { packPackage, pulumiOnPath } from "./harness";

declare module "vitest" {
  export interface ProvidedContext {
    ppcTarball: string;
  }
}

export default async function setup(project: TestProject) {
  if (process.env.PPC_SKIP_E2E || !pulumiOnPath()) return;
  project.provide("ppcTarball", await packPackage(mkdtempSync(join(tmpdir(), "ppc-pack-"))));
}
