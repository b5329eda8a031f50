import * as pulumi from "@pulumi/pulumi";
import { cvm } from "pulumi-private-cloud";
import { cvmFleet, demoFleet } from "./fleet";

const config = new pulumi.Config();
const vms = cvmFleet(cvm, demoFleet(config.get("dbPower") === "running" ? "running" : "stopped"));

export const vpses = vms.map((v) => pulumi.interpolate`${v.hostname}: ${v.status}, ${v.cpuCount} CPU, ${v.ramMb} MB`);
