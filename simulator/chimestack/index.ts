/**
 * A ChimeStack API simulator (`/v1`): the `{error, requestId, result}` envelope, Bearer tokens from
 * `POST /v1/login` that expire, lists as `{elements, size, total}` (paged, with the filters the API
 * reference documents for each list), AZs, clusters (enable/disable), hosts, networks and subnets, the
 * instance and volume specs, images and security groups the VMs use, and VMs whose create answers a stub
 * at once (state 0, Go zero `created_at`, volumes with `operation` set) that fills in over time (state 1,
 * operation ""); start, stop, rename, delete. A reset starts from the installation of `seed.ts`.
 *
 * Where things are: `state.ts` (the collections, tokens and timed operations, apart from HTTP),
 * `routes.ts` (the one route table), `infra.ts` and `vms.ts` (its handlers), `http.ts` (envelope, bodies,
 * lists), `wire.ts` (how objects are shown), `seed.ts` (the installation).
 *
 * Choices where the documents are silent (see README): VM state 1 = running, 2 = stopped, 0 = in
 * progress; a stop or start takes `transitionMs` with `operation` "stopping"/"starting"; error codes are
 * the HTTP status; a wrong login is a 401; a list filter the reference does not document for that list is
 * ignored.
 *
 * Control routes beside the shared /_sim/ ones:
 *   POST /_sim/chimestack/expire-tokens
 *   POST /_sim/chimestack/fail-operations  {count?, message?}
 * `POST /_sim/seed` takes clusters, networks and subnets (ChimeSeed).
 */
import { VendorSim } from "../core";
import { renderError } from "./http";
import { chimeRoutes } from "./routes";
import { ChimeOptions, ChimeSeed, ChimeState } from "./state";

export { CATALOGUE, DEMO } from "./seed";
export { ChimeState } from "./state";
export type { ChimeOptions, ChimeSeed } from "./state";

export function createChimeStackSimulator(opts: ChimeOptions = {}): VendorSim {
  const state = new ChimeState(opts);
  return {
    name: "chimestack",
    routes: chimeRoutes(state),
    renderError: (status, message) => renderError(status, message),
    reset: () => state.reset(),
    seed: (body) => state.seed(body as ChimeSeed),
    inventory: () => state.inventory(),
  };
}

export const createSimulator = createChimeStackSimulator;
