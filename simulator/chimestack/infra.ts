/**
 * The handlers of ChimeStack's infrastructure: login, AZs, the catalogue (instance and volume specs,
 * images, security groups), clusters, hosts, networks and subnets. Routes are in `routes.ts`.
 */
import { randomUUID } from "node:crypto";
import { Handler, SimError, SimRequest } from "../core";
import { FILTERS, handlers, json, list, need, ok } from "./http";
import { DEMO } from "./seed";
import { ChimeState, Obj } from "./state";
import { showHost, showNetwork, showSubnet } from "./wire";

/** The objects a path names (`:az`, `:cluster`, `:network`), 404 when one is not inside its parent. */
export function scope(s: ChimeState) {
  const az = (req: SimRequest) => s.get(s.data.azs, req.params.az, "az");
  const cluster = (req: SimRequest) => {
    az(req);
    const c = s.get(s.data.clusters, req.params.cluster, "cluster");
    if (c.az_uuid !== req.params.az) throw new SimError(404, `cluster ${req.params.cluster} not found in az ${req.params.az}`);
    return c;
  };
  const network = (req: SimRequest) => {
    cluster(req);
    const n = s.get(s.data.networks, req.params.network, "network");
    if (n.cluster_uuid !== req.params.cluster) throw new SimError(404, `network ${req.params.network} not found in cluster ${req.params.cluster}`);
    return n;
  };
  /** An object of a cluster, 404 when it is in another cluster. */
  const inCluster = (req: SimRequest, m: Map<string, Obj>, uuid: string, what: string) => {
    cluster(req);
    const o = s.get(m, uuid, what);
    if (o.cluster_uuid !== req.params.cluster) throw new SimError(404, `${what} ${uuid} not found in cluster ${req.params.cluster}`);
    return o;
  };
  return { az, cluster, network, inCluster };
}

export function infraHandlers(s: ChimeState) {
  const { az, cluster, network, inCluster } = scope(s);
  const { data } = s;
  const at = s.lookup;

  /** A global list of the catalogue, and one of its objects answered as `{<kind>: object}`. */
  const catalogueList =
    (items: Map<string, Obj>, filters: readonly string[]): Handler =>
    (req) =>
      list([...items.values()], req, filters);
  const catalogueGet =
    (items: Map<string, Obj>, kind: string): Handler =>
    (req) =>
      ok({ [kind]: s.get(items, req.params.uuid, kind) });

  return handlers({
    // ---- Login --------------------------------------------------------------------------------------
    login: (req) => {
      const b = json(req);
      if (b.user_name !== DEMO.user || b.password !== DEMO.password) throw new SimError(401, "wrong user name or password");
      const token = s.issueToken();
      return ok({
        user: {
          uuid: token,
          user_uuid: "0c2a5a1e-0000-4000-8000-0000000000ad",
          created_at: s.iso(),
          expired_at: new Date(s.now() + s.tokenTtlMs).toISOString(),
        },
      });
    },
    logout: (req) => (s.tokens.delete(String(json(req).token)), ok("ok")),
    auth: (req) => ok({ valid: s.tokenValid(String(json(req).token)) }),

    // ---- AZs and the catalogue ----------------------------------------------------------------------
    listAz: (req) => list([...data.azs.values()], req, FILTERS.az),
    getAz: (req) => ok({ az: az(req) }),
    listInstanceSpec: catalogueList(data.specs, FILTERS.instanceSpec),
    getInstanceSpec: catalogueGet(data.specs, "instance_spec"),
    listVolumeSpec: catalogueList(data.volumeSpecs, FILTERS.volumeSpec),
    getVolumeSpec: catalogueGet(data.volumeSpecs, "volume_spec"),
    // Images as they are now: a user image is fetched after the create time.
    listImage: (req) =>
      list(
        [...data.images.values()].map((x) => s.image(x)),
        req,
        FILTERS.image,
      ),
    getImage: (req) => ok({ image: s.image(s.get(data.images, req.params.uuid, "image")) }),
    listSecurityGroup: catalogueList(data.sgs, FILTERS.securityGroup),
    getSecurityGroup: catalogueGet(data.sgs, "securitygroup"),

    // ---- Clusters -----------------------------------------------------------------------------------
    listCluster: (req) => (
      az(req),
      list(
        [...data.clusters.values()].filter((c) => c.az_uuid === req.params.az),
        req,
        FILTERS.cluster,
      )
    ),
    createCluster: (req) => {
      const a = az(req);
      const b = json(req);
      need(b, "name");
      const c: Obj = {
        uuid: randomUUID(),
        name: b.name,
        description: b.description ?? "",
        arch: b.arch ?? "x86_64",
        hypervisor_type: b.hypervisor_type ?? "kvm",
        type: b.type ?? 0,
        state: 1,
        az_uuid: a.uuid,
        az_name: a.name,
        created_at: s.iso(),
      };
      data.clusters.set(c.uuid, c);
      return ok({ cluster: c });
    },
    getCluster: (req) => ok({ cluster: cluster(req) }),
    updateCluster: (req) => {
      const c = cluster(req);
      const b = json(req);
      need(b, "name");
      for (const k of ["name", "description", "arch", "hypervisor_type", "type"]) if (b[k] !== undefined) c[k] = b[k];
      return ok({ cluster: "ok" });
    },
    deleteCluster: (req) => (s.deleteCluster(cluster(req)), ok(1)),
    disableCluster: (req) => ((cluster(req).state = 2), ok({ cluster: "ok" })),
    enableCluster: (req) => ((cluster(req).state = 1), ok({ cluster: "ok" })),

    // ---- Hosts (made by the installer, not through this API here) -----------------------------------
    listHost: (req) => (
      cluster(req),
      list(
        [...data.hosts.values()].filter((h) => h.cluster_uuid === req.params.cluster).map((h) => showHost(h, at)),
        req,
        FILTERS.host,
      )
    ),
    getHost: (req) => ok({ host: showHost(inCluster(req, data.hosts, req.params.host, "host"), at) }),

    // ---- Networks and subnets -----------------------------------------------------------------------
    listNetwork: (req) => (
      cluster(req),
      list(
        [...data.networks.values()].filter((n) => n.cluster_uuid === req.params.cluster).map((n) => showNetwork(n, at)),
        req,
        FILTERS.network,
      )
    ),
    createNetwork: (req) => {
      const c = cluster(req);
      const b = json(req);
      need(b, "name", "bridge_name", "interface_name");
      const n: Obj = {
        uuid: randomUUID(),
        name: b.name,
        bridge_name: b.bridge_name,
        interface_name: b.interface_name,
        type: b.type ?? 0,
        vlan_id: "",
        description: b.description ?? "",
        cluster_uuid: c.uuid,
        az_uuid: c.az_uuid,
        state: 1,
        created_at: s.iso(),
      };
      data.networks.set(n.uuid, n);
      return ok({ network: showNetwork(n, at) });
    },
    getNetwork: (req) => ok({ network: showNetwork(network(req), at) }),
    updateNetwork: (req) => {
      const n = network(req);
      const b = json(req);
      need(b, "name");
      n.name = b.name;
      if (b.description !== undefined) n.description = b.description;
      return ok({ network: "ok" });
    },
    deleteNetwork: (req) => (s.deleteNetwork(network(req)), ok(1)),
    listSubnet: (req) => (
      network(req),
      list(
        [...data.subnets.values()].filter((x) => x.network_uuid === req.params.network).map((x) => showSubnet(x, at)),
        req,
        FILTERS.subnet,
      )
    ),
    createSubnet: (req) => {
      const n = network(req);
      const b = json(req);
      need(b, "name", "cidr");
      if (!/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(String(b.cidr))) throw new SimError(400, `cidr ${b.cidr} is not a CIDR`);
      const x: Obj = {
        uuid: randomUUID(),
        name: b.name,
        cidr: b.cidr,
        gateway: b.gateway ?? "",
        reserved_ips: b.reserved_ips ?? "",
        description: b.description ?? "",
        type: 0,
        network_uuid: n.uuid,
        cluster_uuid: n.cluster_uuid,
        az_uuid: n.az_uuid,
        state: 1,
        created_at: s.iso(),
      };
      data.subnets.set(x.uuid, x);
      return ok({ subnet: showSubnet(x, at) });
    },
    getSubnet: (req) => (network(req), ok({ subnet: showSubnet(s.get(data.subnets, req.params.subnet, "subnet"), at) })),
    updateSubnet: (req) => {
      network(req);
      const x = s.get(data.subnets, req.params.subnet, "subnet");
      const b = json(req);
      need(b, "name", "cidr");
      for (const k of ["name", "cidr", "gateway", "reserved_ips", "description"]) if (b[k] !== undefined) x[k] = b[k];
      return ok({ subnet: "ok" });
    },
    deleteSubnet: (req) => {
      network(req);
      s.deleteSubnet(s.get(data.subnets, req.params.subnet, "subnet"));
      return ok(1);
    },
  });
}
