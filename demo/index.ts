import * as pulumi from "@pulumi/pulumi";
import { chimestack, cloudsigma, cloudtower, cvm } from "pulumi-private-cloud";
import { chimestackCluster } from "../examples/chimestack-cluster/fleet";
import { cloudsigmaFleet } from "../examples/cloudsigma-fleet/fleet";
import { cloudtowerFleet } from "../examples/cloudtower-fleet/fleet";
import { cvmFleet, demoFleet } from "../examples/cvm-fleet/fleet";

const config = new pulumi.Config();

// SmartX CloudTower: the fleet of examples/cloudtower-fleet on the simulator's cluster-a.
// `scripts/demo.sh` grows it by one web VM (webCount) and resizes the databases (dbMemoryMb).
const tower = cloudtowerFleet(cloudtower, {
  clusterName: config.get("clusterName") ?? "cluster-a",
  vdsName: config.get("vdsName") ?? "cluster-a-vds-vm",
  templateName: config.get("templateName") ?? "debian-12",
  webCount: config.getNumber("webCount"),
  dbMemoryMb: config.getNumber("dbMemoryMb"),
});
export const towerVms = [...tower.webVms, ...tower.dbVms].map((v) => pulumi.interpolate`${v.name}: ${v.status}, ${v.vcpu} vCPU, ${v.memoryMb} MiB`);
export const towerSnapshots = tower.snapshots.map((s) => s.name);

// CloudSigma: the fleet of examples/cloudsigma-fleet (servers from cloned drives, static IPs, a VLAN,
// a subscription). `scripts/demo.sh` grows the database's data drive (dataDiskGb).
const sigma = cloudsigmaFleet(cloudsigma, {
  baseImage: { distribution: config.get("baseImage") ?? "Debian", version: config.get("baseImageVersion") ?? "12" },
  dataDiskGb: config.getNumber("dataDiskGb"),
  subscriptionStart: "2026-12-01 00:00",
});
export const sigmaServers = sigma.servers.map((s) => pulumi.interpolate`${s.name}: ${s.status}, ${s.ip ?? "no public IP"}`);
export const sigmaSubscription = pulumi.interpolate`${sigma.subscription.price} until ${sigma.subscription.endTime}`;

// ChimeStack: the cluster of examples/chimestack-cluster, on the simulator's demo AZ and catalogue.
// `scripts/demo.sh` stops the app VMs (appPower).
const chime = chimestackCluster(chimestack, {
  azName: "az-1",
  instanceSpecName: "small",
  volumeSpecName: "ssd",
  imageName: "ubuntu-22.04",
  securityGroupName: "default",
  appPower: config.get("appPower") === "stopped" ? "stopped" : "running",
});
export const chimeVms = chime.vms.map((v) => pulumi.interpolate`${v.name}: ${v.status}, ${v.ips}`);

// CVM VPS panel: the fleet of examples/cvm-fleet. `scripts/demo.sh` sets dbPower to show an update.
const cvmVms = cvmFleet(cvm, demoFleet(config.get("dbPower") === "running" ? "running" : "stopped"));
export const cvmVpses = cvmVms.map((v) => pulumi.interpolate`${v.hostname}: ${v.status}, ${v.cpuCount} CPU, ${v.ramMb} MB`);
