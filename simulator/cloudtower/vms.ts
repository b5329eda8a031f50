/**
 * The VM part of the CloudTower simulator: creation from scratch, from a VM template or from a content-library
 * template (placeholders, tasks that may fail and may leave an orphan when asked), basic info, the power
 * operations (one table), placement, disks, NICs (by index, deprecated, or by `where`) and rollback to a
 * snapshot.
 */
import { z } from "zod";
import { Route, SimError, SimRequest, SimResponse } from "../core";
import { BASE, TowerCtx, lockedError, ok, strip, withTask } from "./context";
import { removeLabelled } from "./labels";
import * as S from "./schemas";
import { vm as vmEntity, volume } from "./seed";
import { cuid, mac } from "./state";
import { Entity, query } from "./where";

/** Behaviour switches set through the control routes. */
export interface VmFaults {
  /** The next failed create leaves its VM behind (a half-created VM) instead of removing it. */
  orphanOnFailure: Set<string>;
  /** VMs whose guest ignores a graceful shutdown (and so a graceful restart). */
  ignoresShutdown: Set<string>;
}

type Ref = { id: string };
type NicParams = z.infer<ReturnType<typeof S.nicParams>>;
type CloudInit = NonNullable<S.TemplateParams["cloud_init"]>;

/**
 * The power operations: which statuses each accepts (another is a 400, as 4.7's precondition checks answer;
 * 4.6 documents none) and the status it leaves. A graceful one fails its task when the guest ignores it.
 */
const POWER = [
  { op: "start-vm", mutation: "startVm", verb: "start", from: ["STOPPED", "SUSPENDED"], to: "RUNNING" },
  { op: "shutdown-vm", mutation: "shutdownVm", verb: "shut down", from: ["RUNNING"], to: "STOPPED", graceful: true },
  { op: "poweroff-vm", mutation: "poweroffVm", verb: "power off", from: ["RUNNING", "SUSPENDED"], to: "STOPPED" },
  { op: "restart-vm", mutation: "restartVm", verb: "restart", from: ["RUNNING"], to: "RUNNING", graceful: true },
  { op: "force-restart-vm", mutation: "forceRestartVm", verb: "force restart", from: ["RUNNING"], to: "RUNNING" },
  { op: "suspend-vm", mutation: "suspendVm", verb: "suspend", from: ["RUNNING"], to: "SUSPENDED" },
  { op: "resume-vm", mutation: "resumeVm", verb: "resume", from: ["SUSPENDED"], to: "RUNNING" },
] as const;

/** What a VM is made from (a template, a content-library template's copy on a cluster): sizes, disks, NICs. */
interface Blueprint {
  clusterId: string;
  cores: number;
  sockets: number;
  memory: number;
  firmware: string;
  ha: boolean;
  disks: Array<{ size: number; bus: string; boot: number }>;
  nics: NicParams[];
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
      else if (vol.mounting && !vol.sharing) problems.push(`VM_VOLUME_IN_USE: ${m.vm_volume_id}`);
      else {
        vol.mounting = true;
        ids.push(addDiskRecord(vmId, vmName, { boot: m.boot, bus: m.bus, volume: m.vm_volume_id, key: m.key ?? ids.length }));
      }
    }
    for (const c of d.mount_cd_roms ?? []) {
      const id = cuid();
      // A content-library ISO is mounted as its copy on the VM's cluster (one ELF image per cluster).
      const library = c.content_library_image_id ? state.get("contentLibraryImages", c.content_library_image_id) : undefined;
      const copy =
        library && state.list("elfImages").find((e) => (e.content_library_image as Ref | undefined)?.id === library.id && (e.cluster as Ref).id === clusterId);
      if (c.content_library_image_id && !library) problems.push(`CONTENT_LIBRARY_IMAGE_NOT_FOUND: ${c.content_library_image_id}`);
      else if (library && !copy) problems.push(`CONTENT_LIBRARY_IMAGE_NOT_IN_CLUSTER: ${library.name} is not distributed to cluster ${clusterId}`);
      const image = c.elf_image_id ? state.get("elfImages", c.elf_image_id) : copy;
      if (c.elf_image_id && !image) problems.push(`ELF_IMAGE_NOT_FOUND: ${c.elf_image_id}`);
      state.put("vmDisks", {
        id,
        boot: c.boot,
        bus: "IDE",
        type: "CD_ROM",
        vm: { id: vmId, name: vmName },
        vm_volume: null,
        elf_image: image ? { id: image.id, name: image.name } : null,
        key: c.key ?? ids.length,
      });
      ids.push(id);
    }
    return ids;
  }

  function addDiskRecord(vmId: string, vmName: string, d: { boot: number; bus: string; volume: string; key: number }): string {
    const id = cuid();
    state.put("vmDisks", {
      id,
      boot: d.boot,
      bus: d.bus,
      type: "DISK",
      vm: { id: vmId, name: vmName },
      vm_volume: state.ref("vmVolumes", d.volume),
      key: d.key,
      device: `vd${String.fromCharCode(97 + d.key)}`,
    });
    return id;
  }

  function buildNics(vmId: string, vmName: string, nics: NicParams[], problems: string[], start = 0): string[] {
    return nics.map((n, i) => {
      if (n.connect_vlan_id && !state.get("vlans", n.connect_vlan_id)) problems.push(`VLAN_NOT_FOUND: ${n.connect_vlan_id}`);
      const id = cuid();
      state.put("vmNics", {
        id,
        local_id: state.newLocalId(),
        vm: { id: vmId, name: vmName },
        vlan: n.connect_vlan_id && state.get("vlans", n.connect_vlan_id) ? state.ref("vlans", n.connect_vlan_id) : null,
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

  /** A volume is mounting while any VM's disk holds it (a sharing volume may be on several). */
  function remount(volumeId: string) {
    const vol = state.get("vmVolumes", volumeId);
    if (vol) vol.mounting = state.list("vmDisks").some((d) => (d.vm_volume as Ref | null | undefined)?.id === volumeId);
  }

  /** Removes a VM and everything of it (disks, their non-shared volumes, NICs, snapshots if asked), off its labels. */
  function dropVm(v: Entity, withSnapshots: boolean) {
    for (const d of v.vm_disks as Ref[]) {
      const disk = state.get("vmDisks", d.id);
      const vol = disk?.vm_volume as Ref | null;
      const shared = vol && state.get("vmVolumes", vol.id)?.sharing;
      if (vol && !shared) removeLabelled(state, "vmVolumes", vol.id);
      state.remove("vmDisks", d.id);
      if (vol && shared) remount(vol.id);
    }
    for (const n of v.vm_nics as Ref[]) state.remove("vmNics", n.id);
    if (withSnapshots) for (const s of state.list("vmSnapshots")) if ((s.vm as Ref | undefined)?.id === v.id) state.remove("vmSnapshots", s.id);
    for (const g of state.list("vmPlacementGroups")) g.vms = ((g.vms as Ref[] | undefined) ?? []).filter((x) => x.id !== v.id);
    removeLabelled(state, "vms", v.id);
  }

  /** Starts a create task for a placeholder VM; a failure removes it unless asked to leave an orphan. */
  function createTask(v: Entity, desired: string, problems: string[], hostId?: string, description = `Create a VM ${v.name}`): string {
    const clusterId = (v.cluster as Ref).id;
    const failOrphan = orphanOnFailure.size > 0;
    if (problems.length) state.faults.unshift({ mutation: "createVm", count: 1, error_code: problems[0].split(":")[0], error_message: problems.join("; ") });
    return state.startTask({
      description,
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

  function hostsOf(v: Entity): Array<{ id: string; name: string; management_ip: string }> {
    return (state.get("clusters", (v.cluster as Ref).id)?.hosts ?? []) as Array<{ id: string; name: string; management_ip: string }>;
  }

  /** Auto-scheduling: any host of the cluster but the current one. */
  function otherHost(v: Entity): string | undefined {
    return hostsOf(v).find((h) => h.id !== (v.host as Ref | null)?.id)?.id;
  }

  /** A VM's power status; a running VM is on the host asked, else the one it was on, else the cluster's first. */
  function setPower(v: Entity, status: string, hostId?: string) {
    v.status = status;
    if (status === "RUNNING") {
      const hosts = hostsOf(v);
      const host = hosts.find((h) => h.id === (hostId ?? (v.host as Ref | null)?.id)) ?? hosts[0];
      v.host = host;
      v.node_ip = host.management_ip;
      v.ips = (v.vm_nics as Ref[])
        .map((n) => state.get("vmNics", n.id)?.ip_address)
        .filter(Boolean)
        .join(",");
    } else {
      v.ips = "";
    }
    if (status === "STOPPED") v.last_shutdown_time = new Date(state.now()).toISOString();
  }

  const duplicate = (name: string) => (state.list("vms").some((v) => v.name === name) ? [`VM_DUPLICATED_NAME: a VM named ${name} exists`] : []);

  function createVm(req: SimRequest): SimResponse {
    const params = body(req, S.createVm());
    return ok(
      params.map((p) => {
        if (!state.get("clusters", p.cluster_id)) throw new SimError(400, `cluster ${p.cluster_id} not found`);
        const id = cuid();
        const problems: string[] = duplicate(p.name);
        const disks = buildDisks(id, p.name, p.cluster_id, p.vm_disks, problems);
        const nics = buildNics(id, p.name, p.vm_nics, problems);
        const memory = p.memory * S.BYTES[p.memory_unit ?? "B"];
        const v = state.put(
          "vms",
          vmEntity(state, {
            id,
            name: p.name,
            clusterId: p.cluster_id,
            cores: p.cpu_cores,
            sockets: p.cpu_sockets,
            memory,
            firmware: p.firmware,
            ha: p.ha,
            status: "STOPPED",
            host: null,
            disks,
            nics,
            description: p.description,
            guestOs: p.guest_os_type,
          }),
        );
        return withTask(strip(v), createTask(v, p.status, problems, p.host_id));
      }),
    );
  }

  /** The machine a template or a VM describes: its cluster, CPU, memory, firmware and HA. */
  function machine(src: Entity) {
    const cpu = src.cpu as { cores: number; sockets: number };
    return {
      clusterId: (src.cluster as Ref).id,
      cores: cpu.cores,
      sockets: cpu.sockets,
      memory: Number(src.memory),
      firmware: String(src.firmware),
      ha: Boolean(src.ha),
    };
  }

  /** What a VM template makes: its disks (not its CD-ROMs), its NICs on the networks they name (by local id). */
  function blueprint(tpl: Entity): Blueprint {
    const disks = (tpl.vm_disks as Array<{ type: string; size: number; bus: string; boot: number }>) ?? [];
    const nics = (tpl.vm_nics as Array<{ index: number; vlan: { vlan_local_id: string }; model?: string; enabled?: boolean; mirror?: boolean }>) ?? [];
    return {
      ...machine(tpl),
      disks: disks.filter((d) => d.type === "DISK").sort((a, b) => a.boot - b.boot),
      nics: [...nics]
        .sort((a, b) => a.index - b.index)
        .map((n) => ({
          connect_vlan_id: state.list("vlans").find((l) => l.local_id === n.vlan.vlan_local_id)?.id,
          model: (n.model ?? "VIRTIO") as NicParams["model"],
          enabled: n.enabled ?? true,
          mirror: n.mirror ?? false,
        })),
    };
  }

  /** A VM made from a template (`problems` fail its task, as CloudTower validates after creating the placeholder). */
  function fromTemplate(p: S.TemplateParams, bp: Blueprint | undefined, clusterId: string, problems: string[], extraDisks?: S.DiskParams) {
    const id = cuid();
    problems.push(...duplicate(p.name));
    const removed = new Set(p.disk_operate?.remove_disks?.disk_index ?? []);
    const tDisks = (bp?.disks ?? []).filter((_, i) => !removed.has(i));
    const newDisks = tDisks.map((d, i) => ({
      boot: d.boot,
      bus: d.bus as "VIRTIO",
      vm_volume: { name: `${p.name}-disk-${i}`, size: d.size, elf_storage_policy: "REPLICA_2_THIN_PROVISION" as const },
    }));
    const disks = buildDisks(id, p.name, clusterId, { mount_new_create_disks: newDisks }, problems).concat(
      p.disk_operate?.new_disks ? buildDisks(id, p.name, clusterId, p.disk_operate.new_disks, problems) : [],
      extraDisks ? buildDisks(id, p.name, clusterId, extraDisks, problems) : [],
    );
    const nics = buildNics(id, p.name, p.vm_nics ?? bp?.nics ?? [], problems);
    const ci = (p as { cloud_init?: CloudInit }).cloud_init;
    if (ci) cloudInit(ci, nics, problems);
    const v = state.put(
      "vms",
      vmEntity(state, {
        id,
        name: p.name,
        clusterId,
        cores: p.cpu_cores ?? bp?.cores ?? 1,
        sockets: p.cpu_sockets ?? bp?.sockets ?? 1,
        memory: p.memory !== undefined ? p.memory * S.BYTES[p.memory_unit ?? "B"] : (bp?.memory ?? 1024 ** 3),
        firmware: p.firmware ?? bp?.firmware ?? "BIOS",
        ha: p.ha ?? bp?.ha ?? true,
        status: "STOPPED",
        host: null,
        disks,
        nics,
        description: p.description,
        guestOs: p.guest_os_type,
      }),
    );
    // What cloud-init sets in the guest, as VMTools reports it once the VM runs.
    if (ci?.hostname) v.hostname = ci.hostname;
    if (ci?.nameservers?.length) v.dns_servers = ci.nameservers.join(",");
    return withTask(strip(v), createTask(v, p.status ?? "RUNNING", problems, p.host_id));
  }

  /**
   * cloud-init's networks on the new VM's NICs (by index): a static IPv4 address shows on its NIC, the
   * gateway as the default route's (`0.0.0.0/0.0.0.0`). A NIC index the VM lacks fails the task, as
   * CloudTower reports cloud-init errors (`VM_CLOUD_INIT_CONFIG_ERROR`).
   */
  function cloudInit(ci: CloudInit, nicIds: string[], problems: string[]) {
    for (const n of ci.networks ?? []) {
      const nic = nicIds[n.nic_index] ? state.get("vmNics", nicIds[n.nic_index]) : undefined;
      if (!nic) {
        problems.push(`VM_CLOUD_INIT_CONFIG_ERROR: [VM_CLOUD_INIT_CONFIG_ERROR]no NIC at index ${n.nic_index}`);
        continue;
      }
      if (n.type !== "IPV4") continue;
      nic.ip_address = n.ip_address ?? "";
      nic.subnet_mask = n.netmask ?? "";
      nic.gateway = n.routes?.find((r) => r.network === "0.0.0.0" && r.netmask === "0.0.0.0")?.gateway ?? "";
    }
  }

  /** What a VM makes when cloned: its disks' sizes and buses, its NICs on the same networks (new MACs). */
  function vmBlueprint(src: Entity): Blueprint {
    const disks = (src.vm_disks as Ref[])
      .map((d) => state.get("vmDisks", d.id))
      .filter((d): d is Entity => !!d && d.type === "DISK" && !!d.vm_volume)
      .map((d) => ({ size: Number(state.get("vmVolumes", (d.vm_volume as Ref).id)?.size ?? 0), bus: String(d.bus), boot: Number(d.boot) }))
      .sort((a, b) => a.boot - b.boot);
    return {
      ...machine(src),
      disks,
      nics: nicsOf(src).map((n) => ({
        connect_vlan_id: (n.vlan as Ref | null)?.id,
        model: (n.model ?? "VIRTIO") as NicParams["model"],
        enabled: Boolean(n.enabled ?? true),
        mirror: Boolean(n.mirror ?? false),
      })),
    };
  }

  /** `/clone-vm`: a VM like the source VM (on its cluster unless `cluster_id`), with the overrides given. */
  function cloneVm(req: SimRequest): SimResponse {
    return ok(
      body(req, S.cloneVm()).map((p) => {
        const src = state.get("vms", p.src_vm_id);
        if (src && state.locked(src.id)) throw lockedError([src.id], "VM");
        if (p.cluster_id && !state.get("clusters", p.cluster_id)) throw new SimError(400, `cluster ${p.cluster_id} not found`);
        const problems = src ? [] : [`VM_NOT_FOUND: ${p.src_vm_id}`];
        const clusterId = p.cluster_id ?? (src ? (src.cluster as Ref).id : (state.list("clusters")[0]?.id as string));
        const bp = src && vmBlueprint(src);
        // Disks given in the request replace the source's (our reading: the spec says no more).
        const params = { ...p, template_id: p.src_vm_id, is_full_copy: p.is_full_copy ?? false };
        return p.vm_disks ? fromTemplate(params, bp && { ...bp, disks: [] }, clusterId, problems, p.vm_disks) : fromTemplate(params, bp, clusterId, problems);
      }),
    );
  }

  function createVmFromTemplate(req: SimRequest): SimResponse {
    return ok(
      body(req, S.createVmFromTemplate()).map((p) => {
        const tpl = state.get("templates", p.template_id);
        const problems = tpl ? [] : [`VM_TEMPLATE_NOT_FOUND: ${p.template_id}`];
        // `cluster_id` is deprecated here: the template's cluster is the VM's.
        const clusterId = tpl ? (tpl.cluster as Ref).id : (p.cluster_id ?? (state.list("clusters")[0]?.id as string));
        return fromTemplate(p, tpl && blueprint(tpl), clusterId, problems);
      }),
    );
  }

  /** A content-library template is made on a cluster from its copy there (one VM template per cluster). */
  function createVmFromLibraryTemplate(req: SimRequest): SimResponse {
    return ok(
      body(req, S.createVmFromLibraryTemplate()).map((p) => {
        if (!state.get("clusters", p.cluster_id)) throw new SimError(400, `cluster ${p.cluster_id} not found`);
        const lib = state.get("contentLibraryVmTemplates", p.template_id);
        const copies = ((lib?.vm_templates as Ref[]) ?? []).map((t) => state.get("templates", t.id)).filter((t): t is Entity => !!t);
        const tpl = copies.find((t) => (t.cluster as Ref).id === p.cluster_id);
        const problems = !lib
          ? [`CONTENT_LIBRARY_VM_TEMPLATE_NOT_FOUND: ${p.template_id}`]
          : !tpl
            ? [`CONTENT_LIBRARY_VM_TEMPLATE_NOT_IN_CLUSTER: ${lib.name} is not distributed to cluster ${p.cluster_id}`]
            : [];
        return fromTemplate(p, tpl && blueprint(tpl), p.cluster_id, problems);
      }),
    );
  }

  /**
   * A mutation on every VM that `where` matches: `check` refuses a VM before anything starts (a 400),
   * `prepare` runs as its task starts, `effect` when the task succeeds. One task per VM.
   */
  function vmMutation<T extends z.ZodType>(o: {
    schema: () => T;
    mutation: string;
    describe: string;
    effect: (v: Entity, p: z.infer<T>) => void;
    check?: (v: Entity, p: z.infer<T>) => void;
    prepare?: (v: Entity) => void;
  }): Route["handler"] {
    return (req) => {
      const p = body(req, o.schema());
      const vms = targets("vms", (p as { where: Record<string, unknown> }).where, "VM");
      for (const v of vms) o.check?.(v, p);
      const deleting = o.mutation === "deleteVm";
      return ok(
        vms.map((v) => {
          o.prepare?.(v);
          const taskId = vmTask(v, o.mutation, `${o.describe} ${v.name}`, () => o.effect(v, p), deleting);
          return withTask(deleting ? { id: v.id } : strip(v), taskId);
        }),
      );
    };
  }

  /** A task on a VM, which holds it until it ends; `effect` when it succeeds. */
  function vmTask(v: Entity, mutation: string, description: string, effect: () => void, deleting = false): string {
    const locks = [{ c: "vms" as const, id: v.id, status: deleting ? ("DELETING" as const) : ("UPDATING" as const) }];
    return state.startTask({ description, mutation, resourceId: v.id, resourceType: "Vm", cluster: (v.cluster as Ref).id, locks, onSuccess: effect });
  }

  function refreshIds(v: Entity) {
    // The FAQ: VmDisk and VmNic ids change on every update of them.
    v.vm_disks = (v.vm_disks as Ref[]).map((d) => {
      const disk = state.get("vmDisks", d.id)!;
      state.remove("vmDisks", d.id);
      const id = cuid();
      state.put("vmDisks", { ...disk, id });
      return { id };
    });
    v.vm_nics = (v.vm_nics as Ref[]).map((n) => {
      const nic = state.get("vmNics", n.id)!;
      state.remove("vmNics", n.id);
      const id = cuid();
      state.put("vmNics", { ...nic, id });
      return { id };
    });
  }

  function nicsOf(v: Entity): Entity[] {
    return (v.vm_nics as Ref[]).map((n) => state.get("vmNics", n.id)!).sort((a, b) => Number(a.order) - Number(b.order));
  }

  /** Removes these NICs from a VM, numbering the others again. */
  function removeNics(v: Entity, ids: Set<string>) {
    for (const id of ids) state.remove("vmNics", id);
    v.vm_nics = (v.vm_nics as Ref[]).filter((n) => !ids.has(n.id));
    nicsOf(v).forEach((n, i) => (n.order = i));
    refreshIds(v);
  }

  const requireStatus = (want: readonly string[], what: string) => (v: Entity) => {
    if (!want.includes(String(v.status))) throw new SimError(400, `Cannot ${what} VM ${v.name}: it is ${v.status}`);
  };

  const vlanExists = (id: string | undefined) => {
    if (id && !state.get("vlans", id)) throw new SimError(400, `VLAN ${id} not found`);
  };

  const routes: Route[] = [
    { method: "POST", path: `${BASE}/create-vm`, handler: createVm },
    { method: "POST", path: `${BASE}/create-vm-from-template`, handler: createVmFromTemplate },
    { method: "POST", path: `${BASE}/create-vm-from-content-library-template`, handler: createVmFromLibraryTemplate },
    { method: "POST", path: `${BASE}/clone-vm`, handler: cloneVm },
    {
      method: "POST",
      path: `${BASE}/update-vm-basic-info`,
      handler: vmMutation({
        schema: S.updateVm,
        mutation: "updateVm",
        describe: "Edit VM",
        effect: (v, { data }) => {
          if (data.name !== undefined) v.name = data.name;
          if (data.description !== undefined) v.description = data.description;
          if (data.ha !== undefined) v.ha = data.ha;
          if (data.memory !== undefined) v.memory = data.memory * S.BYTES[data.memory_unit ?? "B"];
          const cpu = v.cpu as { cores: number; sockets: number };
          if (data.cpu_cores !== undefined) cpu.cores = data.cpu_cores;
          if (data.cpu_sockets !== undefined) cpu.sockets = data.cpu_sockets;
          v.vcpu = data.vcpu ?? cpu.cores * cpu.sockets;
        },
        check: (v, { data }) => {
          const cpuChange = data.cpu_cores !== undefined || data.cpu_sockets !== undefined || data.vcpu !== undefined;
          if (v.status === "RUNNING" && (cpuChange || data.memory !== undefined)) {
            throw new SimError(400, `Cannot change the CPU or memory of VM ${v.name} while it is RUNNING; shut it down first`);
          }
          if (data.vcpu !== undefined && data.cpu_cores !== undefined && data.cpu_sockets !== undefined && data.vcpu !== data.cpu_cores * data.cpu_sockets) {
            throw new SimError(400, "vcpu must equal cpu_cores x cpu_sockets");
          }
        },
      }),
    },
    {
      method: "POST",
      path: `${BASE}/delete-vm`,
      handler: vmMutation({
        schema: S.deleteVm,
        mutation: "deleteVm",
        describe: "Delete VM",
        effect: (v, p) => dropVm(v, p.effect?.include_snapshots ?? false),
      }),
    },
    ...POWER.map((o): Route => ({
      method: "POST",
      path: `${BASE}/${o.op}`,
      handler: vmMutation({
        // Only /start-vm takes `data: {host_id}`; the others' bodies are `{where}` (VmOperateParams).
        schema: o.op === "start-vm" ? S.startVm : (S.operateVm as unknown as typeof S.startVm),
        mutation: o.mutation,
        describe: `${o.verb[0].toUpperCase()}${o.verb.slice(1)} VM`,
        check: (v, p) => {
          requireStatus(o.from, o.verb)(v);
          if (p.data && !hostsOf(v).some((h) => h.id === p.data!.host_id)) throw new SimError(400, `host ${p.data.host_id} is not in the VM's cluster`);
        },
        prepare: (v) => {
          if (!("graceful" in o) || !ignoresShutdown.has(v.id)) return;
          state.faults.unshift({
            mutation: o.mutation,
            count: 1,
            error_code: "JOB_VM_SHUTDOWN_TIMEOUT",
            error_message: `VM ${v.name} did not shut down in time`,
          });
        },
        effect: (v, p) => setPower(v, o.to, p.data?.host_id),
      }),
    })),
    {
      method: "POST",
      path: `${BASE}/migrate-vm`,
      handler: vmMutation({
        schema: S.migrateVm,
        mutation: "migrateVm",
        describe: "Migrate VM",
        effect: (v, p) => setPower(v, "RUNNING", p.data?.host_id ?? otherHost(v)),
        check: (v, p) => {
          requireStatus(["RUNNING"], "migrate")(v);
          if (p.data && !hostsOf(v).some((h) => h.id === p.data!.host_id)) throw new SimError(400, `host ${p.data.host_id} is not in the VM's cluster`);
        },
      }),
    },
    {
      method: "POST",
      path: `${BASE}/add-vm-disk`,
      handler: vmMutation({
        schema: S.addDisk,
        mutation: "updateVm",
        describe: "Add disks to VM",
        effect: (v, p) => {
          const ids = buildDisks(v.id, String(v.name), (v.cluster as Ref).id, p.data.vm_disks, []);
          v.vm_disks = [...(v.vm_disks as Ref[]), ...ids.map((id) => ({ id }))];
          refreshIds(v);
        },
        check: (_v, p) => {
          for (const m of p.data.vm_disks.mount_disks ?? []) {
            const vol = state.get("vmVolumes", m.vm_volume_id);
            if (!vol) throw new SimError(400, `volume ${m.vm_volume_id} not found`);
            if (vol.mounting && !vol.sharing) throw new SimError(400, `volume ${vol.name} is mounted on another VM`);
          }
        },
      }),
    },
    {
      method: "POST",
      path: `${BASE}/remove-vm-disk`,
      handler: vmMutation({
        schema: S.removeDisk,
        mutation: "updateVm",
        describe: "Remove disks from VM",
        effect: (v, p) => {
          for (const id of p.data.disk_ids) {
            const vol = state.get("vmDisks", id)?.vm_volume as Ref | null | undefined;
            state.remove("vmDisks", id);
            if (vol) remount(vol.id);
          }
          v.vm_disks = (v.vm_disks as Ref[]).filter((d) => !p.data.disk_ids.includes(d.id));
          refreshIds(v);
        },
      }),
    },
    {
      method: "POST",
      path: `${BASE}/expand-vm-disk`,
      handler: (req) => {
        const p = body(req, S.expandDisk());
        const disks = query(state.list("vmDisks"), { where: p.where }, state.resolve);
        const vms = disks.map((d) => state.get("vms", (d.vm as Ref).id)!).filter(Boolean);
        const locked = vms.filter((v) => state.locked(v.id));
        if (locked.length)
          throw lockedError(
            locked.map((v) => v.id),
            "VM",
          );
        const size = p.size * S.BYTES[p.size_unit ?? "B"];
        for (const d of disks) {
          const vol = d.vm_volume ? state.get("vmVolumes", (d.vm_volume as Ref).id) : undefined;
          if (!vol) throw new SimError(400, `disk ${d.id} is not a volume and cannot grow`);
          if (size <= Number(vol.size)) throw new SimError(400, `A disk can only grow: ${vol.name} is ${vol.size} bytes, asked ${size}`);
        }
        return ok(
          disks.map((d) => {
            const v = state.get("vms", (d.vm as Ref).id)!;
            const vol = state.get("vmVolumes", (d.vm_volume as Ref).id)!;
            return withTask(
              strip(v),
              vmTask(v, "updateVm", `Expand disk of VM ${v.name}`, () => (vol.size = size)),
            );
          }),
        );
      },
    },
    {
      method: "POST",
      path: `${BASE}/eject-iso-from-vm-cd-rom`,
      handler: (req) => {
        // The CD-ROMs that `where` matches lose their image; one task per VM (our reading: the spec says no more).
        const p = body(req, S.ejectIso());
        const drives = query(state.list("vmDisks"), { where: p.where }, state.resolve).filter((d) => d.type === "CD_ROM");
        const vms = [...new Set(drives.map((d) => (d.vm as Ref).id))].map((id) => state.get("vms", id)).filter((v): v is Entity => !!v);
        const locked = vms.filter((v) => state.locked(v.id));
        if (locked.length)
          throw lockedError(
            locked.map((v) => v.id),
            "VM",
          );
        return ok(
          vms.map((v) =>
            withTask(
              strip(v),
              vmTask(v, "updateVm", `Eject ISO from CD-ROM of VM ${v.name}`, () => {
                for (const d of drives) if ((d.vm as Ref).id === v.id) d.elf_image = null;
              }),
            ),
          ),
        );
      },
    },
    {
      method: "POST",
      path: `${BASE}/add-vm-nic`,
      handler: vmMutation({
        schema: S.addNic,
        mutation: "updateVm",
        describe: "Add NICs to VM",
        effect: (v, p) => {
          const ids = buildNics(v.id, String(v.name), p.data.vm_nics, [], nicsOf(v).length);
          v.vm_nics = [...(v.vm_nics as Ref[]), ...ids.map((id) => ({ id }))];
          refreshIds(v);
        },
        check: (_v, p) => p.data.vm_nics.forEach((n) => vlanExists(n.connect_vlan_id)),
      }),
    },
    {
      method: "POST",
      path: `${BASE}/update-vm-nic`,
      handler: vmMutation({
        schema: S.updateNic,
        mutation: "updateVm",
        describe: "Edit NIC of VM",
        effect: (v, { data }) => {
          const nic = nicsOf(v)[data.nic_index];
          if (data.connect_vlan_id !== undefined) nic.vlan = state.ref("vlans", data.connect_vlan_id);
          for (const k of ["enabled", "mirror", "model", "mac_address", "ip_address", "gateway", "subnet_mask"] as const)
            if (data[k] !== undefined) nic[k] = data[k];
          refreshIds(v);
        },
        check: (v, { data }) => {
          if (!nicsOf(v)[data.nic_index]) throw new SimError(400, `VM ${v.name} has no NIC at index ${data.nic_index}`);
          vlanExists(data.connect_vlan_id);
        },
      }),
    },
    {
      method: "POST",
      path: `${BASE}/remove-vm-nic`, // deprecated since 3.3: by index
      handler: vmMutation({
        schema: S.removeNic,
        mutation: "updateVm",
        describe: "Remove NICs from VM",
        effect: (v, { data }) => {
          const nics = nicsOf(v);
          removeNics(v, new Set(data.nic_index.map((i) => nics[i]?.id).filter((id): id is string => !!id)));
        },
      }),
    },
    {
      method: "POST",
      path: `${BASE}/remove-vm-nic-by-where`,
      handler: (req) => {
        // The NICs that `where` matches, of the VMs in `effect.vm_ids` when given (our reading: the spec
        // says nothing more); one task per VM that loses a NIC.
        const p = body(req, S.removeNicByWhere());
        const only = p.effect.vm_ids && new Set(p.effect.vm_ids);
        const nics = query(state.list("vmNics"), { where: p.where }, state.resolve).filter((n) => !only || only.has((n.vm as Ref).id));
        const byVm = new Map<string, Set<string>>();
        for (const n of nics) byVm.set((n.vm as Ref).id, (byVm.get((n.vm as Ref).id) ?? new Set()).add(n.id));
        const vms = [...byVm.keys()].map((id) => state.get("vms", id)).filter((v): v is Entity => !!v);
        const locked = vms.filter((v) => state.locked(v.id));
        if (locked.length)
          throw lockedError(
            locked.map((v) => v.id),
            "VM",
          );
        return ok(
          vms.map((v) => {
            const gone = byVm.get(v.id)!;
            return withTask(
              strip(v),
              vmTask(v, "updateVm", `Remove NICs from VM ${v.name}`, () => removeNics(v, gone)),
            );
          }),
        );
      },
    },
    {
      method: "POST",
      path: `${BASE}/rollback-vm`,
      handler: vmMutation({
        schema: S.rollbackVm,
        mutation: "rollbackVm",
        describe: "Roll back VM",
        check: (v, { data }) => {
          const snap = state.get("vmSnapshots", data.snapshot_id);
          if (!snap || (snap.vm as Ref | undefined)?.id !== v.id) throw new SimError(400, `VM ${v.name} has no snapshot ${data.snapshot_id}`);
          if (snap.entityAsyncStatus) throw lockedError([snap.id], "VM_SNAPSHOT");
        },
        // What the snapshot holds of the VM comes back: CPU, memory, HA, and each volume's size.
        effect: (v, { data }) => {
          const snap = state.get("vmSnapshots", data.snapshot_id)!;
          Object.assign(v, { cpu: { ...(snap.cpu as object) }, vcpu: snap.vcpu, memory: snap.memory, ha: snap.ha });
          for (const d of (snap.vm_disks as Array<{ vm_volume_local_id: string; size: number }>) ?? []) {
            const vol = state.list("vmVolumes").find((x) => x.local_id === d.vm_volume_local_id);
            if (vol) vol.size = d.size;
          }
        },
      }),
    },
  ];

  return { routes, dropVm };
}
