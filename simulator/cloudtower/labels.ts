/**
 * Labels in the CloudTower simulator: key/value objects (`/create-label`, `/update-label`, `/delete-label`)
 * attached to resources and detached again (`/add-labels-to-resources`, `/remove-labels-from-resources`,
 * `{where: LabelWhereInput, data: {vms?, vlans?, vm_volumes?}}`). A labelled resource lists its labels as
 * `labels: [{id, key, value}]`; a label lists its resources and their count (`vms`, `vm_num`, ...).
 * Choices where the spec is silent: a label's key and value are unique together (a second is a 400),
 * deleting a label detaches it from everything, and a resource deleted leaves its labels (`removeLabelled`).
 */
import { Route, SimError } from "../core";
import { BASE, TowerCtx, ok, strip, withTask } from "./context";
import * as S from "./schemas";
import { Collection, TowerState, cuid } from "./state";
import { Entity, query } from "./where";

type Ref = { id: string };

/** The resource kinds a label attaches to here: the request's key, the collection, the label's count field. */
export const LABELLED = [
  { key: "vms", c: "vms", count: "vm_num" },
  { key: "vlans", c: "vlans", count: "vm_vlan_num" },
  { key: "vm_volumes", c: "vmVolumes", count: "vm_volume_num" },
] as const satisfies ReadonlyArray<{ key: string; c: Collection; count: string }>;

type Kind = (typeof LABELLED)[number];
const nested = (l: Entity) => ({ id: l.id, key: l.key, value: l.value ?? null });

/**
 * Attaches (or detaches) one label to (from) these resources of a kind: both sides, the resource's
 * `labels` and the label's references, their count and its total (the one place that builds them).
 */
function link(state: TowerState, label: Entity, kind: Kind, resources: Entity[], attach: boolean) {
  const have = new Set(((label[kind.key] as Ref[] | undefined) ?? []).map((r) => r.id));
  for (const r of resources) {
    const labels = ((r.labels as Ref[] | undefined) ?? []).filter((x) => x.id !== label.id);
    r.labels = attach ? [...labels, nested(label)] : labels;
    if (attach) have.add(r.id);
    else have.delete(r.id);
  }
  label[kind.key] = [...have].map((id) => state.ref(kind.c, id));
  label[kind.count] = have.size;
  label.total_num = LABELLED.reduce((n, k) => n + Number(label[k.count] ?? 0), 0);
}

/** Removes a resource; when its kind takes labels, it first leaves every label it is on. */
export function removeLabelled(state: TowerState, c: Collection, id: string) {
  const kind = LABELLED.find((k) => k.c === c);
  const r = state.get(c, id);
  if (kind && r) {
    for (const l of state.list("labels")) if (((l[kind.key] as Ref[] | undefined) ?? []).some((x) => x.id === id)) link(state, l, kind, [r], false);
  }
  state.remove(c, id);
}

export function labelRoutes(ctx: TowerCtx): Route[] {
  const { state, body, targets } = ctx;

  const attachRoute =
    (attach: boolean): Route["handler"] =>
    (req) => {
      const p = body(req, S.labelResources());
      const labels = targets("labels", p.where, "LABEL");
      const matched = LABELLED.map((k) => [k, p.data[k.key] ? query(state.list(k.c), { where: p.data[k.key]! }, state.resolve) : []] as const);
      return ok(
        labels.map((l) =>
          withTask(
            strip(l),
            state.startTask({
              description: `${attach ? "Add" : "Remove"} label ${l.key}:${l.value ?? ""} ${attach ? "to" : "from"} resources`,
              mutation: attach ? "addLabelsToResources" : "removeLabelsFromResources",
              resourceId: l.id,
              resourceType: "Label",
              onSuccess: () => matched.forEach(([k, rs]) => link(state, l, k, rs, attach)),
            }),
          ),
        ),
      );
    };

  return [
    {
      method: "POST",
      path: `${BASE}/create-label`,
      handler: (req) =>
        ok(
          body(req, S.createLabel()).map((p) => {
            if (state.list("labels").some((l) => l.key === p.key && (l.value ?? "") === (p.value ?? ""))) {
              throw new SimError(400, `label ${p.key}:${p.value ?? ""} already exists`);
            }
            const l = state.put("labels", { id: cuid(), key: p.key, value: p.value ?? "", createdAt: new Date(state.now()).toISOString(), total_num: 0 });
            return withTask(
              strip(l),
              state.startTask({ description: `Create label ${p.key}`, mutation: "createLabel", resourceId: l.id, resourceType: "Label" }),
            );
          }),
        ),
    },
    {
      method: "POST",
      path: `${BASE}/update-label`,
      handler: (req) => {
        const p = body(req, S.updateLabel());
        return ok(
          targets("labels", p.where, "LABEL").map((l) => {
            if (p.data.key !== undefined) l.key = p.data.key;
            if (p.data.value !== undefined) l.value = p.data.value;
            for (const k of LABELLED) for (const r of (l[k.key] as Ref[] | undefined) ?? []) link(state, l, k, [state.get(k.c, r.id)!].filter(Boolean), true);
            return withTask(
              strip(l),
              state.startTask({ description: `Edit label ${l.key}`, mutation: "updateLabel", resourceId: l.id, resourceType: "Label" }),
            );
          }),
        );
      },
    },
    { method: "POST", path: `${BASE}/add-labels-to-resources`, handler: attachRoute(true) },
    { method: "POST", path: `${BASE}/remove-labels-from-resources`, handler: attachRoute(false) },
    {
      method: "POST",
      path: `${BASE}/delete-label`,
      handler: (req) =>
        ok(
          targets("labels", body(req, S.whereOnly()).where, "LABEL").map((l) =>
            withTask(
              { id: l.id },
              state.startTask({
                description: `Delete label ${l.key}`,
                mutation: "deleteLabel",
                resourceId: l.id,
                resourceType: "Label",
                onSuccess: () => {
                  for (const k of LABELLED) link(state, l, k, ((l[k.key] as Ref[] | undefined) ?? []).map((r) => state.get(k.c, r.id)!).filter(Boolean), false);
                  state.remove("labels", l.id);
                },
              }),
            ),
          ),
        ),
    },
  ];
}
