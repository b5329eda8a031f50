/**
 * A SmartX CloudTower 4.6.0 API simulator (see README.md: what it implements and how faithfully): every call
 * POST with JSON under /v2/api (but GET /get-version), `Authorization: <token>` from /login (raw or
 * `Bearer`), bare arrays from reads filtered by Prisma-style `where`, mutations that return `WithTask`
 * arrays and run as tasks, placeholders, `ResourceLocked` while a task holds an object, and the
 * `{path, status, message, code?, props?}` error body. Every request and every answer is checked against
 * the official OpenAPI spec when it is at hand (openapi.ts): a refused request is a 400, an answer of ours
 * that the spec does not describe a 500 "simulator bug".
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
 *   GET  /_sim/cloudtower/tokens          the tokens handed out (to prove none reaches a state)
 * `POST /_sim/seed` takes every collection of the inventory, and `users: [{username, password, source?}]`.
 */
import { basename } from "node:path";
import { Route, SimError, SimRequest, SimResponse, VendorSim } from "../core";
import { BASE, ok, strip, towerCtx, withTask } from "./context";
import { infraRoutes } from "./infra";
import { labelRoutes } from "./labels";
import { libraryRoutes } from "./library";
import { placementRoutes } from "./placement";
import { SPEC_ENV, SPEC_FILE, TowerSpec, findSpec, loadSpec } from "./openapi";
import * as S from "./schemas";
import { seedTower } from "./seed";
import { COLLECTIONS, Collection, TowerOptions, TowerState, cuid } from "./state";
import { VmFaults, vmModel } from "./vms";
import { Entity, Page, query } from "./where";

export { TowerState } from "./state";
export { DEMO_USER, APPLIANCE, FREE_VOLUME } from "./seed";

/** CloudTower's error body, `{path, status, message, code?, props?}`. */
function renderError(status: number, message: string, extra: Record<string, unknown>): SimResponse {
  return { status, body: { path: "", ...extra, status, message }, headers: { "x-tower-request-id": cuid() } };
}

/** The request's JSON body (undefined when empty); a 400 when it is not JSON. */
function parseBody(req: SimRequest): unknown {
  try {
    return req.body.trim() === "" ? undefined : JSON.parse(req.body);
  } catch {
    throw new SimError(400, "request body is not valid JSON");
  }
}

let warned = false;

/**
 * The spec that judges requests and answers (see openapi.ts), or undefined, saying so once per process. A
 * spec asked for (the option, the environment variable) that cannot be used is an error; one found by
 * looking around, without ajv to use it, is not.
 */
function towerSpec(opts: TowerOptions): TowerSpec | undefined {
  if (opts.spec === false) return undefined;
  const asked = opts.spec ?? process.env[SPEC_ENV];
  const file = asked ?? findSpec();
  let why = `${SPEC_FILE} not found (set ${SPEC_ENV}, or put ../shared/reference/ beside the project)`;
  if (file) {
    try {
      return loadSpec(file);
    } catch (e) {
      if (asked) throw e;
      why = (e as Error).message;
    }
  }
  if (!warned) {
    console.warn(`CloudTower simulator: ${why}; requests are checked by the simulator's own schemas only, and answers are not checked against the spec`);
    warned = true;
  }
  return undefined;
}

export function createCloudTowerSimulator(opts: TowerOptions = {}): VendorSim & { state: TowerState; spec?: TowerSpec } {
  const state = new TowerState(opts);
  seedTower(state);
  const spec = towerSpec(opts);
  const ctx = towerCtx(state, !!spec);
  const faults: VmFaults = { orphanOnFailure: new Set(), ignoresShutdown: new Set() };
  const vms = vmModel(ctx, faults);

  function auth(req: SimRequest) {
    const h = req.headers.authorization;
    const token = (Array.isArray(h) ? h[0] : h)?.replace(/^Bearer\s+/i, "");
    if (!token || !state.tokens.has(token)) throw new SimError(401, "Unauthorized: the token is missing, invalid or expired");
  }

  const read =
    (c: Collection): Route["handler"] =>
    (req) => {
      const page = ctx.body(req, S.getBody()) as Page;
      return ok(query(state.list(c), page ?? {}, state.resolve).map(strip));
    };
  const count =
    (c: Collection): Route["handler"] =>
    (req) => {
      const page = ctx.body(req, S.getBody()) as Page;
      return ok({ aggregate: { count: query(state.list(c), { where: page?.where }, state.resolve).length } });
    };

  const routes: Route[] = [
    { method: "GET", path: `${BASE}/get-version`, handler: () => ok("4.6.0") },
    {
      method: "POST",
      path: `${BASE}/login`,
      handler: (req) => {
        const p = ctx.body(req, S.login());
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
        ["get-vm-templates", "templates"],
        ["get-content-library-vm-templates", "contentLibraryVmTemplates"],
        ["get-elf-images", "elfImages"],
        ["get-content-library-images", "contentLibraryImages"],
        ["get-elf-storage-policies", "elfStoragePolicies"],
        ["get-labels", "labels"],
        ["get-vm-placement-groups", "vmPlacementGroups"],
      ] as const
    ).flatMap(([path, c]): Route[] => [
      { method: "POST", path: `${BASE}/${path}`, handler: read(c) },
      { method: "POST", path: `${BASE}/${path}-connection`, handler: count(c) },
    ]),
    ...vms.routes,
    ...libraryRoutes(ctx, vms.dropVm),
    ...labelRoutes(ctx),
    ...placementRoutes(ctx),
    ...infraRoutes(ctx, vms.dropVm),
    {
      method: "POST",
      path: "/_sim/cloudtower/fail-tasks",
      handler: (req) => {
        const f = JSON.parse(req.body || "{}");
        state.faults.push({ mutation: f.mutation, count: f.count ?? 1, error_code: f.error_code, error_message: f.error_message });
        if (f.leaveOrphan) faults.orphanOnFailure.add("next");
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
    { method: "GET", path: "/_sim/cloudtower/tokens", handler: () => ({ status: 200, body: [...state.tokens] }) },
    {
      method: "POST",
      path: "/_sim/cloudtower/ignore-shutdown",
      handler: (req) => {
        faults.ignoresShutdown.add(JSON.parse(req.body || "{}").vmId);
        return { status: 200, body: { ok: true } };
      },
    },
  ];

  // Every vendor route: settle tasks first, then authenticate (but /login and /get-version), check the
  // request against the spec, run, and check the answer against the spec (a 500 naming the bug if not).
  const wrapped = routes.map((r) => {
    if (r.path.startsWith("/_sim/")) return r;
    const op = r.path.slice(BASE.length);
    if (spec && !spec.operation(op)) throw new Error(`the CloudTower simulator routes ${op}, which is not an operation of ${spec.file}`);
    const handler = async (req: SimRequest): Promise<SimResponse> => {
      let res: SimResponse;
      try {
        state.settle();
        if (op !== "/login" && op !== "/get-version") auth(req);
        if (spec && r.method === "POST") {
          const problems = spec.checkRequest(op, parseBody(req));
          if (problems.length) throw new SimError(400, `invalid request body: ${problems.join("; ")}`);
        }
        res = await r.handler(req);
      } catch (e) {
        if (!(e instanceof SimError)) throw e;
        // The error body names the operation's path, as CloudTower's does.
        res = renderError(e.status, e.message, { path: op, ...e.extra });
        res.headers = { ...res.headers, ...e.headers };
      }
      const problems = spec?.checkResponse(op, res.status, res.body) ?? [];
      if (problems.length) {
        return renderError(500, `simulator bug: the ${res.status} answer of ${op} does not match ${basename(spec!.file)}: ${problems.slice(0, 5).join("; ")}`, {
          path: op,
        });
      }
      // A JSON string (the version) is sent as JSON, not as text.
      if (typeof res.body === "string") res = { ...res, body: JSON.stringify(res.body), headers: { ...res.headers, "Content-Type": "application/json" } };
      return res;
    };
    return { ...r, handler };
  });

  return {
    name: "cloudtower",
    state,
    spec,
    routes: wrapped,
    renderError,
    reset: () => {
      state.clear();
      seedTower(state);
      faults.orphanOnFailure.clear();
      faults.ignoresShutdown.clear();
    },
    seed: (b) => {
      const d = b as Partial<Record<Collection, Entity[]>> & { users?: Array<{ username: string; password: string; source?: string }> };
      for (const c of COLLECTIONS) for (const e of d[c] ?? []) state.put(c, e);
      for (const u of d.users ?? []) state.users.set(u.username, { password: u.password, source: u.source ?? "LOCAL" });
    },
    inventory: () => {
      state.settle();
      return {
        ...Object.fromEntries(COLLECTIONS.filter((c) => c !== "tasks").map((c) => [c, state.list(c).map(strip)])),
        // What the clusters' appliances accept, as `/connect-cluster` and `/update-cluster` left it.
        clusterCredentials: [...state.clusterCredentials.entries()].map(([id, c]) => ({ id, ...c })),
      };
    },
    snapshot: () => state.snapshot(),
    restore: (d) => state.restore(d as never),
  };
}

export const createSimulator = createCloudTowerSimulator;
