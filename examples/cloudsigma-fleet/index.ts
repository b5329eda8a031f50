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
  ipMonths: config.getNumber("ipMonths"),
  cloneCpuMhz: config.getNumber("cloneCpuMhz"),
  company: config.get("company"),
});

export const baseImage = pulumi.interpolate`${fleet.image.name} (${fleet.image.id})`;
export const servers = fleet.servers.map((s) => pulumi.interpolate`${s.name}: ${s.status}, ${s.ip.apply((ip) => ip ?? "no public IP")}`);
export const subscription = pulumi.interpolate`${fleet.subscription.price} until ${fleet.subscription.endTime}`;
export const addresses = fleet.ips.addresses;
export const clone = pulumi.interpolate`${fleet.clone.name}: ${fleet.clone.status}, copies ${fleet.clone.clonedDrives.apply((d) => d.join(" "))}`;
export const backups = fleet.backups.map((b) => pulumi.interpolate`${b.name}: ${b.storage}, ${b.sizeGb} GiB`);
export const account = pulumi.interpolate`${fleet.profile.email} (${fleet.profile.company}, ${fleet.profile.currency})`;
