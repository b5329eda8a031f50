/**
 * A CVM VPS panel client API simulator: `/api/client/vps/list`, `/status`, `/start`, `/stop`, `/restart`,
 * with the token-pair headers (401/403), `{response}` / `{errors}` bodies, numbers as strings, both
 * traffic forms, power changes that take time, and host nodes that can be unreachable (503).
 *
 * Control routes beside the shared /_sim/ ones:
 *   POST   /_sim/cvm/nodes/:id/unreachable  {"forMs": 2000} or {"requests": 3}
 *   POST   /_sim/cvm/vpses/:id/ignore-power {"ignore": true}: power actions answer 200 and change nothing
 *   DELETE /_sim/cvm/vpses/:id              the host removes the VPS (the client API cannot)
 * `GET /_sim/inventory` lists each VPS with its status and the number of power operations run on it;
 * `POST /_sim/seed` takes token pairs, nodes and VPSes (CvmSeed).
 */
import { Route, SimError, SimRequest, SimResponse, VendorSim } from "../core";
import { CvmOptions, CvmSeed, CvmState, TokenPair, VpsRecord } from "./state";

export { CvmState, defaultSeed } from "./state";
export type { CvmSeed, VpsRecord, TokenPair } from "./state";

const NO_SUCH_VPS = "The specified VPS ID does not exist or is not accessible to this user.";

export function createCvmSimulator(opts: CvmOptions = {}): VendorSim {
  const state = new CvmState(opts);

  function auth(req: SimRequest): TokenPair {
    const pub = header(req, "api-public-token");
    const priv = header(req, "api-private-token");
    const pair = pub ? state.tokens.get(pub) : undefined;
    if (!pair || pair.private !== priv) throw new SimError(401, "No valid API token pair was specified.");
    if (!pair.clientAccess) throw new SimError(403, "The specified API token pair does not have access to this API.");
    return pair;
  }

  function vpsOf(req: SimRequest): VpsRecord {
    const pair = auth(req);
    const v = state.vpses.get(req.params.id);
    if (!v || v.user !== pair.user) throw new SimError(404, NO_SUCH_VPS);
    return v;
  }

  function listing(v: VpsRecord) {
    const { user: _user, power: _power, operations: _operations, ram_used: _ramUsed, disk_used: _diskUsed, ignoresPower: _ignoresPower, ...shown } = v;
    return shown;
  }

  function traffic(v: VpsRecord) {
    return v.traffic_limit !== undefined
      ? { traffic_used: v.traffic_used ?? "0" }
      : { traffic_in_used: v.traffic_in_used ?? "0", traffic_out_used: v.traffic_out_used ?? "0" };
  }

  function power(action: "start" | "stop" | "restart") {
    return async (req: SimRequest): Promise<SimResponse> => {
      const v = vpsOf(req);
      if (state.nodeDown(v.node, true)) throw new SimError(503, `The host node ${v.node} could not be reached.`);
      const now = state.lifecycle(v).peek();
      if (now === "suspended" || now === "terminated") {
        // The vendor's own spelling.
        throw new SimError(500, `No operations can be performed on this VPS beacuse it is ${now}.`);
      }
      if (v.ignoresPower) {
        v.operations++;
        return ok([]);
      }
      if (action === "start") state.transition(v, "running");
      if (action === "stop") state.transition(v, "stopped");
      if (action === "restart") {
        // The manual's 200 means "restarted": the panel answers once the VPS is back up.
        await new Promise((r) => setTimeout(r, state.transitionMs));
        state.transition(v, "running", 0);
      }
      return ok([]);
    };
  }

  const routes: Route[] = [
    {
      method: "GET",
      path: "/api/client/vps/list",
      handler: (req) => {
        const pair = auth(req);
        const vpses = [...state.vpses.values()].filter((v) => v.user === pair.user).map(listing);
        return ok({ vpses });
      },
    },
    // The rendered manual says `/vps/<id>/status`, its newer source `/vps/<id>`: both answer.
    ...["/api/client/vps/:id/status", "/api/client/vps/:id"].map((path): Route => ({
      method: "GET",
      path,
      handler: (req) => {
        const v = vpsOf(req);
        const status = state.status(v);
        return ok({ ...traffic(v), ram_used: v.ram_used, disk_used: v.disk_used, status });
      },
    })),
    { method: "POST", path: "/api/client/vps/:id/start", handler: power("start") },
    { method: "POST", path: "/api/client/vps/:id/stop", handler: power("stop") },
    { method: "POST", path: "/api/client/vps/:id/restart", handler: power("restart") },
    {
      method: "POST",
      path: "/_sim/cvm/nodes/:id/unreachable",
      handler: (req) => {
        const body = req.body ? JSON.parse(req.body) : {};
        const node = state.nodes.get(req.params.id) ?? { id: req.params.id };
        if (body.forMs !== undefined) node.unreachableUntil = state.now() + Number(body.forMs);
        if (body.requests !== undefined) node.unreachableRequests = Number(body.requests);
        state.nodes.set(node.id, node);
        return { status: 200, body: node };
      },
    },
    {
      method: "POST",
      path: "/_sim/cvm/vpses/:id/ignore-power",
      handler: (req) => {
        const v = anyVps(req);
        v.ignoresPower = (req.body ? JSON.parse(req.body) : {}).ignore !== false;
        return { status: 200, body: { ok: true } };
      },
    },
    {
      method: "DELETE",
      path: "/_sim/cvm/vpses/:id",
      handler: (req) => {
        state.vpses.delete(anyVps(req).id);
        return { status: 200, body: { ok: true } };
      },
    },
  ];

  /** The VPS a control route names, whoever owns it. */
  function anyVps(req: SimRequest): VpsRecord {
    const v = state.vpses.get(req.params.id);
    if (!v) throw new SimError(404, `no VPS ${req.params.id}`);
    return v;
  }

  return {
    name: "cvm",
    routes,
    renderError: (status, message) => ({ status, body: { errors: [message] } }),
    reset: () => state.reset(),
    seed: (body) => state.seed(body as CvmSeed),
    inventory: () => ({
      vpses: [...state.vpses.values()].map((v) => ({ id: v.id, hostname: v.hostname, status: state.status(v), operations: v.operations })),
    }),
    snapshot: () => state.snapshot(),
    restore: (d) => state.restore(d),
  };
}

function ok(response: unknown): SimResponse {
  return { status: 200, body: { response } };
}

function header(req: SimRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** The name every vendor simulator exports, so that the CLI finds it without a registry. */
export const createSimulator = createCvmSimulator;
