import * as pulumi from "@pulumi/pulumi";
import { chimestack } from "pulumi-private-cloud";
import { chimestackCluster } from "./fleet";

const config = new pulumi.Config();
const fleet = chimestackCluster(chimestack, {
  azUuid: config.require("azUuid"),
  instanceSpecUuid: config.require("instanceSpecUuid"),
  volumeSpecUuid: config.require("volumeSpecUuid"),
  imageUuid: config.require("imageUuid"),
  securityGroupUuid: config.require("securityGroupUuid"),
  appCount: config.getNumber("appCount"),
  appPower: config.get("appPower") === "stopped" ? "stopped" : "running",
  vmPassword: config.getSecret("vmPassword"),
});

export const vms = fleet.vms.map((v) => pulumi.interpolate`${v.name}: ${v.status} on ${v.hostName}, ${v.ips}`);
