/**
 * A ChimeStack cluster from a table: a cluster in an availability zone, a network and a subnet on it, and
 * a small fleet of VMs (root volume from an image, optional data volume, one NIC on the subnet). The
 * namespace is passed in, so that the root demo stack can reuse this table with its own installed copy.
 */
import type { Input } from "@pulumi/pulumi";
import type { chimestack as ChimeStack } from "pulumi-private-cloud";

export interface FleetSettings {
  azUuid: string;
  instanceSpecUuid: string;
  volumeSpecUuid: string;
  imageUuid: string;
  securityGroupUuid: string;
  /** How many app VMs (default 2). */
  appCount?: number;
  /** Desired power state of the app VMs (default running). */
  appPower?: "running" | "stopped";
  /** The VMs' root password (cloud-init), a secret; none when absent. */
  vmPassword?: Input<string>;
}

export interface VmRow { name: string; rootGb: number; dataGb?: number; power: "running" | "stopped" }

export function fleetTable(s: FleetSettings): VmRow[] {
  const apps = Array.from({ length: s.appCount ?? 2 }, (_, i) => ({ name: `app-${i + 1}`, rootGb: 10, power: s.appPower ?? "running" }));
  return [...apps, { name: "db-1", rootGb: 20, dataGb: 50, power: "running" }];
}

export function chimestackCluster(cs: typeof ChimeStack, s: FleetSettings) {
  const cluster = new cs.Cluster("cluster", { azUuid: s.azUuid, name: "prod", description: "production cluster" });
  const network = new cs.Network("net", { azUuid: s.azUuid, clusterUuid: cluster.id, name: "prod-net", bridgeName: "br1", interfaceName: "eth1" });
  const subnet = new cs.Subnet("subnet", { azUuid: s.azUuid, clusterUuid: cluster.id, networkUuid: network.id, name: "prod-subnet", cidr: "192.168.231.1/24", gateway: "192.168.231.1", reservedIps: "192.168.231.2-192.168.231.9" });
  const vms = fleetTable(s).map(
    (r) =>
      new cs.Vm(r.name, {
        azUuid: s.azUuid,
        clusterUuid: cluster.id,
        instanceSpecUuid: s.instanceSpecUuid,
        name: r.name,
        volumes: [
          { name: `${r.name}-root`, sizeGb: r.rootGb, volumeSpecUuid: s.volumeSpecUuid, imageUuid: s.imageUuid, root: true },
          ...(r.dataGb ? [{ name: `${r.name}-data`, sizeGb: r.dataGb, volumeSpecUuid: s.volumeSpecUuid }] : []),
        ],
        nics: [{ name: `${r.name}-nic0`, subnetUuid: subnet.id, securityGroupUuid: s.securityGroupUuid, primary: true }],
        password: s.vmPassword,
        powerState: r.power,
      }),
  );
  return { cluster, network, subnet, vms };
}
