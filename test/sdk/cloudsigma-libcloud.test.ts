/**
 * Apache libcloud's CloudSigma 1.0 driver (`apache-libcloud`, pinned in test/sdk/cloudsigma-libcloud-requirements.txt,
 * installed into .cache/cloudsigma-libcloud/ by scripts/env.sh's ppc_ensure_cloudsigma_libcloud) against the
 * CloudSigma simulator: cloudsigma_libcloud_conformance.py lists sizes, images and nodes, creates a node (a
 * drive clone polled until its imaging ends, a server, a start), reboots, stops, reconfigures and starts it,
 * makes and drops a static IP, reads the balance, prices, current use and currencies through the driver's
 * connection (the 1.0 driver has no billing methods), checks the error answers, clones the node through its
 * connection (the manual's /servers/UUID/clone; the 1.0 driver has no clone helper), stops and destroys the clone
 * and its copied drive, and destroys the node and its drive; each step asserts on what the driver returns. A client no one here wrote.
 * Fails in CI when libcloud is not installed; skips elsewhere, saying how to install it.
 */
import { describe, expect, it } from "vitest";
import { DEMO_ACCOUNT, createCloudSigmaSimulator } from "../../simulator/cloudsigma";
import { startSim } from "../helpers/sim";
import { pythonClient } from "./python-client";

const libcloud = pythonClient("cloudsigma-libcloud", "ppc_ensure_cloudsigma_libcloud", "Apache libcloud (CloudSigma)");

const STEPS = [
  "list_sizes",
  "list_images",
  "list_nodes_empty",
  "create_node",
  "list_nodes",
  "reboot_node",
  "stop_node",
  "set_configuration",
  "start_node",
  "static_ips",
  "billing",
  "errors",
  "clone_node",
  "destroy_node",
];

function run(url: string) {
  const { hostname, port } = new URL(url);
  return libcloud.run("cloudsigma_libcloud_conformance.py", [
    "--host",
    hostname,
    "--port",
    port,
    "--email",
    DEMO_ACCOUNT.email,
    "--password",
    DEMO_ACCOUNT.password,
  ]);
}

describe.skipIf(!libcloud.installed)("Apache libcloud's CloudSigma 1.0 driver (Python) against the CloudSigma simulator", () => {
  it("lists, creates, reboots, stops, starts and destroys a node, and reads the billing, each answer as the driver parses it", async () => {
    // Imaging takes 1.5 s: the driver polls once a second, so it sees `imaging NN%` at least once.
    const sim = await startSim(createCloudSigmaSimulator({ imagingMs: 1500 }));
    try {
      const { code, lines, stderr } = await run(sim.url);
      const failed = lines.find((l) => l.ok === false);
      expect(failed, failed ? `${failed.step}: ${failed.error}\n${failed.trace}` : "").toBeUndefined();
      expect(code, stderr).toBe(0);
      expect(lines[0]).toMatchObject({ library: "apache-libcloud", version: "3.9.1", driver: "CloudSigma_1_0_NodeDriver" });
      const steps = new Map(lines.filter((l) => l.step).map((l) => [l.step!, l.detail!]));
      expect([...steps.keys()]).toEqual(STEPS);
      // What went over the wire: the clone carried libcloud's driveType, the driver polled the imaging drive.
      const requests = (await sim.requests()).map((r) => `${r.method} ${r.path.replace(/[0-9a-f-]{36}/g, "<uuid>")} ${r.status}`);
      expect(requests).toContain("POST /drives/<uuid>/clone 200");
      expect(requests.filter((r) => r === "GET /drives/<uuid>/info 200").length).toBeGreaterThanOrEqual(2);
      expect(requests).toContain("POST /servers/create 200");
      expect(requests).toContain("POST /servers/<uuid>/clone 200");
      expect(requests).toContain("GET /drives/create 405");
      const clone = (await sim.requests()).find((r) => r.path.endsWith("/clone"))!;
      expect(clone.body).toMatch(/^driveType hdd$/m);
      expect(steps.get("set_configuration")!["nic:1:mac"]).toMatch(/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/);
    } finally {
      await sim.stop();
    }
  }, 150_000);
});
