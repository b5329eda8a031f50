/**
 * What every CloudTower route shares: the state, strict body parsing, the `{where}` targets of a
 * mutation (refusing locked objects with ResourceLocked), and the response helpers.
 */
import { z } from "zod";
import { SimError, SimRequest, SimResponse } from "../core";
import { Collection, TowerState, cuid } from "./state";
import { Entity, query } from "./where";

export const BASE = "/v2/api";

export interface TowerCtx {
  state: TowerState;
  /**
   * The request body, checked: by the spec before the handler runs when the simulator has it (the body
   * is then only typed by `schema`), else by `schema`; a 400 naming every problem otherwise.
   */
  body<T extends z.ZodType>(req: SimRequest, schema: T): z.infer<T>;
  /** The objects a `{where}` matches, refusing any that a task holds. */
  targets(c: Collection, where: Record<string, unknown>, type: string): Entity[];
}

export function towerCtx(state: TowerState, checkedBySpec: boolean): TowerCtx {
  return {
    state,
    body(req, schema) {
      let json: unknown;
      try {
        json = req.body.trim() === "" ? undefined : JSON.parse(req.body);
      } catch {
        throw new SimError(400, "request body is not valid JSON");
      }
      if (checkedBySpec) return json as z.infer<typeof schema>;
      const r = schema.safeParse(json);
      if (!r.success) {
        const msg = r.error.issues
          .map((i) => `${i.path.join(".") || "body"}: ${i.code === "unrecognized_keys" ? `unknown field(s) ${i.keys.join(", ")}` : i.message}`)
          .join("; ");
        throw new SimError(400, `invalid request: ${msg}`);
      }
      return r.data;
    },
    targets(c, where, type) {
      const found = query(state.list(c), { where }, state.resolve);
      const locked = found.filter((e) => state.locked(e.id));
      if (locked.length)
        throw lockedError(
          locked.map((e) => e.id),
          type,
        );
      return found;
    },
  };
}

export function lockedError(ids: string[], type: string): SimError {
  return new SimError(400, `Resource [${ids.map((id) => `${type}-${id}`).join(", ")}] locked`, {
    code: "ResourceLocked",
    props: { locked_resources: ids.map((id) => ({ id, type })) },
  });
}

/** The object as the API shows it: `undefined` fields dropped. */
export function strip(e: Entity): Entity {
  return JSON.parse(JSON.stringify(e));
}

export function ok(body: unknown): SimResponse {
  return { status: 200, body, headers: { "x-tower-request-id": cuid() } };
}

export function withTask(data: unknown, taskId: string | null) {
  return { task_id: taskId, data };
}
