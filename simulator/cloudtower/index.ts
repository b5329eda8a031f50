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
 *   GET  /_sim/cloudtower/tokens          the tokens handed out (to prove none reaches a state)
 * `POST /_sim/seed` takes every collection of the inventory, and `users: [{username, password, source?}]`.
 */
import { Route, SimError, SimRequest, VendorSim } from "../core";
import { BASE, ok, strip, towerCtx, withTask } from "./context";
import { infraRoutes } from "./infra";
import * as S from "./schemas";
import { seedTower } from "./seed";
import { COLLECTIONS, Collection, TowerOptions, TowerState, cuid } from "./state";
import { VmFaults, vmModel } from "./vms";
import { Entity, Page, query } from "./where";

export { TowerState } from "./state";
export { DEMO_USER, APPLIANCE, FREE_VOLUME } from "./seed";

/** An object as the API shows it: a template's disks and NICs are what `create-vm-from-template` uses, kept apart. */
function shown(c: Collection, e: Entity): Entity {
  if (c !== "templates") return e;
  const { disks, nics, ...rest } = e;
  void disks;
  void nics;
  return rest;
}

export function createCloudTowerSimulator(opts: TowerOptions = {}): VendorSim & { state: TowerState } {
  const state = new TowerState(opts);
  seedTower(state);
  const ctx = towerCtx(state);
  const faults: VmFaults = { orphanOnFailure: new Set(), ignoresShutdown: new Set() };
  const vms = vmModel(ctx, faults);

  function auth(req: SimRequest) {
    const h = req.headers.authorization;
    const token = (Array.isArray(h) ? h[0] : h)?.replace(/^Bearer\s+/i, "");
    if (!token || !state.tokens.has(token)) throw new SimError(401, "Unauthorized: the token is missing, invalid or expired");
  }

  const read = (c: Collection): Route["handler"] => (req) => {
    const page = ctx.body(req, S.getBody()) as Page;
    return ok(query(state.list(c), page ?? {}, state.resolve).map((e) => strip(shown(c, e))));
  };
  const count = (c: Collection): Route["handler"] => (req) => {
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
      ] as const
    ).flatMap(([path, c]): Route[] => [
      { method: "POST", path: `${BASE}/${path}`, handler: read(c) },
      { method: "POST", path: `${BASE}/${path}-connection`, handler: count(c) },
    ]),
    ...vms.routes,
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
    state,
    routes: wrapped,
    renderError: (status, message, extra) => ({
      status,
      body: { path: "", ...extra, status, message },
      headers: { "x-tower-request-id": cuid() },
    }),
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
