/**
 * A SmartX CloudTower API simulator for the calls our resources make: every call POST with JSON under
 * /v2/api (but GET /get-version), `Authorization: <token>` from /login (raw or `Bearer`), bare arrays from
 * reads filtered by Prisma-style `where`, mutations that return `WithTask` arrays and run as tasks,
 * placeholders, `ResourceLocked` while a task holds an object, strict request validation, and the
 * `{path, status, message, code?, props?}` error body.
 *
 * Choices where the vendor is silent (see README): a bad token answers 401 with the error body; a bad
 * login 400; references to objects that do not exist fail the task (creation precedes validation), except
 * a missing VDS or cluster in a request, which is a 400.
 *
 * Control routes beside the shared /_sim/ ones:
 *   POST /_sim/cloudtower/fail-tasks   {mutation?, count?, error_code?, error_message?, leaveOrphan?}
 *   POST /_sim/cloudtower/lock         {collection, id, ms}
 *   POST /_sim/cloudtower/expire-tokens
 *   POST /_sim/cloudtower/ignore-shutdown {vmId}   the guest ignores graceful shutdowns
 */
import { z } from "zod";
import { Route, SimError, SimRequest, SimResponse, VendorSim } from "../core";
import * as S from "./schemas";
import { addCluster, seedTower, vm as vmEntity, volume } from "./seed";
import { COLLECTIONS, Collection, TowerOptions, TowerState, cuid, mac } from "./state";
import { Entity, Page, query } from "./where";

export { TowerState } from "./state";
export { DEMO_USER, APPLIANCE, FREE_VOLUME } from "./seed";

const BASE = "/v2/api";

export function createCloudTowerSimulator(opts: TowerOptions = {}): VendorSim & { state: TowerState } {
  let state = fresh();
  const orphanOnFailure = new Set<string>();
  const ignoresShutdown = new Set<string>();

  function fresh() {
    const s = new TowerState(opts);
    seedTower(s);
    return s;
  }

  function body<T extends z.ZodType>(req: SimRequest, schema: T): z.infer<T> {
    let json: unknown;
    try {
      json = req.body.trim() === "" ? undefined : JSON.parse(req.body);
    } catch {
      throw new SimError(400, "request body is not valid JSON");
    }
    const r = schema.safeParse(json);
    if (!r.success) {
      const msg = r.error.issues
        .map((i) => `${i.path.join(".") || "body"}: ${i.code === "unrecognized_keys" ? `unknown field(s) ${i.keys.join(", ")}` : i.message}`)
        .join("; ");
      throw new SimError(400, `invalid request: ${msg}`);
    }
    return r.data;
  }

  function auth(req: SimRequest) {
    const h = req.headers.authorization;
    const token = (Array.isArray(h) ? h[0] : h)?.replace(/^Bearer\s+/i, "");
    if (!token || !state.tokens.has(token)) throw new SimError(401, "Unauthorized: the token is missing, invalid or expired");
  }

  /** The objects a `{where}` matches, refusing any that a task holds. */
  function targets(c: Collection, where: Record<string, unknown>, type: string): Entity[] {
    const found = query(state.list(c), { where }, state.resolve);
    const locked = found.filter((e) => state.locked(e.id));
    if (locked.length) {
      throw new SimError(400, `Resource [${locked.map((e) => `${type}-${e.id}`).join(", ")}] locked`, {
        code: "ResourceLocked",
        props: { locked_resources: locked.map((e) => ({ id: e.id, type })) },
      });
    }
    return found;
  }

  const read = (c: Collection): Route["handler"] => (req) => {
    const page = body(req, S.getBody()) as Page;
    return ok(query(state.list(c), page ?? {}, state.resolve).map(strip));
  };
  const count = (c: Collection): Route["handler"] => (req) => {
    const page = body(req, S.getBody()) as Page;
    return ok({ aggregate: { count: query(state.list(c), { where: page?.where }, state.resolve).length } });
  };

  function withTask(data: unknown, taskId: string | null) {
    return { task_id: taskId, data };
  }

  // ---- VMs ------------------------------------------------------------------------------------------

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
    { method: "GET", path: `${BASE}/get-version`, handler: () => ok("4.6.0") },
    {
      method: "POST",
      path: `${BASE}/login`,
      handler: (req) => {
        const p = body(req, S.login());
        const u = state.users.get(p.username);
        if (!u || u.password !== p.password || (p.source ?? "LOCAL") !== u.source) throw new SimError(400, "Username or password is incorrect");
        const token = cuid() + cuid();
        state.tokens.add(token);
        return ok(withTask({ token }, null));
      },
    },
    ...(
      [
        ["get-tasks", "tasks"],
        ["get-vms", "vms"],
        ["get-vm-disks", "vmDisks"],
        ["get-vm-nics", "vmNics"],
        ["get-vm-volumes", "vmVolumes"],
        ["get-clusters", "clusters"],
        ["get-hosts", "hosts"],
        ["get-vdses", "vdses"],
        ["get-vlans", "vlans"],
        ["get-vm-snapshots", "vmSnapshots"],
        ["get-organizations", "organizations"],
        ["get-datacenters", "datacenters"],
      ] as const
    ).flatMap(([path, c]): Route[] => [
      { method: "POST", path: `${BASE}/${path}`, handler: read(c) },
      { method: "POST", path: `${BASE}/${path}-connection`, handler: count(c) },
    ]),
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
        if (locked.length) throw new SimError(400, `Resource [VM-${locked[0].id}] locked`, { code: "ResourceLocked", props: { locked_resources: locked.map((v) => ({ id: v.id, type: "VM" })) } });
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
    // ---- Clusters ---------------------------------------------------------------------------------
    {
      method: "POST",
      path: `${BASE}/connect-cluster`,
      handler: (req) => {
        const params = body(req, S.connectCluster());
        return ok(
          params.map((p) => {
            if (p.datacenter_id && !state.get("datacenters", p.datacenter_id)) throw new SimError(400, `datacenter ${p.datacenter_id} not found`);
            if (state.list("clusters").some((c) => c.ip === p.ip)) throw new SimError(400, `a cluster at ${p.ip} is already connected`);
            const appliance = state.appliances.find((a) => a.ip === p.ip);
            const id = cuid();
            const placeholder = state.put("clusters", { id, name: p.ip, ip: p.ip, type: "SMTX_OS", architecture: "X86_64", connect_state: "INITIALIZING", version: "", dns: [], ntp_servers: [], recommended_cpu_models: [], total_cpu_models: [], entityAsyncStatus: "CREATING" });
            if (!appliance) state.faults.unshift({ mutation: "connectCluster", count: 1, error_code: "LOAD_CLUSTER_NETWORK_ERROR", error_message: `cannot reach a cluster at ${p.ip}` });
            else if (appliance.username !== p.username || appliance.password !== p.password) {
              state.faults.unshift({ mutation: "connectCluster", count: 1, error_code: "LOAD_CLUSTER_UNAUTHORIZED", error_message: `the cluster at ${p.ip} rejected the username or password` });
            }
            const t = state.startTask({
              description: `Connect cluster ${p.ip}`,
              mutation: "connectCluster",
              resourceId: id,
              resourceType: "Cluster",
              locks: [{ c: "clusters", id, status: "CREATING" }],
              onSuccess: () => {
                state.remove("clusters", id);
                addCluster(state, { id, name: appliance!.name, ip: p.ip, datacenterId: p.datacenter_id, version: appliance!.version });
                state.clusterCredentials.set(id, { username: p.username, password: p.password });
              },
              onFailure: () => state.remove("clusters", id),
            });
            return withTask(strip(placeholder), t);
          }),
        );
      },
    },
    {
      method: "POST",
      path: `${BASE}/update-cluster`,
      handler: (req) => {
        const p = body(req, S.updateCluster());
        return ok(
          targets("clusters", p.where, "CLUSTER").map((c) => {
            const t = state.startTask({
              description: `Edit cluster ${c.name}`,
              mutation: "updateCluster",
              resourceId: c.id,
              resourceType: "Cluster",
              locks: [{ c: "clusters", id: c.id, status: "UPDATING" }],
              onSuccess: () => {
                const cred = state.clusterCredentials.get(c.id) ?? { username: "", password: "" };
                if (p.data.username !== undefined) cred.username = p.data.username;
                if (p.data.password !== undefined) cred.password = p.data.password;
                state.clusterCredentials.set(c.id, cred);
                if (p.data.ip !== undefined) c.ip = p.data.ip;
                if (p.data.datacenter_id !== undefined) c.datacenters = [state.ref("datacenters", p.data.datacenter_id)];
              },
            });
            return withTask(strip(c), t);
          }),
        );
      },
    },
    {
      method: "POST",
      path: `${BASE}/delete-cluster`,
      handler: (req) => {
        const p = body(req, S.whereOnly());
        return ok(
          targets("clusters", p.where, "CLUSTER").map((c) => {
            const t = state.startTask({
              description: `Remove cluster ${c.name}`,
              mutation: "deleteCluster",
              resourceId: c.id,
              resourceType: "Cluster",
              locks: [{ c: "clusters", id: c.id, status: "DELETING" }],
              onSuccess: () => {
                // Disconnecting removes the cluster and everything of it from Tower's view.
                const of = (e: Entity) => (e.cluster as { id: string } | undefined)?.id === c.id;
                for (const v of state.list("vms").filter(of)) dropVm(v, true);
                for (const h of state.list("hosts").filter(of)) state.remove("hosts", h.id);
                for (const d of state.list("vdses").filter(of)) {
                  for (const l of state.list("vlans").filter((l) => (l.vds as { id: string }).id === d.id)) state.remove("vlans", l.id);
                  state.remove("vdses", d.id);
                }
                state.remove("clusters", c.id);
                state.clusterCredentials.delete(c.id);
              },
            });
            return withTask({ id: c.id }, t);
          }),
        );
      },
    },
    // ---- VLANs ------------------------------------------------------------------------------------
    {
      method: "POST",
      path: `${BASE}/create-vm-vlan`,
      handler: (req) => {
        const params = body(req, S.createVlan());
        return ok(
          params.map((p) => {
            const vds = state.get("vdses", p.vds_id);
            if (!vds) throw new SimError(400, `vds ${p.vds_id} not found`);
            const id = cuid();
            const v = state.put("vlans", { id, local_id: state.newLocalId(), name: p.name, network_ids: p.network_ids ?? [], type: "VM", vds: { id: vds.id, name: String(vds.name) }, vlan_id: p.vlan_id ?? 0, mode_type: p.mode_type ?? "VLAN_ACCESS", qos_priority: p.qos_priority, entityAsyncStatus: "CREATING" });
            const t = state.startTask({ description: `Create VM network ${p.name}`, mutation: "createVmVlan", resourceId: id, resourceType: "Vlan", locks: [{ c: "vlans", id, status: "CREATING" }], onFailure: () => state.remove("vlans", id) });
            return withTask(strip(v), t);
          }),
        );
      },
    },
    {
      method: "POST",
      path: `${BASE}/update-vm-vlan`,
      handler: (req) => {
        const p = body(req, S.updateVlan());
        return ok(
          targets("vlans", p.where, "VLAN").map((l) => {
            const t = state.startTask({
              description: `Edit VM network ${l.name}`,
              mutation: "updateVlan",
              resourceId: l.id,
              resourceType: "Vlan",
              locks: [{ c: "vlans", id: l.id, status: "UPDATING" }],
              onSuccess: () => {
                for (const [k, val] of Object.entries(p.data)) if (val !== undefined) l[k] = val;
                for (const n of state.list("vmNics")) if ((n.vlan as { id: string } | null)?.id === l.id) n.vlan = state.ref("vlans", l.id);
              },
            });
            return withTask(strip(l), t);
          }),
        );
      },
    },
    {
      method: "POST",
      path: `${BASE}/delete-vm-vlan`,
      handler: (req) => {
        const p = body(req, S.whereOnly());
        const vlans = targets("vlans", p.where, "VLAN");
        for (const l of vlans) {
          const users = state.list("vmNics").filter((n) => (n.vlan as { id: string } | null)?.id === l.id);
          if (users.length) throw new SimError(400, `VM network ${l.name} is used by ${users.length} VM NIC(s)`);
        }
        return ok(
          vlans.map((l) =>
            withTask(
              { id: l.id },
              state.startTask({ description: `Delete VM network ${l.name}`, mutation: "deleteVlan", resourceId: l.id, resourceType: "Vlan", locks: [{ c: "vlans", id: l.id, status: "DELETING" }], onSuccess: () => state.remove("vlans", l.id) }),
            ),
          ),
        );
      },
    },
    // ---- Snapshots --------------------------------------------------------------------------------
    {
      method: "POST",
      path: `${BASE}/create-vm-snapshot`,
      handler: (req) => {
        const p = body(req, S.createSnapshot());
        return ok(
          p.data.map((d) => {
            const v = state.get("vms", d.vm_id);
            if (!v) throw new SimError(400, `VM ${d.vm_id} not found`);
            if (state.locked(v.id)) throw new SimError(400, `Resource [VM-${v.id}] locked`, { code: "ResourceLocked", props: { locked_resources: [{ id: v.id, type: "VM" }] } });
            if (d.consistent_type === "FILE_SYSTEM_CONSISTENT" && v.vm_tools_status !== "RUNNING") {
              state.faults.unshift({ mutation: "createSnapshot", count: 1, error_code: "VM_TOOLS_NOT_RUNNING", error_message: `a file-system consistent snapshot of ${v.name} needs VMTools running` });
            }
            const id = cuid();
            const disks = (v.vm_disks as Array<{ id: string }>).map((x) => state.get("vmDisks", x.id)!).filter((x) => x.type === "DISK");
            const snap = state.put("vmSnapshots", {
              id,
              name: d.name,
              local_id: state.newLocalId(),
              description: "",
              cluster: v.cluster,
              consistent_type: d.consistent_type ?? "CRASH_CONSISTENT",
              cpu: { ...(v.cpu as object) },
              cpu_model: v.cpu_model,
              vcpu: v.vcpu,
              memory: v.memory,
              size: disks.reduce((n, x) => n + Number(state.get("vmVolumes", (x.vm_volume as { id: string }).id)?.size ?? 0), 0),
              firmware: v.firmware,
              ha: v.ha,
              clock_offset: v.clock_offset,
              win_opt: v.win_opt,
              vm: { id: v.id, name: v.name },
              vm_disks: [],
              vm_nics: [],
              local_created_at: new Date(state.now()).toISOString(),
              entityAsyncStatus: "CREATING",
            });
            const t = state.startTask({
              description: `Create snapshot ${d.name} of VM ${v.name}`,
              mutation: "createSnapshot",
              resourceId: id,
              resourceType: "VmSnapshot",
              locks: [
                { c: "vmSnapshots", id, status: "CREATING" },
                { c: "vms", id: v.id, status: "UPDATING" },
              ],
              onSuccess: () => {
                snap.vm_disks = disks.map((x, i) => {
                  const vol = state.get("vmVolumes", (x.vm_volume as { id: string }).id)!;
                  return { boot: x.boot, bus: x.bus, index: i, type: "DISK", path: vol.path, size: vol.size, storage_policy_uuid: state.newLocalId(), vm_volume_local_id: vol.local_id, elf_image_local_id: "", svt_image_local_id: "", disk_name: vol.name, snapshot_local_id: `${vol.local_id}-snapshot-${snap.local_id}` };
                });
                v.snapshots = [...((v.snapshots as object[]) ?? []), { id, name: d.name }];
              },
              onFailure: () => state.remove("vmSnapshots", id),
            });
            return withTask(strip(snap), t);
          }),
        );
      },
    },
    {
      method: "POST",
      path: `${BASE}/delete-vm-snapshot`,
      handler: (req) => {
        const p = body(req, S.whereOnly());
        return ok(
          targets("vmSnapshots", p.where, "VM_SNAPSHOT").map((snap) =>
            withTask(
              { id: snap.id },
              state.startTask({
                description: `Delete snapshot ${snap.name}`,
                mutation: "deleteSnapshot",
                resourceId: snap.id,
                resourceType: "VmSnapshot",
                locks: [{ c: "vmSnapshots", id: snap.id, status: "DELETING" }],
                onSuccess: () => {
                  state.remove("vmSnapshots", snap.id);
                  const v = state.get("vms", (snap.vm as { id: string } | undefined)?.id ?? "");
                  if (v) v.snapshots = (v.snapshots as Array<{ id: string }>).filter((s) => s.id !== snap.id);
                },
              }),
            ),
          ),
        );
      },
    },
    // ---- Control ----------------------------------------------------------------------------------
    {
      method: "POST",
      path: "/_sim/cloudtower/fail-tasks",
      handler: (req) => {
        const f = JSON.parse(req.body || "{}");
        state.faults.push({ mutation: f.mutation, count: f.count ?? 1, error_code: f.error_code, error_message: f.error_message });
        if (f.leaveOrphan) orphanOnFailure.add("next");
        return { status: 200, body: { ok: true } };
      },
    },
    {
      method: "POST",
      path: "/_sim/cloudtower/lock",
      handler: (req) => {
        const f = JSON.parse(req.body || "{}");
        state.lockFor(f.collection ?? "vms", f.id, f.ms ?? 1000);
        return { status: 200, body: { ok: true } };
      },
    },
    {
      method: "POST",
      path: "/_sim/cloudtower/expire-tokens",
      handler: () => {
        state.tokens.clear();
        return { status: 200, body: { ok: true } };
      },
    },
    {
      method: "POST",
      path: "/_sim/cloudtower/ignore-shutdown",
      handler: (req) => {
        ignoresShutdown.add(JSON.parse(req.body || "{}").vmId);
        return { status: 200, body: { ok: true } };
      },
    },
  ];

  // Every vendor route: settle tasks first, then authenticate (but /login and /get-version).
  const wrapped = routes.map((r) =>
    r.path.startsWith("/_sim/")
      ? r
      : {
          ...r,
          handler: async (req: SimRequest) => {
            try {
              state.settle();
              if (!r.path.endsWith("/login") && !r.path.endsWith("/get-version")) auth(req);
              return await r.handler(req);
            } catch (e) {
              // The error body names the operation's path, as CloudTower's does.
              if (e instanceof SimError) throw new SimError(e.status, e.message, { path: req.path.slice(BASE.length), ...e.extra }, e.headers);
              throw e;
            }
          },
        },
  );

  return {
    name: "cloudtower",
    get state() {
      return state;
    },
    routes: wrapped,
    renderError: (status, message, extra) => ({
      status,
      body: { path: "", ...extra, status, message },
      headers: { "x-tower-request-id": cuid() },
    }),
    reset: () => {
      state = fresh();
      orphanOnFailure.clear();
      ignoresShutdown.clear();
    },
    seed: (b) => {
      const d = b as Partial<Record<Collection, Entity[]>>;
      for (const c of COLLECTIONS) for (const e of d[c] ?? []) state.put(c, e);
    },
    inventory: () => {
      state.settle();
      return Object.fromEntries(COLLECTIONS.filter((c) => c !== "tasks").map((c) => [c, state.list(c).map(strip)]));
    },
    snapshot: () => state.snapshot(),
    restore: (d) => state.restore(d as never),
  };
}

/** The object as the API shows it: `undefined` fields dropped. */
function strip(e: Entity): Entity {
  return JSON.parse(JSON.stringify(e));
}

function ok(body: unknown): SimResponse {
  return { status: 200, body, headers: { "x-tower-request-id": cuid() } };
}

export const createSimulator = createCloudTowerSimulator;
