/**
 * How the ChimeStack simulator shows its objects on the wire: the fields the API reference's examples
 * show for each kind of object, filled in from what the simulator keeps. The state keeps less (and some
 * bookkeeping of its own, such as a subnet's cluster and AZ); every answer goes through one of these functions, so that an object looks the
 * same whichever route shows it.
 */
export type Obj = Record<string, unknown> & { uuid: string };

/** What showing an object needs to look up. */
export interface Lookup {
  vm(uuid: string): Obj | undefined;
  network(uuid: string): Obj | undefined;
  cluster(uuid: string): Obj | undefined;
  volumeSpec(uuid: string): Obj | undefined;
  image(uuid: string): Obj | undefined;
  host(uuid: string): Obj | undefined;
  /** Every VM, network (for a host's lists). */
  vms(): Obj[];
  networks(): Obj[];
}

/** `last_operation_*`, as the examples show them: from the object's last task, null and "" and 0 without one. */
export function lastOperation(tasks: unknown): Record<string, unknown> {
  const last = Array.isArray(tasks) && tasks.length ? task(tasks.at(-1) as Obj) : undefined;
  return {
    last_operation_created_at: last?.created_at ?? null,
    last_operation_finished_at: last?.finished_at ?? null,
    last_operation_name: last?.operation_name ?? "",
    last_operation_state: last?.state ?? 0,
  };
}

/** A task as the examples show it. */
export function task(t: Obj): Obj {
  return { created_at: t.finished_at, description: "", request_id: "", updated_at: t.finished_at, ...t } as Obj;
}

/** A VM as listVm and the `attached_vms` of volumes and NICs show it (the summary, without disks and NICs). */
export function vmSummary(v: Obj): Obj {
  return { ...v, ...lastOperation(v.tasks), nics: [], volumes: [], tasks: [] };
}

export function showVm(v: Obj, at: Lookup): Obj {
  const host = at.host(String(v.host_uuid));
  return {
    ...v,
    host_ip: v.host_ip || (v.state === 0 ? "" : (host?.manage_ip ?? "")),
    host_name: v.host_name || (v.state === 0 ? "" : (host?.name ?? "")),
    ...lastOperation(v.tasks),
    tasks: ((v.tasks as Obj[]) ?? []).map(task),
    nics: (v.nics as Obj[]).map((n) => showNic(n, at)),
    volumes: (v.volumes as Obj[]).map((x) => showVolume(x, at)),
  };
}

const attached = (x: Obj, at: Lookup) => ((x.attached_vms as string[]) ?? []).map((u) => at.vm(u)).flatMap((v) => (v ? [vmSummary(v)] : []));

export function showVolume(v: Obj, at: Lookup): Obj {
  const spec = at.volumeSpec(String(v.volume_spec_uuid));
  const image = v.image_uuid ? at.image(String(v.image_uuid)) : undefined;
  const host = v.host_uuid ? at.host(String(v.host_uuid)) : undefined;
  return {
    description: "",
    host_uuid: "",
    iops: 500,
    throughput: 10485760,
    parent_version: -1,
    snapshot_count: 0,
    snapshots: [],
    storage_pool_type: 0,
    user_uuid: "",
    version: 0,
    tasks: [],
    ...v,
    host_ip: host && v.state !== 0 ? host.manage_ip : "",
    host_name: host && v.state !== 0 ? host.name : "",
    image_name: image ? `${image.name}.${image.format}` : "",
    format: image?.format ?? "qcow2",
    type: v.cdrom === 1 ? 1 : v.root === 1 ? 2 : 0,
    spec_name: spec?.name ?? "",
    storage_pool_name: spec?.storage_pool_name ?? "",
    ...lastOperation(v.tasks),
    attached_vms: attached(v, at),
  } as Obj;
}

/** NICs keep their security group (`sg_uuid`) inside the simulator: no example answer shows it. */
export function showNic(n: Obj, at: Lookup): Obj {
  const { sg_uuid, ...shown } = n;
  void sg_uuid;
  return {
    netmask: "",
    network_name: "",
    network_type: 0,
    tasks: [],
    ...shown,
    ...lastOperation(n.tasks),
    attached_vms: attached(n, at),
  };
}

/** Hosts show their cluster's name, networks and VMs. */
export function showHost(h: Obj, at: Lookup): Obj {
  return {
    ...h,
    cluster_name: at.cluster(String(h.cluster_uuid))?.name ?? "",
    ...lastOperation(h.tasks),
    networks: at
      .networks()
      .filter((n) => n.cluster_uuid === h.cluster_uuid)
      .map((n) => showNetwork(n, at)),
    vms: at
      .vms()
      .filter((v) => v.host_uuid === h.uuid)
      .map(vmSummary),
  };
}

/** Networks show their cluster's name as it is now. */
/** Snapshots show their volume's name, and their last task. */
export function showSnapshot(x: Obj, volumeName: string): Obj {
  return {
    description: "",
    parent_volume_version: -1,
    user_uuid: "",
    volume_version: 0,
    ...x,
    volume_name: volumeName,
    ...lastOperation(x.tasks),
    tasks: ((x.tasks as Obj[]) ?? []).map(task),
  };
}

export function showNetwork(n: Obj, at: Lookup): Obj {
  return { ...n, cluster_name: at.cluster(String(n.cluster_uuid))?.name ?? "" };
}

/** Subnets show their network's name; the cluster and AZ they sit in are the simulator's bookkeeping. */
export function showSubnet(s: Obj, at: Lookup): Obj {
  const { az_uuid, cluster_uuid, ...shown } = s;
  void az_uuid;
  void cluster_uuid;
  return { ...shown, network_name: at.network(String(s.network_uuid))?.name ?? "" };
}
