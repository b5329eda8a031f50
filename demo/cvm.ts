import * as pulumi from "@pulumi/pulumi";
import { cvm } from "pulumi-private-cloud";

/**
 * A hosting fleet kept in shape: existing VPSes on a CVM panel (adopted by id or hostname) and the power
 * state each should be in. The CVM API cannot create VPSes; removing a row releases the VPS untouched.
 */
export interface CvmFleetRow {
  name: string;
  vpsId?: string;
  hostname?: string;
  powerState: "running" | "stopped";
}

export function cvmFleet(rows: CvmFleetRow[]) {
  const vms = rows.map((r) => new cvm.Vm(r.name, { vpsId: r.vpsId, hostname: r.hostname, powerState: r.powerState }));
  return pulumi.all(vms.map((v) => pulumi.all([v.hostname, v.status, v.ramMb, v.cpuCount]))).apply((rows) =>
    rows.map(([hostname, status, ramMb, cpus]) => `${hostname}: ${status}, ${cpus} CPU, ${ramMb} MB`),
  );
}
