/**
 * A create whose wait passes its deadline, through the real Pulumi CLI, for CloudSigma (a drive still
 * imaging), ChimeStack (a VM still being made) and CVM (a VPS that has not started yet): the first `up`
 * fails and records each object (a partial create), the next `up` with a longer deadline goes on with it,
 * and then exactly one object per resource is at the vendor, with the ids the state holds.
 * (CloudTower's case, with SIGKILL, is in cloudtower-recovery.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO as CHIME, createChimeStackSimulator } from "../../simulator/chimestack";
import { DEMO_ACCOUNT, createCloudSigmaSimulator } from "../../simulator/cloudsigma";
import { createCvmSimulator } from "../../simulator/cvm";
import { SEEDED, seedChime } from "../helpers/chimestack";
import { Sim, startSim } from "../helpers/sim";
import { Project, SKIP_REASON, deployment, jsProject, makeInlineProject, packedTarball, pulumiOnPath } from "./harness";

const haveCli = pulumiOnPath();
if (!haveCli && process.env.CI) throw new Error(`the e2e tests must run in CI: ${SKIP_REASON}`);
if (!haveCli) console.warn(`skipping the recovery e2e test: ${SKIP_REASON}`);

interface Case {
  vendor: string;
  start(): Promise<Sim>;
  /** The stack config of the vendor's endpoint. */
  config(url: string): Record<string, string>;
  /** Three resources; `timeout` is the config key of their deadline. */
  program: string;
  /** The objects these resources made at the vendor, from its inventory. */
  made(sim: Sim): Promise<string[]>;
  type: string;
}

const deadline = `const pulumi = require("@pulumi/pulumi");\nconst t = new pulumi.Config().getNumber("deadline") || 120;\n`;

const cases: Case[] = [
  {
    vendor: "cloudsigma",
    type: "cloudsigma:Drive",
    start: () => startSim(createCloudSigmaSimulator({ imagingMs: 2500 })),
    config: (url) => ({
      "cloudsigma:endpoint": url,
      "cloudsigma:username": DEMO_ACCOUNT.email,
      "cloudsigma:password": DEMO_ACCOUNT.password,
      "cloudsigma:pollIntervalMs": "100",
    }),
    program: `${deadline}const { cloudsigma } = require("pulumi-private-cloud");
for (let i = 0; i < 3; i++) new cloudsigma.Drive("disk-" + i, { name: "disk-" + i, sizeGb: 10, cloneFrom: "a1b2c3d4-0000-4000-8000-00000000de12", timeoutSeconds: t });`,
    made: async (sim) => (await sim.inventory<{ drive: string; name: string }>("drives")).filter((d) => d.name.startsWith("disk-")).map((d) => d.drive),
  },
  {
    vendor: "chimestack",
    type: "chimestack:Vm",
    start: async () => {
      const sim = await startSim(createChimeStackSimulator({ createMs: 2500, transitionMs: 100 }));
      await seedChime(sim);
      return sim;
    },
    config: (url) => ({
      "chimestack:endpoint": url,
      "chimestack:username": CHIME.user,
      "chimestack:password": CHIME.password,
      "chimestack:pollIntervalMs": "100",
    }),
    program: `${deadline}const { chimestack } = require("pulumi-private-cloud");
for (let i = 0; i < 3; i++) new chimestack.Vm("vm-" + i, {
  azUuid: "${CHIME.az}", clusterUuid: "${SEEDED.cluster}", instanceSpecUuid: "${CHIME.instanceSpec}", name: "vm-" + i, timeoutSeconds: t,
  volumes: [{ name: "root", sizeGb: 10, volumeSpecUuid: "${CHIME.volumeSpec}", imageUuid: "${CHIME.image}", root: true }],
  nics: [{ name: "nic0", subnetUuid: "${SEEDED.subnet}", securityGroupUuid: "${CHIME.securityGroup}" }],
});`,
    made: async (sim) => (await sim.inventory<{ uuid: string; name: string }>("vms")).filter((v) => v.name.startsWith("vm-")).map((v) => v.uuid),
  },
  {
    vendor: "cvm",
    type: "cvm:Vm",
    // The demo account's VPS 102 is stopped; starting it takes longer than the first deadline.
    start: () => startSim(createCvmSimulator({ transitionMs: 2500 })),
    config: (url) => ({ "cvm:endpoint": url, "cvm:publicToken": "demo-public", "cvm:privateToken": "demo-private", "cvm:pollIntervalMs": "100" }),
    program: `${deadline}const { cvm } = require("pulumi-private-cloud");
new cvm.Vm("app", { vpsId: "102", powerState: "running", waitTimeoutSeconds: t });`,
    made: async (sim) =>
      (await sim.inventory<{ id: string; status: string }>("vpses")).filter((v) => v.id === "102" && v.status === "running").map((v) => v.id),
  },
];

describe.skipIf(!haveCli).each(cases)("$vendor: a create whose wait passes its deadline, through the real Pulumi CLI", (c) => {
  let sim: Sim;
  let project: Project;

  beforeAll(async () => {
    sim = await c.start();
    project = await makeInlineProject(jsProject(`recovery-${c.vendor}`, c.program), packedTarball());
    for (const [k, v] of Object.entries(c.config(sim.url)))
      await project.pulumi(["config", "set", ...(/password|privateToken/.test(k) ? ["--secret"] : []), k, v]);
  }, 300_000);
  afterAll(async () => sim?.stop());

  const inState = async () =>
    deployment((await project.pulumi(["stack", "export"])).stdout)
      .resources.filter((r) => r.type.endsWith(c.type))
      .map((r) => r.id!)
      .sort();

  it("is recorded by the first up, taken up by the next, and leaves one object per resource that the state names", async () => {
    await project.pulumi(["config", "set", "deadline", "1"]);
    const first = await project.pulumi(["up", "--yes", "--skip-preview"], { allowFail: true });
    expect(first.code, first.stdout).not.toBe(0);
    expect(first.stdout + first.stderr).toMatch(/timed out after 1s/);
    const recorded = await inState();
    expect(recorded.length).toBeGreaterThan(0);

    await project.pulumi(["config", "set", "deadline", "120"]);
    await project.pulumi(["up", "--yes", "--skip-preview"]);
    const made = (await c.made(sim)).sort();
    expect(await inState()).toEqual(made);
    expect(made).toEqual(recorded);
    await project.pulumi(["preview", "--expect-no-changes"]);
    await project.pulumi(["destroy", "--yes", "--skip-preview"]);
  }, 240_000);
});
