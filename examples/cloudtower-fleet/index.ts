import * as pulumi from "@pulumi/pulumi";
import { cloudtower } from "pulumi-private-cloud";
import { cloudtowerFleet } from "./fleet";

const config = new pulumi.Config();
const fleet = cloudtowerFleet(cloudtower, {
  clusterName: config.require("clusterName"),
  vdsName: config.require("vdsName"),
  templateName: config.require("templateName"),
  webCount: config.getNumber("webCount"),
  webNames: config.getObject<string[]>("webNames"),
  dbMemoryMb: config.getNumber("dbMemoryMb"),
  memoryMb: config.getObject<Record<string, number>>("memoryMb"),
  snapshotTag: config.get("snapshotTag"),
  webPassword: config.getSecret("webPassword"),
  sshPublicKey: config.get("sshPublicKey"),
  labels: config.getObject<Record<string, string>>("labels"),
  installerPower: config.get("installerPower") as "RUNNING" | "STOPPED" | "SUSPENDED" | undefined,
  installerDone: config.getBoolean("installerDone"),
  volumeVm: config.get("volumeVm"),
  volumeGb: config.getNumber("volumeGb"),
  cacheHost: config.get("cacheHost"),
  dbPlacement: config.get("dbPlacement") as "MUST_DIFFERENT" | "PREFER_DIFFERENT" | undefined,
  extras: config.getBoolean("extras"),
});

export const webVms = fleet.webVms.map((v) => pulumi.interpolate`${v.name}: ${v.status} on ${v.hostName}, ${v.vcpu} vCPU, ${v.memoryMb} MiB`);
export const dbVms = fleet.dbVms.map((v) => pulumi.interpolate`${v.name}: ${v.status}, ${v.vcpu} vCPU, ${v.memoryMb} MiB`);
export const snapshots = fleet.snapshots.map((s) => s.disks.apply((d) => d.map((x) => x.lunSnapshotName)));
const extras = fleet.extras;
export const others =
  extras && [extras.cache, extras.tools, extras.installer].map((v) => pulumi.interpolate`${v.name}: ${v.status} on ${v.hostName}, ${v.ips}`);
export const fleetData = extras && pulumi.interpolate`${extras.fleetData.name}: ${extras.fleetData.sizeGb} GiB on ${extras.fleetData.vmName}`;
export const dbSpread = extras?.dbSpread.vmNames;
