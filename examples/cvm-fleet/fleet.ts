/**
 * A hosting fleet kept in shape: existing VPSes of a CVM panel, named by hostname (and, where two share a
 * hostname, their host node), each looked up and adopted with the power state it should be in. The CVM
 * API cannot create VPSes, and removing a row releases the VPS untouched. The namespace is passed in, so
 * that the root demo stack can reuse this table with its own installed copy of the package.
 */
import type { cvm as CvmNamespace } from "pulumi-private-cloud";

export interface CvmFleetRow {
  name: string;
  /** The VPS's hostname as the panel lists it. */
  hostname: string;
  /** The id of its host node, when another VPS has the same hostname. */
  node?: string;
  powerState: "running" | "stopped";
}

/** The fleet of the simulator's demo account; `dbPower` lets a demo show an update. */
export function demoFleet(dbPower: "running" | "stopped" = "stopped"): CvmFleetRow[] {
  return [
    { name: "web-1", hostname: "web-1.example.net", powerState: "running" },
    { name: "web-2", hostname: "web-2.example.net", powerState: "running" },
    { name: "db-1", hostname: "db-1.example.net", powerState: dbPower },
  ];
}

export function cvmFleet(cvm: typeof CvmNamespace, rows: CvmFleetRow[]): CvmNamespace.Vm[] {
  return rows.map((r) => {
    const vps = cvm.getVpsOutput({ hostname: r.hostname, node: r.node });
    return new cvm.Vm(r.name, { vpsId: vps.id, powerState: r.powerState });
  });
}
