/**
 * VM placement groups in the CloudTower simulator (`/create-vm-placement-group`, `/update-vm-placement-group`,
 * `/delete-vm-placement-group`): a group of VMs of one cluster with a VM-VM rule (`vm_vm_policy`) and VM-host
 * rules (`must_hosts` / `prefer_hosts`, `vm_host_*_policy` true: on those hosts, false: off them). Each VM
 * lists its groups (`vm_placement_group`). Choices where the spec is silent: `vms` in an update replaces
 * the members; a VM or host of another cluster is a 400; the rules are recorded, not enforced when VMs
 * start or migrate (CloudTower's scheduler, `PlacementGroupMustFilter`, is not modelled).
 */
import { Route, SimError } from "../core";
import { BASE, TowerCtx, ok, strip, withTask } from "./context";
import * as S from "./schemas";
import { cuid } from "./state";
import { Entity, query } from "./where";

type Ref = { id: string };

export function placementRoutes(ctx: TowerCtx): Route[] {
  const { state, body, targets } = ctx;

  /** The VMs or hosts a `where` names, all of the cluster (else a 400). */
  function members(c: "vms" | "hosts", where: Record<string, unknown> | undefined, clusterId: string): Entity[] {
    if (!where) return [];
    const found = query(state.list(c), { where }, state.resolve);
    const stranger = found.find((e) => (e.cluster as Ref | undefined)?.id !== clusterId);
    if (stranger) throw new SimError(400, `${c === "vms" ? "VM" : "host"} ${stranger.name} is not in cluster ${clusterId}`);
    return found;
  }

  const host = (h: Entity) => ({ id: h.id, name: String(h.name), management_ip: String(h.management_ip ?? "") });

  /** Sets the group's VMs, and each VM's list of groups. */
  function setVms(g: Entity, vms: Entity[]) {
    const ids = new Set(vms.map((v) => v.id));
    for (const v of state.list("vms")) {
      const groups = ((v.vm_placement_group as Ref[] | undefined) ?? []).filter((x) => x.id !== g.id);
      v.vm_placement_group = ids.has(v.id) ? [...groups, { id: g.id, name: g.name }] : groups;
    }
    g.vms = vms.map((v) => state.ref("vms", v.id));
  }

  function apply(g: Entity, d: S.PlacementData, clusterId: string) {
    for (const k of [
      "name",
      "description",
      "enabled",
      "vm_vm_policy",
      "vm_vm_policy_enabled",
      "vm_host_must_enabled",
      "vm_host_must_policy",
      "vm_host_prefer_enabled",
      "vm_host_prefer_policy",
    ] as const) {
      if (d[k] !== undefined) g[k] = d[k];
    }
    if (d.must_hosts) g.vm_host_must_host_uuids = members("hosts", d.must_hosts, clusterId).map(host);
    if (d.prefer_hosts) g.vm_host_prefer_host_uuids = members("hosts", d.prefer_hosts, clusterId).map(host);
    g.local_updated_at = new Date(state.now()).toISOString();
  }

  return [
    {
      method: "POST",
      path: `${BASE}/create-vm-placement-group`,
      handler: (req) =>
        ok(
          body(req, S.createPlacementGroup()).map((p) => {
            if (!state.get("clusters", p.cluster_id)) throw new SimError(400, `cluster ${p.cluster_id} not found`);
            const vms = members("vms", p.vms, p.cluster_id);
            const id = cuid();
            const now = new Date(state.now()).toISOString();
            const g = state.put("vmPlacementGroups", {
              id,
              name: p.name,
              description: "",
              enabled: p.enabled,
              cluster: state.ref("clusters", p.cluster_id),
              local_id: state.newLocalId(),
              local_created_at: now,
              local_updated_at: now,
              vm_vm_policy: "PREFER_SAME",
              vm_vm_policy_enabled: false,
              vm_host_must_enabled: false,
              vm_host_must_policy: true,
              vm_host_must_host_uuids: [],
              vm_host_prefer_enabled: false,
              vm_host_prefer_policy: true,
              vm_host_prefer_host_uuids: [],
              vms: [],
              entityAsyncStatus: "CREATING",
            });
            apply(g, p, p.cluster_id);
            const t = state.startTask({
              description: `Create VM placement group ${p.name}`,
              mutation: "createVmPlacementGroup",
              resourceId: id,
              resourceType: "VmPlacementGroup",
              cluster: p.cluster_id,
              locks: [{ c: "vmPlacementGroups", id, status: "CREATING" }],
              onSuccess: () => setVms(g, vms),
              onFailure: () => state.remove("vmPlacementGroups", id),
            });
            return withTask(strip(g), t);
          }),
        ),
    },
    {
      method: "POST",
      path: `${BASE}/update-vm-placement-group`,
      handler: (req) => {
        const p = body(req, S.updatePlacementGroup());
        const groups = targets("vmPlacementGroups", p.where, "VM_PLACEMENT_GROUP");
        const plans = groups.map((g) => {
          const clusterId = (g.cluster as Ref).id;
          return { g, clusterId, vms: p.data.vms ? members("vms", p.data.vms, clusterId) : undefined };
        });
        for (const { clusterId } of plans) {
          members("hosts", p.data.must_hosts, clusterId);
          members("hosts", p.data.prefer_hosts, clusterId);
        }
        return ok(
          plans.map(({ g, clusterId, vms }) =>
            withTask(
              strip(g),
              state.startTask({
                description: `Edit VM placement group ${g.name}`,
                mutation: "updateVmPlacementGroup",
                resourceId: g.id,
                resourceType: "VmPlacementGroup",
                cluster: clusterId,
                locks: [{ c: "vmPlacementGroups", id: g.id, status: "UPDATING" }],
                onSuccess: () => {
                  apply(g, p.data, clusterId);
                  if (vms) setVms(g, vms);
                },
              }),
            ),
          ),
        );
      },
    },
    {
      method: "POST",
      path: `${BASE}/delete-vm-placement-group`,
      handler: (req) =>
        ok(
          targets("vmPlacementGroups", body(req, S.whereOnly()).where, "VM_PLACEMENT_GROUP").map((g) =>
            withTask(
              { id: g.id },
              state.startTask({
                description: `Delete VM placement group ${g.name}`,
                mutation: "deleteVmPlacementGroup",
                resourceId: g.id,
                resourceType: "VmPlacementGroup",
                cluster: (g.cluster as Ref).id,
                locks: [{ c: "vmPlacementGroups", id: g.id, status: "DELETING" }],
                onSuccess: () => {
                  setVms(g, []);
                  state.remove("vmPlacementGroups", g.id);
                },
              }),
            ),
          ),
        ),
    },
  ];
}
