/**
 * The CVM panel's state as the client API sees it: token pairs, host nodes and VPSes. Power operations
 * take effect after a transition time, as `vzctl` over SSH does; a host node can be made unreachable.
 * Numbers are kept as the API sends them: strings.
 */
import { Lifecycle, LifecycleData } from "../core";

export type VpsStatus = "running" | "stopped" | "suspended" | "terminated" | "unknown";

export interface TokenPair {
  public: string;
  private: string;
  user: string;
  /** Whether the pair may use the client API (false: 403). */
  clientAccess: boolean;
}

export interface VpsRecord {
  id: string;
  user: string;
  node: string;
  virtualization_type: string;
  hostname: string;
  location?: string;
  template?: string;
  guaranteed_ram: string;
  burstable_ram?: string;
  disk_space: string;
  cpu_count: string;
  /** Combined accounting has traffic_limit/used; split has the in/out pairs. */
  traffic_limit?: string;
  traffic_used?: string;
  traffic_in_limit?: string;
  traffic_in_used?: string;
  traffic_out_limit?: string;
  traffic_out_used?: string;
  ram_used: string;
  disk_used: string;
  /** running, stopped, suspended or terminated, with a transition in progress when power changes. */
  power: LifecycleData<VpsStatus>;
  /** How many power operations were run (tests check that released VPSes were not touched). */
  operations: number;
  /** Power actions answer 200 and change nothing (a guest that never comes up or goes down). */
  ignoresPower?: boolean;
}

export interface NodeRecord {
  id: string;
  /** Unreachable until this time (epoch ms). */
  unreachableUntil?: number;
  /** Or for this many more requests. */
  unreachableRequests?: number;
}

export interface CvmSeed {
  tokens?: TokenPair[];
  nodes?: NodeRecord[];
  vpses?: Array<Partial<VpsRecord> & { id: string; hostname: string; status?: VpsStatus }>;
}

export interface CvmOptions {
  /** How long a start, stop or restart takes to show in /status (ms, default 300). */
  transitionMs?: number;
  now?: () => number;
}

export class CvmState {
  tokens = new Map<string, TokenPair>();
  nodes = new Map<string, NodeRecord>();
  vpses = new Map<string, VpsRecord>();
  readonly transitionMs: number;
  readonly now: () => number;

  constructor(opts: CvmOptions = {}) {
    this.transitionMs = opts.transitionMs ?? 300;
    this.now = opts.now ?? Date.now;
    this.reset();
  }

  reset() {
    this.tokens.clear();
    this.nodes.clear();
    this.vpses.clear();
    this.seed(defaultSeed());
  }

  seed(s: CvmSeed) {
    for (const t of s.tokens ?? []) this.tokens.set(t.public, t);
    for (const n of s.nodes ?? []) this.nodes.set(n.id, n);
    for (const v of s.vpses ?? []) {
      const { status = "stopped", ...rest } = v;
      const rec: VpsRecord = {
        user: "demo",
        node: "1",
        virtualization_type: "1",
        guaranteed_ram: "512",
        disk_space: "20000",
        cpu_count: "1",
        traffic_limit: "500000000000",
        traffic_used: "0",
        ram_used: "0",
        disk_used: "0",
        operations: 0,
        ...rest,
        power: Lifecycle.start<VpsStatus>([{ state: status }], this.now).toJSON(),
      };
      if (!this.nodes.has(rec.node)) this.nodes.set(rec.node, { id: rec.node });
      this.vpses.set(rec.id, rec);
    }
  }

  lifecycle(v: VpsRecord): Lifecycle<VpsStatus> {
    return new Lifecycle(v.power, this.now);
  }

  /** The status /status reports now. */
  status(v: VpsRecord): VpsStatus {
    if (this.nodeDown(v.node, false)) return "unknown";
    return this.lifecycle(v).peek();
  }

  /** True while the host node cannot be reached; counts one request when `count` is set. */
  nodeDown(nodeId: string, count: boolean): boolean {
    const n = this.nodes.get(nodeId);
    if (!n) return false;
    if (n.unreachableUntil !== undefined && this.now() < n.unreachableUntil) return true;
    if (n.unreachableRequests && n.unreachableRequests > 0) {
      if (count) n.unreachableRequests--;
      return true;
    }
    return false;
  }

  /** Moves a VPS to `target` once `afterMs` has passed (as `vzctl` over SSH takes a while). */
  transition(v: VpsRecord, target: VpsStatus, afterMs = this.transitionMs) {
    const current = this.lifecycle(v).peek();
    v.power = Lifecycle.start<VpsStatus>([{ state: current }, { state: target, afterMs }], this.now).toJSON();
    v.operations++;
    // A running VPS uses memory; a stopped one does not.
    v.ram_used = target === "running" ? String(Math.round(Number(v.guaranteed_ram) * 1024 * 1024 * 0.4)) : "0";
  }

  snapshot() {
    return { tokens: [...this.tokens.values()], nodes: [...this.nodes.values()], vpses: [...this.vpses.values()] };
  }

  restore(data: unknown) {
    const d = data as { tokens: TokenPair[]; nodes: NodeRecord[]; vpses: VpsRecord[] };
    this.tokens = new Map(d.tokens.map((t) => [t.public, t]));
    this.nodes = new Map(d.nodes.map((n) => [n.id, n]));
    this.vpses = new Map(d.vpses.map((v) => [v.id, v]));
  }
}

/** The demo hosting account: seven VPSes on two nodes, one suspended, one terminated, two with one hostname. */
export function defaultSeed(): CvmSeed {
  return {
    tokens: [
      { public: "demo-public", private: "demo-private", user: "demo", clientAccess: true },
      { public: "billing-public", private: "billing-private", user: "demo", clientAccess: false },
      { public: "other-public", private: "other-private", user: "other", clientAccess: true },
    ],
    nodes: [{ id: "1" }, { id: "2" }],
    vpses: [
      {
        id: "101",
        node: "1",
        hostname: "web-1.example.net",
        location: "Roubaix, France",
        template: "debian-12",
        guaranteed_ram: "1024",
        burstable_ram: "2048",
        disk_space: "20000",
        cpu_count: "2",
        status: "running",
        disk_used: "3221225472",
      },
      {
        id: "102",
        node: "1",
        hostname: "web-2.example.net",
        location: "Roubaix, France",
        template: "debian-12",
        guaranteed_ram: "1024",
        burstable_ram: "2048",
        disk_space: "20000",
        cpu_count: "2",
        status: "stopped",
        disk_used: "3221225472",
      },
      {
        id: "103",
        node: "2",
        hostname: "db-1.example.net",
        location: "Amsterdam, Netherlands",
        template: "debian-12",
        guaranteed_ram: "4096",
        disk_space: "80000",
        cpu_count: "4",
        status: "stopped",
        traffic_limit: undefined,
        traffic_used: undefined,
        traffic_in_limit: "500000000000",
        traffic_in_used: "912727849",
        traffic_out_limit: "500000000000",
        traffic_out_used: "16923948",
      },
      { id: "104", node: "2", hostname: "old-1.example.net", status: "suspended" },
      { id: "105", node: "2", hostname: "gone-1.example.net", status: "terminated" },
      // Two VPSes with one hostname (a staging copy made on another node): a look-up by hostname finds both.
      { id: "106", node: "1", hostname: "staging.example.net", location: "Roubaix, France", template: "debian-12", status: "running" },
      { id: "107", node: "2", hostname: "staging.example.net", location: "Amsterdam, Netherlands", template: "debian-12", status: "stopped" },
      { id: "201", user: "other", node: "1", hostname: "someone-else.example.net", status: "running" },
    ],
  };
}
