/**
 * CloudTower's state as its API shows it: objects kept in their wire shape (what `/get-*` returns),
 * asynchronous tasks that move PENDING -> EXECUTING -> SUCCESSED or FAILED over time, placeholders that
 * exist as soon as a create returns, and locks (`entityAsyncStatus`) while a task holds an object.
 * Everything is advanced lazily by `settle()`, which every request calls first.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { Lifecycle, LifecycleData } from "../core";
import { Entity, Resolver } from "./where";

export type TaskStatus = "PENDING" | "EXECUTING" | "SUCCESSED" | "FAILED";

export interface TowerOptions {
  /** How long a task takes from creation to SUCCESSED (ms, default 300). */
  taskMs?: number;
  now?: () => number;
  /**
   * The CloudTower 4.6.0 OpenAPI spec that judges every request and answer: a file, or `false` to run
   * on the simulator's own request schemas only. Default: found as `openapi.ts` says, else `false`.
   */
  spec?: string | false;
}

/** A task's effect: what happens to the state when it succeeds, and on failure. */
interface TaskRun {
  life: LifecycleData<TaskStatus>;
  locks: string[];
  onSuccess: () => void;
  onFailure: () => void;
  failure?: { error_code: string; error_message: string };
  settled: boolean;
}

export interface TaskFault {
  /** Only tasks of this mutation (createVm, updateVm, deleteVm, …); any when absent. */
  mutation?: string;
  count?: number;
  error_code?: string;
  error_message?: string;
}

/** A cluster appliance that `/connect-cluster` can reach. */
export interface Appliance {
  ip: string;
  username: string;
  password: string;
  name: string;
  version: string;
}

export const COLLECTIONS = [
  "organizations",
  "datacenters",
  "clusters",
  "hosts",
  "vdses",
  "vlans",
  "vms",
  "vmDisks",
  "vmNics",
  "vmVolumes",
  "vmSnapshots",
  "templates",
  "contentLibraryVmTemplates",
  "elfImages",
  "contentLibraryImages",
  "elfStoragePolicies",
  "labels",
  "vmPlacementGroups",
  "tasks",
] as const;
export type Collection = (typeof COLLECTIONS)[number];

/** A CUID as CloudTower makes them: 25 lowercase letters and digits starting with "c". */
export function cuid(): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  const bytes = randomBytes(24);
  let out = "c";
  for (const b of bytes) out += alphabet[b % alphabet.length];
  return out;
}

export function mac(): string {
  const b = randomBytes(3);
  return `52:54:00:${[...b].map((x) => x.toString(16).padStart(2, "0")).join(":")}`;
}

export class TowerState {
  readonly data: Record<Collection, Map<string, Entity>> = Object.fromEntries(COLLECTIONS.map((c) => [c, new Map()])) as never;
  users = new Map<string, { password: string; source: string }>();
  tokens = new Set<string>();
  appliances: Appliance[] = [];
  /** Cluster passwords, never shown by the API. */
  clusterCredentials = new Map<string, { username: string; password: string }>();
  faults: TaskFault[] = [];
  private runs = new Map<string, TaskRun>();
  readonly taskMs: number;
  readonly now: () => number;

  constructor(opts: TowerOptions = {}) {
    this.taskMs = opts.taskMs ?? 300;
    this.now = opts.now ?? Date.now;
  }

  /** Empties everything (before seeding again). */
  clear() {
    for (const c of COLLECTIONS) this.data[c].clear();
    this.users.clear();
    this.tokens.clear();
    this.appliances = [];
    this.clusterCredentials.clear();
    this.faults = [];
    this.runs.clear();
  }

  list(c: Collection): Entity[] {
    return [...this.data[c].values()];
  }

  get(c: Collection, id: string): Entity | undefined {
    return this.data[c].get(id);
  }

  put(c: Collection, e: Entity): Entity {
    this.data[c].set(e.id, e);
    return e;
  }

  remove(c: Collection, id: string) {
    this.data[c].delete(id);
  }

  /** A nested reference `{id, name}` to an object. */
  ref(c: Collection, id: string): { id: string; name: string } {
    const e = this.get(c, id);
    return { id, name: String(e?.name ?? "") };
  }

  readonly resolve: Resolver = (field, ref) => {
    const c: Record<string, Collection> = {
      cluster: "clusters",
      host: "hosts",
      vds: "vdses",
      vm: "vms",
      vlan: "vlans",
      vm_volume: "vmVolumes",
      vm_disks: "vmDisks",
      vm_nics: "vmNics",
      organization: "organizations",
      datacenters: "datacenters",
    };
    const col = c[field];
    return col ? this.get(col, ref.id) : undefined;
  };

  /** True while a task holds the object. */
  locked(id: string): boolean {
    for (const run of this.runs.values()) if (!run.settled && run.locks.includes(id)) return true;
    return false;
  }

  /**
   * Starts a task on `resourceId` for `mutation`. `locks` get entityAsyncStatus until it ends; the
   * effects run when it reaches SUCCESSED or FAILED.
   */
  startTask(o: {
    description: string;
    mutation: string;
    resourceId: string;
    resourceType: string;
    cluster?: string;
    locks?: Array<{ c: Collection; id: string; status: "CREATING" | "UPDATING" | "DELETING" }>;
    onSuccess?: () => void;
    onFailure?: () => void;
    /** Default: the configured task time. */
    durationMs?: number;
  }): string {
    const id = cuid();
    const t = this.now();
    const faultIdx = o.mutation === "simulatedLock" ? -1 : this.faults.findIndex((f) => !f.mutation || f.mutation === o.mutation);
    let failure: TaskRun["failure"];
    if (faultIdx >= 0) {
      const f = this.faults[faultIdx];
      failure = { error_code: f.error_code ?? "SIMULATED_FAILURE", error_message: f.error_message ?? `simulated failure of ${o.mutation}` };
      f.count = (f.count ?? 1) - 1;
      if (f.count <= 0) this.faults.splice(faultIdx, 1);
    }
    const final: TaskStatus = failure ? "FAILED" : "SUCCESSED";
    const ms = o.durationMs ?? this.taskMs;
    const life = Lifecycle.start<TaskStatus>(
      [{ state: "PENDING" }, { state: "EXECUTING", afterMs: ms * 0.2 }, { state: final, afterMs: ms * 0.8 }],
      this.now,
    ).toJSON();
    for (const l of o.locks ?? []) {
      const e = this.get(l.c, l.id);
      if (e) e.entityAsyncStatus = l.status;
    }
    this.runs.set(id, {
      life,
      locks: (o.locks ?? []).map((l) => l.id),
      onSuccess: o.onSuccess ?? (() => {}),
      onFailure: o.onFailure ?? (() => {}),
      failure,
      settled: false,
    });
    this.put("tasks", {
      id,
      args: {},
      cluster: o.cluster ? this.ref("clusters", o.cluster) : null,
      description: o.description,
      error_code: null,
      error_message: null,
      finished_at: null,
      internal: false,
      key: null,
      local_created_at: new Date(t).toISOString(),
      progress: 0,
      resource_id: o.resourceId,
      resource_mutation: o.mutation,
      resource_rollback_error: null,
      resource_rollback_retry_count: null,
      resource_rollbacked: null,
      resource_type: o.resourceType,
      snapshot: "",
      started_at: null,
      status: "PENDING",
      steps: [],
      type: null,
      user: null,
    });
    return id;
  }

  /** Advances every task to where time has brought it, applying effects of the ones that ended. */
  settle() {
    for (const [id, run] of this.runs) {
      if (run.settled) continue;
      const life = new Lifecycle(run.life, this.now);
      const status = life.peek();
      const task = this.get("tasks", id)!;
      task.status = status;
      if (status === "EXECUTING") {
        task.started_at ??= new Date(this.now()).toISOString();
        task.progress = 0.5;
      }
      if (status === "SUCCESSED" || status === "FAILED") {
        task.started_at ??= new Date(this.now()).toISOString();
        task.finished_at = new Date(this.now()).toISOString();
        task.progress = status === "SUCCESSED" ? 1 : task.progress;
        run.settled = true;
        for (const lock of run.locks) {
          for (const c of COLLECTIONS) {
            const e = this.get(c, lock);
            if (e && "entityAsyncStatus" in e) e.entityAsyncStatus = null;
          }
        }
        if (status === "SUCCESSED") run.onSuccess();
        else {
          task.error_code = run.failure!.error_code;
          task.error_message = run.failure!.error_message;
          run.onFailure();
        }
      }
    }
  }

  /** Holds an object locked for `ms`, as another user's long task would. */
  lockFor(c: Collection, id: string, ms: number) {
    if (!this.get(c, id)) throw new Error(`no object ${id} to lock`);
    this.startTask({
      description: `Simulated long operation on ${id}`,
      mutation: "simulatedLock",
      resourceId: id,
      resourceType: c,
      locks: [{ c, id, status: "UPDATING" }],
      durationMs: ms,
    });
  }

  snapshot() {
    this.settle();
    return {
      data: Object.fromEntries(COLLECTIONS.map((c) => [c, this.list(c)])),
      users: [...this.users.entries()],
      tokens: [...this.tokens],
      appliances: this.appliances,
      clusterCredentials: [...this.clusterCredentials.entries()],
    };
  }

  restore(d: ReturnType<TowerState["snapshot"]>) {
    for (const c of COLLECTIONS) this.data[c] = new Map((d.data[c] ?? []).map((e) => [e.id, e as Entity]));
    this.users = new Map(d.users);
    this.tokens = new Set(d.tokens);
    this.appliances = d.appliances;
    this.clusterCredentials = new Map(d.clusterCredentials);
    this.runs.clear();
  }

  newLocalId(): string {
    return randomUUID();
  }
}
