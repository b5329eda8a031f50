/**
 * ChimeStack's state, apart from HTTP: the collections (kept as GET shows them, less what `wire.ts` adds),
 * the login tokens, and the operations that take time. A VM's create, start and stop and a volume's create
 * are operations: each is a `Lifecycle` (simulator/core) from busy to done, settled lazily when the object
 * is read (no timers), and its effect is applied then. A refusal (an unknown object, a busy or used one)
 * is a `SimError` with the status the API answers.
 */
import { randomUUID } from "node:crypto";
import { Lifecycle, LifecycleData, SimError } from "../core";
import { DEMO, catalogue } from "./seed";
import { Lookup, Obj } from "./wire";

export type { Obj } from "./wire";

export interface ChimeOptions {
  /** How long a VM create takes to finish (ms, default 500). */
  createMs?: number;
  /** How long a start or stop takes (ms, default 200). */
  transitionMs?: number;
  /** Token lifetime (ms, default 12 h as the login example shows). */
  tokenTtlMs?: number;
  now?: () => number;
}

/** What `POST /_sim/seed` takes: clusters, networks, subnets and volumes as GET shows them (missing fields get defaults). */
export interface ChimeSeed {
  clusters?: Array<Partial<Obj> & { name: string }>;
  networks?: Array<Partial<Obj> & { name: string; cluster_uuid: string }>;
  subnets?: Array<Partial<Obj> & { name: string; network_uuid: string }>;
  /** Volumes made apart, ready and free. */
  volumes?: Array<Partial<Obj> & { name: string; cluster_uuid: string }>;
}

/** Go's zero time, which objects show until they are made. */
export const ZERO_TIME = "0001-01-01T00:00:00Z";

type Phase = "busy" | "done";

/** An operation under way on one object: its lifecycle, and what happens when it is done. */
interface Operation {
  life: LifecycleData<Phase>;
  finish: () => void;
}

export class ChimeState {
  readonly now: () => number;
  readonly createMs: number;
  readonly transitionMs: number;
  readonly tokenTtlMs: number;
  /** Token -> when it expires. */
  tokens = new Map<string, number>();
  readonly data = {
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
    /** Snapshots of volumes (`POST /v1/volume/<uuid>/snapshot`). */
    snapshots: new Map<string, Obj>(),
  };
  /** The operation under way on each VM or volume (by its uuid). */
  private operations = new Map<string, Operation>();
  /** VM operations to fail (POST /_sim/chimestack/fail-operations): how many more, and the error. */
  private failing = { count: 0, message: "" };

  /** What `wire.ts` looks up to show an object (as kept, not settled). */
  readonly lookup: Lookup = {
    vm: (u) => this.data.vms.get(u),
    network: (u) => this.data.networks.get(u),
    cluster: (u) => this.data.clusters.get(u),
    volumeSpec: (u) => this.data.volumeSpecs.get(u),
    image: (u) => this.data.images.get(u),
    host: (u) => this.data.hosts.get(u),
    vms: () => [...this.data.vms.values()],
    networks: () => [...this.data.networks.values()],
  };

  constructor(opts: ChimeOptions = {}) {
    this.now = opts.now ?? Date.now;
    this.createMs = opts.createMs ?? 500;
    this.transitionMs = opts.transitionMs ?? 200;
    this.tokenTtlMs = opts.tokenTtlMs ?? 12 * 3600_000;
    this.reset();
  }

  /** Back to the installation of `seed.ts`, without tokens, operations or failures. */
  reset() {
    this.tokens = new Map();
    this.failing = { count: 0, message: "" };
    for (const m of Object.values(this.data)) m.clear();
    this.operations.clear();
    const seeded = catalogue(this.iso());
    for (const k of Object.keys(seeded) as Array<keyof typeof seeded>) for (const o of seeded[k]) this.data[k].set(o.uuid, o);
  }

  iso(): string {
    return new Date(this.now()).toISOString();
  }

  // ---- Tokens ----------------------------------------------------------------------------------

  /** A new token, valid for the token lifetime. */
  issueToken(): string {
    const token = randomUUID();
    this.tokens.set(token, this.now() + this.tokenTtlMs);
    return token;
  }

  tokenValid(token: string): boolean {
    const expires = this.tokens.get(token);
    return expires !== undefined && expires > this.now();
  }

  // ---- Look-ups --------------------------------------------------------------------------------

  /** An object of a collection, 404 when there is none. */
  get(m: Map<string, Obj>, uuid: string, what: string): Obj {
    const o = m.get(uuid);
    if (!o) throw new SimError(404, `${what} ${uuid} not found`);
    return o;
  }

  /** A VM as it is now: its operation is applied if its time has come. */
  vm(uuid: string): Obj {
    const v = this.get(this.data.vms, uuid, "vm");
    this.settle(uuid);
    return v;
  }

  /** A volume made apart as it is now: ready once its create time has passed. */
  volume(v: Obj): Obj {
    this.settle(v.uuid);
    return v;
  }

  /** Every volume as it is now: those made apart and those a VM was made with (its root, its CD-ROM). */
  allVolumes(): Obj[] {
    const made = [...this.data.volumes.values()].map((v) => this.volume(v));
    const ofVms = [...this.data.vms.keys()].flatMap((u) => this.vm(u).volumes as Obj[]);
    return [...new Map([...made, ...ofVms].map((v) => [v.uuid, v])).values()];
  }

  /** Any volume (made apart or with a VM) by uuid, 404 when there is none. */
  anyVolume(uuid: string): Obj {
    const v = this.allVolumes().find((x) => x.uuid === uuid);
    if (!v) throw new SimError(404, `volume ${uuid} not found`);
    return v;
  }

  /** A snapshot as it is now: ready once its create time has passed. */
  snapshot(x: Obj): Obj {
    this.settle(x.uuid);
    return x;
  }

  /** An image as it is now: fetched (state 1) once its create time has passed. */
  image(x: Obj): Obj {
    this.settle(x.uuid);
    return x;
  }

  // ---- Operations that take time ---------------------------------------------------------------

  private begin(uuid: string, ms: number, finish: () => void) {
    const life = Lifecycle.start<Phase>([{ state: "busy" }, { state: "done", afterMs: ms }], this.now).toJSON();
    this.operations.set(uuid, { life, finish });
  }

  /** Applies the object's operation if it is done. */
  private settle(uuid: string) {
    const op = this.operations.get(uuid);
    if (!op || !new Lifecycle(op.life, this.now).done) return;
    this.operations.delete(uuid);
    op.finish();
  }

  /** The next VM operation's failure, if one was asked for. */
  private outcome(): string | undefined {
    if (this.failing.count <= 0) return undefined;
    this.failing.count--;
    return this.failing.message;
  }

  failOperations(count: number, message: string) {
    this.failing = { count, message };
  }

  /** Starts a VM's operation (`create`, `start`, `stop`) that ends in `state`, or fails if failures were asked for. */
  private vmOperation(v: Obj, name: string, state: number, ms: number) {
    const failure = this.outcome();
    this.begin(v.uuid, ms, () => this.finishVm(v, name, state, failure));
  }

  private finishVm(v: Obj, name: string, state: number, failure: string | undefined) {
    v.operation = "";
    // A failed operation (a choice: ChimeStack documents none) leaves the VM as it was and a task in state 2.
    const task = (taskState: number, description?: string) => ({
      uuid: randomUUID(),
      operation_name: name,
      resource_type: "vm",
      resource_uuid: v.uuid,
      state: taskState,
      finished_at: this.iso(),
      ...(description ? { description } : {}),
    });
    if (failure) {
      v.tasks = [...((v.tasks as Obj[]) ?? []), task(2, failure)];
      return;
    }
    v.state = state;
    if (v.created_at === ZERO_TIME) v.created_at = this.iso();
    for (const x of [...(v.volumes as Obj[]), ...(v.nics as Obj[])]) {
      x.state = 2;
      x.operation = "";
      x.attached_vms = [v.uuid];
    }
    const count = this.data.vms.size;
    (v.nics as Obj[]).forEach((n, i) => {
      if (!n.ip) n.ip = `192.168.231.${10 + count + i}`;
      if (!n.mac) n.mac = `fa:16:3e:${(count % 250).toString(16).padStart(2, "0")}:00:0${i}`;
    });
    v.tasks = [...((v.tasks as Obj[]) ?? []), task(1)];
  }

  // ---- Mutations -------------------------------------------------------------------------------

  deleteCluster(c: Obj) {
    const { hosts, networks, vms } = this.data;
    if ([...hosts.values()].some((h) => h.cluster_uuid === c.uuid)) throw new SimError(400, `cluster ${c.name} still has hosts`);
    if ([...networks.values()].some((n) => n.cluster_uuid === c.uuid)) throw new SimError(400, `cluster ${c.name} still has networks`);
    if ([...vms.values()].some((v) => v.cluster_uuid === c.uuid)) throw new SimError(400, `cluster ${c.name} still has virtual machines`);
    this.data.clusters.delete(c.uuid);
  }

  deleteNetwork(n: Obj) {
    if ([...this.data.subnets.values()].some((s) => s.network_uuid === n.uuid)) throw new SimError(400, `network ${n.name} still has subnets`);
    this.data.networks.delete(n.uuid);
  }

  deleteSubnet(s: Obj) {
    if ([...this.data.vms.values()].some((v) => (v.nics as Obj[]).some((n) => n.subnet_uuid === s.uuid)))
      throw new SimError(400, `subnet ${s.name} is used by virtual machines`);
    this.data.subnets.delete(s.uuid);
  }

  /** Adds a VM stub (state 0) that is made, and started, after the create time. */
  createVm(v: Obj) {
    this.data.vms.set(v.uuid, v);
    this.vmOperation(v, "create", 1, this.createMs); // v0.1: a VM starts when it is created
  }

  /** A VM with an operation under way refuses others. */
  idle(v: Obj) {
    if (v.operation) throw new SimError(400, `vm ${v.name} is busy: ${v.operation}`);
  }

  /** Starts or stops an idle VM: `operation` says so until the transition time has passed. */
  power(v: Obj, action: "start" | "stop") {
    this.idle(v);
    v.operation = action === "start" ? "starting" : "stopping";
    this.vmOperation(v, action, action === "start" ? 1 : 2, this.transitionMs);
  }

  /**
   * Deletes a VM. The volumes and NICs made apart and attached to it are freed; with `force`
   * (`force_del=true`: "the physical volumes are deleted as well") its volumes made apart are deleted with
   * it, and the snapshots of its volumes. NICs made apart are freed either way: the document says nothing
   * of NICs, so they outlive the VM (the user deletes them, `DELETE /v1/nic`).
   */
  deleteVm(uuid: string, force = false) {
    const v = this.vm(uuid);
    for (const field of ["volumes", "nics"] as const) {
      for (const x of v[field] as Obj[]) {
        if (!this.data[field].has(x.uuid)) continue;
        if (force && field === "volumes") this.data[field].delete(x.uuid);
        else Object.assign(x, { state: 1, attached_vms: [] });
      }
    }
    if (force) for (const x of v.volumes as Obj[]) this.dropSnapshotsOf(x.uuid);
    this.data.vms.delete(uuid);
    this.operations.delete(uuid);
  }

  private dropSnapshotsOf(volume: string) {
    for (const [k, x] of this.data.snapshots) if (x.volume_uuid === volume) this.data.snapshots.delete(k);
  }

  /** Adds a volume made apart (state 0), ready (state 1) after the create time. */
  createVolume(v: Obj) {
    this.data.volumes.set(v.uuid, v);
    this.begin(v.uuid, this.createMs, () => {
      v.state = 1;
      v.operation = "";
      if (v.created_at === ZERO_TIME) v.created_at = this.iso();
    });
  }

  deleteVolume(v: Obj) {
    if ((v.attached_vms as string[]).length) throw new SimError(400, `volume ${v.name} is attached to a virtual machine`);
    // Our choice (the documents are silent): a volume's snapshots keep it (delete them first).
    if ([...this.data.snapshots.values()].some((x) => x.volume_uuid === v.uuid)) throw new SimError(400, `volume ${v.name} still has snapshots`);
    this.data.volumes.delete(v.uuid);
    this.operations.delete(v.uuid);
  }

  /** Adds a snapshot (state 0, `Creating#<request id>`) of a ready volume, ready (state 1) after the create time. */
  createSnapshot(volume: Obj, x: Obj) {
    if (volume.state === 0 || volume.operation) throw new SimError(400, `volume ${volume.name} is not ready`);
    this.data.snapshots.set(x.uuid, x);
    volume.snapshot_count = Number(volume.snapshot_count ?? 0) + 1;
    this.begin(x.uuid, this.createMs, () => {
      Object.assign(x, { state: 1, operation: "", created_at: this.iso() });
      x.tasks = [{ uuid: randomUUID(), operation_name: "create", resource_type: "snapshot", resource_uuid: x.uuid, state: 1, finished_at: this.iso() }];
    });
  }

  deleteSnapshot(x: Obj) {
    if (x.operation) throw new SimError(400, `snapshot ${x.name} is busy: ${x.operation}`);
    this.data.snapshots.delete(x.uuid);
    this.operations.delete(x.uuid);
    const v = this.allVolumes().find((y) => y.uuid === x.volume_uuid);
    if (v) v.snapshot_count = Math.max(0, Number(v.snapshot_count ?? 1) - 1);
  }

  /** Adds a user image (state 0) that is fetched from its `install_url`, ready (state 1) after the create time. */
  createImage(x: Obj) {
    this.data.images.set(x.uuid, x);
    this.begin(x.uuid, this.createMs, () => Object.assign(x, { state: 1, operation: "", created_at: this.iso() }));
  }

  /** Deletes an image no volume is made from (our choice: the documents are silent). */
  deleteImage(x: Obj) {
    if (this.allVolumes().some((v) => v.image_uuid === x.uuid)) throw new SimError(400, `image ${x.name} is used by volumes`);
    this.data.images.delete(x.uuid);
    this.operations.delete(x.uuid);
  }

  /** Deletes a security group no NIC uses (our choice: the documents are silent). */
  deleteSecurityGroup(g: Obj) {
    const nics = [...this.data.nics.values(), ...[...this.data.vms.values()].flatMap((v) => v.nics as Obj[])];
    if (nics.some((n) => n.sg_uuid === g.uuid)) throw new SimError(400, `security group ${g.name} is used by network interfaces`);
    this.data.sgs.delete(g.uuid);
  }

  deleteNic(n: Obj) {
    if ((n.attached_vms as string[]).length) throw new SimError(400, `nic ${n.name} is attached to a virtual machine`);
    this.data.nics.delete(n.uuid);
  }

  /** Attaches a free volume or NIC made apart to a VM (checked `idle` first), at once. */
  attach(v: Obj, field: "volumes" | "nics", uuid: string) {
    const what = field.slice(0, -1);
    const x = this.data[field].get(uuid);
    if (!x) throw new SimError(404, `${what} ${uuid} not found`);
    if (field === "volumes") this.volume(x);
    if (x.state === 0 || x.operation) throw new SimError(400, `${what} ${x.name} is not ready`);
    // Our choice (the documents are silent): a volume is attached to a VM of its own cluster only.
    if (field === "volumes" && x.cluster_uuid !== v.cluster_uuid) throw new SimError(400, `volume ${x.name} is in another cluster than vm ${v.name}`);
    if ((x.attached_vms as string[]).length) throw new SimError(400, `${what} ${x.name} is already attached`);
    Object.assign(x, { state: 2, attached_vms: [v.uuid] });
    (v[field] as Obj[]).push(x);
  }

  /** Detaches a volume or NIC from a VM (checked `idle` first), at once; it is free again. The root volume and primary NIC stay. */
  detach(v: Obj, field: "volumes" | "nics", uuid: string) {
    const what = field.slice(0, -1);
    const list = v[field] as Obj[];
    const i = list.findIndex((x) => x.uuid === uuid);
    if (i < 0) throw new SimError(400, `${what} ${uuid} is not attached to vm ${v.name}`);
    if (list[i].primary === 1 || list[i].root === 1) throw new SimError(400, `the primary nic or root volume cannot be detached`);
    const [x] = list.splice(i, 1);
    Object.assign(x, { state: 1, attached_vms: [] });
    this.data[field].set(x.uuid, x);
  }

  // ---- Seed and inventory (the /_sim/ routes) --------------------------------------------------

  private put(m: Map<string, Obj>, o: Partial<Obj>) {
    const x = { ...o, uuid: o.uuid ?? randomUUID() } as Obj;
    m.set(x.uuid, x);
  }

  seed(b: ChimeSeed) {
    const { azs, clusters, networks, subnets, volumes } = this.data;
    for (const c of b.clusters ?? []) {
      const a = this.get(azs, String(c.az_uuid ?? DEMO.az), "az");
      this.put(clusters, {
        description: "",
        arch: "x86_64",
        hypervisor_type: "kvm",
        type: 0,
        state: 1,
        az_uuid: a.uuid,
        az_name: a.name,
        created_at: this.iso(),
        ...c,
      });
    }
    for (const n of b.networks ?? []) {
      const c = this.get(clusters, n.cluster_uuid, "cluster");
      this.put(networks, {
        bridge_name: "br0",
        interface_name: "eth0",
        type: 0,
        vlan_id: "",
        description: "",
        az_uuid: c.az_uuid,
        state: 1,
        created_at: this.iso(),
        ...n,
      });
    }
    for (const sn of b.subnets ?? []) {
      const n = this.get(networks, sn.network_uuid, "network");
      this.put(subnets, {
        cidr: "192.168.231.1/24",
        gateway: "",
        reserved_ips: "",
        description: "",
        type: 0,
        cluster_uuid: n.cluster_uuid,
        az_uuid: n.az_uuid,
        state: 1,
        created_at: this.iso(),
        ...sn,
      });
    }
    for (const v of b.volumes ?? []) {
      const c = this.get(clusters, v.cluster_uuid, "cluster");
      this.put(volumes, {
        size: 1024 ** 3,
        root: 0,
        image_uuid: "",
        volume_spec_uuid: DEMO.volumeSpec,
        description: "",
        az_uuid: c.az_uuid,
        state: 1,
        operation: "",
        attached_vms: [],
        cdrom: 0,
        created_at: this.iso(),
        ...v,
      });
    }
  }

  inventory(): Record<string, unknown[]> {
    return {
      clusters: [...this.data.clusters.values()],
      networks: [...this.data.networks.values()],
      subnets: [...this.data.subnets.values()],
      vms: [...this.data.vms.keys()].map((u) => this.vm(u)).map((v) => ({ ...v, status: String(v.state) })),
      volumes: [...this.data.volumes.values()].map((v) => this.volume(v)),
      nics: [...this.data.nics.values()],
      snapshots: [...this.data.snapshots.values()].map((x) => this.snapshot(x)),
      // The catalogue objects users make: user images and security groups (the seeded ones are listed too).
      images: [...this.data.images.values()].map((x) => this.image(x)),
      securitygroups: [...this.data.sgs.values()],
    };
  }
}
