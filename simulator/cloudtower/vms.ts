/**
 * The VM part of the CloudTower simulator: creation from scratch or from a template (placeholders, tasks
 * that may fail and may leave an orphan when asked), basic info, power, placement, disks and NICs.
 */
import { z } from "zod";
import { Route, SimError, SimRequest, SimResponse } from "../core";
import { BASE, TowerCtx, lockedError, ok, strip, withTask } from "./context";
import * as S from "./schemas";
import { vm as vmEntity, volume } from "./seed";
import { cuid, mac } from "./state";
import { Entity, query } from "./where";

/** Behaviour switches set through the control routes. */
export interface VmFaults {
  /** The next failed create leaves its VM behind (a half-created VM) instead of removing it. */
  orphanOnFailure: Set<string>;
  /** VMs whose guest ignores a graceful shutdown. */
  ignoresShutdown: Set<string>;
}

export function vmModel(ctx: TowerCtx, faults: VmFaults) {
  const { state, body, targets } = ctx;
  const { orphanOnFailure, ignoresShutdown } = faults;


  function buildDisks(vmId: string, vmName: string, clusterId: string, d: z.infer<ReturnType<typeof S.diskParams>>, problems: string[]): string[] {
    const ids: string[] = [];
    for (const n of d.mount_new_create_disks ?? []) {
      const volId = cuid();
      const size = n.vm_volume.size * S.BYTES[n.vm_volume.size_unit ?? "B"];
      state.put("vmVolumes", volume(state, volId, n.vm_volume.name, size, clusterId, true, n.vm_volume.elf_storage_policy));
      ids.push(addDiskRecord(vmId, vmName, { boot: n.boot, bus: n.bus, volume: volId, key: n.key ?? ids.length }));
    }
    for (const m of d.mount_disks ?? []) {
      const vol = state.get("vmVolumes", m.vm_volume_id);
      if (!vol) problems.push(`VM_VOLUME_NOT_FOUND: ${m.vm_volume_id}`);
      else if (vol.mounting) problems.push(`VM_VOLUME_IN_USE: ${m.vm_volume_id}`);
      else {
        vol.mounting = true;
        ids.push(addDiskRecord(vmId, vmName, { boot: m.boot, bus: m.bus, volume: m.vm_volume_id, key: m.key ?? ids.length }));
      }
    }
    for (const c of d.mount_cd_roms ?? []) {
      const id = cuid();
      state.put("vmDisks", { id, boot: c.boot, bus: "IDE", type: "CD_ROM", vm: { id: vmId, name: vmName }, vm_volume: null, elf_image: c.elf_image_id ? { id: c.elf_image_id, name: c.elf_image_id } : null, key: c.key ?? ids.length });
      ids.push(id);
    }
    return ids;
  }

  function addDiskRecord(vmId: string, vmName: string, d: { boot: number; bus: string; volume: string; key: number }): string {
    const id = cuid();
    state.put("vmDisks", { id, boot: d.boot, bus: d.bus, type: "DISK", vm: { id: vmId, name: vmName }, vm_volume: state.ref("vmVolumes", d.volume), key: d.key, device: `vd${String.fromCharCode(97 + d.key)}` });
    return id;
  }

  function buildNics(vmId: string, vmName: string, nics: Array<z.infer<ReturnType<typeof S.nicParams>>>, problems: string[], start = 0): string[] {
    return nics.map((n, i) => {
      if (n.connect_vlan_id && !state.get("vlans", n.connect_vlan_id)) problems.push(`VLAN_NOT_FOUND: ${n.connect_vlan_id}`);
      const id = cuid();
      state.put("vmNics", {
        id,
        local_id: state.newLocalId(),
        vm: { id: vmId, name: vmName },
        vlan: n.connect_vlan_id ? state.ref("vlans", n.connect_vlan_id) : null,
        mac_address: n.mac_address ?? mac(),
        ip_address: n.ip_address ?? "",
        gateway: n.gateway ?? "",
        subnet_mask: n.subnet_mask ?? "",
        model: n.model ?? "VIRTIO",
        enabled: n.enabled ?? true,
        mirror: n.mirror ?? false,
        order: start + i,
        type: "VLAN",
      });
      return id;
    });
  }

  /** Removes a VM and everything of it (disks, their non-shared volumes, NICs, snapshots if asked). */
  function dropVm(v: Entity, withSnapshots: boolean) {
    for (const d of v.vm_disks as Array<{ id: string }>) {
      const disk = state.get("vmDisks", d.id);
      const vol = disk?.vm_volume as { id: string } | null;
      if (vol) state.remove("vmVolumes", vol.id);
      state.remove("vmDisks", d.id);
    }
    for (const n of v.vm_nics as Array<{ id: string }>) state.remove("vmNics", n.id);
    if (withSnapshots) for (const s of state.list("vmSnapshots")) if ((s.vm as { id: string })?.id === v.id) state.remove("vmSnapshots", s.id);
    state.remove("vms", v.id);
  }

  /** Starts a create task for a placeholder VM; a failure removes it unless asked to leave an orphan. */
  function createTask(v: Entity, desired: string, problems: string[], hostId?: string): string {
    const clusterId = (v.cluster as { id: string }).id;
    const failOrphan = orphanOnFailure.size > 0;
    if (problems.length) state.faults.unshift({ mutation: "createVm", count: 1, error_code: problems[0].split(":")[0], error_message: problems.join("; ") });
    return state.startTask({
      description: `Create a VM ${v.name}`,
      mutation: "createVm",
      resourceId: v.id,
      resourceType: "Vm",
      cluster: clusterId,
      locks: [{ c: "vms", id: v.id, status: "CREATING" }],
      onSuccess: () => {
        v.local_id = state.newLocalId(); // Tower swaps its temporary local_id for the ELF one.
        setPower(v, desired, hostId);
      },
      onFailure: () => {
        if (failOrphan) {
          orphanOnFailure.clear();
          v.status = "STOPPED";
        } else dropVm(v, true);
      },
    });
  }

  /** Auto-scheduling: any host of the cluster but the current one. */
  function otherHost(v: Entity): string | undefined {
    const hosts = state.get("clusters", (v.cluster as { id: string }).id)!.hosts as Array<{ id: string }>;
    return hosts.find((h) => h.id !== (v.host as { id: string } | null)?.id)?.id;
  }

  function setPower(v: Entity, status: string, hostId?: string) {
    v.status = status;
    if (status === "RUNNING") {
      const cluster = state.get("clusters", (v.cluster as { id: string }).id)!;
      const hosts = cluster.hosts as Array<{ id: string; name: string; management_ip: string }>;
      const host = hosts.find((h) => h.id === hostId) ?? hosts[0];
      v.host = host;
      v.node_ip = host.management_ip;
      v.ips = (v.vm_nics as Array<{ id: string }>)
        .map((n) => state.get("vmNics", n.id)?.ip_address)
        .filter(Boolean)
        .join(",");
    } else {
      v.ips = "";
    }
  }

  function createVm(req: SimRequest): SimResponse {
    const params = body(req, S.createVm());
    return ok(
      params.map((p) => {
        if (!state.get("clusters", p.cluster_id)) throw new SimError(400, `cluster ${p.cluster_id} not found`);
        const id = cuid();
        const problems: string[] = [];
        const disks = buildDisks(id, p.name, p.cluster_id, p.vm_disks, problems);
        const nics = buildNics(id, p.name, p.vm_nics, problems);
        const memory = p.memory * S.BYTES[p.memory_unit ?? "B"];
        if (state.list("vms").some((v) => v.name === p.name)) problems.push(`VM_DUPLICATED_NAME: a VM named ${p.name} exists`);
        const v = state.put("vms", vmEntity(state, { id, name: p.name, clusterId: p.cluster_id, cores: p.cpu_cores, sockets: p.cpu_sockets, memory, firmware: p.firmware, ha: p.ha, status: "STOPPED", host: null, disks, nics, description: p.description, guestOs: p.guest_os_type }));
        const taskId = createTask(v, p.status, problems, p.host_id);
        return withTask(strip(v), taskId);
      }),
    );
  }

  function createVmFromTemplate(req: SimRequest): SimResponse {
    const params = body(req, S.createVmFromTemplate());
    return ok(
      params.map((p) => {
        const tpl = state.get("templates", p.template_id);
        const id = cuid();
        const problems: string[] = [];
        const clusterId = p.cluster_id ?? (tpl?.cluster as { id: string } | undefined)?.id ?? (state.list("clusters")[0]?.id as string);
        if (!tpl) problems.push(`VM_TEMPLATE_NOT_FOUND: ${p.template_id}`);
        const tDisks = (tpl?.disks as Array<{ size: number; bus: string; boot: number; elf_storage_policy: string }>) ?? [];
        const removed = new Set(p.disk_operate?.remove_disks?.disk_index ?? []);
        const disks = buildDisks(
          id,
          p.name,
          clusterId,
          {
            mount_new_create_disks: tDisks
              .filter((_, i) => !removed.has(i))
              .map((d, i) => ({ boot: d.boot, bus: d.bus as "VIRTIO", vm_volume: { name: `${p.name}-disk-${i}`, size: d.size, elf_storage_policy: d.elf_storage_policy as "REPLICA_2_THIN_PROVISION" } })),
          },
          problems,
        ).concat(p.disk_operate?.new_disks ? buildDisks(id, p.name, clusterId, p.disk_operate.new_disks, problems) : []);
        const tNics = ((tpl?.nics as Array<{ vlan_id: string }>) ?? []).map((n) => ({ connect_vlan_id: n.vlan_id }));
        const nics = buildNics(id, p.name, p.vm_nics ?? tNics, problems);
        if (state.list("vms").some((v) => v.name === p.name)) problems.push(`VM_DUPLICATED_NAME: a VM named ${p.name} exists`);
        const cpu = (tpl?.cpu as { cores: number; sockets: number }) ?? { cores: 1, sockets: 1 };
        const v = state.put(
          "vms",
          vmEntity(state, {
            id,
            name: p.name,
            clusterId,
            cores: p.cpu_cores ?? cpu.cores,
            sockets: p.cpu_sockets ?? cpu.sockets,
            memory: p.memory !== undefined ? p.memory * S.BYTES[p.memory_unit ?? "B"] : Number(tpl?.memory ?? 1024 ** 3),
            firmware: p.firmware ?? String(tpl?.firmware ?? "BIOS"),
            ha: p.ha ?? Boolean(tpl?.ha ?? true),
            status: "STOPPED",
            host: null,
            disks,
            nics,
            description: p.description,
            guestOs: p.guest_os_type,
          }),
        );
        const taskId = createTask(v, p.status ?? "RUNNING", problems, p.host_id);
        return withTask(strip(v), taskId);
      }),
    );
  }

  /** A mutation on every VM that `where` matches: one task each, `effect` applied on success. */
  function vmMutation<T extends z.ZodType>(
    schema: () => T,
    mutation: string,
    describe: string,
    effect: (v: Entity, p: z.infer<T>) => void,
    precheck?: (v: Entity, p: z.infer<T>) => void,
  ): Route["handler"] {
    return (req) => {
      const p = body(req, schema());
      const where = (p as { where: Record<string, unknown> }).where;
      const vms = targets("vms", where, "VM");
      for (const v of vms) precheck?.(v, p);
      return ok(
        vms.map((v) => {
          const taskId = state.startTask({
            description: `${describe} ${v.name}`,
            mutation,
            resourceId: v.id,
            resourceType: "Vm",
            cluster: (v.cluster as { id: string }).id,
            locks: [{ c: "vms", id: v.id, status: mutation === "deleteVm" ? "DELETING" : "UPDATING" }],
            onSuccess: () => effect(v, p),
          });
          return withTask(mutation === "deleteVm" ? { id: v.id } : strip(v), taskId);
        }),
      );
    };
  }

  function refreshIds(v: Entity) {
    // The FAQ: VmDisk and VmNic ids change on every update of them.
    v.vm_disks = (v.vm_disks as Array<{ id: string }>).map((d) => {
      const disk = state.get("vmDisks", d.id)!;
      state.remove("vmDisks", d.id);
      const id = cuid();
      state.put("vmDisks", { ...disk, id });
      return { id };
    });
    v.vm_nics = (v.vm_nics as Array<{ id: string }>).map((n) => {
      const nic = state.get("vmNics", n.id)!;
      state.remove("vmNics", n.id);
      const id = cuid();
      state.put("vmNics", { ...nic, id });
      return { id };
    });
  }

  function nicsOf(v: Entity): Entity[] {
    return (v.vm_nics as Array<{ id: string }>).map((n) => state.get("vmNics", n.id)!).sort((a, b) => Number(a.order) - Number(b.order));
  }

  const requireStatus = (want: string[], what: string) => (v: Entity) => {
    if (!want.includes(String(v.status))) throw new SimError(400, `Cannot ${what} VM ${v.name}: it is ${v.status}`);
  };


  const routes: Route[] = [
    { method: "POST", path: `${BASE}/create-vm`, handler: createVm },
    { method: "POST", path: `${BASE}/create-vm-from-template`, handler: createVmFromTemplate },
    {
      method: "POST",
      path: `${BASE}/update-vm-basic-info`,
      handler: vmMutation(
        S.updateVm,
        "updateVm",
        "Edit VM",
        (v, { data }) => {
          if (data.name !== undefined) v.name = data.name;
          if (data.description !== undefined) v.description = data.description;
          if (data.ha !== undefined) v.ha = data.ha;
          if (data.memory !== undefined) v.memory = data.memory * S.BYTES[data.memory_unit ?? "B"];
          const cpu = v.cpu as { cores: number; sockets: number };
          if (data.cpu_cores !== undefined) cpu.cores = data.cpu_cores;
          if (data.cpu_sockets !== undefined) cpu.sockets = data.cpu_sockets;
          v.vcpu = data.vcpu ?? cpu.cores * cpu.sockets;
        },
        (v, { data }) => {
          const cpuChange = data.cpu_cores !== undefined || data.cpu_sockets !== undefined || data.vcpu !== undefined;
          if (v.status === "RUNNING" && (cpuChange || data.memory !== undefined)) {
            throw new SimError(400, `Cannot change the CPU or memory of VM ${v.name} while it is RUNNING; shut it down first`);
          }
          if (data.vcpu !== undefined && data.cpu_cores !== undefined && data.cpu_sockets !== undefined && data.vcpu !== data.cpu_cores * data.cpu_sockets) {
            throw new SimError(400, "vcpu must equal cpu_cores x cpu_sockets");
          }
        },
      ),
    },
    {
      method: "POST",
      path: `${BASE}/delete-vm`,
      handler: vmMutation(S.deleteVm, "deleteVm", "Delete VM", (v, p) => dropVm(v, p.effect?.include_snapshots ?? false)),
    },
    {
      method: "POST",
      path: `${BASE}/start-vm`,
      handler: vmMutation(S.startVm, "startVm", "Start VM", (v, p) => setPower(v, "RUNNING", p.data?.host_id), requireStatus(["STOPPED", "SUSPENDED"], "start")),
    },
    {
      method: "POST",
      path: `${BASE}/shutdown-vm`,
      handler: (req) => {
        const p = body(req, S.operateVm());
        const vms = targets("vms", p.where, "VM");
        vms.forEach(requireStatus(["RUNNING"], "shut down"));
        return ok(
          vms.map((v) => {
            const ignores = ignoresShutdown.has(v.id);
            if (ignores) state.faults.unshift({ mutation: "shutdownVm", count: 1, error_code: "JOB_VM_SHUTDOWN_TIMEOUT", error_message: `VM ${v.name} did not shut down in time` });
            const t = state.startTask({ description: `Shut down VM ${v.name}`, mutation: "shutdownVm", resourceId: v.id, resourceType: "Vm", locks: [{ c: "vms", id: v.id, status: "UPDATING" }], onSuccess: () => setPower(v, "STOPPED") });
            return withTask(strip(v), t);
          }),
        );
      },
    },
    {
      method: "POST",
      path: `${BASE}/migrate-vm`,
      handler: vmMutation(
        S.migrateVm,
        "migrateVm",
        "Migrate VM",
        (v, p) => setPower(v, "RUNNING", p.data?.host_id ?? otherHost(v)),
        (v, p) => {
          requireStatus(["RUNNING"], "migrate")(v);
          const hosts = state.get("clusters", (v.cluster as { id: string }).id)!.hosts as Array<{ id: string }>;
          if (p.data && !hosts.some((h) => h.id === p.data!.host_id)) throw new SimError(400, `host ${p.data.host_id} is not in the VM's cluster`);
        },
      ),
    },
    {
      method: "POST",
      path: `${BASE}/poweroff-vm`,
      handler: vmMutation(S.operateVm, "poweroffVm", "Power off VM", (v) => setPower(v, "STOPPED"), requireStatus(["RUNNING", "SUSPENDED"], "power off")),
    },
    {
      method: "POST",
      path: `${BASE}/add-vm-disk`,
      handler: vmMutation(S.addDisk, "updateVm", "Add disks to VM", (v, p) => {
        const problems: string[] = [];
        const ids = buildDisks(v.id, String(v.name), (v.cluster as { id: string }).id, p.data.vm_disks, problems);
        v.vm_disks = [...(v.vm_disks as Array<{ id: string }>), ...ids.map((id) => ({ id }))];
        refreshIds(v);
      }),
    },
    {
      method: "POST",
      path: `${BASE}/remove-vm-disk`,
      handler: vmMutation(S.removeDisk, "updateVm", "Remove disks from VM", (v, p) => {
        for (const id of p.data.disk_ids) {
          const disk = state.get("vmDisks", id);
          const vol = disk?.vm_volume as { id: string } | null;
          if (vol) {
            const volume = state.get("vmVolumes", vol.id);
            if (volume) volume.mounting = false;
          }
          state.remove("vmDisks", id);
        }
        v.vm_disks = (v.vm_disks as Array<{ id: string }>).filter((d) => !p.data.disk_ids.includes(d.id));
        refreshIds(v);
      }),
    },
    {
      method: "POST",
      path: `${BASE}/expand-vm-disk`,
      handler: (req) => {
        const p = body(req, S.expandDisk());
        const disks = query(state.list("vmDisks"), { where: p.where }, state.resolve);
        const vms = disks.map((d) => state.get("vms", (d.vm as { id: string }).id)!).filter(Boolean);
        const locked = vms.filter((v) => state.locked(v.id));
        if (locked.length) throw lockedError(locked.map((v) => v.id), "VM");
        return ok(
          disks.map((d) => {
            const v = state.get("vms", (d.vm as { id: string }).id)!;
            const vol = state.get("vmVolumes", (d.vm_volume as { id: string }).id)!;
            const size = p.size * S.BYTES[p.size_unit ?? "B"];
            if (size <= Number(vol.size)) throw new SimError(400, `A disk can only grow: ${vol.name} is ${vol.size} bytes, asked ${size}`);
            const t = state.startTask({ description: `Expand disk of VM ${v.name}`, mutation: "updateVm", resourceId: v.id, resourceType: "Vm", locks: [{ c: "vms", id: v.id, status: "UPDATING" }], onSuccess: () => (vol.size = size) });
            return withTask(strip(v), t);
          }),
        );
      },
    },
    {
      method: "POST",
      path: `${BASE}/add-vm-nic`,
      handler: vmMutation(S.addNic, "updateVm", "Add NICs to VM", (v, p) => {
        const ids = buildNics(v.id, String(v.name), p.data.vm_nics, [], nicsOf(v).length);
        v.vm_nics = [...(v.vm_nics as Array<{ id: string }>), ...ids.map((id) => ({ id }))];
        refreshIds(v);
      }, (_v, p) => {
        for (const n of p.data.vm_nics) if (n.connect_vlan_id && !state.get("vlans", n.connect_vlan_id)) throw new SimError(400, `VLAN ${n.connect_vlan_id} not found`);
      }),
    },
    {
      method: "POST",
      path: `${BASE}/update-vm-nic`,
      handler: vmMutation(S.updateNic, "updateVm", "Edit NIC of VM", (v, { data }) => {
        const nic = nicsOf(v)[data.nic_index];
        if (data.connect_vlan_id !== undefined) nic.vlan = state.ref("vlans", data.connect_vlan_id);
        for (const k of ["enabled", "mirror", "model", "mac_address", "ip_address", "gateway", "subnet_mask"] as const) if (data[k] !== undefined) nic[k] = data[k];
        refreshIds(v);
      }, (v, { data }) => {
        if (!nicsOf(v)[data.nic_index]) throw new SimError(400, `VM ${v.name} has no NIC at index ${data.nic_index}`);
        if (data.connect_vlan_id && !state.get("vlans", data.connect_vlan_id)) throw new SimError(400, `VLAN ${data.connect_vlan_id} not found`);
      }),
    },
    {
      method: "POST",
      path: `${BASE}/remove-vm-nic`,
      handler: vmMutation(S.removeNic, "updateVm", "Remove NICs from VM", (v, { data }) => {
        const nics = nicsOf(v);
        const gone = new Set(data.nic_index.map((i) => nics[i]?.id));
        for (const id of gone) if (id) state.remove("vmNics", id);
        v.vm_nics = (v.vm_nics as Array<{ id: string }>).filter((n) => !gone.has(n.id));
        nicsOf(v).forEach((n, i) => (n.order = i));
        refreshIds(v);
      }),
    },
  ];

  return { routes, dropVm };
}
