/**
 * The fewest inputs that make each resource type against its simulator (seeded as the vendor's test
 * helper seeds it), by `<vendor>.<Type>`: what the conformance suite creates and the property tests mutate.
 */
import { APPLIANCE } from "../../simulator/cloudtower";
import { DEMO, SEEDED, vmInputs } from "./chimestack";
import { CLUSTER_A, LEGACY_VM, VDS_A } from "./cloudtower";

export const MINIMAL: Record<string, Record<string, unknown>> = {
  "cloudtower.Vm": { name: "conf-vm", clusterId: CLUSTER_A },
  "cloudtower.Vlan": { vdsId: VDS_A, name: "conf-net" },
  "cloudtower.VmSnapshot": { vmId: LEGACY_VM, name: "conf-snap" },
  "cloudtower.VmVolume": { name: "conf-vol", clusterId: CLUSTER_A, sizeGb: 1 },
  "cloudtower.VmPlacementGroup": { name: "conf-group", clusterId: CLUSTER_A },
  "cloudtower.Cluster": { ip: APPLIANCE.ip, username: APPLIANCE.username, password: APPLIANCE.password },
  "cloudsigma.Drive": { name: "conf-drive", sizeGb: 1 },
  "cloudsigma.Server": { name: "conf-server", cpuMhz: 2000, memMb: 1024 },
  "cloudsigma.Vlan": { name: "conf-vlan" },
  "cloudsigma.StaticIp": {},
  "cloudsigma.Profile": { company: "Conformance Ltd." },
  "cloudsigma.ServerGroup": { name: "conf-group" },
  "cloudsigma.Subscription": { kind: "resources", cpuMhz: 2000, months: 1, startTime: "2026-12-01 00:00" },
  "chimestack.Cluster": { azUuid: DEMO.az, name: "conf-cluster" },
  "chimestack.Network": { azUuid: DEMO.az, clusterUuid: SEEDED.cluster, name: "conf-net", bridgeName: "br1", interfaceName: "eth1" },
  "chimestack.Subnet": { azUuid: DEMO.az, clusterUuid: SEEDED.cluster, networkUuid: SEEDED.network, name: "conf-subnet", cidr: "10.0.0.1/24" },
  "chimestack.Vm": vmInputs({ name: "conf-vm" }),
  "chimestack.Volume": { azUuid: DEMO.az, clusterUuid: SEEDED.cluster, name: "conf-volume", sizeGb: 1, volumeSpecUuid: DEMO.volumeSpec },
  "chimestack.VolumeSnapshot": { volumeUuid: SEEDED.volume, name: "conf-snap" },
  "chimestack.SecurityGroup": { name: "conf-sg" },
  "chimestack.Image": { name: "conf-image", installUrl: "file:///root/images/conf.qcow2" },
  "cvm.Vm": { vpsId: "102" },
};
