/**
 * VM templates made from VMs (cloned, or converted: the VM becomes the template) and deleted, and VM
 * volumes made, edited (name, description, size) and deleted on their own, in the CloudTower simulator.
 */
import { Route, SimError } from "../core";
import { BASE, TowerCtx, lockedError, ok, strip, withTask } from "./context";
import { removeLabelled } from "./labels";
import * as S from "./schemas";
import { frozenDisk, frozenNic, template, volume } from "./seed";
import { cuid } from "./state";
import { Entity } from "./where";

type Ref = { id: string };

export function libraryRoutes(ctx: TowerCtx, dropVm: (v: Entity, withSnapshots: boolean) => void): Route[] {
  const { state, body, targets } = ctx;

  /** A template of a VM as it is now: its disks (volumes and CD-ROMs) and NICs frozen. */
  function templateOf(v: Entity, p: { name: string; description?: string; cloud_init_supported: boolean }, id: string): Entity {
    const disks = (v.vm_disks as Ref[]).map((d) => state.get("vmDisks", d.id)!).filter(Boolean);
    const nics = (v.vm_nics as Ref[]).map((n) => state.get("vmNics", n.id)!).filter(Boolean);
    return template(state, {
      id,
      name: p.name,
      description: p.description,
      clusterId: (v.cluster as Ref).id,
      cpu: v.cpu as { cores: number; sockets: number },
      memory: Number(v.memory),
      firmware: String(v.firmware),
      ha: Boolean(v.ha),
      cloudInit: p.cloud_init_supported,
      disks: disks.map((d, index) => {
        const vol = d.vm_volume ? state.get("vmVolumes", (d.vm_volume as Ref).id) : undefined;
        const [size, path, localId, name] = [Number(vol?.size ?? 0), String(vol?.path ?? ""), String(vol?.local_id ?? ""), String(vol?.name ?? "")];
        return frozenDisk({ boot: Number(d.boot), bus: String(d.bus), type: String(d.type), index, size, path, localId, name });
      }),
      nics: nics.sort((a, b) => Number(a.order) - Number(b.order)).map((n, index) => frozenNic(state, n, index)),
    });
  }

  /** `/clone-vm-template-from-vm`, and `/convert-vm-template-from-vm`, which removes the VM. */
  const fromVm =
    (convert: boolean): Route["handler"] =>
    (req) =>
      ok(
        body(req, S.createTemplate()).map((p) => {
          const v = state.get("vms", p.vm_id);
          if (!v) throw new SimError(400, `VM ${p.vm_id} not found`);
          if (state.locked(v.id)) throw lockedError([v.id], "VM");
          if (p.cluster_id && p.cluster_id !== (v.cluster as Ref).id) throw new SimError(400, `VM ${v.name} is not in cluster ${p.cluster_id}`);
          if (convert && v.status !== "STOPPED") throw new SimError(400, `Cannot convert VM ${v.name} to a template: it is ${v.status}`);
          const id = cuid();
          const tpl = state.put("templates", { ...templateOf(v, p, id), entityAsyncStatus: "CREATING" });
          const t = state.startTask({
            description: `${convert ? "Convert" : "Clone"} VM ${v.name} to a VM template ${p.name}`,
            mutation: convert ? "convertVmTemplateFromVm" : "cloneVmTemplateFromVm",
            resourceId: id,
            resourceType: "VmTemplate",
            cluster: (v.cluster as Ref).id,
            locks: [
              { c: "templates", id, status: "CREATING" },
              { c: "vms", id: v.id, status: convert ? "DELETING" : "UPDATING" },
            ],
            onSuccess: () => (convert ? dropVm(v, false) : undefined),
            onFailure: () => state.remove("templates", id),
          });
          return withTask(strip(tpl), t);
        }),
      );

  return [
    { method: "POST", path: `${BASE}/clone-vm-template-from-vm`, handler: fromVm(false) },
    { method: "POST", path: `${BASE}/convert-vm-template-from-vm`, handler: fromVm(true) },
    {
      method: "POST",
      path: `${BASE}/delete-vm-template`,
      handler: (req) =>
        ok(
          targets("templates", body(req, S.whereOnly()).where, "VM_TEMPLATE").map((tpl) =>
            withTask(
              { id: tpl.id },
              state.startTask({
                description: `Delete VM template ${tpl.name}`,
                mutation: "deleteVmTemplate",
                resourceId: tpl.id,
                resourceType: "VmTemplate",
                cluster: (tpl.cluster as Ref).id,
                locks: [{ c: "templates", id: tpl.id, status: "DELETING" }],
                onSuccess: () => state.remove("templates", tpl.id),
              }),
            ),
          ),
        ),
    },
    {
      method: "POST",
      path: `${BASE}/create-vm-volume`,
      handler: (req) =>
        ok(
          body(req, S.createVolume()).map((p) => {
            if (!state.get("clusters", p.cluster_id)) throw new SimError(400, `cluster ${p.cluster_id} not found`);
            const id = cuid();
            const size = p.size * S.BYTES[p.size_unit ?? "B"];
            const vol = state.put("vmVolumes", {
              ...volume(state, id, p.name, size, p.cluster_id, false, p.elf_storage_policy),
              sharing: p.sharing,
              entityAsyncStatus: "CREATING",
            });
            const t = state.startTask({
              description: `Create volume ${p.name}`,
              mutation: "createVmVolume",
              resourceId: id,
              resourceType: "VmVolume",
              cluster: p.cluster_id,
              locks: [{ c: "vmVolumes", id, status: "CREATING" }],
              onFailure: () => state.remove("vmVolumes", id),
            });
            return withTask(strip(vol), t);
          }),
        ),
    },
    {
      method: "POST",
      path: `${BASE}/update-vm-volume`,
      handler: (req) => {
        // Name, description, and size, which only grows (our reading: the spec says no more), also while mounted.
        const p = body(req, S.updateVolume());
        const volumes = targets("vmVolumes", p.where, "VM_VOLUME");
        const size = p.data.size !== undefined ? p.data.size * S.BYTES[p.data.size_unit ?? "B"] : undefined;
        for (const v of volumes) {
          if (size !== undefined && size < Number(v.size)) throw new SimError(400, `A volume can only grow: ${v.name} is ${v.size} bytes, asked ${size}`);
        }
        return ok(
          volumes.map((v) =>
            withTask(
              strip(v),
              state.startTask({
                description: `Edit volume ${v.name}`,
                mutation: "updateVmVolume",
                resourceId: v.id,
                resourceType: "VmVolume",
                cluster: (v.cluster as Ref).id,
                locks: [{ c: "vmVolumes", id: v.id, status: "UPDATING" }],
                onSuccess: () => {
                  if (p.data.name !== undefined) v.name = p.data.name;
                  if (p.data.description !== undefined) v.description = p.data.description;
                  if (size !== undefined) v.size = size;
                },
              }),
            ),
          ),
        );
      },
    },
    {
      method: "POST",
      path: `${BASE}/delete-vm-volume`,
      handler: (req) => {
        const volumes = targets("vmVolumes", body(req, S.deleteVolume()).where, "VM_VOLUME");
        for (const v of volumes) if (v.mounting) throw new SimError(400, `volume ${v.name} is mounted on a VM; remove the disk first`);
        return ok(
          volumes.map((v) =>
            withTask(
              { id: v.id },
              state.startTask({
                description: `Delete volume ${v.name}`,
                mutation: "deleteVmVolume",
                resourceId: v.id,
                resourceType: "VmVolume",
                cluster: (v.cluster as Ref).id,
                locks: [{ c: "vmVolumes", id: v.id, status: "DELETING" }],
                onSuccess: () => removeLabelled(state, "vmVolumes", v.id),
              }),
            ),
          ),
        );
      },
    },
  ];
}
