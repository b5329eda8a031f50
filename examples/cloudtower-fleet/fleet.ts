/**
 * A CloudTower fleet as a table: web VMs from a template on a front network, database VMs with data
 * disks on a back network, and a snapshot of each database VM. The cluster, its VDS and the template are
 * named, and looked up by name. The namespace is passed in, so that the root demo stack can reuse this
 * table with its own installed copy of the package.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { cloudtower as CloudTower } from "pulumi-private-cloud";

export interface FleetSettings {
  /** The cluster every VM runs on. */
  clusterName: string;
  /** The VDS of that cluster that the front and back networks are made on. */
  vdsName: string;
  /** The cluster's VM template that web servers are made from. */
  templateName: string;
  /** How many web servers (default 3): web-1 to web-N. */
  webCount?: number;
  /** The web servers by name, instead of webCount (e.g. to retire web-2 and keep web-3). */
  webNames?: string[];
  /** Memory of each database VM in MiB (default 4096). */
  dbMemoryMb?: number;
  /** Memory in MiB of single VMs by name, over the table's (e.g. `{"db-1": 8192}`). */
  memoryMb?: Record<string, number>;
  /** A tag for the snapshots, e.g. the date of the last nightly run. */
  snapshotTag?: string;
  /** The web VMs' default user password (cloud-init); a secret. */
  webPassword?: pulumi.Input<string>;
}

export interface WebRow {
  name: string;
  cpuCores: number;
  memoryMb: number;
}
export interface DbRow {
  name: string;
  cpuCores: number;
  memoryMb: number;
  dataDiskGb: number;
}

export function fleetTable(s: FleetSettings): { web: WebRow[]; db: DbRow[] } {
  const names = s.webNames ?? Array.from({ length: s.webCount ?? 3 }, (_, i) => `web-${i + 1}`);
  const memory = (name: string, dflt: number) => s.memoryMb?.[name] ?? dflt;
  const web = names.map((name) => ({ name, cpuCores: 2, memoryMb: memory(name, 2048) }));
  const db = [1, 2].map((i) => ({ name: `db-${i}`, cpuCores: 4, memoryMb: memory(`db-${i}`, s.dbMemoryMb ?? 4096), dataDiskGb: 100 }));
  return { web, db };
}

export function cloudtowerFleet(ct: typeof CloudTower, s: FleetSettings) {
  const { web, db } = fleetTable(s);
  const cluster = ct.getClusterOutput({ name: s.clusterName });
  const vds = ct.getVdsOutput({ name: s.vdsName, clusterId: cluster.id });
  const template = ct.getVmTemplateOutput({ name: s.templateName, clusterId: cluster.id });
  const front = new ct.Vlan("front", { vdsId: vds.id, name: "front", vlanId: 110 });
  const back = new ct.Vlan("back", { vdsId: vds.id, name: "back", vlanId: 120 });
  const webVms = web.map(
    (r) =>
      new ct.Vm(r.name, {
        name: r.name,
        template: { templateId: template.id, cloudInit: { hostname: r.name, defaultUserPassword: s.webPassword } },
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
        clusterId: cluster.id,
        cpuSockets: 1,
        cpuCores: r.cpuCores,
        memoryMb: r.memoryMb,
        // Databases may be restarted to be resized (the API needs a VM powered off for that).
        allowRestart: true,
        disks: [
          { name: `${r.name}-system`, sizeGb: 40 },
          { name: `${r.name}-data`, sizeGb: r.dataDiskGb },
        ],
        nics: [{ vlanId: back.id }],
      }),
  );
  const snapshots = dbVms.map(
    (vm, i) => new ct.VmSnapshot(`${db[i].name}-nightly`, { vmId: vm.id, name: `${db[i].name}-nightly-${s.snapshotTag ?? "initial"}` }),
  );
  return { front, back, webVms, dbVms, snapshots };
}
