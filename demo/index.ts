import * as pulumi from "@pulumi/pulumi";
import { cvmFleet } from "./cvm";

const config = new pulumi.Config();

// CVM VPS panel: the simulator's demo account. `scripts/demo.sh` changes dbPower to show an update.
export const cvmVpses = cvmFleet([
  { name: "web-1", vpsId: "101", powerState: "running" },
  { name: "web-2", vpsId: "102", powerState: "running" },
  { name: "db-1", hostname: "db-1.example.net", powerState: config.get("dbPower") === "running" ? "running" : "stopped" },
]);
