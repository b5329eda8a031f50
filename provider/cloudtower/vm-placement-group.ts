/**
 * cloudtower.VmPlacementGroup: VMs of one cluster kept together or apart (a VM-VM rule) and on or off
 * some hosts (VM-host rules, must or prefer), with its members (`/create-vm-placement-group`,
 * `/update-vm-placement-group`, `/delete-vm-placement-group`). Everything but the cluster changes in place;
 * the ownership marker rides at the end of the description.
 */
import { z } from "zod";
import { defineResource, isUnknown, known, plain, splitMarker, withMarker } from "../core";
import { vendor } from "./config";

const hostRule = z.strictObject({
  hostIds: z.array(z.string().min(1)).min(1, "must name at least one host"),
  avoid: z.boolean().default(false).describe("keep the VMs off these hosts instead of on them"),
});

const inputs = z.strictObject({
  name: z.string().trim().min(1, "must not be empty").max(255),
  clusterId: z.string().min(1, "must name a cluster").describe("the cluster of the group and its VMs"),
  description: z.string().default(""),
  enabled: z.boolean().default(true),
  vmIds: z.array(z.string().min(1)).default([]).describe("the member VMs (the group owns its membership)"),
  vmPolicy: z
    .enum(["MUST_SAME", "MUST_DIFFERENT", "PREFER_SAME", "PREFER_DIFFERENT"])
    .optional()
    .describe("the VM-VM rule: the members on the same host or on different hosts, required or preferred; absent: none"),
  mustHosts: hostRule.optional().describe("the VM-host rule the scheduler must keep: on (or, with avoid, off) these hosts"),
  preferHosts: hostRule.optional().describe("the VM-host rule the scheduler prefers"),
  timeoutSeconds: z.number().int().positive("must be positive").default(300).describe("deadline of each task, in seconds"),
});
type GroupInputs = z.output<typeof inputs>;

export const VmPlacementGroup = defineResource({
  vendor,
  type: "VmPlacementGroup",
  description: "VMs of one cluster kept together or apart, and on or off some hosts.",
  inputs,
  outputs: z.object({ localId: z.string(), vmNames: z.array(z.string()) }),
  replaceOn: ["clusterId"],
  adopt: { byName: true },
  recovery: { marker: "the end of the group's description" },
  model: (w: WireGroup, prior) => fromWire(w, prior),
  async check(i, { client }) {
    const ids = known(i.vmIds) ? i.vmIds : [];
    const failures = await Promise.all([
      client.missing("/get-clusters", i.clusterId, "clusterId", "cluster"),
      ...ids.map(async (id, k) => {
        if (isUnknown(id)) return undefined;
        const vm = await client.seen<{ id: string; name: string; cluster?: { id: string; name: string } }>("/get-vms", id);
        if (!vm) return { property: `vmIds[${k}]`, reason: `no VM with id ${id} in CloudTower` };
        if (!isUnknown(i.clusterId) && vm.cluster && vm.cluster.id !== i.clusterId) {
          return { property: `vmIds[${k}]`, reason: `VM ${vm.name} is on cluster ${vm.cluster.name}, not on the group's cluster ${i.clusterId}` };
        }
        return undefined;
      }),
    ]);
    return failures.filter((f) => f !== undefined);
  },
  operations: {
    async create(i, { client, marker }) {
      const [r] = await client.mutate<WireGroup>("/create-vm-placement-group", [
        plain({ cluster_id: i.clusterId, ...toWire(i), description: withMarker(i.description, marker) }),
      ]);
      return { id: r.data.id, wait: () => client.waitTasks([r], i.timeoutSeconds * 1000, `placement group ${i.name} to be created`) };
    },
    read: (id, { client }) => client.one<WireGroup>("/get-vm-placement-groups", id),
    async update(id, olds, news, { client }) {
      // The whole group is sent when any of it changed (the rules go together); nothing when none did.
      if (JSON.stringify(toWire(olds)) === JSON.stringify(toWire(news)) && olds.description === news.description) return;
      const now = await client.one<WireGroup>("/get-vm-placement-groups", id);
      const description = withMarker(news.description, splitMarker(now?.description ?? "").marker ?? news.marker);
      await client.change(
        "/update-vm-placement-group",
        { where: { id }, data: plain({ ...toWire(news), description }) },
        { id, lockOf: "/get-vm-placement-groups", timeoutMs: news.timeoutSeconds * 1000, what: `placement group ${news.name} to be updated` },
      );
    },
    async delete(id, props, { client }) {
      await client.change(
        "/delete-vm-placement-group",
        { where: { id } },
        { id, lockOf: "/get-vm-placement-groups", timeoutMs: props.timeoutSeconds * 1000, what: `placement group ${props.name} to be deleted` },
      );
    },
    async list({ name, marker }, i, { client }) {
      const where = { cluster: { id: i.clusterId }, ...(name ? { name } : {}), ...(marker && !name ? { description_contains: marker } : {}) };
      return (await client.getAll<WireGroup>("/get-vm-placement-groups", where)).map((g) => ({ id: g.id, marker: splitMarker(g.description).marker }));
    },
  },
});
export type VmPlacementGroup = InstanceType<typeof VmPlacementGroup>;

// ---- Model -------------------------------------------------------------------------------------------

/** The whole group as the create and update requests say it (the members and the rules, on or off). */
function toWire(i: GroupInputs) {
  return {
    name: i.name,
    enabled: i.enabled,
    vms: { id_in: i.vmIds },
    vm_vm_policy_enabled: !!i.vmPolicy,
    ...(i.vmPolicy ? { vm_vm_policy: i.vmPolicy } : {}),
    vm_host_must_enabled: !!i.mustHosts,
    ...(i.mustHosts ? { must_hosts: { id_in: i.mustHosts.hostIds }, vm_host_must_policy: !i.mustHosts.avoid } : {}),
    vm_host_prefer_enabled: !!i.preferHosts,
    ...(i.preferHosts ? { prefer_hosts: { id_in: i.preferHosts.hostIds }, vm_host_prefer_policy: !i.preferHosts.avoid } : {}),
  };
}

/** The vendor's list in the order the inputs gave (CloudTower keeps sets, in an order of its own), the others after. */
function ordered<T extends { id: string }>(list: T[] | null | undefined, prior: unknown): T[] {
  const order = Array.isArray(prior) ? (prior as string[]) : [];
  const rank = (x: T) => (order.indexOf(x.id) < 0 ? order.length : order.indexOf(x.id));
  return [...(list ?? [])].sort((a, b) => rank(a) - rank(b));
}

function fromWire(w: WireGroup, prior: Partial<GroupInputs>) {
  const rule = (enabled: boolean, hosts: Array<{ id: string }> | null | undefined, policy: boolean, was: GroupInputs["mustHosts"]) =>
    enabled ? { hostIds: ordered(hosts, was?.hostIds).map((h) => h.id), avoid: !policy } : undefined;
  const vms = ordered(w.vms, prior.vmIds);
  return plain({
    name: w.name,
    clusterId: w.cluster.id,
    description: splitMarker(w.description).text,
    enabled: w.enabled,
    vmIds: vms.map((v) => v.id),
    vmPolicy: w.vm_vm_policy_enabled ? w.vm_vm_policy : undefined,
    mustHosts: rule(w.vm_host_must_enabled, w.vm_host_must_host_uuids, w.vm_host_must_policy, prior.mustHosts),
    preferHosts: rule(w.vm_host_prefer_enabled, w.vm_host_prefer_host_uuids, w.vm_host_prefer_policy, prior.preferHosts),
    localId: w.local_id,
    vmNames: vms.map((v) => v.name),
  });
}

// ---- Wire --------------------------------------------------------------------------------------------

interface WireGroup {
  id: string;
  name: string;
  description: string;
  enabled: boolean;
  local_id: string;
  cluster: { id: string; name: string };
  vms?: Array<{ id: string; name: string }> | null;
  vm_vm_policy: GroupInputs["vmPolicy"] & string;
  vm_vm_policy_enabled: boolean;
  vm_host_must_enabled: boolean;
  vm_host_must_policy: boolean;
  vm_host_must_host_uuids?: Array<{ id: string }> | null;
  vm_host_prefer_enabled: boolean;
  vm_host_prefer_policy: boolean;
  vm_host_prefer_host_uuids?: Array<{ id: string }> | null;
  entityAsyncStatus?: string | null;
}
