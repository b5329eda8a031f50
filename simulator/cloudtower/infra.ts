/**
 * Clusters, VM networks (VLANs) and VM snapshots in the CloudTower simulator.
 */
import { Route, SimError } from "../core";
import { BASE, TowerCtx, lockedError, ok, strip, withTask } from "./context";
import { removeLabelled } from "./labels";
import * as S from "./schemas";
import { addCluster, frozenDisk, frozenNic } from "./seed";
import { cuid } from "./state";
import { Entity } from "./where";

export function infraRoutes(ctx: TowerCtx, dropVm: (v: Entity, withSnapshots: boolean) => void): Route[] {
  const { state, body, targets } = ctx;
  return [
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
            const placeholder = state.put("clusters", {
              id,
              name: p.ip,
              ip: p.ip,
              type: "SMTX_OS",
              architecture: "X86_64",
              connect_state: "INITIALIZING",
              version: "",
              dns: [],
              ntp_servers: [],
              recommended_cpu_models: [],
              total_cpu_models: [],
              entityAsyncStatus: "CREATING",
            });
            if (!appliance)
              state.faults.unshift({
                mutation: "connectCluster",
                count: 1,
                error_code: "LOAD_CLUSTER_NETWORK_ERROR",
                error_message: `cannot reach a cluster at ${p.ip}`,
              });
            else if (appliance.username !== p.username || appliance.password !== p.password) {
              state.faults.unshift({
                mutation: "connectCluster",
                count: 1,
                error_code: "LOAD_CLUSTER_UNAUTHORIZED",
                error_message: `the cluster at ${p.ip} rejected the username or password`,
              });
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
                  for (const l of state.list("vlans").filter((l) => (l.vds as { id: string }).id === d.id)) removeLabelled(state, "vlans", l.id);
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
            const v = state.put("vlans", {
              id,
              local_id: state.newLocalId(),
              name: p.name,
              network_ids: p.network_ids ?? [],
              type: "VM",
              vds: { id: vds.id, name: String(vds.name) },
              vlan_id: p.vlan_id ?? 0,
              mode_type: p.mode_type ?? "VLAN_ACCESS",
              qos_priority: p.qos_priority,
              entityAsyncStatus: "CREATING",
            });
            const t = state.startTask({
              description: `Create VM network ${p.name}`,
              mutation: "createVmVlan",
              resourceId: id,
              resourceType: "Vlan",
              locks: [{ c: "vlans", id, status: "CREATING" }],
              onFailure: () => state.remove("vlans", id),
            });
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
              state.startTask({
                description: `Delete VM network ${l.name}`,
                mutation: "deleteVlan",
                resourceId: l.id,
                resourceType: "Vlan",
                locks: [{ c: "vlans", id: l.id, status: "DELETING" }],
                onSuccess: () => removeLabelled(state, "vlans", l.id),
              }),
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
            if (state.locked(v.id)) throw lockedError([v.id], "VM");
            if (d.consistent_type === "FILE_SYSTEM_CONSISTENT" && v.vm_tools_status !== "RUNNING") {
              state.faults.unshift({
                mutation: "createSnapshot",
                count: 1,
                error_code: "VM_TOOLS_NOT_RUNNING",
                error_message: `a file-system consistent snapshot of ${v.name} needs VMTools running`,
              });
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
                  const disk = {
                    boot: Number(x.boot),
                    bus: String(x.bus),
                    type: "DISK",
                    index: i,
                    size: Number(vol.size),
                    path: String(vol.path),
                    localId: String(vol.local_id),
                    name: String(vol.name),
                  };
                  return { ...frozenDisk(disk), snapshot_local_id: `${vol.local_id}-snapshot-${snap.local_id}` };
                });
                snap.vm_nics = (v.vm_nics as Array<{ id: string }>)
                  .map((x) => state.get("vmNics", x.id)!)
                  .sort((a, b) => Number(a.order) - Number(b.order))
                  .map((n, index) => {
                    const text = (k: string) => String(n[k] ?? "");
                    return {
                      ...frozenNic(state, n, index),
                      mac_address: text("mac_address"),
                      ip_address: text("ip_address"),
                      gateway: text("gateway"),
                      subnet_mask: text("subnet_mask"),
                    };
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
  ];
}
