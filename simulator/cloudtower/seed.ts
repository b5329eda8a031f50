/**
 * The simulator's starting point: one organization and datacenter, two connected clusters with hosts and
 * a VDS each, a management VLAN, VM templates, an existing VM to adopt, a cluster appliance that
 * `/connect-cluster` can reach, and the `admin` user.
 */
import { Entity } from "./where";
import { TowerState, cuid, mac } from "./state";

export const DEMO_USER = { username: "admin", password: "tower-pass" };
export const FREE_VOLUME = "cl0vo1umefree000000000001";
export const APPLIANCE = { ip: "10.0.0.30", username: "root", password: "cluster-pass", name: "cluster-c", version: "6.1.0" };

export function seedTower(s: TowerState) {
  s.users.set(DEMO_USER.username, { password: DEMO_USER.password, source: "LOCAL" });
  s.appliances = [APPLIANCE];
  const org = s.put("organizations", { id: "cl0rg0000000000000000demo", name: "Demo Org" });
  const dc = s.put("datacenters", { id: "cl0dc00000000000000000dc1", name: "dc-1", organization: { id: org.id, name: org.name } });
  org.datacenters = [{ id: dc.id, name: dc.name }];
  for (const [n, ip] of [
    ["a", "10.0.0.10"],
    ["b", "10.0.0.20"],
  ] as const) {
    const cluster = addCluster(s, { id: `cl0c1uster00000000000000${n}`, name: `cluster-${n}`, ip, datacenterId: dc.id });
    s.clusterCredentials.set(cluster.id, { username: "root", password: "cluster-pass" });
  }
  const a = s.get("clusters", "cl0c1uster00000000000000a")!;
  const b = s.get("clusters", "cl0c1uster00000000000000b")!;
  // Labels (key=value); the clusters carry an env label, so look-ups can filter by it.
  const label = (id: string, key: string, value: string) => s.put("labels", { id, key, value, createdAt: new Date(s.now()).toISOString() });
  const prod = label("cl0labe1000000000000prod1", "env", "prod");
  const dev = label("cl0labe1000000000000dev01", "env", "dev");
  const nested = (l: Entity) => ({ id: l.id, key: l.key, value: l.value });
  a.labels = [nested(prod)];
  b.labels = [nested(dev)];
  // VM templates, each with one system disk and one NIC on the default network. Both clusters have a
  // "debian-12" (names repeat across clusters, as they do on a real CloudTower).
  for (const [c, t] of [
    [a, { id: "cl0temp1ate0000000000deb1", name: "debian-12", cores: 2, sockets: 1, memGb: 2, firmware: "BIOS", diskGb: 20 }],
    [a, { id: "cl0temp1ate0000000000uef1", name: "rocky-9-uefi", cores: 2, sockets: 2, memGb: 4, firmware: "UEFI", diskGb: 40 }],
    [b, { id: "cl0temp1ate0000000000deb2", name: "debian-12", cores: 2, sockets: 1, memGb: 2, firmware: "BIOS", diskGb: 20 }],
  ] as const) {
    const size = t.diskGb * 1024 ** 3;
    const localId = s.newLocalId();
    s.put(
      "templates",
      template(s, {
        id: t.id,
        name: t.name,
        clusterId: c.id,
        cpu: { cores: t.cores, sockets: t.sockets },
        memory: t.memGb * 1024 ** 3,
        firmware: t.firmware,
        ha: true,
        disks: [
          frozenDisk({ boot: 0, bus: "VIRTIO", type: "DISK", index: 0, size, path: `/usr/share/smartx/volumes/${localId}`, localId, name: `${t.name}-disk-0` }),
        ],
        nics: [frozenNic(s, { id: "", vlan: { id: defaultVlanId(c.id) }, model: "VIRTIO", enabled: true, mirror: false }, 0)],
      }),
    );
  }
  // The content library: one VM template and one ISO image, each on both clusters.
  s.put("contentLibraryVmTemplates", {
    id: "cl0c1vmtemp1ate00000deb12",
    name: "debian-12-library",
    description: "Debian 12 for every cluster",
    createdAt: new Date(s.now()).toISOString(),
    architecture: "X86_64",
    cloud_init_supported: true,
    vcpu: 2,
    memory: 2 * 1024 ** 3,
    size: 20 * 1024 ** 3,
    os: "Debian 12",
    clusters: [a, b].map((c) => ({ id: c.id, name: c.name })),
    vm_template_uuids: ["cl0temp1ate0000000000deb1", "cl0temp1ate0000000000deb2"],
    vm_templates: [
      { id: "cl0temp1ate0000000000deb1", name: "debian-12" },
      { id: "cl0temp1ate0000000000deb2", name: "debian-12" },
    ],
    labels: [],
  });
  const images = [a, b].map((c, i) =>
    s.put("elfImages", {
      id: `cl0e1fimage0000000000ubu${i + 1}`,
      name: "ubuntu-24.04-live-server-amd64.iso",
      description: "",
      path: `/usr/share/smartx/images/ubuntu-24.04-${i + 1}`,
      size: 2_754_981_888,
      local_id: s.newLocalId(),
      local_created_at: new Date(s.now()).toISOString(),
      cluster: { id: c.id, name: c.name },
      content_library_image: { id: "cl0c1image000000000ubuntu", name: "ubuntu-24.04-live-server-amd64.iso" },
      labels: [],
    }),
  );
  s.put("elfImages", {
    id: "cl0e1fimage000000virtiowin",
    name: "virtio-win-0.1.240.iso",
    description: "Windows VirtIO drivers",
    path: "/usr/share/smartx/images/virtio-win",
    size: 627_519_488,
    local_id: s.newLocalId(),
    local_created_at: new Date(s.now()).toISOString(),
    cluster: { id: a.id, name: a.name },
    labels: [],
  });
  s.put("contentLibraryImages", {
    id: "cl0c1image000000000ubuntu",
    name: "ubuntu-24.04-live-server-amd64.iso",
    description: "",
    path: "content-library/ubuntu-24.04-live-server-amd64.iso",
    size: 2_754_981_888,
    createdAt: new Date(s.now()).toISOString(),
    clusters: [a, b].map((c) => ({ id: c.id, name: c.name })),
    elf_image_uuids: images.map((i) => i.id),
    elf_images: images.map((i) => ({ id: i.id, name: i.name })),
    labels: [],
  });
  // Storage policies: each cluster has the same two (we assume these names; the API guide shows none).
  for (const c of [a, b]) {
    for (const [name, replicas, thin] of [
      ["default", 2, true],
      ["replica-3-thick", 3, false],
    ] as const) {
      s.put("elfStoragePolicies", {
        id: cuid(),
        name,
        description: "",
        local_id: s.newLocalId(),
        cluster: { id: c.id, name: c.name },
        replica_num: replicas,
        thin_provision: thin,
        stripe_num: 4,
        stripe_size: 262144,
      });
    }
  }
  // A volume that no VM uses yet, to mount.
  s.put("vmVolumes", volume(s, FREE_VOLUME, "shared-data", 50 * 1024 ** 3, a.id, false));
  // An existing VM that a stack can adopt.
  const vmId = "cl0vm0legacy00000000000a1";
  const volId = cuid();
  s.put("vmVolumes", volume(s, volId, "legacy-app-disk-0", 10 * 1024 ** 3, a.id, true));
  const diskId = cuid();
  s.put("vmDisks", {
    id: diskId,
    boot: 0,
    bus: "VIRTIO",
    type: "DISK",
    vm: { id: vmId, name: "legacy-app" },
    vm_volume: { id: volId, name: "legacy-app-disk-0" },
    key: 0,
    device: "vda",
  });
  const nicId = cuid();
  s.put("vmNics", {
    id: nicId,
    local_id: s.newLocalId(),
    vm: { id: vmId, name: "legacy-app" },
    vlan: s.ref("vlans", defaultVlanId(a.id)),
    mac_address: mac(),
    ip_address: "10.0.10.5",
    gateway: "10.0.10.1",
    subnet_mask: "255.255.255.0",
    model: "VIRTIO",
    enabled: true,
    mirror: false,
    order: 0,
    type: "VLAN",
  });
  const host = (a.hosts as Array<{ id: string; name: string; management_ip: string }>)[0];
  s.put(
    "vms",
    vm(s, {
      id: vmId,
      name: "legacy-app",
      clusterId: a.id,
      cores: 1,
      sockets: 2,
      memory: 2 * 1024 ** 3,
      firmware: "BIOS",
      ha: true,
      status: "RUNNING",
      host,
      disks: [diskId],
      nics: [nicId],
      description: "adopt me",
      ips: "10.0.10.5",
    }),
  );
}

/** The id of the "default" VM network that every cluster has. */
export function defaultVlanId(clusterId: string): string {
  return `cvl${clusterId.slice(-22)}`;
}

export function addCluster(s: TowerState, o: { id?: string; name: string; ip: string; datacenterId?: string; version?: string }): Entity {
  const id = o.id ?? cuid();
  const hosts = [1, 2].map((i) => {
    const h: Entity = {
      id: `ch${i}${id.slice(-22)}`,
      name: `${o.name}-node-${i}`,
      management_ip: o.ip.replace(/\d+$/, (d) => String(Number(d) + i)),
      local_id: s.newLocalId(),
      cluster: { id, name: o.name },
      status: "CONNECTED_HEALTHY",
      state: "IDLE",
      total_memory_bytes: 256 * 1024 ** 3,
      total_cpu_cores: 48,
      allocatable_memory_bytes: 200 * 1024 ** 3,
      chunk_id: String(i),
      compatible_cpu_models: [],
      cpu_brand: "Intel(R) Xeon(R)",
      cpu_fan_speed: [],
      cpu_hz_per_core: 2_400_000_000,
      cpu_model: "Intel(R) Xeon(R) Gold 6248R",
      cpu_temperature_celsius: [],
      failure_data_space: 0,
      hdd_data_capacity: 0,
      hdd_disk_count: 0,
      lsm_cap_disk_safe_umount: true,
      model: "SMTX-HX",
      nested_virtualization: false,
      nic_count: 4,
      os_memory_bytes: 16 * 1024 ** 3,
      pmem_dimm_capacity: 0,
      pmem_dimm_count: 0,
      pmem_disk_count: 0,
      provisioned_cpu_cores: 0,
      provisioned_memory_bytes: 0,
      running_pause_vm_memory_bytes: 0,
      ssd_data_capacity: 8 * 1024 ** 4,
      ssd_disk_count: 4,
      total_cpu_hz: 48 * 2_400_000_000,
      total_data_capacity: 8 * 1024 ** 4,
      used_data_space: 0,
    };
    return s.put("hosts", h);
  });
  const vds = s.put("vdses", {
    id: `cvd${id.slice(-22)}`,
    name: `${o.name}-vds-vm`,
    local_id: s.newLocalId(),
    cluster: { id, name: o.name },
    bond_mode: "active-backup",
    ovsbr_name: "ovsbr-vm",
    type: "VM",
    internal: false,
    vlans_num: 1,
  });
  s.put("vlans", {
    id: defaultVlanId(id),
    local_id: s.newLocalId(),
    name: "default",
    network_ids: [],
    type: "VM",
    vds: { id: vds.id, name: String(vds.name) },
    vlan_id: 0,
    mode_type: "VLAN_ACCESS",
    entityAsyncStatus: null,
  });
  const dc = o.datacenterId ? s.get("datacenters", o.datacenterId) : undefined;
  return s.put("clusters", {
    id,
    name: o.name,
    ip: o.ip,
    type: "SMTX_OS",
    architecture: "X86_64",
    connect_state: "CONNECTED",
    version: o.version ?? "6.1.0",
    dns: ["10.0.0.2"],
    ntp_servers: ["10.0.0.3"],
    recommended_cpu_models: [],
    total_cpu_models: [],
    local_id: s.newLocalId(),
    hypervisor: "ELF",
    entityAsyncStatus: null,
    hosts: hosts.map((h) => ({ id: h.id, name: h.name, management_ip: h.management_ip })),
    vdses: [{ id: vds.id, name: vds.name }],
    datacenters: dc ? [{ id: dc.id, name: dc.name }] : [],
    host_num: hosts.length,
  });
}

/** A disk as a template or a snapshot keeps it (NestedFrozenDisks). */
export function frozenDisk(d: {
  boot: number;
  bus: string;
  type: string;
  index: number;
  size: number;
  path: string;
  localId: string;
  name: string;
}): Record<string, unknown> {
  return {
    boot: d.boot,
    bus: d.bus,
    type: d.type,
    index: d.index,
    path: d.path,
    size: d.size,
    storage_policy_uuid: "",
    vm_volume_local_id: d.localId,
    elf_image_local_id: "",
    svt_image_local_id: "",
    disk_name: d.name,
  };
}

/** A VM network as a template or a snapshot names it (NestedFrozenVlan): by its id in the cluster. */
export function frozenVlan(s: TowerState, vlan: Entity) {
  const vds = s.get("vdses", (vlan.vds as { id: string }).id);
  return { name: String(vlan.name), vlan_id: Number(vlan.vlan_id), vlan_local_id: String(vlan.local_id), vds_ovs: String(vds?.ovsbr_name ?? "") };
}

/** A NIC as a template or a snapshot keeps it: its settings, and its VLAN frozen. */
export function frozenNic(s: TowerState, n: Entity, index: number) {
  const vlan = n.vlan ? s.get("vlans", (n.vlan as { id: string }).id) : undefined;
  return {
    index,
    vlan: vlan ? frozenVlan(s, vlan) : { name: "", vlan_id: 0, vlan_local_id: "", vds_ovs: "" },
    model: n.model,
    enabled: n.enabled,
    mirror: n.mirror,
  };
}

/** A VM template (VmTemplate): its disks and NICs frozen as they were on the VM it was made from. */
export function template(
  s: TowerState,
  o: {
    id: string;
    name: string;
    clusterId: string;
    description?: string;
    cpu: { cores: number; sockets: number };
    memory: number;
    firmware: string;
    ha: boolean;
    cloudInit?: boolean;
    disks: Array<Record<string, unknown>>;
    nics: Array<Record<string, unknown>>;
  },
): Entity {
  return {
    id: o.id,
    name: o.name,
    description: o.description ?? "",
    local_id: s.newLocalId(),
    local_created_at: new Date(s.now()).toISOString(),
    cluster: s.ref("clusters", o.clusterId),
    vcpu: o.cpu.cores * o.cpu.sockets,
    cpu: { ...o.cpu },
    cpu_model: "cluster_default",
    memory: o.memory,
    size: o.disks.filter((d) => d.type === "DISK").reduce((n, d) => n + Number(d.size), 0),
    firmware: o.firmware,
    ha: o.ha,
    clock_offset: "UTC",
    cloud_init_supported: o.cloudInit ?? true,
    win_opt: false,
    labels: [],
    vm_disks: o.disks,
    vm_nics: o.nics,
    entityAsyncStatus: null,
  };
}

export function volume(
  s: TowerState,
  id: string,
  name: string,
  size: number,
  clusterId: string,
  mounting: boolean,
  policy = "REPLICA_2_THIN_PROVISION",
): Entity {
  const localId = s.newLocalId();
  return {
    id,
    name,
    size,
    path: `/usr/share/smartx/volumes/${localId}`,
    elf_storage_policy: policy,
    mounting,
    sharing: false,
    local_id: localId,
    local_created_at: new Date(s.now()).toISOString(),
    cluster: s.ref("clusters", clusterId),
    entityAsyncStatus: null,
  };
}

export function vm(
  s: TowerState,
  o: {
    id: string;
    name: string;
    clusterId: string;
    cores: number;
    sockets: number;
    memory: number;
    firmware: string;
    ha: boolean;
    status: string;
    host?: { id: string; name: string; management_ip: string } | null;
    disks: string[];
    nics: string[];
    description?: string;
    guestOs?: string;
    ips?: string;
  },
): Entity {
  return {
    id: o.id,
    name: o.name,
    status: o.status,
    vcpu: o.cores * o.sockets,
    memory: o.memory,
    cpu: { cores: o.cores, sockets: o.sockets },
    cpu_model: "cluster_default",
    description: o.description ?? "",
    firmware: o.firmware,
    ha: o.ha,
    in_recycle_bin: false,
    internal: false,
    ips: o.ips ?? "",
    local_id: s.newLocalId(),
    nested_virtualization: false,
    node_ip: o.host?.management_ip ?? "",
    out_uninstall_usb: [],
    protected: false,
    clock_offset: "UTC",
    vm_tools_status: "NOT_INSTALLED",
    win_opt: false,
    cluster: s.ref("clusters", o.clusterId),
    host: o.host ?? null,
    vm_disks: o.disks.map((id) => ({ id })),
    vm_nics: o.nics.map((id) => ({ id })),
    entityAsyncStatus: null,
    guest_os_type: o.guestOs ?? "LINUX",
    snapshots: [],
    local_created_at: new Date(s.now()).toISOString(),
  };
}
