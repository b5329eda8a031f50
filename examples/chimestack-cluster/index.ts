import * as pulumi from "@pulumi/pulumi";
import { chimestack } from "pulumi-private-cloud";
import { chimestackCluster } from "./fleet";

const config = new pulumi.Config();
const fleet = chimestackCluster(chimestack, {
  azName: config.require("azName"),
  instanceSpecName: config.require("instanceSpecName"),
  volumeSpecName: config.require("volumeSpecName"),
  imageName: config.require("imageName"),
  securityGroupName: config.require("securityGroupName"),
  appCount: config.getNumber("appCount"),
  appPower: config.get("appPower") === "stopped" ? "stopped" : "running",
  vmPassword: config.getSecret("vmPassword"),
  adminCidr: config.get("adminCidr"),
  httpsOpen: config.getBoolean("httpsOpen"),
  sharedVolumeVm: config.get("sharedVolumeVm"),
  dbNicGroup: config.get("dbNicGroup") === "default" ? "default" : "app",
  snapshotDescription: config.get("snapshotDescription"),
  imageUrl: config.getSecret("imageUrl"),
  imageOsDetail: config.get("imageOsDetail"),
});

export const vms = fleet.vms.map((v) => pulumi.interpolate`${v.name}: ${v.status} on ${v.hostName}, ${v.ips}`);
export const sharedVolume = pulumi.interpolate`${fleet.shared.name} on ${fleet.shared.vmUuid}`;
