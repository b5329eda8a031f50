/**
 * A CloudTower fleet as a table: web VMs from a template on a front network, database VMs with data
 * disks on a back network, and a snapshot of each database VM. The namespace is passed in, so that the
 * root demo stack can reuse this table with its own installed copy of the package.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { cloudtower as CloudTower } from "pulumi-private-cloud";

export interface FleetSettings {
  clusterId: string;
  /** The VDS that the front and back networks are made on. */
  vdsId: string;
  /** The VM template web servers are made from. */
  templateId: string;
  /** How many web servers (default 3). */
  webCount?: number;
  /** Memory of each database VM in MiB (default 4096). */
  dbMemoryMb?: number;
  /** A tag for the snapshots, e.g. the date of the last nightly run. */
  snapshotTag?: string;
  /** The web VMs' default user password (cloud-init); a secret. */
  webPassword?: pulumi.Input<string>;
}

export interface WebRow { name: string; cpuCores: number; memoryMb: number }
export interface DbRow { name: string; cpuCores: number; memoryMb: number; dataDiskGb: number }

export function fleetTable(s: FleetSettings): { web: WebRow[]; db: DbRow[] } {
  const web = Array.from({ length: s.webCount ?? 3 }, (_, i) => ({ name: `web-${i + 1}`, cpuCores: 2, memoryMb: 2048 }));
  const db = [1, 2].map((i) => ({ name: `db-${i}`, cpuCores: 4, memoryMb: s.dbMemoryMb ?? 4096, dataDiskGb: 100 }));
  return { web, db };
}

export function cloudtowerFleet(ct: typeof CloudTower, s: FleetSettings) {
  const { web, db } = fleetTable(s);
  const front = new ct.Vlan("front", { vdsId: s.vdsId, name: "front", vlanId: 110 });
  const back = new ct.Vlan("back", { vdsId: s.vdsId, name: "back", vlanId: 120 });
  const webVms = web.map(
    (r) =>
      new ct.Vm(r.name, {
        name: r.name,
        template: { templateId: s.templateId, cloudInit: { hostname: r.name, defaultUserPassword: s.webPassword } },
        cpuSockets: 1,
        cpuCores: r.cpuCores,
        memoryMb: r.memoryMb,
        nics: [{ vlanId: front.id }],
      }),
  );
  const dbVms = db.map(
    (r) =>
      new ct.Vm(r.name, {
        name: r.name,
        clusterId: s.clusterId,
        cpuSockets: 1,
        cpuCores: r.cpuCores,
        memoryMb: r.memoryMb,
        // Databases may be restarted to be resized (the API needs a VM powered off for that).
        allowRestart: true,
        disks: [{ name: `${r.name}-system`, sizeGb: 40 }, { name: `${r.name}-data`, sizeGb: r.dataDiskGb }],
        nics: [{ vlanId: back.id }],
      }),
  );
  const snapshots = dbVms.map(
    (vm, i) => new ct.VmSnapshot(`${db[i].name}-nightly`, { vmId: vm.id, name: `${db[i].name}-nightly-${s.snapshotTag ?? "initial"}` }),
  );
  return { front, back, webVms, dbVms, snapshots };
}
