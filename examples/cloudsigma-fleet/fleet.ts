/**
 * A CloudSigma fleet as a table: web servers booting from drives cloned from one base image, each on one of
 * the static IPs that one IP subscription bought (the StaticIp owns them all); a clone of the first web
 * server (`/servers/<uuid>/clone`: its own copy of the root drive, deleted with it); a database server with
 * a second, empty data drive on SSD, and a backup clone of that drive onto HDD; a private VLAN joining them
 * on NIC 1; a resource subscription sized from the fleet's totals; and the account's profile. The base
 * image is named (a distribution and version of the public drive library) and looked up by name. The
 * namespace is passed in, so that the root demo stack can reuse this table with its own installed copy of
 * the package.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { cloudsigma as CloudSigma } from "pulumi-private-cloud";

/** A preinstalled system of the public drive library, by name (the filters of `getLibraryDrive`). */
export interface BaseImage {
  /** The first word of its name, e.g. "Debian". */
  distribution?: string;
  /**
   * e.g. "12": 12 or any 12.x, of which the newest is taken; none: the newest of all. When the library
   * gains a newer version, the look-up answers it and the root drives are replaced: pin the version (or
   * the name) to keep them.
   */
  version?: string;
  /** Its exact name instead, e.g. "Debian 12 Server 64bit Preinstalled System". */
  name?: string;
}

export interface FleetSettings {
  /** The library image that root drives are cloned from. */
  baseImage: BaseImage;
  webCount?: number;
  /** Size of the database's data drive in GiB (grow it to show an in-place update). */
  dataDiskGb?: number;
  /** When the subscription starts, `YYYY-MM-DD HH:MM` (UTC), and for how long. */
  subscriptionStart: string;
  subscriptionMonths?: number;
  /** A VNC console password (at most 8 characters) for every server; a secret in the state. No console without it. */
  vncPassword?: pulumi.Input<string>;
  /** Months of the web servers' IP subscription (grow it to extend it in place); it starts with the resource subscription. */
  ipMonths?: number;
  /** CPU of the clone of web-1 in MHz (changed live, in place). */
  cloneCpuMhz?: number;
  /** The company the account's profile shows (set in place). */
  company?: string;
}

export interface ServerRow {
  name: string;
  cpuMhz: number;
  memMb: number;
  rootGb: number;
  dataGb?: number;
  publicIp: boolean;
}

export function fleetTable(s: FleetSettings): ServerRow[] {
  const web = Array.from({ length: s.webCount ?? 2 }, (_, i) => ({ name: `web-${i + 1}`, cpuMhz: 2000, memMb: 2048, rootGb: 20, publicIp: true }));
  return [...web, { name: "db-1", cpuMhz: 4000, memMb: 4096, rootGb: 40, dataGb: s.dataDiskGb ?? 100, publicIp: false }];
}

export function cloudsigmaFleet(cs: typeof CloudSigma, s: FleetSettings) {
  const rows = fleetTable(s);
  // A system disk to boot from, not an install CD of the same name and version.
  const image = cs.getLibraryDriveOutput({ ...s.baseImage, media: "disk" });
  const net = new cs.Vlan("private", { name: "private" });
  // One IP subscription for every public server: the resource owns all the addresses it bought.
  const publicRows = rows.filter((r) => r.publicIp);
  const ips = new cs.StaticIp("web-ips", { quantity: publicRows.length, months: s.ipMonths ?? 1, startTime: s.subscriptionStart });
  const backups: CloudSigma.Drive[] = [];
  const servers = rows.map((r) => {
    const root = new cs.Drive(`${r.name}-root`, { name: `${r.name}-root`, sizeGb: r.rootGb, cloneFrom: image.id });
    const data = r.dataGb ? new cs.Drive(`${r.name}-data`, { name: `${r.name}-data`, sizeGb: r.dataGb, storage: "ssd" }) : undefined;
    // A copy of the data drive on the cheaper storage (the manual's "ssd-to-hdd" clone).
    if (data) backups.push(new cs.Drive(`${r.name}-backup`, { name: `${r.name}-backup`, sizeGb: r.dataGb!, cloneFrom: data.id, storage: "hdd" }));
    const ip = r.publicIp ? ips.addresses.apply((a) => a[publicRows.indexOf(r)]) : undefined;
    return new cs.Server(r.name, {
      name: r.name,
      cpuMhz: r.cpuMhz,
      memMb: r.memMb,
      drives: [{ device: "ide:0:0", driveUuid: root.id }, ...(data ? [{ device: "ide:0:1", driveUuid: data.id }] : [])],
      nic0: { model: "virtio", dhcp: ip ?? "auto" },
      nic1: { vlanUuid: net.id },
      ...(s.vncPassword ? { vnc: { password: s.vncPassword, tls: true } } : {}),
    });
  });
  const subscription = new cs.Subscription("fleet-resources", {
    kind: "resources",
    cpuMhz: rows.reduce((n, r) => n + r.cpuMhz, 0),
    memMb: rows.reduce((n, r) => n + r.memMb, 0),
    diskGb: rows.reduce((n, r) => n + r.rootGb + (r.dataGb ?? 0), 0),
    months: s.subscriptionMonths ?? 1,
    startTime: s.subscriptionStart,
  });
  // A clone of the first web server, on a temporary address, with its own CPU quota.
  const clone = new cs.Server("web-1-clone", {
    name: "web-1-clone",
    cloneOf: servers[0].id,
    cpuMhz: s.cloneCpuMhz ?? rows[0].cpuMhz,
    memMb: rows[0].memMb,
    nic0: { model: "virtio", dhcp: "auto" },
    nic1: { vlanUuid: net.id },
    ...(s.vncPassword ? { vnc: { password: s.vncPassword, tls: true } } : {}),
  });
  const profile = new cs.Profile("account", { company: s.company ?? "Example Fleet Ltd." });
  return { image, net, ips, servers, clone, backups, subscription, profile };
}
