/**
 * The policy pack as users get it: a fresh Pulumi project installs the packed tarball and runs
 * `pulumi preview --policy-pack node_modules/pulumi-private-cloud/policy-pack` with a `--policy-pack-config`,
 * against the simulators; a stack made to break each new policy and every mandatory one sees each fire, by
 * name and message, and the preview fail; a stack within the rules previews clean. The project keeps one
 * copy of the Pulumi SDK (the package asks for a range).
 */
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO, createChimeStackSimulator } from "../../simulator/chimestack";
import { createCloudSigmaSimulator } from "../../simulator/cloudsigma";
import { createCvmSimulator } from "../../simulator/cvm";
import { DEMO_USER, createCloudTowerSimulator } from "../../simulator/cloudtower";
import { Sim, startSim } from "../helpers/sim";
import { PULUMI_SDK, Project, SKIP_REASON, jsProject, makeInlineProject, packedTarball, pulumiOnPath } from "./harness";

const haveCli = pulumiOnPath();
if (!haveCli && process.env.CI) throw new Error(`the e2e tests must run in CI: ${SKIP_REASON}`);

/** A program with one resource per vendor, each made to break the policies the config below sets up. */
const PROGRAM = `
const pulumi = require("@pulumi/pulumi");
const { cloudtower, cloudsigma, chimestack, cvm } = require("pulumi-private-cloud");
const config = new pulumi.Config();
const good = config.getBoolean("good") === true;
const cluster = cloudtower.getClusterOutput({ name: "cluster-a" });
// Not a DNS label; 40 vCPUs are above the size limit, and at 100 a month each break the budget; in a prod
// stack, unprotected.
new cloudtower.Vm("web", { name: good ? "web-1" : "Web_1", clusterId: cluster.id, cpuCores: good ? 1 : 40, memoryMb: 1024, labels: good ? { team: "web" } : {} }, { protect: good });
// A public address without the allowing tag, and without the required tag.
new cloudsigma.Server("app", { name: "app-1", cpuMhz: 1000, memMb: 1024, tags: good ? ["team", "public"] : [], vnc: { password: "vnc-pw-1", tls: true } });
// A drive not encrypted, and a subscription longer than the term allowed.
new cloudsigma.Drive("data", { name: "data-1", sizeGb: 10, tags: good ? ["team"] : [], encryptionCipher: good ? "aes-xts-plain" : "none" }, { protect: good });
new cloudsigma.Subscription("sub", { kind: "resources", cpuMhz: 2000, months: good ? 1 : 24, startTime: "2026-12-01 00:00" });
// A VPS that would be stopped when released.
new cvm.Vm("vps", { vpsId: cvm.getVpsOutput({ hostname: "web-1.example.net" }).id, powerState: "running", stopOnRelease: !good });
// An instance spec that is not allowed, and a volume above the limit.
const az = chimestack.getAzOutput({ name: "az-1" });
const spec = chimestack.getInstanceSpecOutput({ name: good ? "small" : "medium" });
const volumeSpec = chimestack.getVolumeSpecOutput({ name: "ssd" });
const sg = chimestack.getSecurityGroupOutput({ name: "default" });
const c = new chimestack.Cluster("c", { azUuid: az.id, name: "prod" });
const n = new chimestack.Network("n", { azUuid: az.id, clusterUuid: c.id, name: "prod-net", bridgeName: "br1", interfaceName: "eth1" });
const s = new chimestack.Subnet("s", { azUuid: az.id, clusterUuid: c.id, networkUuid: n.id, name: "prod-subnet", cidr: "192.168.231.1/24", gateway: "192.168.231.1" });
new chimestack.Vm("db", {
  azUuid: az.id, clusterUuid: c.id, instanceSpecUuid: spec.id, name: "db-1",
  volumes: [{ name: "db-root", sizeGb: good ? 40 : 4096, volumeSpecUuid: volumeSpec.id, root: true }],
  nics: [{ name: "db-nic0", subnetUuid: s.id, securityGroupUuid: sg.id, primary: true }],
}, { protect: good });
// SSH open to the world.
new chimestack.SecurityGroup("ops", { name: "ops", ingressRules: [{ protocol: "tcp", sourceCidr: good ? "10.0.0.0/8" : "0.0.0.0/0", destinationPorts: "22:22" }] });
`;

const POLICY_CONFIG = {
  "name-pattern": { enforcementLevel: "advisory" },
  "required-tags": { tags: ["team"] },
  "stack-budget": { monthlyLimit: 500, prices: { currency: "EUR", cloudtower: { perVcpu: 100 } } },
  "chimestack-vm-instance-spec": { allowed: [DEMO.instanceSpec] },
};

describe.skipIf(!haveCli)("the shipped policy pack, in a fresh project through the real Pulumi CLI", () => {
  let sims: Sim[];
  let project: Project;
  const PACK = ["--policy-pack", "node_modules/pulumi-private-cloud/policy-pack", "--policy-pack-config", "policy-config.json"];

  beforeAll(async () => {
    sims = await Promise.all(
      [createCloudTowerSimulator(), createCloudSigmaSimulator(), createChimeStackSimulator(), createCvmSimulator()].map((s) => startSim(s)),
    );
    const [tower, sigma, chime, vps] = sims;
    project = await makeInlineProject(jsProject("policy-e2e", PROGRAM), packedTarball(), "prod-1");
    writeFileSync(join(project.dir, "policy-config.json"), JSON.stringify(POLICY_CONFIG));
    const set = project.set;
    await set("cloudtower:endpoint", tower.url);
    await set("cloudtower:username", DEMO_USER.username);
    await set("cloudtower:password", DEMO_USER.password, true);
    await set("cloudsigma:endpoint", sigma.url);
    await set("cloudsigma:username", "demo@example.com");
    await set("cloudsigma:password", "sigma-pass", true);
    await set("chimestack:endpoint", chime.url);
    await set("chimestack:username", DEMO.user);
    await set("chimestack:password", DEMO.password, true);
    await set("cvm:endpoint", vps.url);
    await set("cvm:publicToken", "demo-public");
    await set("cvm:privateToken", "demo-private", true);
  }, 300_000);

  afterAll(async () => {
    await Promise.all((sims ?? []).map((s) => s.stop()));
  });

  it("installs into the project with one copy of the Pulumi SDK, the one the project asks for", () => {
    const copies = execFileSync("find", [join(project.dir, "node_modules"), "-path", "*/@pulumi/pulumi/package.json"], { encoding: "utf8" })
      .trim()
      .split("\n");
    expect(copies).toHaveLength(1);
    expect(JSON.parse(readFileSync(copies[0], "utf8")).version).toBe(PULUMI_SDK);
  });

  it("fires each new policy and every mandatory one on a stack that breaks them, the mandatory ones failing the preview", async () => {
    const r = await project.pulumi(["preview", ...PACK], { allowFail: true });
    const out = r.stdout + r.stderr;
    expect(r.code, out).not.toBe(0);
    for (const [policy, message] of [
      ["name-pattern", /cloudtower\.Vm "web": name "Web_1" does not match/],
      ["deletion-protection", /cloudtower\.Vm "web" holds data but is not protected in stack prod-1/],
      ["deletion-protection", /chimestack\.Vm "db" holds data but is not protected in stack prod-1/],
      ["stack-budget", /the stack costs 4000 EUR a month, above its limit of 500 EUR; the largest: cloudtower\.Vm "web" 4000 EUR \(40 vCPU x 100\)/],
      ["cloudtower-vm-size", /VM Web_1 asks for 40 vCPUs; at most 32 are allowed/],
      ["cloudsigma-drive-encrypted", /drive data-1 is not encrypted \(encryptionCipher none\)/],
      ["cloudsigma-subscription-term", /subscription of 24 months is longer than the 12 allowed/],
      ["cvm-release-keeps-running", /stopOnRelease is true: removing this resource from the stack would stop the VPS/],
      ["deletion-protection", /cloudsigma\.Drive "data" holds data but is not protected in stack prod-1/],
      ["required-tags", /cloudsigma\.Server "app" lacks the required tag\(s\) team/],
      ["required-tags", /cloudtower\.Vm "web" lacks the required tag\(s\) team; add them to its labels/],
      ["cloudsigma-public-address", /server app-1 has a public address \(nic0 auto\) but not the tag public/],
      ["chimestack-vm-instance-spec", /VM db-1 uses instance spec [0-9a-f-]+, which is not among the 1 allowed/],
      ["chimestack-vm-volume-size", /VM db-1's volume db-root is 4096 GB, above the 2048 GB allowed/],
      ["chimestack-security-group-open-management", /security group ops's ingress rule 0 \(tcp 22:22\) lets 0\.0\.0\.0\/0 reach management port 22/],
    ] as const) {
      expect(out, policy).toContain(policy);
      expect(out, policy).toMatch(message);
    }
  }, 300_000);

  it("previews a stack within the rules with no violation", async () => {
    await project.pulumi(["config", "set", "good", "true"]);
    const r = await project.pulumi(["preview", ...PACK]);
    expect(r.stdout).not.toMatch(/mandatory|advisory/);
  }, 300_000);
});
