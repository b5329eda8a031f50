/**
 * chimestack.Vm (`POST /v1/vm`): a VM in an AZ and cluster, with an instance spec, root and data volumes
 * (by volume spec and image) and NICs on subnets. Create answers a stub at once; the VM is awaited until
 * its `operation` is empty and its state known, then brought to its power state. In place: name,
 * description (`PATCH`), power state (`start`/`stop`), data volumes and secondary NICs added (made apart,
 * awaited, attached) and removed (detached, deleted) one by one, matched by name among those the VM owns
 * (never a `chimestack.Volume` of the same name); a data volume whose name alone changes is renamed
 * (`updateVolume`), its data kept; a changed secondary NIC
 * (subnet, security group, address) is swapped for a new one (detached and deleted, then made and
 * attached), since ChimeStack's updateNic changes only a NIC's name. The spec, placement, CD-ROM,
 * passwords, a changed volume (no resize, and swapping it would lose its data: a `chimestack.Volume` with
 * `vmUuid` moves in place instead), the root volume and the primary NIC (neither can be detached) replace
 * the VM. The passwords are secrets, never in the outputs: a secret, salted hash
 * of them shows a change. The ownership marker rides at the end of the description, and of the
 * descriptions of the volumes and NICs the VM makes. Delete (`force_del=true`, which deletes the volumes
 * attached) first detaches the volumes it does not own (a `chimestack.Volume`), and detaches and deletes
 * its secondary NICs (the reference does not say a VM's delete removes them). A volume or NIC an update
 * makes but cannot attach is deleted; one it could not delete either is taken up by the next update (by
 * its marker) instead of a second one.
 *
 * VM states are not documented: we read 1 as running and 2 as stopped, and anything else (0 and unknown
 * numbers) as still in progress until the deadline.
 */
import { z } from "zod";
import { Failure, LayerInputs, ProviderError, containsUnknown, defineResource, known, plain, splitMarker, uuid, waitFor, withMarker } from "../core";
import { Busy, ChimeClient, azPath, clusterPath, settledAt } from "./client";
import { vendor } from "./config";

const GIB = 1024 ** 3;
export const VM_STATES: Record<number, "running" | "stopped"> = { 1: "running", 2: "stopped" };
/** A task's state when its operation failed (undocumented: 1 is the only state the examples show, finished). */
const TASK_FAILED = 2;

const NAME = /^[A-Za-z0-9_-]{2,64}$/;
/** The names of VMs and their volumes and NICs (as the API checks a VM's). */
export const name = () => z.string().regex(NAME, "must be 2-64 characters of A-Z a-z 0-9 _ -");

const inputs = z
  .strictObject({
    azUuid: uuid("an availability zone"),
    clusterUuid: uuid("a cluster"),
    hostUuid: uuid("a host").optional().describe("a host to place the VM on"),
    instanceSpecUuid: uuid("an instance spec").describe("vCPUs and memory (ChimeStack 0.1 cannot resize: a new spec replaces the VM)"),
    name: name(),
    description: z.string().default(""),
    volumes: z
      .array(
        z.strictObject({
          name: name().describe(
            "volumes are matched by name across updates; a data volume whose name alone changes (same size, spec, image) is renamed in place, its data kept",
          ),
          sizeGb: z
            .number()
            .positive("must be positive")
            .max(64 * 1024),
          volumeSpecUuid: uuid("a volume spec"),
          imageUuid: uuid("an image").optional().describe("the image the volume is made from"),
          root: z.boolean().default(false),
        }),
      )
      .min(1, "a VM needs at least its root volume")
      .max(128)
      .describe(
        "the root volume and data volumes; data volumes are added and removed in place, a changed volume or another root volume replaces the VM (a chimestack.Volume with vmUuid is attached and detached in place instead)",
      ),
    nics: z
      .array(
        z.strictObject({
          name: name().describe("NICs are matched by name across updates"),
          subnetUuid: uuid("a subnet"),
          securityGroupUuid: uuid("a security group"),
          ip: z
            .string()
            .regex(/^\d{1,3}(\.\d{1,3}){3}$/, "must be an IPv4 address")
            .optional(),
          primary: z.boolean().default(false),
        }),
      )
      .min(1, "a VM needs a NIC")
      .max(16)
      .describe(
        "the primary NIC and secondary NICs; secondary NICs are added, removed and changed in place (a changed one is swapped for a new NIC), a changed or another primary NIC replaces the VM",
      ),
    cdrom: z
      .strictObject({ name: name(), imageUuid: uuid("an image"), volumeSpecUuid: uuid("a volume spec"), bootable: z.boolean().default(false) })
      .optional()
      .describe("a CD-ROM from an ISO image at creation"),
    password: z.string().min(1).optional().describe("the root password (cloud-init); always a secret, never in the outputs"),
    vncPassword: z.string().min(1).optional().describe("always a secret, never in the outputs"),
    powerState: z.enum(["running", "stopped"], { error: 'must be "running" or "stopped"' }).default("running"),
    timeoutSeconds: z.number().int().positive().default(900).describe("deadline of each wait (create, power change, volume), in seconds"),
  })
  .superRefine((v, ctx) => {
    if (v.volumes.filter((x) => x.root).length > 1) ctx.addIssue({ code: "custom", path: ["volumes"], message: "only one volume can be the root" });
    if (v.nics.filter((x) => x.primary).length > 1) ctx.addIssue({ code: "custom", path: ["nics"], message: "only one NIC can be the primary" });
    for (const [field, list] of [
      ["volumes", v.volumes],
      ["nics", v.nics],
    ] as const) {
      const names = list.map((x) => x.name);
      names.forEach((n, i) => names.indexOf(n) !== i && ctx.addIssue({ code: "custom", path: [field, i, "name"], message: `two ${field} are named ${n}` }));
    }
  });

type VmInputs = z.output<typeof inputs> & LayerInputs;

// ---- Definition ------------------------------------------------------------------------------------

export const Vm = defineResource({
  vendor,
  type: "Vm",
  description: "A virtual machine with its volumes and NICs, awaited until ChimeStack has made it.",
  inputs,
  outputs: z.object({
    uuid: z.string(),
    state: z.number().describe("ChimeStack's state number: 1 running, 2 stopped, others in progress"),
    status: z.string().describe('"running", "stopped", or "in progress (state N)"'),
    hostName: z.string().describe("the host the VM runs on"),
    hostIp: z.string(),
    vcpus: z.number(),
    memoryBytes: z.number(),
    ips: z.array(z.string()).describe("the addresses of its NICs"),
    nicDetails: z.array(z.object({ uuid: z.string(), name: z.string(), ip: z.string(), mac: z.string(), subnetUuid: z.string() })),
    volumeDetails: z
      .array(z.object({ uuid: z.string(), name: z.string(), sizeBytes: z.number(), root: z.boolean() }))
      .describe("the volumes it declares (a chimestack.Volume attached to it shows in that volume's attachedVmUuids)"),
    secretsHash: z.string().optional().describe("a secret, salted hash of the passwords: a change of password shows in a diff"),
  }),
  // A new password replaces the VM (the layer sees it through the hash of the hidden inputs).
  replaceOn: ["azUuid", "clusterUuid", "hostUuid", "instanceSpecUuid", "cdrom", "password", "vncPassword"],
  // States written by 0.1.0 hold the same hash (sha256 of "<id>:<password>:<vncPassword>"): keep the order.
  hidden: { inputs: ["password", "vncPassword"], hash: "secretsHash" },
  adopt: { byName: true, id: uuid("a VM") },
  recovery: { marker: "the end of the VM's description" },
  model: (w: WireVm, prior) => model(w, prior),
  async check(i, { client }) {
    const failures: Failure[] = [];
    if (known(i.azUuid))
      failures.push(...(await client.missing(azPath(i.azUuid), "az", { property: "azUuid", reason: `no availability zone ${i.azUuid} in ChimeStack` })));
    if (!failures.length && known(i.azUuid, i.clusterUuid)) {
      failures.push(
        ...(await client.missing(clusterPath(i.azUuid, i.clusterUuid), "cluster", {
          property: "clusterUuid",
          reason: `no cluster ${i.clusterUuid} in availability zone ${i.azUuid}`,
        })),
      );
    }
    if (known(i.instanceSpecUuid)) {
      failures.push(
        ...(await client.missing(`/v1/instance_spec/${i.instanceSpecUuid}`, "instance_spec", {
          property: "instanceSpecUuid",
          reason: `no instance spec ${i.instanceSpecUuid} in ChimeStack`,
        })),
      );
    }
    return failures;
  },
  diff(olds, news) {
    // Data volumes are added and removed in place, secondary NICs added, removed and changed (swapped) in
    // place; a changed volume, the root volume or the primary NIC is a replacement.
    const replaces: string[] = [];
    if (!containsUnknown(news.volumes) && inPlaceImpossible(olds.volumes, news.volumes, (x) => x.root, false)) replaces.push("volumes");
    if (!containsUnknown(news.nics) && inPlaceImpossible(olds.nics, news.nics, (x) => x.primary, true)) replaces.push("nics");
    return { replaces };
  },
  operations: {
    async create(i, { client, marker }) {
      const { vm } = await client.call<{ vm: WireVm }>("POST", "/v1/vm", createBody(i, marker));
      return { id: vm.uuid, wait: async () => ({ wire: await ready(client, vm.uuid, i, 0) }) };
    },
    // With the volumes and NICs the state recorded as the VM's (the model sees only the inputs).
    read: async (id, { client }, prior) => {
      const w = await get(client, id, prior);
      const r = prior as Recorded;
      return w && { ...w, recorded: plain({ volumeDetails: r.volumeDetails, nicDetails: r.nicDetails }) };
    },
    async update(id, olds, news, { client }) {
      const have = await settled(client, id, "any", news);
      const { text, marker } = splitMarker(have.description);
      if (have.name !== news.name || text !== news.description) {
        await client.call("PATCH", `/v1/vm/${id}`, { name: news.name, description: withMarker(news.description, marker ?? news.marker) }, { idempotent: true });
      }
      await marked(client, have, olds, news);
      await attachments(client, id, olds, news, have);
      await ready(client, id, news);
    },
    async delete(id, props, { client }) {
      const w = await client.getOne<WireVm>(`/v1/vm/${id}`, "vm");
      if (!w) return;
      // force_del deletes every volume attached with the VM ("the physical volumes"): another resource's
      // (a chimestack.Volume) is detached first. The document says nothing of NICs: the secondary NICs the
      // VM made are detached and deleted (the primary one cannot be detached).
      const mine = owner(w, props);
      const foreign = w.volumes.filter((v) => v.root !== 1 && !mine(v, "volumes"));
      const made = w.nics.filter((n) => n.primary !== 1 && mine(n, "nics"));
      if (foreign.length || made.length) await idle(client, id, props);
      for (const v of foreign) await client.call("PUT", `/v1/vm/${id}/detach_disk`, { volume_uuid: v.uuid }, { idempotent: true });
      for (const n of made) {
        await client.call("PUT", `/v1/vm/${id}/detach_nic`, { nic_uuid: n.uuid }, { idempotent: true });
        await client.call("DELETE", `/v1/nic/${n.uuid}`, undefined, { idempotent: true });
      }
      await client.call("DELETE", `/v1/vm/${id}?force_del=true`, undefined, { idempotent: true });
    },
    list: ({ name, earlier }, i, { client }) => client.found("/v1/vm", { name, az_uuid: i.azUuid, cluster_uuid: i.clusterUuid }, earlier),
    settle: (id, i, { client }) => ready(client, id, i, 0),
  },
});
export type Vm = InstanceType<typeof Vm>;

// ---- Model -----------------------------------------------------------------------------------------

/**
 * The VM as outputs: what ChimeStack shows of the inputs (the declared volumes and NICs are kept), and what
 * only it knows. `volumeDetails` are the volumes the VM owns (see `owner`), CD-ROM included (all it shows when
 * it declares none yet, as at adoption): a chimestack.Volume attached to it, even of the same name as one of
 * the VM's, is that resource's, and no change of the VM's.
 */
export function model(w: WireVm, prior: Recorded) {
  const known = { ...w.recorded, ...prior };
  const mine = owner(w, known, prior.marker);
  // At adoption, with no volume declared yet: all it shows.
  const all = !prior.volumes?.length && !known.volumeDetails;
  return {
    azUuid: w.az_uuid,
    clusterUuid: w.cluster_uuid,
    name: w.name,
    description: splitMarker(w.description).text,
    ...(VM_STATES[w.state] ? { powerState: VM_STATES[w.state] } : {}),
    uuid: w.uuid,
    state: w.state,
    status: VM_STATES[w.state] ?? `in progress (state ${w.state})`,
    hostName: w.host_name,
    hostIp: w.host_ip,
    vcpus: w.vcpus,
    memoryBytes: w.memory,
    ips: w.nics.map((n) => n.ip).filter(Boolean),
    nicDetails: w.nics.map((n) => ({ uuid: n.uuid, name: n.name, ip: n.ip, mac: n.mac, subnetUuid: n.subnet_uuid })),
    volumeDetails: w.volumes.filter((v) => all || mine(v, "volumes")).map((v) => ({ uuid: v.uuid, name: v.name, sizeBytes: v.size, root: v.root === 1 })),
  };
}

/**
 * True when a list cannot change by attach and detach alone: the key item (root volume, primary NIC)
 * moved or changed, or a kept item changed where items cannot be swapped (a volume holds data).
 */
function inPlaceImpossible<T extends { name: string }>(olds: T[], news: T[], key: (x: T) => boolean, swappable: boolean): boolean {
  for (const n of news) {
    const o = olds.find((x) => x.name === n.name);
    if (o && changed(o, n) && (!swappable || key(o) || key(n))) return true;
  }
  return olds.find(key)?.name !== news.find(key)?.name;
}

const changed = (a: unknown, b: unknown) => JSON.stringify(a) !== JSON.stringify(b);

/** The items of `olds` that `news` drops or changes (matched by name): to detach. */
const leaving = <T extends { name: string }>(olds: T[], news: T[]) => olds.filter((o) => !news.some((n) => n.name === o.name && !changed(o, n)));

/** What the VM's outputs record of the volumes and NICs it owns, and what its inputs declare. */
type Recorded = Partial<VmInputs> & { volumeDetails?: Array<{ uuid: string }>; nicDetails?: Array<{ uuid: string }> };

/**
 * Whether a volume or NIC on the VM is the VM's own. What it makes carries its marker (the one at the end of
 * the VM's description, or `fallback`); one that carries another marker is another resource's (a
 * chimestack.Volume). One with no marker (made before markers, or an adopted VM's) is its own when the
 * state recorded it (`volumeDetails`, `nicDetails`); with nothing recorded, when its inputs declare it by
 * name: the CD-ROM (whose request has no description), and anything of a VM that carries no marker.
 */
export function owner(vm: { description: string }, prior: Recorded, fallback?: string) {
  const own = splitMarker(vm.description).marker;
  const marker = own ?? fallback;
  return (x: Owned, field: "volumes" | "nics"): boolean => {
    const m = splitMarker(x.description).marker;
    if (m) return m === marker;
    const recorded = field === "volumes" ? prior.volumeDetails : prior.nicDetails;
    if (recorded) return recorded.some((r) => r.uuid === x.uuid);
    const declared = [...(own ? [] : ((field === "volumes" ? prior.volumes : prior.nics) ?? [])), ...(field === "volumes" && prior.cdrom ? [prior.cdrom] : [])];
    return declared.some((d) => d.name === x.name);
  };
}

// ---- Operations --------------------------------------------------------------------------------------

/** A VM, read with the other VMs of its cluster asked for at the same time. */
const get = (c: ChimeClient, uuid: string, i: Partial<Pick<VmInputs, "azUuid" | "clusterUuid">>) =>
  c.item<WireVm>("/v1/vm", "vm", uuid, { az_uuid: i.azUuid, cluster_uuid: i.clusterUuid });

/**
 * Waits until the VM's operation is done and its state is the one wanted (unknown states: in progress).
 * `tasksBefore`: how many tasks the VM had before our operation; a failed task after them ends the wait.
 */
async function settled(c: ChimeClient, uuid: string, want: "running" | "stopped" | "any", i: VmInputs, tasksBefore?: number): Promise<WireVm> {
  return waitFor(
    async () => {
      const v = await get(c, uuid, i);
      if (!v) throw new ProviderError("not_found", `VM ${i.name} (${uuid}) vanished`);
      const failed = !v.operation && tasksBefore !== undefined && (v.tasks?.length ?? 0) > tasksBefore ? v.tasks!.at(-1) : undefined;
      if (failed?.state === TASK_FAILED) {
        throw new ProviderError("task_failed", `ChimeStack's ${failed.operation_name} of VM ${i.name} failed`, {
          vendorMessage: failed.description,
          resourceId: uuid,
          taskId: failed.uuid,
        });
      }
      const s = VM_STATES[v.state];
      const done = !v.operation && s !== undefined && (want === "any" || s === want);
      return done ? { done: true, value: v } : { done: false, progress: `state ${v.state}${v.operation ? `, ${v.operation}` : ""}` };
    },
    { timeoutMs: i.timeoutSeconds * 1000, intervalMs: c.settings.pollIntervalMs, what: `VM ${i.name} to be ${want === "any" ? "ready" : want}` },
  );
}

/** Waits until the VM has no operation under way (it refuses attach and detach until then), whatever its state. */
const idle = (c: ChimeClient, uuid: string, i: Partial<VmInputs>) =>
  settledAt<Busy>(c, `/v1/vm/${uuid}`, "vm", `VM ${i.name ?? uuid}`, i.timeoutSeconds ?? 900, (o) => !o.operation);

/**
 * Waits for the VM's work to end (`tasksBefore`: ours began after that many tasks), then brings it to its
 * power state; the VM as it then is.
 */
async function ready(c: ChimeClient, uuid: string, i: VmInputs, tasksBefore?: number): Promise<WireVm> {
  const v = await settled(c, uuid, "any", i, tasksBefore);
  if (VM_STATES[v.state] === i.powerState) return v;
  await c.call("PUT", `/v1/vm/${uuid}/${i.powerState === "running" ? "start" : "stop"}`, undefined, { idempotent: true });
  return settled(c, uuid, i.powerState, i, v.tasks?.length ?? 0);
}

/**
 * Data volumes and secondary NICs, one by one: the removed and changed ones detached and deleted, the new
 * and changed ones made apart (a volume is awaited until ready), then attached. A changed NIC is swapped
 * for a new one (ChimeStack's updateNic changes only its name and description): the VM keeps its id.
 */
async function attachments(c: ChimeClient, id: string, olds: VmInputs, news: VmInputs, have: WireVm) {
  const cluster = clusterPath(news.azUuid, news.clusterUuid);
  const marker = splitMarker(have.description).marker ?? news.marker;
  const mine = owner(have, olds, marker);
  const removed = new Set<string>();
  const gone = leaving(olds.volumes, news.volumes);
  const added = leaving(news.volumes, olds.volumes);
  // A data volume whose name alone changes is renamed in place (updateVolume), its data kept.
  for (const o of [...gone]) {
    const n = added.find((a) => !o.root && !a.root && a.sizeGb === o.sizeGb && a.volumeSpecUuid === o.volumeSpecUuid && a.imageUuid === o.imageUuid);
    const w = n && have.volumes.find((x) => x.name === o.name && mine(x, "volumes"));
    if (!n || !w) continue;
    await c.call("PATCH", `${cluster}/volume/${w.uuid}`, { name: n.name, description: withMarker(w.description ?? "", marker) }, { idempotent: true });
    gone.splice(gone.indexOf(o), 1);
    added.splice(added.indexOf(n), 1);
  }
  for (const o of gone) {
    // Only a volume the VM made: never another resource's (a chimestack.Volume) of the same name.
    const w = have.volumes.find((x) => x.name === o.name && mine(x, "volumes"));
    if (!w) continue;
    await c.call("PUT", `/v1/vm/${id}/detach_disk`, { volume_uuid: w.uuid }, { idempotent: true });
    // With its physical volume, as a chimestack.Volume is deleted (`force_del`).
    await c.call("DELETE", `${cluster}/volume/${w.uuid}?force_del=true`, undefined, { idempotent: true });
    removed.add(w.uuid);
  }
  for (const o of leaving(olds.nics, news.nics)) {
    const w = have.nics.find((x) => x.name === o.name && mine(x, "nics"));
    if (!w) continue;
    await c.call("PUT", `/v1/vm/${id}/detach_nic`, { nic_uuid: w.uuid }, { idempotent: true });
    await c.call("DELETE", `/v1/nic/${w.uuid}`, undefined, { idempotent: true });
    removed.add(w.uuid);
  }
  // Attached already: by an update whose answer was lost.
  const onVm = (list: Array<Owned>, field: "volumes" | "nics", n: string) => list.some((x) => x.name === n && !removed.has(x.uuid) && mine(x, field));
  for (const add of added) {
    if (onVm(have.volumes, "volumes", add.name)) continue;
    const size = Math.round(add.sizeGb * GIB);
    const description = withMarker("", marker);
    await attachNew(c, id, news, {
      name: add.name,
      what: `volume ${add.name}`,
      list: () => c.list<WireVolume>(`${cluster}/volume`, { name: add.name }),
      fits: (x) =>
        x.description === description && x.size === size && x.volume_spec_uuid === add.volumeSpecUuid && (x.image_uuid || undefined) === add.imageUuid,
      make: async () =>
        (
          await c.call<{ volume: { uuid: string } }>(
            "POST",
            `${cluster}/volume`,
            plain({ name: add.name, description, size, volume_spec_uuid: add.volumeSpecUuid, image_uuid: add.imageUuid }),
          )
        ).volume.uuid,
      ready: (uuid) => settledAt(c, `${cluster}/volume/${uuid}`, "volume", `volume ${add.name}`, news.timeoutSeconds),
      attach: (uuid) => c.call("PUT", `/v1/vm/${id}/attach_disk`, { volume_uuid: uuid }, { idempotent: true }),
      remove: (uuid) => c.call("DELETE", `${cluster}/volume/${uuid}?force_del=true`, undefined, { idempotent: true }),
    });
  }
  for (const add of leaving(news.nics, olds.nics)) {
    if (onVm(have.nics, "nics", add.name)) continue;
    // The security group shows in no NIC answer: the description names it, so that only a NIC made for this
    // one is taken up again.
    const description = withMarker(`security group ${add.securityGroupUuid}`, marker);
    await attachNew(c, id, news, {
      name: add.name,
      what: `NIC ${add.name}`,
      list: () => c.list<WireNic>("/v1/nic", { name: add.name, subnet_uuid: add.subnetUuid }),
      fits: (x) => x.description === description && x.subnet_uuid === add.subnetUuid && (!add.ip || x.ip === add.ip),
      make: async () =>
        (
          await c.call<{ nic: { uuid: string } }>(
            "POST",
            "/v1/nic",
            plain({ name: add.name, description, subnet_uuid: add.subnetUuid, sg_uuid: add.securityGroupUuid, ip: add.ip, primary: 0 }),
          )
        ).nic.uuid,
      attach: (uuid) => c.call("PUT", `/v1/vm/${id}/attach_nic`, { nic_uuid: uuid }, { idempotent: true }),
      remove: (uuid) => c.call("DELETE", `/v1/nic/${uuid}`, undefined, { idempotent: true }),
    });
  }
}

type Owned = { uuid: string; name: string; description?: string };

/**
 * Writes the VM's marker into the descriptions of its volumes made before markers (those its outputs
 * recorded, `updateVolume`), so that from now on they are known as its own by the marker alone.
 */
async function marked(c: ChimeClient, have: WireVm, olds: Recorded, news: VmInputs) {
  const marker = splitMarker(have.description).marker ?? news.marker;
  if (!marker) return;
  const cluster = clusterPath(news.azUuid, news.clusterUuid);
  for (const v of have.volumes) {
    if (splitMarker(v.description).marker || !olds.volumeDetails?.some((r) => r.uuid === v.uuid)) continue;
    await c.call("PATCH", `${cluster}/volume/${v.uuid}`, { name: v.name, description: withMarker(v.description ?? "", marker) }, { idempotent: true });
  }
}

/**
 * A volume or NIC made apart for the VM, with the VM's marker in its description, and attached. A free one
 * that carries the marker and fits (left by an update that failed after making it) is taken up instead of
 * making another. When the wait or the attach fails, it is deleted (best effort; one left behind is taken
 * up by the next update), and the error reported.
 */
async function attachNew<T extends Owned & { attached_vms: unknown[] }>(
  c: ChimeClient,
  vm: string,
  i: VmInputs,
  o: {
    name: string;
    what: string;
    list: () => Promise<T[]>;
    fits: (x: T) => boolean;
    make: () => Promise<string>;
    ready?: (uuid: string) => Promise<unknown>;
    attach: (uuid: string) => Promise<unknown>;
    remove: (uuid: string) => Promise<unknown>;
  },
) {
  const spare = (await o.list()).find((x) => x.name === o.name && x.attached_vms.length === 0 && o.fits(x));
  const uuid = spare?.uuid ?? (await o.make());
  try {
    await o.ready?.(uuid);
    await idle(c, vm, i);
    await o.attach(uuid);
  } catch (e) {
    const cleanup = await o.remove(uuid).then(
      () => `${o.what} (${uuid}) was deleted`,
      (d: Error) => `${o.what} (${uuid}) could not be deleted (${d.message}); the next update takes it up`,
    );
    if (e instanceof Error) e.message += ` (${cleanup})`;
    throw e;
  }
}

// ---- Wire --------------------------------------------------------------------------------------------

/** The create request, with the ownership marker at the end of the description. */
function createBody(i: VmInputs, marker: string) {
  return plain({
    az_uuid: i.azUuid,
    cluster_uuid: i.clusterUuid,
    host_uuid: i.hostUuid,
    instance_spec_uuid: i.instanceSpecUuid,
    name: i.name,
    description: withMarker(i.description, marker),
    password: i.password,
    vnc_password: i.vncPassword,
    volumes: i.volumes.map((v) =>
      plain({
        name: v.name,
        description: withMarker("", marker),
        size: Math.round(v.sizeGb * GIB),
        volume_spec_uuid: v.volumeSpecUuid,
        image_uuid: v.imageUuid,
        root: v.root ? 1 : 0,
      }),
    ),
    nics: i.nics.map((n) =>
      plain({
        name: n.name,
        description: withMarker("", marker),
        subnet_uuid: n.subnetUuid,
        sg_uuid: n.securityGroupUuid,
        ip: n.ip,
        primary: n.primary ? 1 : 0,
      }),
    ),
    cdrom: i.cdrom
      ? { name: i.cdrom.name, image_uuid: i.cdrom.imageUuid, volume_spec_uuid: i.cdrom.volumeSpecUuid, bootable: i.cdrom.bootable ? 1 : 0 }
      : undefined,
  });
}

interface WireVolume extends Owned {
  size: number;
  volume_spec_uuid: string;
  image_uuid: string;
  attached_vms: unknown[];
}

interface WireNic extends Owned {
  subnet_uuid: string;
  ip: string;
  attached_vms: unknown[];
}

interface WireVm {
  uuid: string;
  name: string;
  description: string;
  az_uuid: string;
  cluster_uuid: string;
  host_uuid: string;
  host_name: string;
  host_ip: string;
  vcpus: number;
  memory: number;
  state: number;
  operation: string;
  nics: Array<{ uuid: string; name: string; description?: string; ip: string; mac: string; subnet_uuid: string; primary: number }>;
  volumes: Array<{ uuid: string; name: string; description?: string; size: number; root: number; volume_spec_uuid?: string; image_uuid?: string }>;
  /** The VM's operations: `state` 1 finished, 2 failed (with the reason in `description`). */
  tasks?: Array<{ uuid: string; operation_name: string; state: number; description?: string }>;
  /** Not ChimeStack's: what the state recorded as the VM's (see `read`). */
  recorded?: Pick<Recorded, "volumeDetails" | "nicDetails">;
}
