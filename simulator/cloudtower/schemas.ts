/**
 * Request bodies of the operations the simulator implements, as the CloudTower 4.6.0 spec defines them
 * (the fields the simulator models), strict: an unknown field or a wrong type is a 400. They type the
 * handlers' bodies always, and check them only when the simulator runs without the spec (openapi.ts),
 * which otherwise checks every body in full. Built by functions (zod schemas are cheap to build).
 */
import { z } from "zod";

const where = () => z.record(z.string(), z.unknown());
const int = () => z.number().int();
const BUS = ["IDE", "SCSI", "USB", "VIRTIO"] as const;
const BYTE_UNIT = ["B", "KB", "MB", "GB", "TB", "PB"] as const;
const STORAGE_POLICY = [
  "EC",
  "ELF_CP_REPLICA_2_THICK_PROVISION",
  "ELF_CP_REPLICA_2_THIN_PROVISION",
  "ELF_CP_REPLICA_3_THICK_PROVISION",
  "ELF_CP_REPLICA_3_THIN_PROVISION",
  "REPLICA_1_THICK_PROVISION",
  "REPLICA_1_THIN_PROVISION",
  "REPLICA_2_THICK_PROVISION",
  "REPLICA_2_THIN_PROVISION",
  "REPLICA_3_THICK_PROVISION",
  "REPLICA_3_THIN_PROVISION",
] as const;
const IO = {
  max_bandwidth_policy: z.enum(["DYNAMIC", "FORCED"]).optional(),
  max_bandwidth_unit: z.enum(["Bps", "KBps", "MBps", "GBps", "TBps"]).optional(),
  max_bandwidth: int().optional(),
  max_iops_policy: z.enum(["DYNAMIC", "FORCED"]).optional(),
  max_iops: int().optional(),
};

export const cdRom = () =>
  z.strictObject({
    content_library_image_id: z.string().optional(),
    elf_image_id: z.string().optional(),
    index: int().optional(),
    key: int().optional(),
    boot: int(),
  });

export const mountDisk = () =>
  z.strictObject({ ...IO, vm_volume_id: z.string(), index: int().optional(), key: int().optional(), bus: z.enum(BUS), boot: int() });

export const newDisk = () =>
  z.strictObject({
    ...IO,
    vm_volume: z.strictObject({
      elf_storage_policy: z.enum(STORAGE_POLICY),
      path: z.string().optional(),
      size_unit: z.enum(BYTE_UNIT).optional(),
      size: int(),
      name: z.string(),
    }),
    index: int().optional(),
    key: int().optional(),
    bus: z.enum(BUS),
    boot: int(),
  });

export const diskParams = () =>
  z.strictObject({
    mount_cd_roms: z.array(cdRom()).optional(),
    mount_disks: z.array(mountDisk()).optional(),
    mount_new_create_disks: z.array(newDisk()).optional(),
  });

export const nicParams = () =>
  z.strictObject({
    subnet_mask: z.string().optional(),
    gateway: z.string().optional(),
    ip_address: z.string().optional(),
    nic_id: z.string().optional(),
    connect_vlan_id: z.string().optional(),
    mirror: z.boolean().optional(),
    model: z.enum(["E1000", "SRIOV", "VIRTIO"]).optional(),
    enabled: z.boolean().optional(),
    mac_address: z.string().optional(),
    local_id: z.string().optional(),
    type: z.enum(["VLAN", "VPC"]).optional(),
  });

const vmCommon = {
  ...IO,
  io_policy: z.enum(["RESTRICT_EACH_DISK", "RESTRICT_WHOLE_VM"]).optional(),
  vcpu: int().optional(),
  memory_unit: z.enum(BYTE_UNIT).optional(),
  guest_os_type: z.enum(["LINUX", "UNKNOWN", "WINDOWS"]).optional(),
  folder_id: z.string().optional(),
  description: z.string().optional(),
  host_id: z.string().optional(),
};

export const createVm = () =>
  z.array(
    z.strictObject({
      ...vmCommon,
      status: z.enum(["DELETED", "RUNNING", "STOPPED", "SUSPENDED", "UNKNOWN"]),
      firmware: z.enum(["BIOS", "UEFI"]),
      ha: z.boolean(),
      vm_nics: z.array(nicParams()),
      vm_disks: diskParams(),
      memory: int(),
      cpu_cores: int(),
      cpu_sockets: int(),
      name: z.string(),
      cluster_id: z.string(),
    }),
  );

const fromTemplate = () =>
  z.strictObject({
    ...vmCommon,
    cloud_init: z
      .strictObject({
        user_data: z.string().optional(),
        public_keys: z.array(z.string()).optional(),
        hostname: z.string().optional(),
        nameservers: z.array(z.string()).optional(),
        default_user_password: z.string().optional(),
        networks: z
          .array(
            z.strictObject({
              routes: z.array(z.strictObject({ network: z.string(), netmask: z.string(), gateway: z.string() })).optional(),
              type: z.enum(["IPV4", "IPV4_DHCP"]),
              nic_index: int(),
              netmask: z.string().optional(),
              ip_address: z.string().optional(),
            }),
          )
          .optional(),
      })
      .optional(),
    is_full_copy: z.boolean(),
    template_id: z.string(),
    status: z.enum(["DELETED", "RUNNING", "STOPPED", "SUSPENDED", "UNKNOWN"]).optional(),
    firmware: z.enum(["BIOS", "UEFI"]).optional(),
    ha: z.boolean().optional(),
    vm_nics: z.array(nicParams()).optional(),
    disk_operate: z
      .strictObject({
        remove_disks: z.strictObject({ disk_index: z.array(int()) }).optional(),
        modify_disks: z.array(z.unknown()).optional(),
        new_disks: diskParams().optional(),
      })
      .optional(),
    memory: int().optional(),
    cpu_cores: int().optional(),
    cpu_sockets: int().optional(),
    name: z.string(),
    cluster_id: z.string().optional(),
  });
export const createVmFromTemplate = () => z.array(fromTemplate());
export type DiskParams = z.infer<ReturnType<typeof diskParams>>;
/** `/clone-vm`: VmCloneParams (the source VM, and overrides of what it has). */
export const cloneVm = () =>
  z.array(
    z.strictObject({
      ...vmCommon,
      src_vm_id: z.string(),
      is_full_copy: z.boolean().optional(),
      name: z.string(),
      cluster_id: z.string().optional(),
      status: z.enum(["DELETED", "RUNNING", "STOPPED", "SUSPENDED", "UNKNOWN"]).optional(),
      firmware: z.enum(["BIOS", "UEFI"]).optional(),
      ha: z.boolean().optional(),
      vm_nics: z.array(nicParams()).optional(),
      vm_disks: diskParams().optional(),
      memory: int().optional(),
      cpu_cores: int().optional(),
      cpu_sockets: int().optional(),
    }),
  );
export const createVmFromLibraryTemplate = () => z.array(fromTemplate().extend({ cluster_id: z.string() }));
export type TemplateParams = z.infer<ReturnType<typeof fromTemplate>>;

export const createTemplate = () =>
  z.array(
    z.strictObject({
      cluster_id: z.string().optional(),
      cloud_init_supported: z.boolean(),
      vm_id: z.string(),
      description: z.string().optional(),
      name: z.string(),
    }),
  );
export const createVolume = () =>
  z.array(
    z.strictObject({
      elf_storage_policy: z.enum(STORAGE_POLICY),
      size_unit: z.enum(BYTE_UNIT).optional(),
      size: int(),
      sharing: z.boolean(),
      cluster_id: z.string(),
      name: z.string(),
    }),
  );
export const deleteVolume = () => z.strictObject({ where: where(), effect: z.strictObject({ include_snapshots: z.boolean().optional() }).optional() });

export const updateVm = () =>
  z.strictObject({
    where: where(),
    data: z.strictObject({
      vcpu: int().optional(),
      ha: z.boolean().optional(),
      memory_unit: z.enum(BYTE_UNIT).optional(),
      memory: int().optional(),
      cpu_cores: int().optional(),
      cpu_sockets: int().optional(),
      description: z.string().optional(),
      name: z.string().optional(),
    }),
  });

export const deleteVm = () => z.strictObject({ where: where(), effect: z.strictObject({ include_snapshots: z.boolean().optional() }).optional() });
export const operateVm = () => z.strictObject({ where: where() });
export const migrateVm = () => z.strictObject({ where: where(), data: z.strictObject({ host_id: z.string() }).optional() });
export const startVm = () => z.strictObject({ where: where(), data: z.strictObject({ host_id: z.string() }).optional() });
export const addDisk = () =>
  z.strictObject({
    where: where(),
    data: z.strictObject({ ...IO, io_policy: z.enum(["RESTRICT_EACH_DISK", "RESTRICT_WHOLE_VM"]).optional(), vm_disks: diskParams() }),
  });
export const removeDisk = () => z.strictObject({ where: where(), data: z.strictObject({ disk_ids: z.array(z.string()) }) });
export const expandDisk = () => z.strictObject({ where: where(), size: int(), size_unit: z.enum(BYTE_UNIT).optional() });
export const addNic = () => z.strictObject({ where: where(), data: z.strictObject({ vm_nics: z.array(nicParams()) }) });
export const updateNic = () =>
  z.strictObject({
    where: where(),
    data: nicParams().omit({ local_id: true, type: true }).extend({ nic_index: int() }).strict(),
  });
export const removeNic = () => z.strictObject({ where: where(), data: z.strictObject({ nic_index: z.array(int()) }) });
export const removeNicByWhere = () => z.strictObject({ where: where(), effect: z.strictObject({ vm_ids: z.array(z.string()).min(1).optional() }) });
export const rollbackVm = () => z.strictObject({ where: where(), data: z.strictObject({ snapshot_id: z.string() }) });

export const connectCluster = () =>
  z.array(
    z.strictObject({
      datacenter_id: z.string().optional(),
      secondary_zone_datacenter_id: z.string().optional(),
      primary_zone_datacenter_id: z.string().optional(),
      password: z.string(),
      username: z.string(),
      ip: z.string(),
    }),
  );
export const updateCluster = () =>
  z.strictObject({
    where: where(),
    data: z.strictObject({
      secondary_zone_id: z.string().optional(),
      primary_zone_id: z.string().optional(),
      datacenter_id: z.string().optional(),
      secondary_zone_datacenter_id: z.string().optional(),
      primary_zone_datacenter_id: z.string().optional(),
      password: z.string().optional(),
      username: z.string().optional(),
      ip: z.string().optional(),
    }),
  });
export const createLabel = () => z.array(z.strictObject({ key: z.string(), value: z.string().optional() }));
export const updateLabel = () => z.strictObject({ where: where(), data: z.strictObject({ key: z.string().optional(), value: z.string().optional() }) });
/** `/add-labels-to-resources` and `/remove-labels-from-resources`: the labels, and the resources of each kind modelled. */
export const labelResources = () =>
  z.strictObject({ where: where(), data: z.strictObject({ vms: where().optional(), vlans: where().optional(), vm_volumes: where().optional() }) });
export const updateVolume = () =>
  z.strictObject({
    where: where(),
    data: z.strictObject({ size_unit: z.enum(BYTE_UNIT).optional(), size: int().optional(), description: z.string().optional(), name: z.string().optional() }),
  });
const placementData = {
  vm_vm_policy: z.enum(["MUST_DIFFERENT", "MUST_SAME", "PREFER_DIFFERENT", "PREFER_SAME"]).optional(),
  vm_vm_policy_enabled: z.boolean().optional(),
  vm_host_must_enabled: z.boolean().optional(),
  vm_host_must_policy: z.boolean().optional(),
  vm_host_prefer_enabled: z.boolean().optional(),
  vm_host_prefer_policy: z.boolean().optional(),
  vms: where().optional(),
  must_hosts: where().optional(),
  prefer_hosts: where().optional(),
  description: z.string().optional(),
};
export const createPlacementGroup = () => z.array(z.strictObject({ ...placementData, name: z.string(), enabled: z.boolean(), cluster_id: z.string() }));
export const updatePlacementGroup = () =>
  z.strictObject({ where: where(), data: z.strictObject({ ...placementData, name: z.string().optional(), enabled: z.boolean().optional() }) });
export type PlacementData = z.infer<ReturnType<typeof updatePlacementGroup>>["data"];
export const ejectIso = () => z.strictObject({ where: where() });
export const whereOnly = () => z.strictObject({ where: where() });

const vlanData = {
  mode_type: z.enum(["GENEVE", "VLAN_ACCESS", "VLAN_TRUNK", "VXLAN"]).optional(),
  network_ids: z.array(z.string()).optional(),
  vlan_id: int().min(0).max(4095).optional(),
  qos_priority: z.number().optional(),
  qos_min_bandwidth: int().nullable().optional(),
  qos_min_bandwidth_unit: z.enum(["Bps", "KBps", "MBps", "GBps", "TBps"]).optional(),
  qos_max_bandwidth: int().nullable().optional(),
  qos_max_bandwidth_unit: z.enum(["Bps", "KBps", "MBps", "GBps", "TBps"]).optional(),
  qos_burst: int().nullable().optional(),
  qos_burst_unit: z.enum(BYTE_UNIT).optional(),
};
export const createVlan = () => z.array(z.strictObject({ ...vlanData, vds_id: z.string(), name: z.string() }));
export const updateVlan = () => z.strictObject({ where: where(), data: z.strictObject({ ...vlanData, name: z.string().optional() }) });

export const createSnapshot = () =>
  z.strictObject({
    data: z.array(z.strictObject({ consistent_type: z.enum(["CRASH_CONSISTENT", "FILE_SYSTEM_CONSISTENT"]).optional(), name: z.string(), vm_id: z.string() })),
  });

export const login = () =>
  z.strictObject({
    username: z.string(),
    source: z.enum(["AUTHN", "LDAP", "LOCAL", "SSO"]).optional(),
    password: z.string(),
    mfa_type: z.enum(["Mail", "Sms"]).optional(),
    auth_config_id: z.string().nullable().optional(),
  });

export const getBody = () =>
  z.strictObject({
    after: z.string().nullable().optional(),
    before: z.string().nullable().optional(),
    first: int().nullable().optional(),
    last: int().nullable().optional(),
    orderBy: z.string().optional(),
    skip: int().nullable().optional(),
    where: where().optional(),
  });

export const BYTES: Record<string, number> = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4, PB: 1024 ** 5 };
