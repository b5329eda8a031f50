/**
 * CloudTower labels as a `labels: Record<string, string>` input: labels are key/value objects of their
 * own (`/create-label`), attached to resources and detached again (`/add-labels-to-resources`,
 * `/remove-labels-from-resources`). A label is shared by every resource that carries it, so it is made
 * when first needed and never deleted here (another resource, or another stack, may carry it).
 */
import { z } from "zod";
import { ProviderError, hasCode } from "../core";
import { TowerClient } from "./client";

/** The kinds of resource labelled here: the key of `/add-labels-to-resources`' `data`, and their read. */
export type Labelled = "vms" | "vlans" | "vm_volumes";
const READ: Record<Labelled, string> = { vms: "/get-vms", vlans: "/get-vlans", vm_volumes: "/get-vm-volumes" };

export const labelsInput = z
  .record(z.string().trim().min(1, "a label key must not be empty").max(255), z.string().max(255))
  .optional()
  .describe(
    "CloudTower labels, key to value; absent: labels are not managed (those set in CloudTower stay); labels made for them are kept (others may carry them)",
  );

/** The labels as an input shows them: only where the prior inputs manage labels (absent, they are not managed). */
export function labelsModel(labels: WireLabel[] | null | undefined, prior: { labels?: Record<string, string> }): { labels?: Record<string, string> } {
  return prior.labels === undefined ? {} : { labels: labelsOf(labels) };
}

export interface WireLabel {
  id: string;
  key: string;
  value?: string | null;
}

/** The labels an object carries, as the input shows them. */
export function labelsOf(labels: WireLabel[] | null | undefined): Record<string, string> {
  return Object.fromEntries((labels ?? []).map((l) => [l.key, l.value ?? ""]));
}

/** The label objects for these pairs, made where missing (another resource making one at the same time is fine). */
async function ensure(t: TowerClient, pairs: Array<[string, string]>, timeoutMs: number): Promise<string[]> {
  const find = async () => t.getAll<WireLabel>("/get-labels", { OR: pairs.map(([key, value]) => ({ key, value })) });
  const matchOf = (all: WireLabel[], [k, v]: [string, string]) => all.find((l) => l.key === k && (l.value ?? "") === v);
  let all = await find();
  const missing = pairs.filter((p) => !matchOf(all, p));
  if (missing.length) {
    try {
      const made = await t.mutate<WireLabel>(
        "/create-label",
        missing.map(([key, value]) => ({ key, value })),
      );
      await t.waitTasks(made, timeoutMs, `labels ${missing.map(([k, v]) => `${k}=${v}`).join(", ")} to be made`);
    } catch (e) {
      // Made by another resource meanwhile: CloudTower refuses a second label of one key and value.
      if (!hasCode(e, "validation")) throw e;
    }
    all = await find();
  }
  return pairs.map((p) => {
    const l = matchOf(all, p);
    if (!l) throw new ProviderError("server", `labels: CloudTower shows no label ${p[0]}=${p[1]} after making it`, { property: "labels" });
    return l.id;
  });
}

/**
 * Brings the labels of one object from `have` (as read) to `want` (undefined: not managed, nothing done): detaches those not wanted (or of another
 * value), attaches the missing ones (made first when needed). In place: the object is not touched otherwise.
 */
export async function syncLabels(
  t: TowerClient,
  kind: Labelled,
  id: string,
  have: WireLabel[] | null | undefined,
  want: Record<string, string> | undefined,
  timeoutMs: number,
  what: string,
): Promise<void> {
  // Labels not given are not managed: those an operator set in CloudTower stay.
  if (want === undefined) return;
  const current = have ?? [];
  const drop = current.filter((l) => want[l.key] !== (l.value ?? ""));
  const add = Object.entries(want).filter(([k, v]) => !current.some((l) => l.key === k && (l.value ?? "") === v));
  const o = { id, lockOf: READ[kind], timeoutMs };
  if (drop.length) {
    const body = { where: { id_in: drop.map((l) => l.id) }, data: { [kind]: { id } } };
    await t.change("/remove-labels-from-resources", body, { ...o, what: `labels of ${what} to be removed` });
  }
  if (add.length) {
    const ids = await ensure(t, add, timeoutMs);
    await t.change("/add-labels-to-resources", { where: { id_in: ids }, data: { [kind]: { id } } }, { ...o, what: `labels of ${what} to be added` });
  }
}
