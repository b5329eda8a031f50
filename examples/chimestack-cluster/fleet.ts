/**
 * A ChimeStack cluster from a table: a cluster in an availability zone, a network and a subnet on it, and
 * a small fleet of VMs (root volume from an image, optional data volume, one NIC on the subnet). The AZ,
 * instance spec, volume spec, image and security group are named, and looked up by name. The namespace is
 * passed in, so that the root demo stack can reuse this table with its own installed copy.
 */
import type { Input } from "@pulumi/pulumi";
import type { chimestack as ChimeStack } from "pulumi-private-cloud";

export interface FleetSettings {
  /** The availability zone the cluster is made in. */
  azName: string;
  /** The instance spec (vCPUs and memory) of every VM. */
  instanceSpecName: string;
  /** The volume spec of every volume. */
  volumeSpecName: string;
  /** The image the root volumes are made from. */
  imageName: string;
  /** The security group of every NIC. */
  securityGroupName: string;
  /** How many app VMs (default 2). */
  appCount?: number;
  /** Desired power state of the app VMs (default running). */
  appPower?: "running" | "stopped";
  /** The VMs' root password (cloud-init), a secret; none when absent. */
  vmPassword?: Input<string>;
}

export interface VmRow {
  name: string;
  rootGb: number;
  dataGb?: number;
  power: "running" | "stopped";
}

export function fleetTable(s: FleetSettings): VmRow[] {
  const apps = Array.from({ length: s.appCount ?? 2 }, (_, i) => ({ name: `app-${i + 1}`, rootGb: 10, power: s.appPower ?? "running" }));
  return [...apps, { name: "db-1", rootGb: 20, dataGb: 50, power: "running" }];
}

export function chimestackCluster(cs: typeof ChimeStack, s: FleetSettings) {
  const az = cs.getAzOutput({ name: s.azName });
  const spec = cs.getInstanceSpecOutput({ name: s.instanceSpecName });
  const volumeSpec = cs.getVolumeSpecOutput({ name: s.volumeSpecName });
  const image = cs.getImageOutput({ name: s.imageName });
  const sg = cs.getSecurityGroupOutput({ name: s.securityGroupName });
  const cluster = new cs.Cluster("cluster", { azUuid: az.id, name: "prod", description: "production cluster" });
  const network = new cs.Network("net", { azUuid: az.id, clusterUuid: cluster.id, name: "prod-net", bridgeName: "br1", interfaceName: "eth1" });
  const subnet = new cs.Subnet("subnet", {
    azUuid: az.id,
    clusterUuid: cluster.id,
    networkUuid: network.id,
    name: "prod-subnet",
    cidr: "192.168.231.1/24",
    gateway: "192.168.231.1",
    reservedIps: "192.168.231.2-192.168.231.9",
  });
  const vms = fleetTable(s).map(
    (r) =>
      new cs.Vm(r.name, {
        azUuid: az.id,
        clusterUuid: cluster.id,
        instanceSpecUuid: spec.id,
        name: r.name,
        volumes: [
          { name: `${r.name}-root`, sizeGb: r.rootGb, volumeSpecUuid: volumeSpec.id, imageUuid: image.id, root: true },
          ...(r.dataGb ? [{ name: `${r.name}-data`, sizeGb: r.dataGb, volumeSpecUuid: volumeSpec.id }] : []),
        ],
        nics: [{ name: `${r.name}-nic0`, subnetUuid: subnet.id, securityGroupUuid: sg.id, primary: true }],
        password: s.vmPassword,
        powerState: r.power,
      }),
  );
  return { cluster, network, subnet, vms };
}
