/**
 * A ChimeStack cluster from a table: a cluster in an availability zone, a network and a subnet on it, a
 * security group for the app traffic, and a small fleet of VMs (root volume from an image, optional data
 * volume, a NIC on the subnet; the database has a second NIC in the app group). Beside them: a shared
 * volume attached to one VM of the fleet (moved in place by naming another), a snapshot of it, and a
 * private image fetched from a URL. The AZ, instance spec, volume spec, image and the default security
 * group are named, and looked up by name. The namespace is passed in, so that the root demo stack can
 * reuse this table with its own installed copy.
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
  /** The network SSH to the VMs comes from (default 10.0.0.0/8). */
  adminCidr?: string;
  /** Whether the app group lets HTTPS (443) in beside HTTP (default false): a rule change in place. */
  httpsOpen?: boolean;
  /** The VM of the table the shared volume is attached to (default db-1): moved in place. */
  sharedVolumeVm?: string;
  /** The group of the database's second NIC: the app group (default) or the looked-up one (swapped in place). */
  dbNicGroup?: "app" | "default";
  /** The description of the shared volume's snapshot (default "nightly"): changed in place. */
  snapshotDescription?: string;
  /** Where the private image is fetched from (default the simulator's file:///root/images/golden.qcow2). */
  imageUrl?: Input<string>;
  /** The OS version the private image says it holds (default "Ubuntu 22.04"): changed in place. */
  imageOsDetail?: string;
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
  const appSg = new cs.SecurityGroup("app-sg", {
    name: "prod-app",
    description: "SSH from the admin network, web traffic from anywhere",
    ingressRules: [
      { protocol: "tcp", sourceCidr: s.adminCidr ?? "10.0.0.0/8", destinationPorts: "22:22", description: "ssh" },
      { protocol: "tcp", destinationPorts: "80:80", description: "http" },
      ...(s.httpsOpen ? [{ protocol: "tcp" as const, destinationPorts: "443:443", description: "https" }] : []),
    ],
    egressRules: [{ protocol: "all" }],
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
        nics: [
          { name: `${r.name}-nic0`, subnetUuid: subnet.id, securityGroupUuid: sg.id, primary: true },
          // The database's second NIC: its group changes in place (the NIC is swapped, the VM kept).
          ...(r.name === "db-1" ? [{ name: `${r.name}-nic1`, subnetUuid: subnet.id, securityGroupUuid: s.dbNicGroup === "default" ? sg.id : appSg.id }] : []),
        ],
        password: s.vmPassword,
        powerState: r.power,
      }),
  );
  const sharedOn = vms.find((v, i) => fleetTable(s)[i].name === (s.sharedVolumeVm ?? "db-1"));
  if (!sharedOn) throw new Error(`sharedVolumeVm: no VM ${s.sharedVolumeVm} in the table`);
  const shared = new cs.Volume("shared", {
    azUuid: az.id,
    clusterUuid: cluster.id,
    name: "prod-shared",
    sizeGb: 20,
    volumeSpecUuid: volumeSpec.id,
    vmUuid: sharedOn.id,
  });
  const snapshot = new cs.VolumeSnapshot("shared-snap", { volumeUuid: shared.id, name: "prod-shared-snap", description: s.snapshotDescription ?? "nightly" });
  const golden = new cs.Image("golden", {
    name: "prod-golden",
    installUrl: s.imageUrl ?? "file:///root/images/golden.qcow2",
    osType: "Linux",
    osDetail: s.imageOsDetail ?? "Ubuntu 22.04",
  });
  return { cluster, network, subnet, appSg, vms, shared, snapshot, golden };
}
