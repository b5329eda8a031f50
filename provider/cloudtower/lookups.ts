/**
 * CloudTower look-ups: datacenters, clusters, hosts, VDSes, VLANs, VMs, VM templates, content-library VM
 * templates, ISO images, content-library images and storage policies, each by name or by filter (cluster,
 * labels). Each kind is listed once per program and endpoint (`get-<kind>`, every page) and filtered here,
 * so that look-ups of one kind cost one request however many a program makes.
 */
import { z } from "zod";
import { defineLookup, listOnce, orList, splitMarker } from "../core";
import type { TowerClient } from "./client";
import { vendor } from "./config";
import { labelsOf as labelsOfWire } from "./labels";

type Ref = { id: string; name: string };
type Label = { id: string; key: string; value?: string | null };
/** What every listed object may carry that a filter reads. */
interface Listed {
  id: string;
  name: string;
  labels?: Label[];
  cluster?: Ref | null;
  clusters?: Ref[];
}

const list = <W extends Listed>(client: TowerClient, path: string) => listOnce<W>(client, path, () => client.getAll<W>(path));

const MiB = 1024 ** 2;

// ---- Filters every look-up shares ---------------------------------------------------------------------

const NAME = { name: z.string().min(1).optional().describe("its name, exactly") };
const LABELS = {
  labels: z.record(z.string(), z.string()).optional().describe("labels it carries, `{key: value}` (every one must match)"),
};
const IN_CLUSTER = {
  clusterId: z.string().min(1).optional().describe("the id of the cluster it is in"),
  clusterName: z.string().min(1).optional().describe("the name of the cluster it is in"),
};

type Filters = { name?: string; labels?: Record<string, string>; clusterId?: string; clusterName?: string };

/** The clusters an object is in: its `cluster`, or the `clusters` of a content-library object. */
const clustersOf = (w: Listed): Ref[] => (w.cluster ? [w.cluster] : (w.clusters ?? []));

function matchesCommon(w: Listed, f: Filters): boolean {
  if (f.name !== undefined && w.name !== f.name) return false;
  if (f.clusterId !== undefined && !clustersOf(w).some((c) => c.id === f.clusterId)) return false;
  if (f.clusterName !== undefined && !clustersOf(w).some((c) => c.name === f.clusterName)) return false;
  for (const [k, v] of Object.entries(f.labels ?? {})) if (!(w.labels ?? []).some((l) => l.key === k && (l.value ?? "") === v)) return false;
  return true;
}

const labelsOf = (w: Listed) => labelsOfWire(w.labels);
const inCluster = (w: Listed) => {
  const c = clustersOf(w);
  return c.length ? ` in ${c.map((x) => x.name).join(", ")}` : "";
};
const describe = (w: Listed) => `${w.name} (id ${w.id}${inCluster(w)})`;

const LABELS_OUT = { labels: z.record(z.string(), z.string()).describe("its labels, key: value") };
const CLUSTER_OUT = { clusterId: z.string(), clusterName: z.string() };
const cluster = (w: Listed) => ({ clusterId: w.cluster?.id ?? "", clusterName: w.cluster?.name ?? "" });

/**
 * A look-up of one CloudTower kind with the shared filters (name, labels and, for `inCluster` kinds, the
 * cluster) plus its own.
 */
function towerLookup<N extends string, W extends Listed, A extends z.ZodRawShape, R extends z.ZodRawShape>(o: {
  name: N;
  noun: string;
  path: string;
  description: string;
  inCluster: boolean;
  args?: A;
  matches?: (w: W, a: Record<string, unknown>) => boolean;
  result: R;
  toResult: (w: W) => z.output<z.ZodObject<R>>;
}) {
  const args = { ...NAME, ...(o.inCluster ? IN_CLUSTER : {}), ...LABELS, ...(o.args ?? ({} as A)) };
  return defineLookup({
    vendor,
    name: o.name,
    noun: o.noun,
    description: o.description,
    args,
    identifiedBy: Object.keys(args).filter((k) => k !== "clusterId" && k !== "clusterName") as (keyof typeof args & string)[],
    result: z.object({ id: z.string().describe("its id"), name: z.string().describe("its name"), ...o.result }),
    list: (client: TowerClient) => list<W>(client, o.path),
    matches: (w: W, a) => matchesCommon(w, a as Filters) && (o.matches?.(w, a as Record<string, unknown>) ?? true),
    describe: (w: W) => describe(w),
    narrow: orList([...(o.inCluster ? ["clusterName (or clusterId)"] : []), ...Object.keys(o.args ?? {}), "labels"]),
    toResult: (w: W) => ({ id: w.id, name: w.name, ...o.toResult(w) }) as never,
  });
}

// ---- The look-ups ---------------------------------------------------------------------------------------

export const { getDatacenter, getDatacenterOutput } = towerLookup({
  name: "Datacenter",
  noun: "datacenter",
  path: "/get-datacenters",
  description: "A datacenter by name or labels.",
  inCluster: false,
  result: {
    organizationId: z.string(),
    clusterIds: z.array(z.string()).describe("the clusters in it"),
    ...LABELS_OUT,
  },
  toResult: (w: Listed & { organization?: Ref }) => ({
    organizationId: w.organization?.id ?? "",
    clusterIds: (w.clusters ?? []).map((c) => c.id),
    labels: labelsOf(w),
  }),
});

interface WireCluster extends Listed {
  ip: string;
  version: string;
  architecture?: string;
  datacenters?: Ref[];
}
export const { getCluster, getClusterOutput } = towerLookup({
  name: "Cluster",
  noun: "cluster",
  path: "/get-clusters",
  description: "A cluster by name, labels or datacenter.",
  inCluster: false,
  args: { datacenterName: z.string().min(1).optional().describe("the name of the datacenter it is in") },
  matches: (w: WireCluster, a) => a.datacenterName === undefined || (w.datacenters ?? []).some((d) => d.name === a.datacenterName),
  result: {
    ip: z.string().describe("its management address"),
    version: z.string(),
    architecture: z.string(),
    datacenterIds: z.array(z.string()),
    ...LABELS_OUT,
  },
  toResult: (w: WireCluster) => ({
    ip: w.ip,
    version: w.version,
    architecture: w.architecture ?? "",
    datacenterIds: (w.datacenters ?? []).map((d) => d.id),
    labels: labelsOf(w),
  }),
});

interface WireHost extends Listed {
  management_ip: string;
  status: string;
  total_cpu_cores: number;
  total_memory_bytes: number;
}
export const { getHost, getHostOutput } = towerLookup({
  name: "Host",
  noun: "host",
  path: "/get-hosts",
  description: "A host by name or management IP, within a cluster.",
  inCluster: true,
  args: { managementIp: z.string().min(1).optional().describe("its management IP address") },
  matches: (w: WireHost, a) => a.managementIp === undefined || w.management_ip === a.managementIp,
  result: {
    ...CLUSTER_OUT,
    managementIp: z.string(),
    status: z.string(),
    cpuCores: z.number(),
    memoryMb: z.number(),
    ...LABELS_OUT,
  },
  toResult: (w: WireHost) => ({
    ...cluster(w),
    managementIp: w.management_ip,
    status: w.status,
    cpuCores: w.total_cpu_cores,
    memoryMb: Math.round(w.total_memory_bytes / MiB),
    labels: labelsOf(w),
  }),
});

interface WireVds extends Listed {
  type: string;
}
export const { getVds, getVdsOutput } = towerLookup({
  name: "Vds",
  noun: "VDS",
  path: "/get-vdses",
  description: "A VDS (virtual distributed switch) by name, within a cluster.",
  inCluster: true,
  result: { ...CLUSTER_OUT, type: z.string().describe("VM, MANAGEMENT, STORAGE, …"), ...LABELS_OUT },
  toResult: (w: WireVds) => ({ ...cluster(w), type: w.type, labels: labelsOf(w) }),
});

interface WireVlan extends Listed {
  vlan_id: number;
  type: string;
  vds: Ref;
}
/** A VLAN names its VDS only; its cluster is the VDS's (the VDS list is shared with getVds). */
export const { getVlan, getVlanOutput } = defineLookup({
  vendor,
  name: "Vlan",
  noun: "VLAN",
  description: "A VM network (VLAN) by name, within a VDS or a cluster; its `id` is what a NIC's `vlanId` takes.",
  args: {
    ...NAME,
    vdsId: z.string().min(1).optional().describe("the id of its VDS"),
    vdsName: z.string().min(1).optional().describe("the name of its VDS"),
    ...IN_CLUSTER,
    vlanId: z.number().int().min(0).max(4094).optional().describe("its 802.1Q VLAN id"),
    ...LABELS,
  },
  identifiedBy: ["name", "vlanId", "labels"],
  result: z.object({
    id: z.string().describe("its id: what a NIC's `vlanId` takes"),
    name: z.string(),
    vlanId: z.number().describe("its 802.1Q VLAN id"),
    vdsId: z.string(),
    vdsName: z.string(),
    ...CLUSTER_OUT,
    ...LABELS_OUT,
  }),
  async list(client) {
    const [vlans, vdses] = await Promise.all([list<WireVlan>(client, "/get-vlans"), list<WireVds>(client, "/get-vdses")]);
    const clusterOf = new Map(vdses.map((v) => [v.id, v.cluster ?? undefined]));
    return vlans.filter((v) => v.type === "VM").map((v) => ({ ...v, cluster: clusterOf.get(v.vds.id) ?? null }));
  },
  matches: (w, a) =>
    matchesCommon(w, a) &&
    (a.vdsId === undefined || w.vds.id === a.vdsId) &&
    (a.vdsName === undefined || w.vds.name === a.vdsName) &&
    (a.vlanId === undefined || w.vlan_id === a.vlanId),
  describe: (w) => `${w.name} (id ${w.id}, VLAN ${w.vlan_id}, VDS ${w.vds.name}${inCluster(w)})`,
  narrow: orList(["vdsName (or vdsId)", "clusterName (or clusterId)", "vlanId", "labels"]),
  toResult: (w) => ({ id: w.id, name: w.name, vlanId: w.vlan_id, vdsId: w.vds.id, vdsName: w.vds.name, ...cluster(w), labels: labelsOf(w) }),
});

interface WireVm extends Listed {
  status: string;
  vcpu: number;
  memory: number;
  description: string;
  ips?: string;
  host?: Ref | null;
}
export const { getVm, getVmOutput } = towerLookup({
  name: "Vm",
  noun: "VM",
  path: "/get-vms",
  description: "A VM by name, within a cluster, with its current status.",
  inCluster: true,
  result: {
    ...CLUSTER_OUT,
    status: z.string().describe("RUNNING, STOPPED, SUSPENDED, …"),
    vcpu: z.number(),
    memoryMb: z.number(),
    description: z.string(),
    ips: z.string().describe("its guest IP addresses, as CloudTower lists them"),
    hostId: z.string().describe("the host it runs on; empty when it runs nowhere"),
    ...LABELS_OUT,
  },
  toResult: (w: WireVm) => ({
    ...cluster(w),
    status: w.status,
    vcpu: w.vcpu,
    memoryMb: Math.round(w.memory / MiB),
    description: splitMarker(w.description).text,
    ips: w.ips ?? "",
    hostId: w.host?.id ?? "",
    labels: labelsOf(w),
  }),
});

interface WireTemplate extends Listed {
  vcpu: number;
  memory: number;
  size: number;
  firmware: string;
  cloud_init_supported: boolean;
}
export const { getVmTemplate, getVmTemplateOutput } = towerLookup({
  name: "VmTemplate",
  noun: "VM template",
  path: "/get-vm-templates",
  description: "A VM template of a cluster by name; its `id` is what a `Vm`'s `template.templateId` takes.",
  inCluster: true,
  result: {
    ...CLUSTER_OUT,
    vcpu: z.number(),
    memoryMb: z.number(),
    sizeBytes: z.number().describe("the size of its disks"),
    firmware: z.string(),
    cloudInitSupported: z.boolean(),
    ...LABELS_OUT,
  },
  toResult: (w: WireTemplate) => ({
    ...cluster(w),
    vcpu: w.vcpu,
    memoryMb: Math.round(w.memory / MiB),
    sizeBytes: w.size,
    firmware: w.firmware,
    cloudInitSupported: w.cloud_init_supported,
    labels: labelsOf(w),
  }),
});

interface WireLibraryTemplate extends Listed {
  vcpu: number;
  memory: number;
  size: number;
  os?: string;
  cloud_init_supported: boolean;
  vm_templates?: Ref[];
  vm_template_uuids: string[];
}
export const { getContentLibraryVmTemplate, getContentLibraryVmTemplateOutput } = towerLookup({
  name: "ContentLibraryVmTemplate",
  noun: "content-library VM template",
  path: "/get-content-library-vm-templates",
  description: "A VM template of the content library by name, or the one distributed to a cluster.",
  inCluster: true,
  result: {
    clusterIds: z.array(z.string()).describe("the clusters it is distributed to"),
    vmTemplateIds: z.array(z.string()).describe("its VM template on each of those clusters"),
    vcpu: z.number(),
    memoryMb: z.number(),
    sizeBytes: z.number(),
    os: z.string(),
    cloudInitSupported: z.boolean(),
    ...LABELS_OUT,
  },
  toResult: (w: WireLibraryTemplate) => ({
    clusterIds: clustersOf(w).map((c) => c.id),
    vmTemplateIds: w.vm_template_uuids,
    vcpu: w.vcpu,
    memoryMb: Math.round(w.memory / MiB),
    sizeBytes: w.size,
    os: w.os ?? "",
    cloudInitSupported: w.cloud_init_supported,
    labels: labelsOf(w),
  }),
});

interface WireImage extends Listed {
  path: string;
  size: number;
  description: string;
}
export const { getIsoImage, getIsoImageOutput } = towerLookup({
  name: "IsoImage",
  noun: "ISO image",
  path: "/get-elf-images",
  description: "An ISO image uploaded to a cluster, by name.",
  inCluster: true,
  result: { ...CLUSTER_OUT, path: z.string(), sizeBytes: z.number(), description: z.string(), ...LABELS_OUT },
  toResult: (w: WireImage) => ({ ...cluster(w), path: w.path, sizeBytes: w.size, description: w.description, labels: labelsOf(w) }),
});

interface WireLibraryImage extends WireImage {
  elf_image_uuids: string[];
}
export const { getContentLibraryImage, getContentLibraryImageOutput } = towerLookup({
  name: "ContentLibraryImage",
  noun: "content-library image",
  path: "/get-content-library-images",
  description: "An ISO image of the content library by name, or the one distributed to a cluster.",
  inCluster: true,
  result: {
    clusterIds: z.array(z.string()),
    isoImageIds: z.array(z.string()).describe("its ISO image on each of those clusters"),
    path: z.string(),
    sizeBytes: z.number(),
    ...LABELS_OUT,
  },
  toResult: (w: WireLibraryImage) => ({
    clusterIds: clustersOf(w).map((c) => c.id),
    isoImageIds: w.elf_image_uuids,
    path: w.path,
    sizeBytes: w.size,
    labels: labelsOf(w),
  }),
});

interface WirePolicy extends Listed {
  replica_num: number;
  thin_provision: boolean;
}
export const { getStoragePolicy, getStoragePolicyOutput } = towerLookup({
  name: "StoragePolicy",
  noun: "storage policy",
  path: "/get-elf-storage-policies",
  description: "A storage policy of a cluster by name.",
  inCluster: true,
  result: { ...CLUSTER_OUT, replicas: z.number(), thinProvision: z.boolean() },
  toResult: (w: WirePolicy) => ({ ...cluster(w), replicas: w.replica_num, thinProvision: w.thin_provision }),
});
