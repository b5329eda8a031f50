/**
 * ChimeStack look-ups: availability zones, clusters, hosts, networks, subnets, volumes, instance specs, volume specs,
 * images and security groups, each by name or by its own filters, and within the AZ, cluster or network it
 * lives in. ChimeStack lists what lives in an AZ under the AZ's path (`/v1/az/<az>/cluster/<cluster>/host`):
 * a look-up reads the AZs, the clusters of every AZ, then the hosts or networks of every cluster (and the
 * subnets of every network), every page of each, and filters here. Each list is read once per program and
 * endpoint and shared by every look-up that needs it (a subnet's and a network's look-ups share the AZ,
 * cluster and network lists), so look-ups of one kind cost one request per list however many a program makes.
 */
import { z } from "zod";
import { defineLookup, listOnce, orList, splitMarker, uuid } from "../core";
import { ChimeClient, clusterPath, networkPath, subnetPath, volumePath } from "./client";
import { TYPES as CLUSTER_TYPES, WireCluster } from "./cluster";
import { vendor } from "./config";
import { NET_TYPES, WireNetwork } from "./network";
import { WireRule, fromWire } from "./security-group";
import type { WireSubnet } from "./subnet";
import type { WireVolume } from "./volume";

const GIB = 1024 ** 3;

type Ref = { uuid: string; name: string };
/** Where a listed object lives: the AZ, cluster and network whose lists it was read in. */
interface Place {
  az?: Ref;
  cluster?: Ref;
  network?: Ref;
}
/** What every listed object carries that the shared filters read. */
type Listed = { uuid: string; name: string; description?: string } & Place;

const ref = (w: Ref): Ref => ({ uuid: w.uuid, name: w.name });

/** Every element of one list (every page), read once per program and endpoint. */
const listed = <W>(c: ChimeClient, path: string) => listOnce<W>(c, path, () => c.list<W>(path));

/** The objects listed under each parent (`path(parent)`), each with the place it was read in. */
async function under<P extends Listed, W>(c: ChimeClient, parents: Promise<P[]>, path: (p: P) => string, place: (p: P) => Place): Promise<Array<W & Place>> {
  const lists = await Promise.all((await parents).map(async (p) => (await listed<W>(c, path(p))).map((w) => ({ ...w, ...place(p) }))));
  return lists.flat();
}

interface WireAz extends Listed {
  state: number;
}
const azs = (c: ChimeClient) => listed<WireAz>(c, "/v1/az");
const clusters = (c: ChimeClient) =>
  under<WireAz, WireCluster>(
    c,
    azs(c),
    (a) => clusterPath(a.uuid),
    (a) => ({ az: ref(a) }),
  );
/** The place of what lives in a cluster, and the path of that cluster. */
const inCluster = (k: WireCluster & Place) => ({ place: { az: k.az, cluster: ref(k) }, path: { azUuid: k.az!.uuid, clusterUuid: k.uuid } });
const networks = (c: ChimeClient) =>
  under<WireCluster & Place, WireNetwork>(
    c,
    clusters(c),
    (k) => networkPath(inCluster(k).path),
    (k) => inCluster(k).place,
  );

// ---- Filters every look-up shares ---------------------------------------------------------------------

const NAME = { name: z.string().min(1).optional().describe("its name, exactly") };
/** For kinds that live nowhere in particular: what tells apart two that share a name. */
const BY_UUID = { uuid: z.string().min(1).optional().describe("its uuid, to tell apart objects that share a name") };
const IN_AZ = {
  azName: z.string().min(1).optional().describe("the name of the availability zone it is in"),
  azUuid: uuid("an availability zone").optional().describe("the uuid of the availability zone it is in"),
};
const IN_CLUSTER = {
  clusterName: z.string().min(1).optional().describe("the name of the cluster it is in"),
  clusterUuid: uuid("a cluster").optional().describe("the uuid of the cluster it is in"),
};
const IN_NETWORK = {
  networkName: z.string().min(1).optional().describe("the name of the network it is in"),
  networkUuid: uuid("a network").optional().describe("the uuid of the network it is in"),
};

const AZ_OUT = { azUuid: z.string().describe("the uuid of its availability zone"), azName: z.string().describe("the name of its availability zone") };
const CLUSTER_OUT = { clusterUuid: z.string().describe("the uuid of its cluster"), clusterName: z.string().describe("the name of its cluster") };
const NETWORK_OUT = { networkUuid: z.string().describe("the uuid of its network"), networkName: z.string().describe("the name of its network") };

/** Where a kind lives, from the innermost place out: its filters, and what results say of it. */
const SCOPES = {
  global: { args: {}, out: {}, levels: [] },
  az: { args: IN_AZ, out: AZ_OUT, levels: ["az"] },
  cluster: { args: { ...IN_CLUSTER, ...IN_AZ }, out: { ...CLUSTER_OUT, ...AZ_OUT }, levels: ["cluster", "az"] },
  network: { args: { ...IN_NETWORK, ...IN_CLUSTER, ...IN_AZ }, out: { ...NETWORK_OUT, ...CLUSTER_OUT, ...AZ_OUT }, levels: ["network", "cluster", "az"] },
} as const;
type Scope = keyof typeof SCOPES;
type Level = "az" | "cluster" | "network";

function inScope(w: Listed, a: Record<string, unknown>, levels: readonly Level[]): boolean {
  return levels.every((l) => (a[`${l}Name`] === undefined || w[l]?.name === a[`${l}Name`]) && (a[`${l}Uuid`] === undefined || w[l]?.uuid === a[`${l}Uuid`]));
}

const placeOf = (w: Listed, levels: readonly Level[]) =>
  Object.assign({}, ...levels.map((l) => ({ [`${l}Uuid`]: w[l]?.uuid ?? "", [`${l}Name`]: w[l]?.name ?? "" })));
/** Its place in a message: `in az-1/general/vm-net`. */
const placeText = (w: Listed) => {
  const path = [w.az, w.cluster, w.network].filter((r): r is Ref => r !== undefined).map((r) => r.name);
  return path.length ? `, in ${path.join("/")}` : "";
};
const text = (d: string | undefined) => splitMarker(d).text;

/**
 * A look-up of one ChimeStack kind with the shared filters (name, and the AZ, cluster and network of its
 * scope) plus its own: `keys` identify an object like its name, `narrowing` only tell several apart.
 */
type NoFilters = Record<never, never>;
function chimeLookup<
  N extends string,
  S extends Scope,
  W extends Listed,
  R extends z.ZodRawShape,
  K extends z.ZodRawShape = NoFilters,
  B extends z.ZodRawShape = NoFilters,
>(o: {
  name: N;
  noun: string;
  description: string;
  scope: S;
  list: (c: ChimeClient) => Promise<W[]>;
  keys?: K;
  narrowing?: B;
  matches?: (w: W, a: Record<string, unknown>) => boolean;
  /** Other filters that tell several matches apart, named last in "several found". */
  narrowAlso?: string[];
  /** Of a candidate in messages, after its uuid: `4 vCPUs, 8 GiB, dedicated`. */
  detail?: (w: W) => string;
  result: R;
  toResult: (w: W) => z.output<z.ZodObject<R>>;
}) {
  const scope: (typeof SCOPES)[S] = SCOPES[o.scope];
  const args = { ...NAME, ...(o.keys ?? ({} as K)), ...(o.narrowing ?? ({} as B)), ...(scope.args as (typeof SCOPES)[S]["args"]) };
  const levels = scope.levels as readonly Level[];
  return defineLookup({
    vendor,
    name: o.name,
    noun: o.noun,
    description: o.description,
    args,
    identifiedBy: ["name", ...Object.keys(o.keys ?? {})] as (keyof typeof args & string)[],
    result: z.object({ id: z.string().describe("its uuid"), name: z.string().describe("its name"), ...(scope.out as (typeof SCOPES)[S]["out"]), ...o.result }),
    list: o.list,
    matches: (w: W, a) => {
      const f = a as Record<string, unknown>;
      return (f.name === undefined || w.name === f.name) && (f.uuid === undefined || w.uuid === f.uuid) && inScope(w, f, levels) && (o.matches?.(w, f) ?? true);
    },
    describe: (w: W) => `${w.name} (uuid ${w.uuid}${o.detail ? `, ${o.detail(w)}` : ""}${placeText(w)})`,
    narrow: orList([...levels.map((l) => `${l}Name (or ${l}Uuid)`), ...Object.keys(o.narrowing ?? {}), ...(o.narrowAlso ?? [])]),
    toResult: (w: W) => ({ id: w.uuid, name: w.name, ...placeOf(w, levels), ...o.toResult(w) }) as never,
  });
}

// ---- The look-ups ---------------------------------------------------------------------------------------

export const { getAz, getAzOutput } = chimeLookup({
  name: "Az",
  noun: "availability zone",
  description: "An availability zone by name; its `id` is what `azUuid` takes.",
  scope: "global",
  list: azs,
  narrowing: BY_UUID,
  result: { description: z.string(), state: z.number().describe("1 enabled, 2 disabled") },
  toResult: (w: WireAz) => ({ description: w.description ?? "", state: w.state }),
});

export const { getCluster, getClusterOutput } = chimeLookup({
  name: "Cluster",
  noun: "cluster",
  description: "A cluster by name, within an availability zone; its `id` is what `clusterUuid` takes.",
  scope: "az",
  list: clusters,
  result: {
    description: z.string(),
    type: z.string().describe("hyperconverged, compute or storage"),
    hypervisorType: z.string(),
    arch: z.string(),
    state: z.number().describe("1 enabled, 2 disabled"),
  },
  toResult: (w: WireCluster & Place) => ({
    description: text(w.description),
    type: CLUSTER_TYPES[w.type] ?? String(w.type),
    hypervisorType: w.hypervisor_type,
    arch: w.arch,
    state: w.state,
  }),
});

interface WireHost extends Listed {
  manage_ip: string;
  storage_ip?: string;
  node_ip?: string;
  rack_name?: string;
  state: number;
  total_vcpus?: number;
  total_memory?: number;
  vm_count?: number;
}
export const { getHost, getHostOutput } = chimeLookup({
  name: "Host",
  noun: "host",
  description: "A host by name or management IP, within a cluster or an availability zone; its `id` is what a `Vm`'s `hostUuid` takes.",
  scope: "cluster",
  list: (c) =>
    under<WireCluster & Place, WireHost>(
      c,
      clusters(c),
      (k) => `${clusterPath(k.az!.uuid, k.uuid)}/host`,
      (k) => inCluster(k).place,
    ),
  keys: { manageIp: z.string().min(1).optional().describe("its management IP address") },
  matches: (w: WireHost, a) => a.manageIp === undefined || w.manage_ip === a.manageIp,
  detail: (w: WireHost) => `management IP ${w.manage_ip}`,
  result: {
    manageIp: z.string().describe("its management IP address"),
    storageIp: z.string(),
    nodeIp: z.string(),
    rackName: z.string(),
    state: z.number(),
    vcpus: z.number().describe("its vCPUs in all"),
    memoryBytes: z.number().describe("its memory in all"),
    vmCount: z.number(),
  },
  toResult: (w: WireHost) => ({
    manageIp: w.manage_ip,
    storageIp: w.storage_ip ?? "",
    nodeIp: w.node_ip ?? "",
    rackName: w.rack_name ?? "",
    state: w.state,
    vcpus: w.total_vcpus ?? 0,
    memoryBytes: w.total_memory ?? 0,
    vmCount: w.vm_count ?? 0,
  }),
});

export const { getNetwork, getNetworkOutput } = chimeLookup({
  name: "Network",
  noun: "network",
  description: "A network by name, within a cluster or an availability zone.",
  scope: "cluster",
  list: networks,
  result: {
    bridgeName: z.string(),
    interfaceName: z.string(),
    type: z.string().describe("classical, vlan or vxlan"),
    state: z.number(),
    description: z.string(),
  },
  toResult: (w: WireNetwork & Place) => ({
    bridgeName: w.bridge_name ?? "",
    interfaceName: w.interface_name,
    type: NET_TYPES[w.type] ?? String(w.type),
    state: w.state,
    description: text(w.description),
  }),
});

export const { getSubnet, getSubnetOutput } = chimeLookup({
  name: "Subnet",
  noun: "subnet",
  description: "A subnet by name or CIDR, within a network, a cluster or an availability zone; its `id` is what a NIC's `subnetUuid` takes.",
  scope: "network",
  list: (c) =>
    under<WireNetwork & Place, WireSubnet>(
      c,
      networks(c),
      (n) => subnetPath({ azUuid: n.az!.uuid, clusterUuid: n.cluster!.uuid, networkUuid: n.uuid }),
      (n) => ({ az: n.az, cluster: n.cluster, network: ref(n) }),
    ),
  keys: { cidr: z.string().min(1).optional().describe('its CIDR as ChimeStack shows it, e.g. "192.168.231.1/24"') },
  matches: (w: WireSubnet & Place, a) => a.cidr === undefined || w.cidr === a.cidr,
  detail: (w: WireSubnet & Place) => w.cidr,
  result: { cidr: z.string(), gateway: z.string(), reservedIps: z.string(), state: z.number(), description: z.string() },
  toResult: (w: WireSubnet & Place) => ({
    cidr: w.cidr,
    gateway: w.gateway ?? "",
    reservedIps: w.reserved_ips ?? "",
    state: w.state,
    description: text(w.description),
  }),
});

const SPEC_TYPES = ["shared", "dedicated"] as const;
interface WireInstanceSpec extends Listed {
  vcpus: number;
  memory: number;
  type: number;
  state: number;
}
export const { getInstanceSpec, getInstanceSpecOutput } = chimeLookup({
  name: "InstanceSpec",
  noun: "instance spec",
  description: "An instance spec (vCPUs and memory) by name, or by its vCPUs and memory exactly; its `id` is what a `Vm`'s `instanceSpecUuid` takes.",
  scope: "global",
  list: (c) => listed<WireInstanceSpec>(c, "/v1/instance_spec"),
  keys: {
    vcpus: z.number().int("must be a whole number").positive("must be positive").optional().describe("its vCPUs, exactly"),
    memoryGb: z.number().positive("must be positive").optional().describe("its memory in GiB, exactly (ChimeStack keeps bytes: 0.5 is 536870912)"),
  },
  narrowing: { type: z.enum(SPEC_TYPES).optional().describe("shared (type 0) or dedicated (type 1) resources") },
  // Specs found by vCPUs and memory differ by name.
  narrowAlso: ["name"],
  matches: (w: WireInstanceSpec, a) =>
    (a.vcpus === undefined || w.vcpus === a.vcpus) &&
    (a.memoryGb === undefined || w.memory === Math.round((a.memoryGb as number) * GIB)) &&
    (a.type === undefined || SPEC_TYPES[w.type] === a.type),
  detail: (w: WireInstanceSpec) => `${w.vcpus} vCPUs, ${w.memory / GIB} GiB, ${SPEC_TYPES[w.type] ?? `type ${w.type}`}`,
  result: {
    vcpus: z.number(),
    memoryGb: z.number(),
    memoryBytes: z.number(),
    type: z.string().describe("shared or dedicated"),
    description: z.string(),
    state: z.number(),
  },
  toResult: (w: WireInstanceSpec) => ({
    vcpus: w.vcpus,
    memoryGb: w.memory / GIB,
    memoryBytes: w.memory,
    type: SPEC_TYPES[w.type] ?? String(w.type),
    description: w.description ?? "",
    state: w.state,
  }),
});

interface WireVolumeSpec extends Listed {
  storage_pool_uuid: string;
  storage_pool_name: string;
  min_iops: number;
  max_iops: number;
  min_throughput: number;
  max_throughput: number;
  state: number;
}
export const { getVolumeSpec, getVolumeSpecOutput } = chimeLookup({
  name: "VolumeSpec",
  noun: "volume spec",
  description: "A volume spec (a storage pool and its IOPS and throughput) by name; its `id` is what a volume's `volumeSpecUuid` takes.",
  scope: "global",
  list: (c) => listed<WireVolumeSpec>(c, "/v1/volume_spec"),
  narrowing: {
    storagePoolName: z.string().min(1).optional().describe("the name of its storage pool"),
    storagePoolUuid: uuid("a storage pool").optional().describe("the uuid of its storage pool"),
  },
  matches: (w: WireVolumeSpec, a) =>
    (a.storagePoolName === undefined || w.storage_pool_name === a.storagePoolName) &&
    (a.storagePoolUuid === undefined || w.storage_pool_uuid === a.storagePoolUuid),
  detail: (w: WireVolumeSpec) => `storage pool ${w.storage_pool_name}`,
  result: {
    storagePoolUuid: z.string(),
    storagePoolName: z.string(),
    minIops: z.number(),
    maxIops: z.number(),
    minThroughput: z.number().describe("bytes per second"),
    maxThroughput: z.number().describe("bytes per second"),
    description: z.string(),
    state: z.number(),
  },
  toResult: (w: WireVolumeSpec) => ({
    storagePoolUuid: w.storage_pool_uuid,
    storagePoolName: w.storage_pool_name,
    minIops: w.min_iops,
    maxIops: w.max_iops,
    minThroughput: w.min_throughput,
    maxThroughput: w.max_throughput,
    description: w.description ?? "",
    state: w.state,
  }),
});

interface WireImage extends Listed {
  format: string;
  os_type?: string;
  os_detail?: string;
  os_arch?: string;
  boot_type?: string;
  bucket_name?: string;
  shared?: number;
  state: number;
}
export const { getImage, getImageOutput } = chimeLookup({
  name: "Image",
  noun: "image",
  description: "An image by name; its `id` is what a volume's or a CD-ROM's `imageUuid` takes.",
  scope: "global",
  list: (c) => listed<WireImage>(c, "/v1/image"),
  narrowing: {
    format: z.string().min(1).optional().describe("qcow2, raw, iso, …"),
    osType: z.string().min(1).optional().describe("its OS type as ChimeStack shows it"),
  },
  matches: (w: WireImage, a) => (a.format === undefined || w.format === a.format) && (a.osType === undefined || w.os_type === a.osType),
  detail: (w: WireImage) => `${w.format}${w.os_detail ? `, ${w.os_detail}` : ""}`,
  result: {
    format: z.string(),
    osType: z.string(),
    osDetail: z.string(),
    osArch: z.string(),
    bootType: z.string(),
    bucketName: z.string(),
    shared: z.boolean(),
    state: z.number().describe("1 ready, 0 being made"),
    description: z.string(),
  },
  toResult: (w: WireImage) => ({
    format: w.format,
    osType: w.os_type ?? "",
    osDetail: w.os_detail ?? "",
    osArch: w.os_arch ?? "",
    bootType: w.boot_type ?? "",
    bucketName: w.bucket_name ?? "",
    shared: w.shared === 1,
    state: w.state,
    description: text(w.description),
  }),
});

// The API reference shows no security group in a list or get answer: we read `uuid`, `name`,
// `description` and the rules, the fields its other objects have and its create request (SGRequest) takes.
type WireGroup = Listed & { ingress_rules?: WireRule[]; egress_rules?: WireRule[] };
const RULES = z.array(
  z.object({
    protocol: z.string(),
    action: z.string(),
    sourceCidr: z.string(),
    destinationCidr: z.string(),
    sourcePorts: z.string(),
    destinationPorts: z.string(),
    description: z.string(),
  }),
);
export const { getSecurityGroup, getSecurityGroupOutput } = chimeLookup({
  name: "SecurityGroup",
  noun: "security group",
  description: "A security group by name, with its rules; its `id` is what a NIC's `securityGroupUuid` takes.",
  scope: "global",
  list: (c) => listed<WireGroup>(c, "/v1/securitygroup"),
  narrowing: BY_UUID,
  result: { description: z.string(), ingressRules: RULES, egressRules: RULES },
  toResult: (w: WireGroup) => ({
    description: text(w.description),
    ingressRules: (w.ingress_rules ?? []).map(fromWire),
    egressRules: (w.egress_rules ?? []).map(fromWire),
  }),
});

type ListedVolume = WireVolume & Place;
export const { getVolume, getVolumeOutput } = chimeLookup({
  name: "Volume",
  noun: "volume",
  description:
    "A volume by name, within a cluster or an availability zone (made apart or a VM's), or the one attached to a VM; its `id` is what a `VolumeSnapshot`'s `volumeUuid` takes.",
  scope: "cluster",
  list: (c) =>
    under<WireCluster & Place, WireVolume>(
      c,
      clusters(c),
      (k) => volumePath(inCluster(k).path),
      (k) => inCluster(k).place,
    ),
  narrowing: {
    vmUuid: uuid("a VM").optional().describe("the uuid of a VM it is attached to"),
    ...BY_UUID,
  },
  matches: (w: ListedVolume, a) => a.vmUuid === undefined || w.attached_vms.some((v) => v.uuid === a.vmUuid),
  detail: (w: ListedVolume) => `${w.size / GIB} GiB${w.attached_vms.length ? `, on VM ${w.attached_vms.map((v) => v.uuid).join(", ")}` : ""}`,
  result: {
    sizeGb: z.number(),
    volumeSpecUuid: z.string(),
    root: z.boolean().describe("a VM's root volume"),
    attachedVmUuids: z.array(z.string()),
    state: z.number().describe("0 being made, 1 free, 2 attached"),
    description: z.string(),
  },
  toResult: (w: ListedVolume) => ({
    sizeGb: w.size / GIB,
    volumeSpecUuid: w.volume_spec_uuid,
    root: w.root === 1,
    attachedVmUuids: w.attached_vms.map((v) => v.uuid),
    state: w.state,
    description: text(w.description),
  }),
});
