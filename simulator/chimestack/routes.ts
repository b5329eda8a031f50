/**
 * ChimeStack's route table: every route the simulator answers, with its operation's name in the API
 * reference, in one place. Every `/v1` route but login, logout and auth takes a Bearer token.
 */
import { Route, SimError, SimRequest } from "../core";
import { infraHandlers } from "./infra";
import { ChimeState } from "./state";
import { storageHandlers } from "./storage";
import { vmHandlers } from "./vms";

const C = "/v1/az/:az/cluster";
const H = `${C}/:cluster/host`;
const N = `${C}/:cluster/network`;
const S = `${N}/:network/subnet`;
const VM = "/v1/vm/:vm";
const SNAP = "/v1/volume/:volume/snapshot";

export function chimeRoutes(s: ChimeState): Route[] {
  const h = { ...infraHandlers(s), ...vmHandlers(s), ...storageHandlers(s) };
  const routes: Route[] = [
    { method: "POST", path: "/v1/login", handler: h.login },
    { method: "POST", path: "/v1/logout", handler: h.logout },
    { method: "POST", path: "/v1/auth", handler: h.auth },
    { method: "GET", path: "/v1/az", handler: h.listAz },
    { method: "GET", path: "/v1/az/:az", handler: h.getAz },
    { method: "GET", path: "/v1/instance_spec", handler: h.listInstanceSpec },
    { method: "GET", path: "/v1/instance_spec/:uuid", handler: h.getInstanceSpec },
    { method: "GET", path: "/v1/volume_spec", handler: h.listVolumeSpec },
    { method: "GET", path: "/v1/volume_spec/:uuid", handler: h.getVolumeSpec },
    { method: "GET", path: "/v1/image", handler: h.listImage },
    { method: "GET", path: "/v1/image/:uuid", handler: h.getImage },
    { method: "POST", path: "/v1/image/user", handler: h.createUserImage },
    { method: "PATCH", path: "/v1/image/:uuid", handler: h.updateImage },
    { method: "DELETE", path: "/v1/image/:uuid", handler: h.deleteImage },
    { method: "GET", path: "/v1/securitygroup", handler: h.listSecurityGroup },
    { method: "POST", path: "/v1/securitygroup", handler: h.createSecurityGroup },
    { method: "GET", path: "/v1/securitygroup/:uuid", handler: h.getSecurityGroup },
    { method: "PATCH", path: "/v1/securitygroup/:uuid", handler: h.updateSecurityGroup },
    { method: "DELETE", path: "/v1/securitygroup/:uuid", handler: h.deleteSecurityGroup },
    { method: "GET", path: C, handler: h.listCluster },
    { method: "POST", path: C, handler: h.createCluster },
    { method: "GET", path: `${C}/:cluster`, handler: h.getCluster },
    { method: "PATCH", path: `${C}/:cluster`, handler: h.updateCluster },
    { method: "DELETE", path: `${C}/:cluster`, handler: h.deleteCluster },
    { method: "PUT", path: `${C}/:cluster/disable`, handler: h.disableCluster },
    { method: "PUT", path: `${C}/:cluster/enable`, handler: h.enableCluster },
    { method: "GET", path: H, handler: h.listHost },
    { method: "GET", path: `${H}/:host`, handler: h.getHost },
    { method: "GET", path: N, handler: h.listNetwork },
    { method: "POST", path: N, handler: h.createNetwork },
    { method: "GET", path: `${N}/:network`, handler: h.getNetwork },
    { method: "PATCH", path: `${N}/:network`, handler: h.updateNetwork },
    { method: "DELETE", path: `${N}/:network`, handler: h.deleteNetwork },
    { method: "GET", path: S, handler: h.listSubnet },
    { method: "POST", path: S, handler: h.createSubnet },
    { method: "GET", path: `${S}/:subnet`, handler: h.getSubnet },
    { method: "PATCH", path: `${S}/:subnet`, handler: h.updateSubnet },
    { method: "DELETE", path: `${S}/:subnet`, handler: h.deleteSubnet },
    { method: "GET", path: "/v1/vm", handler: h.listVm },
    { method: "POST", path: "/v1/vm", handler: h.createVm },
    { method: "GET", path: VM, handler: h.describeVm },
    { method: "PATCH", path: VM, handler: h.updateVm },
    { method: "PUT", path: `${VM}/start`, handler: h.startVm },
    { method: "PUT", path: `${VM}/stop`, handler: h.stopVm },
    { method: "DELETE", path: VM, handler: h.deleteVm },
    { method: "GET", path: `${C}/:cluster/volume`, handler: h.listVolume },
    { method: "POST", path: `${C}/:cluster/volume`, handler: h.createVolume },
    { method: "GET", path: `${C}/:cluster/volume/:volume`, handler: h.getVolume },
    { method: "PATCH", path: `${C}/:cluster/volume/:volume`, handler: h.updateVolume },
    { method: "DELETE", path: `${C}/:cluster/volume/:volume`, handler: h.deleteVolume },
    { method: "GET", path: "/v1/snapshot", handler: h.listSnapshot },
    { method: "GET", path: SNAP, handler: h.listVolumeSnapshot },
    { method: "POST", path: SNAP, handler: h.createSnapshot },
    { method: "GET", path: `${SNAP}/:snapshot`, handler: h.getSnapshot },
    { method: "PATCH", path: `${SNAP}/:snapshot`, handler: h.updateSnapshot },
    { method: "DELETE", path: `${SNAP}/:snapshot`, handler: h.deleteSnapshot },
    { method: "GET", path: "/v1/nic", handler: h.listNic },
    { method: "POST", path: "/v1/nic", handler: h.createNic },
    { method: "GET", path: "/v1/nic/:nic", handler: h.getNic },
    { method: "DELETE", path: "/v1/nic/:nic", handler: h.deleteNic },
    { method: "PUT", path: `${VM}/attach_disk`, handler: h.attachVolume },
    { method: "PUT", path: `${VM}/detach_disk`, handler: h.detachVolume },
    { method: "PUT", path: `${VM}/attach_nic`, handler: h.attachNic },
    { method: "PUT", path: `${VM}/detach_nic`, handler: h.detachNic },
    // The simulator's own, beside the shared /_sim/ ones.
    { method: "POST", path: "/_sim/chimestack/expire-tokens", handler: h.expireTokens },
    { method: "POST", path: "/_sim/chimestack/fail-operations", handler: h.failOperations },
  ];

  const auth = (req: SimRequest) => {
    const header = String(req.headers.authorization ?? "");
    const token = header.startsWith("Bearer ") ? header.slice(7) : "";
    if (!s.tokenValid(token)) throw new SimError(401, "the token is missing, invalid or expired");
  };
  return routes.map((r) =>
    r.path.startsWith("/_sim/") || /\/v1\/(login|logout|auth)$/.test(r.path) ? r : { ...r, handler: (req: SimRequest) => (auth(req), r.handler(req)) },
  );
}
