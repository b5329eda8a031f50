/**
 * A ChimeStack API simulator (`/v1`): the `{error, requestId, result}` envelope, Bearer tokens from
 * `POST /v1/login` that expire, lists as `{elements, size, total}` (paged, with the filters the API
 * reference documents for each list), AZs, clusters (enable/disable), hosts, networks and subnets, the
 * instance and volume specs, images and security groups the VMs use, and VMs whose create answers a stub
 * at once (state 0, Go zero `created_at`, volumes with `operation` set) that fills in over time (state 1,
 * operation ""); start, stop, rename, delete. A reset starts from the installation of `seed.ts`.
 *
 * Choices where the documents are silent (see README): VM state 1 = running, 2 = stopped, 0 = in
 * progress; a stop or start takes `transitionMs` with `operation` "stopping"/"starting"; error codes are
 * the HTTP status; a wrong login is a 401; a list filter the reference does not document for that list is
 * ignored.
 *
 * Control routes beside the shared /_sim/ ones:
 *   POST /_sim/chimestack/expire-tokens
 * `POST /_sim/seed` takes clusters, networks and subnets (ChimeSeed).
 */
import { randomUUID } from "node:crypto";
import { Route, SimError, SimRequest, SimResponse, VendorSim } from "../core";
import { DEMO, catalogue } from "./seed";
import { Lookup, showHost, showNetwork, showNic, showSubnet, showVm, showVolume } from "./wire";

export { CATALOGUE, DEMO } from "./seed";

type Obj = Record<string, unknown> & { uuid: string };

export interface ChimeOptions {
  /** How long a VM create takes to finish (ms, default 500). */
  createMs?: number;
  /** How long a start or stop takes (ms, default 200). */
  transitionMs?: number;
  /** Token lifetime (ms, default 12 h as the login example shows). */
  tokenTtlMs?: number;
  now?: () => number;
}

const ZERO_TIME = "0001-01-01T00:00:00Z";
/** The filters the API reference documents for each list (beside `page` and `size`). */
const FILTERS = {
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
};

/** What `POST /_sim/seed` takes: clusters, networks and subnets as GET shows them (missing fields get defaults). */
export interface ChimeSeed {
  clusters?: Array<Partial<Obj> & { name: string }>;
  networks?: Array<Partial<Obj> & { name: string; cluster_uuid: string }>;
  subnets?: Array<Partial<Obj> & { name: string; network_uuid: string }>;
}

export function createChimeStackSimulator(opts: ChimeOptions = {}): VendorSim {
  const now = opts.now ?? Date.now;
  const createMs = opts.createMs ?? 500;
  const transitionMs = opts.transitionMs ?? 200;
  const ttl = opts.tokenTtlMs ?? 12 * 3600_000;
  let tokens = new Map<string, number>();
  const data = {
    azs: new Map<string, Obj>(),
    clusters: new Map<string, Obj>(),
    hosts: new Map<string, Obj>(),
    networks: new Map<string, Obj>(),
    subnets: new Map<string, Obj>(),
    vms: new Map<string, Obj>(),
    specs: new Map<string, Obj>(),
    volumeSpecs: new Map<string, Obj>(),
    images: new Map<string, Obj>(),
    sgs: new Map<string, Obj>(),
    /** Volumes and NICs made on their own (`POST .../volume`, `POST /v1/nic`), to attach to VMs. */
    volumes: new Map<string, Obj>(),
    nics: new Map<string, Obj>(),
  };
  /** When each VM's current operation ends, the state it ends in, and why it failed (if it fails). */
  const pending = new Map<string, { at: number; state: number; name: string; failure?: string }>();
  /** VM operations to fail (POST /_sim/chimestack/fail-operations): how many more, and the error. */
  let failing = { count: 0, message: "" };
  const outcome = () => (failing.count > 0 ? (failing.count--, { failure: failing.message }) : {});

  function reset() {
    tokens = new Map();
    failing = { count: 0, message: "" };
    for (const m of Object.values(data)) m.clear();
    pending.clear();
    const seeded = catalogue(iso());
    for (const k of Object.keys(seeded) as Array<keyof typeof seeded>) for (const o of seeded[k]) data[k].set(o.uuid, o);
  }
  reset();

  function iso() {
    return new Date(now()).toISOString();
  }

  function ok(result: unknown): SimResponse {
    return { status: 200, body: { requestId: randomUUID(), error: null, result } };
  }

  function json(req: SimRequest): Record<string, unknown> {
    try {
      return req.body ? JSON.parse(req.body) : {};
    } catch {
      throw new SimError(400, "the body is not JSON");
    }
  }

  function need(b: Record<string, unknown>, ...keys: string[]) {
    for (const k of keys) if (b[k] === undefined || b[k] === "") throw new SimError(400, `${k} is required`);
  }

  function auth(req: SimRequest) {
    const h = String(req.headers.authorization ?? "");
    const token = h.startsWith("Bearer ") ? h.slice(7) : "";
    const exp = tokens.get(token);
    if (exp === undefined || exp <= now()) throw new SimError(401, "the token is missing, invalid or expired");
  }

  /** One page of a list, filtered by the filters documented for it. */
  function list(items: Obj[], req: SimRequest, filters: readonly string[]): SimResponse {
    const q = req.query;
    let out = items;
    for (const f of filters) if (q.get(f)) out = out.filter((x) => String(x[f]) === q.get(f));
    const page = Math.max(1, Number(q.get("page") ?? 1));
    const size = Math.max(1, Number(q.get("size") ?? 20));
    const slice = out.slice((page - 1) * size, page * size);
    return ok({ elements: slice, size: slice.length, total: out.length });
  }

  function put(m: Map<string, Obj>, o: Partial<Obj>) {
    const x = { ...o, uuid: o.uuid ?? randomUUID() } as Obj;
    m.set(x.uuid, x);
  }

  function get<T extends Obj>(m: Map<string, T>, uuid: string, what: string): T {
    const o = m.get(uuid);
    if (!o) throw new SimError(404, `${what} ${uuid} not found`);
    return o;
  }

  /** A VM as GET shows it now: its create or power operation ends when its time comes. */
  function vm(uuid: string): Obj {
    const v = get(data.vms, uuid, "vm");
    const p = pending.get(uuid);
    if (p && now() >= p.at) {
      pending.delete(uuid);
      v.operation = "";
      // A failed operation (a choice: ChimeStack documents none) leaves the VM as it was and a task in state 2.
      const task = (state: number, description?: string) => ({
        uuid: randomUUID(),
        operation_name: p.name,
        resource_type: "vm",
        resource_uuid: uuid,
        state,
        finished_at: iso(),
        ...(description ? { description } : {}),
      });
      if (p.failure) {
        v.tasks = [...((v.tasks as Obj[]) ?? []), task(2, p.failure)];
        return v;
      }
      v.state = p.state;
      if (v.created_at === ZERO_TIME) v.created_at = iso();
      for (const x of [...(v.volumes as Obj[]), ...(v.nics as Obj[])]) {
        x.state = 2;
        x.operation = "";
        x.attached_vms = [uuid];
      }
      (v.nics as Obj[]).forEach((n, i) => {
        if (!n.ip) n.ip = `192.168.231.${10 + data.vms.size + i}`;
        if (!n.mac) n.mac = `fa:16:3e:${(data.vms.size % 250).toString(16).padStart(2, "0")}:00:0${i}`;
      });
      v.tasks = [...((v.tasks as Obj[]) ?? []), task(1)];
    }
    return v;
  }

  /** A volume made apart is ready once its create time has passed. */
  function shownVolume(v: Obj): Obj {
    if (v.ready_at !== undefined && now() >= Number(v.ready_at)) {
      delete v.ready_at;
      v.state = 1;
      v.operation = "";
      if (v.created_at === ZERO_TIME) v.created_at = iso();
    }
    const { ready_at, ...shown } = v;
    void ready_at;
    return shown as Obj;
  }

  const az = (req: SimRequest) => get(data.azs, req.params.az, "az");
  const cluster = (req: SimRequest) => {
    az(req);
    const c = get(data.clusters, req.params.cluster, "cluster");
    if (c.az_uuid !== req.params.az) throw new SimError(404, `cluster ${req.params.cluster} not found in az ${req.params.az}`);
    return c;
  };
  const network = (req: SimRequest) => {
    cluster(req);
    const n = get(data.networks, req.params.network, "network");
    if (n.cluster_uuid !== req.params.cluster) throw new SimError(404, `network ${req.params.network} not found in cluster ${req.params.cluster}`);
    return n;
  };

  const at: Lookup = {
    vm: (u) => data.vms.get(u),
    network: (u) => data.networks.get(u),
    cluster: (u) => data.clusters.get(u),
    volumeSpec: (u) => data.volumeSpecs.get(u),
    image: (u) => data.images.get(u),
    host: (u) => data.hosts.get(u),
    vms: () => [...data.vms.values()],
    networks: () => [...data.networks.values()],
  };

  /** An object of a cluster, 404 when it is in another cluster. */
  const inCluster = (req: SimRequest, m: Map<string, Obj>, uuid: string, what: string) => {
    cluster(req);
    const o = get(m, uuid, what);
    if (o.cluster_uuid !== req.params.cluster) throw new SimError(404, `${what} ${uuid} not found in cluster ${req.params.cluster}`);
    return o;
  };

  const C = "/v1/az/:az/cluster";
  const H = `${C}/:cluster/host`;
  const N = `${C}/:cluster/network`;
  const S = `${N}/:network/subnet`;
  const routes: Route[] = [
    {
      method: "POST",
      path: "/v1/login",
      handler: (req) => {
        const b = json(req);
        if (b.user_name !== DEMO.user || b.password !== DEMO.password) throw new SimError(401, "wrong user name or password");
        const token = randomUUID();
        tokens.set(token, now() + ttl);
        return ok({
          user: { uuid: token, user_uuid: "0c2a5a1e-0000-4000-8000-0000000000ad", created_at: iso(), expired_at: new Date(now() + ttl).toISOString() },
        });
      },
    },
    { method: "POST", path: "/v1/logout", handler: (req) => (tokens.delete(String(json(req).token)), ok("ok")) },
    { method: "POST", path: "/v1/auth", handler: (req) => ok({ valid: (tokens.get(String(json(req).token)) ?? 0) > now() }) },
    { method: "GET", path: "/v1/az", handler: (req) => list([...data.azs.values()], req, FILTERS.az) },
    { method: "GET", path: "/v1/az/:az", handler: (req) => ok({ az: az(req) }) },
    // ---- The catalogue: global lists and their objects ----------------------------------------------
    ...(
      [
        ["/v1/instance_spec", "instance_spec", data.specs, FILTERS.instanceSpec],
        ["/v1/volume_spec", "volume_spec", data.volumeSpecs, FILTERS.volumeSpec],
        ["/v1/image", "image", data.images, FILTERS.image],
        ["/v1/securitygroup", "securitygroup", data.sgs, FILTERS.securityGroup],
      ] as const
    ).flatMap(([path, kind, items, filters]): Route[] => [
      { method: "GET", path, handler: (req) => list([...items.values()], req, filters) },
      { method: "GET", path: `${path}/:uuid`, handler: (req) => ok({ [kind]: get(items, req.params.uuid, kind) }) },
    ]),
    // ---- Clusters --------------------------------------------------------------------------------
    {
      method: "GET",
      path: C,
      handler: (req) => (
        az(req),
        list(
          [...data.clusters.values()].filter((c) => c.az_uuid === req.params.az),
          req,
          FILTERS.cluster,
        )
      ),
    },
    {
      method: "POST",
      path: C,
      handler: (req) => {
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
          created_at: iso(),
        };
        data.clusters.set(c.uuid, c);
        return ok({ cluster: c });
      },
    },
    { method: "GET", path: `${C}/:cluster`, handler: (req) => ok({ cluster: cluster(req) }) },
    {
      method: "PATCH",
      path: `${C}/:cluster`,
      handler: (req) => {
        const c = cluster(req);
        const b = json(req);
        need(b, "name");
        for (const k of ["name", "description", "arch", "hypervisor_type", "type"]) if (b[k] !== undefined) c[k] = b[k];
        return ok({ cluster: "ok" });
      },
    },
    {
      method: "DELETE",
      path: `${C}/:cluster`,
      handler: (req) => {
        const c = cluster(req);
        if ([...data.hosts.values()].some((h) => h.cluster_uuid === c.uuid)) throw new SimError(400, `cluster ${c.name} still has hosts`);
        if ([...data.networks.values()].some((n) => n.cluster_uuid === c.uuid)) throw new SimError(400, `cluster ${c.name} still has networks`);
        if ([...data.vms.values()].some((v) => v.cluster_uuid === c.uuid)) throw new SimError(400, `cluster ${c.name} still has virtual machines`);
        data.clusters.delete(c.uuid);
        return ok(1);
      },
    },
    { method: "PUT", path: `${C}/:cluster/disable`, handler: (req) => ((cluster(req).state = 2), ok({ cluster: "ok" })) },
    { method: "PUT", path: `${C}/:cluster/enable`, handler: (req) => ((cluster(req).state = 1), ok({ cluster: "ok" })) },
    // ---- Hosts (made by the installer, not through this API here) --------------------------------
    {
      method: "GET",
      path: H,
      handler: (req) => (
        cluster(req),
        list(
          [...data.hosts.values()].filter((h) => h.cluster_uuid === req.params.cluster).map((h) => showHost(h, at)),
          req,
          FILTERS.host,
        )
      ),
    },
    { method: "GET", path: `${H}/:host`, handler: (req) => ok({ host: showHost(inCluster(req, data.hosts, req.params.host, "host"), at) }) },
    // ---- Networks and subnets -------------------------------------------------------------------
    {
      method: "GET",
      path: N,
      handler: (req) => (
        cluster(req),
        list(
          [...data.networks.values()].filter((n) => n.cluster_uuid === req.params.cluster).map((n) => showNetwork(n, at)),
          req,
          FILTERS.network,
        )
      ),
    },
    {
      method: "POST",
      path: N,
      handler: (req) => {
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
          created_at: iso(),
        };
        data.networks.set(n.uuid, n);
        return ok({ network: showNetwork(n, at) });
      },
    },
    { method: "GET", path: `${N}/:network`, handler: (req) => ok({ network: showNetwork(network(req), at) }) },
    {
      method: "PATCH",
      path: `${N}/:network`,
      handler: (req) => {
        const n = network(req);
        const b = json(req);
        need(b, "name");
        n.name = b.name;
        if (b.description !== undefined) n.description = b.description;
        return ok({ network: "ok" });
      },
    },
    {
      method: "DELETE",
      path: `${N}/:network`,
      handler: (req) => {
        const n = network(req);
        if ([...data.subnets.values()].some((s) => s.network_uuid === n.uuid)) throw new SimError(400, `network ${n.name} still has subnets`);
        data.networks.delete(n.uuid);
        return ok(1);
      },
    },
    {
      method: "GET",
      path: S,
      handler: (req) => (
        network(req),
        list(
          [...data.subnets.values()].filter((s) => s.network_uuid === req.params.network).map((s) => showSubnet(s, at)),
          req,
          FILTERS.subnet,
        )
      ),
    },
    {
      method: "POST",
      path: S,
      handler: (req) => {
        const n = network(req);
        const b = json(req);
        need(b, "name", "cidr");
        if (!/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(String(b.cidr))) throw new SimError(400, `cidr ${b.cidr} is not a CIDR`);
        const s: Obj = {
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
          created_at: iso(),
        };
        data.subnets.set(s.uuid, s);
        return ok({ subnet: showSubnet(s, at) });
      },
    },
    { method: "GET", path: `${S}/:subnet`, handler: (req) => (network(req), ok({ subnet: showSubnet(get(data.subnets, req.params.subnet, "subnet"), at) })) },
    {
      method: "PATCH",
      path: `${S}/:subnet`,
      handler: (req) => {
        network(req);
        const s = get(data.subnets, req.params.subnet, "subnet");
        const b = json(req);
        need(b, "name", "cidr");
        for (const k of ["name", "cidr", "gateway", "reserved_ips", "description"]) if (b[k] !== undefined) s[k] = b[k];
        return ok({ subnet: "ok" });
      },
    },
    {
      method: "DELETE",
      path: `${S}/:subnet`,
      handler: (req) => {
        network(req);
        const s = get(data.subnets, req.params.subnet, "subnet");
        if ([...data.vms.values()].some((v) => (v.nics as Obj[]).some((n) => n.subnet_uuid === s.uuid)))
          throw new SimError(400, `subnet ${s.name} is used by virtual machines`);
        data.subnets.delete(s.uuid);
        return ok(1);
      },
    },
    // ---- VMs -------------------------------------------------------------------------------------
    {
      method: "GET",
      path: "/v1/vm",
      handler: (req) =>
        list(
          [...data.vms.keys()].map((u) => showVm(vm(u), at)),
          req,
          FILTERS.vm,
        ),
    },
    {
      method: "POST",
      path: "/v1/vm",
      handler: (req) => {
        const b = json(req);
        need(b, "az_uuid", "cluster_uuid", "instance_spec_uuid", "name", "nics", "volumes");
        get(data.azs, String(b.az_uuid), "az");
        const c = get(data.clusters, String(b.cluster_uuid), "cluster");
        if (c.state !== 1) throw new SimError(400, `cluster ${c.name} is disabled`);
        const spec = get(data.specs, String(b.instance_spec_uuid), "instance_spec");
        if (!/^[A-Za-z0-9_-]{2,64}$/.test(String(b.name))) throw new SimError(400, "name must be 2-64 characters of A-Z a-z 0-9 _ -");
        const requestId = randomUUID();
        const nics = (b.nics as Array<Record<string, unknown>>).map((n) => {
          need(n, "name", "subnet_uuid", "sg_uuid");
          const s = get(data.subnets, String(n.subnet_uuid), "subnet");
          get(data.sgs, String(n.sg_uuid), "securitygroup");
          const net = data.networks.get(String(s.network_uuid))!;
          return {
            uuid: randomUUID(),
            name: n.name,
            subnet_uuid: s.uuid,
            subnet_name: s.name,
            subnet_cidr: s.cidr,
            network_name: net.bridge_name,
            network_type: net.type,
            ip: n.ip ?? "",
            mac: "",
            primary: n.primary ?? 0,
            description: n.description ?? "",
            gateway: s.gateway,
            netmask: "",
            state: 0,
            operation: "",
            attached_vms: [],
            created_at: ZERO_TIME,
          };
        });
        const volumes: Obj[] = (b.volumes as Array<Record<string, unknown>>).map((v): Obj => {
          need(v, "name", "size", "volume_spec_uuid");
          if (typeof v.size !== "number" || v.size <= 0) throw new SimError(400, `volume ${v.name}: size must be a positive number of bytes`);
          get(data.volumeSpecs, String(v.volume_spec_uuid), "volume_spec");
          if (v.image_uuid) get(data.images, String(v.image_uuid), "image");
          return {
            uuid: randomUUID(),
            name: v.name,
            size: v.size,
            root: v.root ?? 0,
            image_uuid: v.image_uuid ?? "",
            volume_spec_uuid: v.volume_spec_uuid,
            az_uuid: b.az_uuid,
            cluster_uuid: c.uuid,
            host_uuid: b.host_uuid ?? DEMO.host,
            state: 0,
            operation: requestId,
            attached_vms: [],
            created_at: ZERO_TIME,
            cdrom: 0,
            iops: 500,
            throughput: 10485760,
          };
        });
        const cdrom = b.cdrom as Record<string, unknown> | undefined;
        if (cdrom) {
          need(cdrom, "name", "image_uuid", "volume_spec_uuid");
          get(data.images, String(cdrom.image_uuid), "image");
          volumes.push({
            uuid: randomUUID(),
            name: cdrom.name,
            size: 0,
            root: 0,
            image_uuid: cdrom.image_uuid,
            volume_spec_uuid: cdrom.volume_spec_uuid,
            az_uuid: b.az_uuid,
            cluster_uuid: c.uuid,
            host_uuid: b.host_uuid ?? DEMO.host,
            state: 0,
            operation: requestId,
            attached_vms: [],
            created_at: ZERO_TIME,
            cdrom: 1,
            bootable: cdrom.bootable ?? 0,
            iops: 500,
            throughput: 10485760,
          });
        }
        const v: Obj = {
          uuid: randomUUID(),
          name: b.name,
          description: b.description ?? "",
          az_uuid: b.az_uuid,
          cluster_uuid: c.uuid,
          host_uuid: b.host_uuid ?? DEMO.host,
          host_ip: "",
          host_name: "",
          hyper_type: c.hypervisor_type,
          boot_type: "",
          image_name: "",
          memory: spec.memory,
          vcpus: spec.vcpus,
          os_type: "",
          os_detail: "",
          os_arch: "",
          spec_type: spec.type,
          state: 0,
          operation: "create",
          tags: null,
          nics,
          volumes,
          tasks: [],
          created_at: ZERO_TIME,
        };
        data.vms.set(v.uuid, v);
        pending.set(v.uuid, { at: now() + createMs, state: 1, name: "create", ...outcome() }); // v0.1: a VM starts when it is created
        return ok({ vm: showVm(v, at) });
      },
    },
    { method: "GET", path: "/v1/vm/:vm", handler: (req) => ok({ vm: showVm(vm(req.params.vm), at) }) },
    {
      method: "PATCH",
      path: "/v1/vm/:vm",
      handler: (req) => {
        const v = vm(req.params.vm);
        const b = json(req);
        for (const k of Object.keys(b)) if (!["name", "description"].includes(k)) throw new SimError(400, `${k} cannot be updated`);
        if (b.name !== undefined) v.name = b.name;
        if (b.description !== undefined) v.description = b.description;
        return ok({ vm: "ok" });
      },
    },
    ...(["start", "stop"] as const).map((action): Route => ({
      method: "PUT",
      path: `/v1/vm/:vm/${action}`,
      handler: (req) => {
        const v = vm(req.params.vm);
        if (v.operation) throw new SimError(400, `vm ${v.name} is busy: ${v.operation}`);
        v.operation = action === "start" ? "starting" : "stopping";
        pending.set(v.uuid, { at: now() + transitionMs, state: action === "start" ? 1 : 2, name: action, ...outcome() });
        return ok({ vm: "ok" });
      },
    })),
    {
      method: "DELETE",
      path: "/v1/vm/:vm",
      handler: (req) => {
        vm(req.params.vm);
        data.vms.delete(req.params.vm);
        pending.delete(req.params.vm);
        return ok({ vm: "ok" });
      },
    },
    // ---- Volumes and NICs made apart, attached and detached -------------------------------------
    {
      method: "POST",
      path: `${C}/:cluster/volume`,
      handler: (req) => {
        const c = cluster(req);
        const b = json(req);
        need(b, "name", "size", "volume_spec_uuid");
        if (typeof b.size !== "number" || b.size <= 0) throw new SimError(400, "size must be a positive number of bytes");
        get(data.volumeSpecs, String(b.volume_spec_uuid), "volume_spec");
        const requestId = randomUUID();
        const v: Obj = {
          uuid: randomUUID(),
          name: b.name,
          size: b.size,
          root: 0,
          image_uuid: b.image_uuid ?? "",
          volume_spec_uuid: b.volume_spec_uuid,
          description: b.description ?? "",
          az_uuid: c.az_uuid,
          cluster_uuid: c.uuid,
          state: 0,
          operation: `Creating#${requestId}`,
          attached_vms: [],
          created_at: ZERO_TIME,
          cdrom: 0,
          ready_at: now() + createMs,
        };
        data.volumes.set(v.uuid, v);
        return ok({ volume: showVolume(shownVolume(v), at) });
      },
    },
    {
      method: "GET",
      path: `${C}/:cluster/volume/:volume`,
      handler: (req) => (cluster(req), ok({ volume: showVolume(shownVolume(get(data.volumes, req.params.volume, "volume")), at) })),
    },
    {
      method: "DELETE",
      path: `${C}/:cluster/volume/:volume`,
      handler: (req) => {
        cluster(req);
        const v = get(data.volumes, req.params.volume, "volume");
        if ((v.attached_vms as string[]).length) throw new SimError(400, `volume ${v.name} is attached to a virtual machine`);
        data.volumes.delete(v.uuid);
        return ok(1);
      },
    },
    {
      method: "POST",
      path: "/v1/nic",
      handler: (req) => {
        const b = json(req);
        need(b, "name", "subnet_uuid", "sg_uuid");
        const s = get(data.subnets, String(b.subnet_uuid), "subnet");
        get(data.sgs, String(b.sg_uuid), "securitygroup");
        const n: Obj = {
          uuid: randomUUID(),
          name: b.name,
          subnet_uuid: s.uuid,
          subnet_name: s.name,
          subnet_cidr: s.cidr,
          ip: b.ip ?? `192.168.231.${100 + data.nics.size}`,
          mac: `fa:16:3e:aa:00:${(data.nics.size % 250).toString(16).padStart(2, "0")}`,
          primary: b.primary ?? 0,
          description: b.description ?? "",
          gateway: s.gateway,
          state: 1,
          operation: "",
          attached_vms: [],
          created_at: iso(),
        };
        data.nics.set(n.uuid, n);
        return ok({ nic: showNic(n, at) });
      },
    },
    { method: "GET", path: "/v1/nic/:nic", handler: (req) => ok({ nic: showNic(get(data.nics, req.params.nic, "nic"), at) }) },
    {
      method: "DELETE",
      path: "/v1/nic/:nic",
      handler: (req) => {
        const n = get(data.nics, req.params.nic, "nic");
        if ((n.attached_vms as string[]).length) throw new SimError(400, `nic ${n.name} is attached to a virtual machine`);
        data.nics.delete(n.uuid);
        return ok(1);
      },
    },
    ...(
      [
        ["attach_disk", "volume_uuid", "volumes", data.volumes],
        ["detach_disk", "volume_uuid", "volumes", data.volumes],
        ["attach_nic", "nic_uuid", "nics", data.nics],
        ["detach_nic", "nic_uuid", "nics", data.nics],
      ] as const
    ).map(([action, key, field, pool]): Route => ({
      method: "PUT",
      path: `/v1/vm/:vm/${action}`,
      handler: (req) => {
        const v = vm(req.params.vm);
        if (v.operation) throw new SimError(400, `vm ${v.name} is busy: ${v.operation}`);
        const b = json(req);
        need(b, key);
        const list = v[field] as Obj[];
        const uuid = String(b[key]);
        if (action.startsWith("attach")) {
          const x = pool.get(uuid);
          if (!x) throw new SimError(404, `${field.slice(0, -1)} ${uuid} not found`);
          if (field === "volumes") shownVolume(x);
          if (x.state === 0 || x.operation) throw new SimError(400, `${field.slice(0, -1)} ${x.name} is not ready`);
          if ((x.attached_vms as string[]).length) throw new SimError(400, `${field.slice(0, -1)} ${x.name} is already attached`);
          Object.assign(x, { state: 2, attached_vms: [v.uuid] });
          list.push(x);
        } else {
          const i = list.findIndex((x) => x.uuid === uuid);
          if (i < 0) throw new SimError(400, `${field.slice(0, -1)} ${uuid} is not attached to vm ${v.name}`);
          if (list[i].primary === 1 || list[i].root === 1) throw new SimError(400, `the primary nic or root volume cannot be detached`);
          const [x] = list.splice(i, 1);
          Object.assign(x, { state: 1, attached_vms: [] });
          pool.set(x.uuid, x);
        }
        return ok({ vm: "ok" });
      },
    })),
    {
      method: "POST",
      path: "/_sim/chimestack/expire-tokens",
      handler: () => {
        tokens.clear();
        return { status: 200, body: { ok: true } };
      },
    },
    {
      method: "POST",
      path: "/_sim/chimestack/fail-operations",
      handler: (req) => {
        const b = json(req);
        failing = { count: Number(b.count ?? 1), message: String(b.message ?? "the operation failed on the host") };
        return { status: 200, body: { ok: true } };
      },
    },
  ];

  const wrapped = routes.map((r) =>
    r.path.startsWith("/_sim/") || /\/v1\/(login|logout|auth)$/.test(r.path) ? r : { ...r, handler: (req: SimRequest) => (auth(req), r.handler(req)) },
  );

  return {
    name: "chimestack",
    routes: wrapped,
    renderError: (status, message) => ({
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
    }),
    reset,
    seed: (body) => {
      const b = body as ChimeSeed;
      for (const c of b.clusters ?? []) {
        const a = get(data.azs, String(c.az_uuid ?? DEMO.az), "az");
        put(data.clusters, {
          description: "",
          arch: "x86_64",
          hypervisor_type: "kvm",
          type: 0,
          state: 1,
          az_uuid: a.uuid,
          az_name: a.name,
          created_at: iso(),
          ...c,
        });
      }
      for (const n of b.networks ?? []) {
        const c = get(data.clusters, n.cluster_uuid, "cluster");
        put(data.networks, {
          bridge_name: "br0",
          interface_name: "eth0",
          type: 0,
          vlan_id: "",
          description: "",
          az_uuid: c.az_uuid,
          state: 1,
          created_at: iso(),
          ...n,
        });
      }
      for (const sn of b.subnets ?? []) {
        const n = get(data.networks, sn.network_uuid, "network");
        put(data.subnets, {
          cidr: "192.168.231.1/24",
          gateway: "",
          reserved_ips: "",
          description: "",
          type: 0,
          cluster_uuid: n.cluster_uuid,
          az_uuid: n.az_uuid,
          state: 1,
          created_at: iso(),
          ...sn,
        });
      }
    },
    inventory: () => ({
      clusters: [...data.clusters.values()],
      networks: [...data.networks.values()],
      subnets: [...data.subnets.values()],
      vms: [...data.vms.keys()].map(vm).map((v) => ({ ...v, status: String(v.state) })),
      volumes: [...data.volumes.values()].map(shownVolume),
      nics: [...data.nics.values()],
    }),
  };
}

export const createSimulator = createChimeStackSimulator;
