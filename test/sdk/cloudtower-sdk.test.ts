/**
 * SmartX's official Python SDK (`cloudtower-sdk`, pinned in test/sdk/requirements.txt, installed into
 * .cache/cloudtower-sdk/ by scripts/env.sh's ppc_ensure_cloudtower_sdk) against the CloudTower simulator:
 * cloudtower_sdk_conformance.py logs in, lists, makes VMs from scratch, a template and the content library,
 * waits on their tasks, changes CPU, memory, disks and NICs, powers them through every state, snapshots and
 * rolls back, makes and deletes a template, a volume, a VLAN and a cluster, clones a VM, labels it, groups it
 * (a placement group) and grows a volume, checks the error bodies, and
 * deletes; each step asserts on the models the SDK made of the answers. A client no one here wrote.
 * Fails in CI when the SDK is not installed; skips elsewhere, saying how to install it.
 */
import { describe, expect, it } from "vitest";
import { DEMO_USER, createCloudTowerSimulator } from "../../simulator/cloudtower";
import { startSim } from "../helpers/sim";
import { pythonClient } from "./python-client";

const sdk = pythonClient("cloudtower-sdk", "ppc_ensure_cloudtower_sdk", "CloudTower Python SDK");

const STEPS = [
  "login",
  "list_clusters_and_hosts",
  "list_networks",
  "list_templates",
  "create_vlan",
  "create_vm_from_scratch",
  "wait_on_its_tasks",
  "update_basic_info_cpu_memory",
  "update_disks",
  "update_nics",
  "power",
  "snapshot_and_rollback",
  "create_vm_from_template",
  "create_vm_from_content_library",
  "template_and_volume_lifecycles",
  "clone_labels_placement_volume",
  "errors",
  "delete",
  "cluster_lifecycle",
];

const run = (url: string) => sdk.run("cloudtower_sdk_conformance.py", ["--url", url, "--username", DEMO_USER.username, "--password", DEMO_USER.password]);

describe.skipIf(!sdk.installed)("SmartX's cloudtower-sdk (Python) against the CloudTower simulator", () => {
  it("goes through every step of a VM's life, each answer deserialized by the SDK and as asserted", async () => {
    const sim = await startSim(createCloudTowerSimulator({ taskMs: 60 }));
    try {
      const { code, lines, stderr } = await run(sim.url);
      const failed = lines.find((l) => l.ok === false);
      expect(failed, failed ? `${failed.step}: ${failed.error}\n${failed.trace}` : "").toBeUndefined();
      expect(code, stderr).toBe(0);
      expect(lines[0]).toMatchObject({ sdk: "cloudtower-sdk" });
      const steps = new Map(lines.filter((l) => l.step).map((l) => [l.step!, l.detail!]));
      expect([...steps.keys()]).toEqual(STEPS);
      expect(steps.get("list_templates")).toEqual({ templates: ["debian-12", "rocky-9-uefi"], library: ["debian-12-library"] });
      expect(steps.get("update_basic_info_cpu_memory")).toEqual({ vcpu: 4, memory: 4 * 1024 ** 3 });
      expect(steps.get("power")!.statuses).toEqual(["RUNNING", "RUNNING", "RUNNING", "SUSPENDED", "RUNNING", "STOPPED", "STOPPED"]);
      // Nothing the SDK made is left behind.
      const vms = await sim.inventory<{ name: string }>("vms");
      expect(vms.map((v) => v.name)).toEqual(["legacy-app"]);
    } finally {
      await sim.stop();
    }
  }, 150_000);
});
