/**
 * A CloudTower fleet as a table: web VMs from a template on a front network (cloud-init: static IPv4,
 * DNS, SSH key), database VMs with data disks on a back network kept on different hosts (a placement
 * group), a shared data volume attached to one of them, a snapshot of each database VM, a cache VM from
 * the content library (keeping the template's own network config), a tools VM cloned from db-1, and an
 * installer VM booting an ISO. Everything carries labels. The cluster, its VDS, the templates and the ISO
 * are named, and looked up by name. The namespace is passed in, so that the root demo stack can reuse
 * this table with its own installed copy of the package.
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
  /** The content-library VM template the cache VM is made from (default debian-12-library). */
  libraryTemplateName?: string;
  /** The content-library ISO the installer VM boots (default ubuntu-24.04-live-server-amd64.iso). */
  isoName?: string;
  /** An SSH public key for the web and cache VMs' default user (cloud-init). */
  sshPublicKey?: string;
  /** Labels on every VM, network and volume, over `{env: "dev"}`. */
  labels?: Record<string, string>;
  /** The installer VM's power state (default STOPPED; SUSPENDED and RUNNING in place). */
  installerPower?: "RUNNING" | "STOPPED" | "SUSPENDED";
  /** Once the installer VM is installed: eject its ISO, in place (default false). */
  installerDone?: boolean;
  /** The database VM the shared volume is attached to (default db-1; "none" detaches it). */
  volumeVm?: string;
  /** The shared volume's size in GiB (default 10; it only grows). */
  volumeGb?: number;
  /** The host the cache VM runs on (default `<clusterName>-node-1`); changing it live-migrates it. */
  cacheHost?: string;
  /** The database VMs' placement rule (default MUST_DIFFERENT: never on one host). */
  dbPlacement?: "MUST_DIFFERENT" | "PREFER_DIFFERENT";
  /**
   * The fleet's extras: the placement group, the shared volume and the cache, tools and installer VMs
   * (default true; false keeps the networks, web and database VMs and their snapshots).
   */
  extras?: boolean;
}

export interface WebRow {
  name: string;
  cpuCores: number;
  memoryMb: number;
  /** Its static address on the front network (10.0.110.0/24), by cloud-init. */
  ip: string;
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
  const web = names.map((name) => ({ name, cpuCores: 2, memoryMb: memory(name, 2048), ip: `10.0.110.${10 + Number(name.replace(/\D/g, "") || 0)}` }));
  const db = [1, 2].map((i) => ({ name: `db-${i}`, cpuCores: 4, memoryMb: memory(`db-${i}`, s.dbMemoryMb ?? 4096), dataDiskGb: 100 }));
  return { web, db };
}

export function cloudtowerFleet(ct: typeof CloudTower, s: FleetSettings) {
  const { web, db } = fleetTable(s);
  const labels = (role: string) => ({ env: "dev", ...s.labels, role });
  const keys = s.sshPublicKey ? { publicKeys: [s.sshPublicKey] } : {};
  const cluster = ct.getClusterOutput({ name: s.clusterName });
  const vds = ct.getVdsOutput({ name: s.vdsName, clusterId: cluster.id });
  const template = ct.getVmTemplateOutput({ name: s.templateName, clusterId: cluster.id });
  const library = ct.getContentLibraryVmTemplateOutput({ name: s.libraryTemplateName ?? "debian-12-library" });
  const iso = ct.getContentLibraryImageOutput({ name: s.isoName ?? "ubuntu-24.04-live-server-amd64.iso" });
  const front = new ct.Vlan("front", { vdsId: vds.id, name: "front", vlanId: 110, labels: labels("front") });
  const back = new ct.Vlan("back", { vdsId: vds.id, name: "back", vlanId: 120, labels: labels("back") });
  const webVms = web.map(
    (r) =>
      new ct.Vm(r.name, {
        name: r.name,
        template: {
          templateId: template.id,
          cloudInit: {
            hostname: r.name,
            defaultUserPassword: s.webPassword,
            ...keys,
            nameservers: ["10.0.110.2"],
            networks: [{ nicIndex: 0, ipAddress: r.ip, netmask: "255.255.255.0", gateway: "10.0.110.1" }],
          },
        },
        cpuSockets: 1,
        cpuCores: r.cpuCores,
        memoryMb: r.memoryMb,
        nics: [{ vlanId: front.id }],
        labels: labels("web"),
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
        restartOnChange: true,
        disks: [
          { name: `${r.name}-system`, sizeGb: 40 },
          { name: `${r.name}-data`, sizeGb: r.dataDiskGb },
        ],
        nics: [{ vlanId: back.id }],
        labels: labels("db"),
      }),
  );
  const snapshots = dbVms.map(
    (vm, i) => new ct.VmSnapshot(`${db[i].name}-nightly`, { vmId: vm.id, name: `${db[i].name}-nightly-${s.snapshotTag ?? "initial"}` }),
  );
  if (s.extras === false) return { front, back, webVms, dbVms, snapshots };
  const dbSpread = new ct.VmPlacementGroup("db-spread", {
    name: "db-spread",
    clusterId: cluster.id,
    vmIds: dbVms.map((v) => v.id),
    vmPolicy: s.dbPlacement ?? "MUST_DIFFERENT",
  });
  const attachTo = s.volumeVm === "none" ? undefined : (s.volumeVm ?? "db-1");
  const fleetData = new ct.VmVolume("fleet-data", {
    name: "fleet-data",
    clusterId: cluster.id,
    sizeGb: s.volumeGb ?? 10,
    ...(attachTo ? { vmId: dbVms[db.findIndex((r) => r.name === attachTo)].id } : {}),
    labels: labels("data"),
  });
  // A cache from the content library: the template's own NIC and network config, cloud-init for the rest.
  const cacheHost = ct.getHostOutput({ name: s.cacheHost ?? `${s.clusterName}-node-1`, clusterId: cluster.id });
  const cache = new ct.Vm("cache-1", {
    name: "cache-1",
    clusterId: cluster.id,
    hostId: cacheHost.id,
    source: { contentLibraryTemplate: { templateId: library.id, cloudInit: { hostname: "cache-1", ...keys, userData: "#cloud-config\npackages: [redis]\n" } } },
    memoryMb: 2048,
    labels: labels("cache"),
  });
  // Tools: a clone of db-1 (its disks and NICs), smaller, and not restarted elsewhere when its host fails.
  const tools = new ct.Vm("tools-1", {
    name: "tools-1",
    source: { cloneOf: { vmId: dbVms[0].id } },
    cpuCores: 1,
    memoryMb: 1024,
    ha: false,
    labels: labels("tools"),
  });
  // An installer booting the content library's ISO onto a blank disk.
  const installer = new ct.Vm("installer-1", {
    name: "installer-1",
    clusterId: cluster.id,
    source: { iso: { contentLibraryImageId: iso.id } },
    disks: [{ sizeGb: 20 }],
    nics: [{ vlanId: back.id }],
    powerState: s.installerPower ?? "STOPPED",
    ejectIso: s.installerDone ?? false,
    labels: labels("installer"),
  });
  return { front, back, webVms, dbVms, snapshots, extras: { dbSpread, fleetData, cache, tools, installer } };
}
