/**
 * ChimeStack's HTTP conventions, which every handler uses: the `{error, requestId, result}` envelope for
 * answers and errors, JSON bodies with required keys, and lists as `{elements, size, total}`, paged and
 * filtered by the filters the API reference documents for each list.
 */
import { randomUUID } from "node:crypto";
import { Handler, SimError, SimRequest, SimResponse } from "../core";
import { Obj } from "./wire";

/** The filters the API reference documents for each list (beside `page` and `size`). */
export const FILTERS = {
  az: ["name", "state"],
  cluster: ["name", "state", "type", "hypervisor_type", "arch"],
  host: ["name", "state", "monitor_state", "rack_name", "manage_ip", "uuid"],
  network: ["name", "state", "type", "bridge_name", "interface_name"],
  subnet: ["name", "state", "type"],
  instanceSpec: ["name", "type"],
  volumeSpec: ["name", "storage_pool_uuid"],
  image: ["name", "state", "format", "os_type", "type", "uuid", "bucket_uuid"],
  securityGroup: ["name", "uuid"],
  vm: ["name", "state", "uuid", "host_uuid", "az_uuid", "cluster_uuid"],
  volume: ["name", "state", "uuid", "host_uuid", "type"],
  nic: ["name", "state", "uuid", "subnet_uuid"],
  snapshot: ["name", "state"],
};

export function ok(result: unknown): SimResponse {
  return { status: 200, body: { requestId: randomUUID(), error: null, result } };
}

/** An error in the envelope; `code` is the HTTP status (the documents are silent). */
export function renderError(status: number, message: string): SimResponse {
  return {
    status,
    body: {
      requestId: randomUUID(),
      error: {
        code: status,
        message,
        status: status === 401 ? "Unauthorized" : status === 404 ? "NotFound" : status === 400 ? "BadRequest" : "InternalError",
      },
      result: null,
    },
  };
}

export function json(req: SimRequest): Record<string, unknown> {
  try {
    return req.body ? JSON.parse(req.body) : {};
  } catch {
    throw new SimError(400, "the body is not JSON");
  }
}

export function need(b: Record<string, unknown>, ...keys: string[]) {
  for (const k of keys) if (b[k] === undefined || b[k] === "") throw new SimError(400, `${k} is required`);
}

/** One page of a list, filtered by the filters documented for it. */
export function list(items: Obj[], req: SimRequest, filters: readonly string[]): SimResponse {
  const q = req.query;
  let out = items;
  for (const f of filters) if (q.get(f)) out = out.filter((x) => String(x[f]) === q.get(f));
  const page = Math.max(1, Number(q.get("page") ?? 1));
  const size = Math.max(1, Number(q.get("size") ?? 20));
  const slice = out.slice((page - 1) * size, page * size);
  return ok({ elements: slice, size: slice.length, total: out.length });
}

/** Named handlers, typed as such (for `routes.ts` to name). */
export function handlers<K extends string>(named: Record<K, Handler>): Record<K, Handler> {
  return named;
}
