/**
 * A hosting fleet kept in shape: existing VPSes of a CVM panel, adopted by id (or hostname), each with the
 * power state it should be in. The CVM API cannot create VPSes, and removing a row releases the VPS
 * untouched. The namespace is passed in, so that the root demo stack can reuse this table with its own
 * installed copy of the package.
 */
import type { cvm as CvmNamespace } from "pulumi-private-cloud";

export interface CvmFleetRow {
  name: string;
  vpsId?: string;
  hostname?: string;
  powerState: "running" | "stopped";
}

/** The fleet of the simulator's demo account; `dbPower` lets a demo show an update. */
export function demoFleet(dbPower: "running" | "stopped" = "stopped"): CvmFleetRow[] {
  return [
    { name: "web-1", vpsId: "101", powerState: "running" },
    { name: "web-2", vpsId: "102", powerState: "running" },
    { name: "db-1", vpsId: "103", powerState: dbPower },
  ];
}

export function cvmFleet(cvm: typeof CvmNamespace, rows: CvmFleetRow[]): CvmNamespace.Vm[] {
  return rows.map((r) => new cvm.Vm(r.name, { vpsId: r.vpsId, hostname: r.hostname, powerState: r.powerState }));
}
