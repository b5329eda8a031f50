import * as pulumi from "@pulumi/pulumi";
import { cloudsigma } from "pulumi-private-cloud";
import { cloudsigmaFleet } from "./fleet";

const config = new pulumi.Config();
const fleet = cloudsigmaFleet(cloudsigma, {
  baseImage: { distribution: config.require("baseImage"), version: config.get("baseImageVersion") },
  webCount: config.getNumber("webCount"),
  dataDiskGb: config.getNumber("dataDiskGb"),
  subscriptionStart: config.get("subscriptionStart") ?? "2026-12-01 00:00",
  subscriptionMonths: config.getNumber("subscriptionMonths"),
  vncPassword: config.getSecret("vncPassword"),
});

export const baseImage = pulumi.interpolate`${fleet.image.name} (${fleet.image.id})`;
export const servers = fleet.servers.map((s) => pulumi.interpolate`${s.name}: ${s.status}, ${s.ip.apply((ip) => ip ?? "no public IP")}`);
export const subscription = pulumi.interpolate`${fleet.subscription.price} until ${fleet.subscription.endTime}`;
