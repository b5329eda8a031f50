/**
 * What a ChimeStack simulator holds after a reset: the demo account's AZ and catalogue (`DEMO`, whose
 * uuids tests and the bench name), and an installation to look things up in (`CATALOGUE`): two AZs with a
 * cluster named `general` each, hosts, networks and subnets in them, instance specs, volume specs, images
 * and security groups. Names repeat where a real installation repeats them, so that look-ups meet several
 * matches: `general` in both AZs, host `node-1` in both clusters, network `vm-net` in both clusters, subnet
 * `default` in three networks, instance spec `large` shared and dedicated (4 vCPUs, 8 GiB both), 2 vCPUs and
 * 4 GiB in `medium` and `general-2c4g`, volume spec `standard` on two storage pools, image `debian-12` as a
 * qcow2 disk and as an ISO. Objects have the fields the API reference's examples show (the simulator adds
 * the names of parents, `cluster_name` and `network_name`, as it answers).
 */
type Obj = Record<string, unknown> & { uuid: string };

export const DEMO = {
  user: "admin",
  password: "admin-pass",
  az: "cbd2819b-b49a-47ad-9fa4-307774d97865",
  instanceSpec: "5e0b8c74-1c1b-4a3a-9a5e-1f1f5e0b8c74",
  volumeSpec: "38112d5c-7f13-438a-aec5-d14de51bd30f",
  image: "993933dc-f0e2-4bd6-966f-0b4872ea93cc",
  securityGroup: "7d1c2b3a-0000-4000-8000-00000000a5a5",
  host: "a428263d-64a9-4653-8d7e-556c20c0d77a",
};

const id = (prefix: string, n: number) => `${prefix}-0000-4000-8000-${String(n).padStart(12, "0")}`;

/** The uuids of the installation every reset starts with, beside DEMO's. */
export const CATALOGUE = {
  az2: id("a2000000", 2),
  /** `general` in az-1 and in az-2. */
  general1: id("c1000000", 1),
  general2: id("c2000000", 2),
  /** Hosts: node-1 and node-2 of general in az-1, node-1 of general in az-2. */
  host1a: id("4a000000", 1),
  host2a: id("4a000000", 2),
  host1b: id("4b000000", 1),
  /** Networks: vm-net and backup-net of general in az-1, vm-net of general in az-2. */
  vmNet1: id("e1000000", 1),
  backupNet1: id("e1000000", 2),
  vmNet2: id("e2000000", 1),
  /** Subnets: default and dmz of vm-net and default of backup-net in az-1, default of vm-net in az-2. */
  default1: id("5b000000", 1),
  dmz1: id("5b000000", 2),
  backupDefault1: id("5b000000", 3),
  default2: id("5b000000", 4),
  /** Instance specs beside DEMO's small and medium. */
  medium: "6f1c9d85-2d2c-4b4b-8b6f-2f2f6f1c9d85",
  general2c4g: id("15000000", 3),
  largeShared: id("15000000", 4),
  largeDedicated: id("15000000", 5),
  /** Volume specs beside DEMO's ssd: hdd, and standard on the local SSD pool and on the Ceph pool. */
  hdd: id("75000000", 2),
  standardLocal: id("75000000", 3),
  standardCeph: id("75000000", 4),
  /** Images beside DEMO's ubuntu-22.04. */
  debian12Disk: id("1e000000", 2),
  debian12Iso: id("1e000000", 3),
  centos7: id("1e000000", 4),
  /** Security groups beside DEMO's default. */
  webSg: id("5c000000", 2),
};

const C = CATALOGUE;
const GIB = 1024 ** 3;
const MIB = 1024 ** 2;
const POOLS = {
  ssd: { storage_pool_uuid: id("9f000000", 1), storage_pool_name: "local-ssd" },
  hdd: { storage_pool_uuid: id("9f000000", 2), storage_pool_name: "local-hdd" },
  ceph: { storage_pool_uuid: id("9f000000", 3), storage_pool_name: "ceph" },
};

type Collection = "azs" | "clusters" | "hosts" | "networks" | "subnets" | "specs" | "volumeSpecs" | "images" | "sgs";

/** Every seeded object by collection, stamped `created_at`. */
export function catalogue(createdAt: string): Record<Collection, Obj[]> {
  const at = { created_at: createdAt };
  const azs = [
    { uuid: DEMO.az, name: "az-1", description: "", state: 1, ...at },
    { uuid: C.az2, name: "az-2", description: "second site", state: 1, ...at },
  ];
  const cluster = (uuid: string, az: Obj) => ({
    uuid,
    name: "general",
    description: "",
    arch: "x86_64",
    hypervisor_type: "kvm",
    type: 0,
    state: 1,
    az_uuid: az.uuid,
    az_name: az.name,
    ...at,
  });
  const clusters = [cluster(C.general1, azs[0]), cluster(C.general2, azs[1])];
  const host = (uuid: string, name: string, c: Obj, n: number) => ({
    uuid,
    name,
    description: "",
    az_uuid: c.az_uuid,
    cluster_uuid: c.uuid,
    rack_name: "rack1",
    manage_ip: `192.168.${n}.10`,
    node_ip: `10.10.${n}.10`,
    storage_ip: `172.28.${n}.10`,
    reserved_ip1: "",
    reserved_ip2: "",
    state: 1,
    monitor_state: 0,
    operation: "",
    heartbeat_at: createdAt,
    physical_vcpus: 32,
    physical_memory: 128 * GIB,
    total_vcpus: 32,
    total_memory: 128 * GIB,
    used_vcpus: 0,
    used_memory: 0,
    reserved_vcpus: 0,
    reserved_memory: 0,
    domains: 0,
    active_domains: 0,
    vm_count: 0,
    vm_running_count: 0,
    networks: [],
    storage_pools: [],
    // The installer's task, as getHost's example shows one.
    tasks: [
      {
        uuid: id("7a000000", n),
        operation_name: "create",
        resource_type: "host",
        resource_uuid: uuid,
        state: 1,
        description: `create-host-flowchain-${uuid}`,
        request_id: id("7b000000", n),
        created_at: createdAt,
        updated_at: createdAt,
        finished_at: createdAt,
      },
    ],
    vms: [],
    ...at,
  });
  const hosts = [host(C.host1a, "node-1", clusters[0], 1), host(C.host2a, "node-2", clusters[0], 2), host(C.host1b, "node-1", clusters[1], 3)];
  const network = (uuid: string, name: string, c: Obj, bridge: string) => ({
    uuid,
    name,
    bridge_name: bridge,
    interface_name: "eth1",
    type: 0,
    vlan_id: "",
    description: "",
    az_uuid: c.az_uuid,
    cluster_uuid: c.uuid,
    state: 1,
    ...at,
  });
  const networks = [
    network(C.vmNet1, "vm-net", clusters[0], "br-vm"),
    network(C.backupNet1, "backup-net", clusters[0], "br-backup"),
    network(C.vmNet2, "vm-net", clusters[1], "br-vm"),
  ];
  const subnet = (uuid: string, name: string, n: Obj, cidr: string) => ({
    uuid,
    name,
    cidr,
    gateway: cidr.replace(/\.\d+\/\d+$/, ".254"),
    reserved_ips: "",
    description: "",
    type: 0,
    network_uuid: n.uuid,
    cluster_uuid: n.cluster_uuid,
    az_uuid: n.az_uuid,
    state: 1,
    ...at,
  });
  const subnets = [
    subnet(C.default1, "default", networks[0], "10.1.0.1/24"),
    subnet(C.dmz1, "dmz", networks[0], "10.1.1.1/24"),
    subnet(C.backupDefault1, "default", networks[1], "10.2.0.1/24"),
    subnet(C.default2, "default", networks[2], "10.20.0.1/24"),
  ];
  const spec = (uuid: string, name: string, vcpus: number, memory: number, type: number, description: string) => ({
    uuid,
    name,
    vcpus,
    memory,
    type,
    description,
    cluster_count: 2,
    state: 1,
    ...at,
  });
  const specs = [
    spec(DEMO.instanceSpec, "small", 1, GIB, 0, "1 vcpu, 1g memory"),
    spec(C.medium, "medium", 2, 4 * GIB, 0, "2 vcpus, 4g memory"),
    spec(C.general2c4g, "general-2c4g", 2, 4 * GIB, 0, "2 vcpus, 4g memory"),
    spec(C.largeShared, "large", 4, 8 * GIB, 0, "4 vcpus, 8g memory, shared"),
    spec(C.largeDedicated, "large", 4, 8 * GIB, 1, "4 vcpus, 8g memory, dedicated"),
  ];
  const volumeSpec = (uuid: string, name: string, pool: (typeof POOLS)[keyof typeof POOLS], iops: number, throughput: number) => ({
    uuid,
    name,
    description: "",
    ...pool,
    min_iops: iops / 10,
    max_iops: iops,
    step_iops: iops / 100,
    min_throughput: throughput / 10,
    max_throughput: throughput,
    step_throughput: throughput / 100,
    cluster_count: 2,
    state: 1,
    ...at,
  });
  const volumeSpecs = [
    volumeSpec(DEMO.volumeSpec, "ssd", POOLS.ssd, 10000, 500 * MIB),
    volumeSpec(C.hdd, "hdd", POOLS.hdd, 1000, 100 * MIB),
    volumeSpec(C.standardLocal, "standard", POOLS.ssd, 5000, 200 * MIB),
    volumeSpec(C.standardCeph, "standard", POOLS.ceph, 5000, 200 * MIB),
  ];
  const image = (uuid: string, name: string, format: string, osType: string, osDetail: string, bootType: string) => ({
    uuid,
    name,
    format,
    os_type: osType,
    os_detail: osDetail,
    os_arch: "x86_64",
    boot_type: bootType,
    description: "",
    install_url: `file:///root/images/${name}.${format}`,
    bucket_uuid: "public",
    bucket_name: "public",
    shared: 1,
    operation: "",
    state: 1,
    ...at,
  });
  const images = [
    image(DEMO.image, "ubuntu-22.04", "qcow2", "linux", "Ubuntu 22.04", "bios"),
    image(C.debian12Disk, "debian-12", "qcow2", "linux", "Debian 12", "bios"),
    image(C.debian12Iso, "debian-12", "iso", "linux", "Debian 12", "bios"),
    image(C.centos7, "centos-7", "qcow2", "linux", "CentOS 7.x", "bios"),
  ];
  // The API reference shows no security group in a list or get answer: we assume the SGRequest fields
  // (name, description, rules) plus uuid, state and created_at, as its other objects have them.
  const rule = (direction: number, dport: string) => ({
    direction,
    action: "ACCEPT",
    protocol: "tcp",
    sip: "0.0.0.0/0",
    dip: "0.0.0.0/0",
    sport: "1:65535",
    dport,
    description: "",
  });
  const sg = (uuid: string, name: string, description: string, ingress: string[]) => ({
    uuid,
    name,
    description,
    ingress_rules: ingress.map((p) => rule(0, p)),
    egress_rules: [rule(1, "1:65535")],
    state: 1,
    ...at,
  });
  const sgs = [sg(DEMO.securityGroup, "default", "everything out, nothing in", []), sg(C.webSg, "web", "HTTP and HTTPS in", ["80:80", "443:443"])];
  return { azs, clusters, hosts, networks, subnets, specs, volumeSpecs, images, sgs };
}
