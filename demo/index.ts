import * as pulumi from "@pulumi/pulumi";
import { cvm } from "pulumi-private-cloud";
import { cvmFleet, demoFleet } from "../examples/cvm-fleet/fleet";

const config = new pulumi.Config();

// CVM VPS panel: the fleet of examples/cvm-fleet. `scripts/demo.sh` sets dbPower to show an update.
const cvmVms = cvmFleet(cvm, demoFleet(config.get("dbPower") === "running" ? "running" : "stopped"));
export const cvmVpses = cvmVms.map((v) => pulumi.interpolate`${v.hostname}: ${v.status}, ${v.cpuCount} CPU, ${v.ramMb} MB`);
