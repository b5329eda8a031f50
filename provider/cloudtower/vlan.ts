/**
 * cloudtower.Vlan: a VM network on a VDS (`/create-vm-vlan`, `/update-vm-vlan`, `/delete-vm-vlan`).
 * Its `id` is what VM NICs connect to (`connect_vlan_id` is this id, not the 0-4095 tag). Labels in place.
 */
import { z } from "zod";
import { defineResource } from "../core";
import { vendor } from "./config";
import { WireLabel, labelsInput, labelsModel, syncLabels } from "./labels";

const MODES = ["VLAN_ACCESS", "VLAN_TRUNK"] as const;
type Mode = (typeof MODES)[number];

const inputs = z
  .strictObject({
    vdsId: z.string().min(1, "must not be empty").describe("the VDS (virtual distributed switch) the network lives on"),
    name: z.string().trim().min(1, "must not be empty").max(255).describe("the network's name"),
    vlanId: z.number().int("must be a whole number").min(0, "must be 0-4095").max(4095, "must be 0-4095").default(0).describe("the 802.1Q tag (0: untagged)"),
    modeType: z.enum(MODES).default("VLAN_ACCESS").describe("an access port or a trunk"),
    networkIds: z
      .array(z.string().regex(/^\d+(-\d+)?$/, 'must be a tag or a range such as "100-200"'))
      .default([])
      .describe("for a trunk: the tags or ranges it carries"),
    qosPriority: z.number().min(0, "must be 0-100").max(100, "must be 0-100").optional().describe("the network's QoS priority, 0-100"),
    labels: labelsInput,
    timeoutSeconds: z.number().int().positive("must be positive").default(300).describe("deadline of each task, in seconds"),
  })
  .superRefine((v, ctx) => {
    if (v.modeType === "VLAN_ACCESS" && v.networkIds.length > 0) {
      ctx.addIssue({ code: "custom", path: ["networkIds"], message: "only a VLAN_TRUNK carries networkIds" });
    }
  });
type VlanInputs = z.output<typeof inputs>;

// ---- Definition ------------------------------------------------------------------------------------

export const Vlan = defineResource({
  vendor,
  type: "Vlan",
  description: "A VM network (VLAN) on a VDS; its id is what a VM NIC's `vlanId` takes.",
  inputs,
  outputs: z.object({
    localId: z.string().describe("the network's id inside the cluster"),
    vdsName: z.string(),
    clusterId: z.string().optional().describe("the cluster of the VDS"),
    type: z.string().describe("CloudTower's network type (VM)"),
  }),
  replaceOn: ["vdsId"],
  computed: ["qosPriority", "labels"],
  adopt: { byName: true },
  // A VM network has no field that could carry a marker: creates go one at a time per VDS and endpoint.
  recovery: { newObject: true },
  model: (w: VlanView, prior) => fromWire(w, prior),
  async check(i, { client }) {
    const failure = await client.missing("/get-vdses", i.vdsId, "vdsId", "VDS");
    return failure ? [failure] : [];
  },
  operations: {
    async create(i, { client }) {
      const [r] = await client.mutate<WireVlan>("/create-vm-vlan", [{ vds_id: i.vdsId, ...toWire(i) }]);
      return {
        id: r.data.id,
        wait: () => client.waitTasks([r], i.timeoutSeconds * 1000, `VM network ${i.name} to be created`),
        // Labelling failing leaves the network made (a partial create), not deleted.
        after: () => syncLabels(client, "vlans", r.data.id, [], i.labels, i.timeoutSeconds * 1000, `VM network ${i.name}`),
      };
    },
    async read(id, { client }) {
      const vlan = await client.one<WireVlan>("/get-vlans", id);
      if (!vlan) return undefined;
      const vds = await client.one<{ id: string; cluster?: { id: string } }>("/get-vdses", vlan.vds.id);
      return { vlan, clusterId: vds?.cluster?.id };
    },
    async update(id, olds, news, { client }) {
      const before = toWire(olds);
      const data = Object.fromEntries(
        Object.entries(toWire(news)).filter(([k, v]) => v !== undefined && JSON.stringify(v) !== JSON.stringify(before[k as keyof typeof before])),
      );
      if (Object.keys(data).length) {
        await client.change(
          "/update-vm-vlan",
          { where: { id }, data },
          { id, lockOf: "/get-vlans", timeoutMs: news.timeoutSeconds * 1000, what: `VM network ${news.name} to be updated` },
        );
      }
      const now = await client.one<WireVlan>("/get-vlans", id);
      await syncLabels(client, "vlans", id, now?.labels, news.labels, news.timeoutSeconds * 1000, `VM network ${news.name}`);
    },
    async delete(id, props, { client }) {
      await client.change(
        "/delete-vm-vlan",
        { where: { id } },
        { id, lockOf: "/get-vlans", timeoutMs: props.timeoutSeconds * 1000, what: `VM network ${props.name} to be deleted` },
      );
    },
    async list({ name }, i, { client }) {
      return client.getAll<WireVlan>("/get-vlans", { vds: { id: i.vdsId }, ...(name ? { name } : {}) });
    },
  },
});
export type Vlan = InstanceType<typeof Vlan>;

// ---- Model -------------------------------------------------------------------------------------------

/** The network as outputs (and the inputs it shows, for refresh). */
function fromWire(w: VlanView, prior: { labels?: Record<string, string> } = {}) {
  return {
    name: w.vlan.name,
    vlanId: w.vlan.vlan_id,
    vdsId: w.vlan.vds.id,
    ...(MODES.includes(w.vlan.mode_type as Mode) ? { modeType: w.vlan.mode_type as Mode } : {}),
    ...(w.vlan.mode_type === "VLAN_TRUNK" ? { networkIds: w.vlan.network_ids } : {}),
    ...(w.vlan.qos_priority != null ? { qosPriority: w.vlan.qos_priority } : {}),
    ...labelsModel(w.vlan.labels, prior),
    localId: w.vlan.local_id,
    vdsName: w.vlan.vds.name,
    clusterId: w.clusterId,
    type: w.vlan.type,
  };
}

/** What the create and update requests say of the network (all but the VDS, which never changes). */
function toWire(i: Pick<VlanInputs, "name" | "vlanId" | "modeType" | "networkIds" | "qosPriority">) {
  return {
    name: i.name,
    vlan_id: i.vlanId,
    mode_type: i.modeType,
    ...(i.modeType === "VLAN_TRUNK" ? { network_ids: i.networkIds } : {}),
    qos_priority: i.qosPriority,
  };
}

// ---- Wire --------------------------------------------------------------------------------------------

/** A VM network as /get-vlans returns it. */
export interface WireVlan {
  id: string;
  local_id: string;
  name: string;
  vlan_id: number;
  mode_type?: string;
  network_ids: string[];
  qos_priority?: number | null;
  type: string;
  vds: { id: string; name: string };
  entityAsyncStatus?: string | null;
  labels?: WireLabel[] | null;
}

interface VlanView {
  vlan: WireVlan;
  clusterId?: string;
}
