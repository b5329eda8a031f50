/**
 * chimestack.Cluster: a cluster in an availability zone, with its enabled state. Everything but the AZ
 * changes in place (`PATCH`, `enable`/`disable`). The ownership marker rides at the end of the description.
 */
import { z } from "zod";
import { defineResource, known, splitMarker, uuid, withMarker } from "../core";
import { azPath, clusterPath } from "./client";
import { vendor } from "./config";

export const TYPES = ["hyperconverged", "compute", "storage"] as const;

// ---- Definition ------------------------------------------------------------------------------------

export const Cluster = defineResource({
  vendor,
  type: "Cluster",
  description: "A cluster in an availability zone, enabled or disabled.",
  inputs: z.strictObject({
    azUuid: uuid("an availability zone").describe("the availability zone of the cluster"),
    name: z.string().trim().min(1, "must not be empty").max(64),
    description: z.string().default(""),
    hypervisorType: z.string().default("kvm"),
    arch: z.string().default("x86_64"),
    type: z.enum(TYPES).default("hyperconverged").describe("hyperconverged (type 0), compute (1) or storage (2)"),
    enabled: z.boolean().default(true).describe("the desired state: enabled or disabled"),
  }),
  outputs: z.object({
    uuid: z.string(),
    state: z.number().describe("1 enabled, 2 disabled"),
    azName: z.string(),
    createdAt: z.string(),
  }),
  replaceOn: ["azUuid"],
  adopt: { byName: true, id: uuid("a cluster") },
  recovery: { marker: "the end of the cluster's description" },
  model: (w: WireCluster) => ({
    name: w.name,
    description: splitMarker(w.description).text,
    hypervisorType: w.hypervisor_type,
    arch: w.arch,
    ...(TYPES[w.type] ? { type: TYPES[w.type] } : {}),
    enabled: w.state === 1,
    uuid: w.uuid,
    state: w.state,
    azName: w.az_name,
    createdAt: w.created_at,
  }),
  async check(i, { client }) {
    if (!known(i.azUuid)) return [];
    return client.missing(azPath(i.azUuid), "az", { property: "azUuid", reason: `no availability zone ${i.azUuid} in ChimeStack` });
  },
  operations: {
    async create(i, { client, marker }) {
      const { cluster } = await client.call<{ cluster: WireCluster }>("POST", clusterPath(i.azUuid), body(i, withMarker(i.description, marker)));
      const disable = () => client.call("PUT", `${clusterPath(i.azUuid, cluster.uuid)}/disable`, undefined, { idempotent: true });
      return { id: cluster.uuid, wait: i.enabled ? undefined : disable };
    },
    read: (id, { client }, prior) => client.item<WireCluster>(clusterPath(prior.azUuid), "cluster", id),
    async update(id, olds, news, { client }) {
      const path = clusterPath(news.azUuid, id);
      if (JSON.stringify(body(olds, olds.description)) !== JSON.stringify(body(news, news.description))) {
        await client.call("PATCH", path, body(news, await client.markedDescription(path, "cluster", news.description, news.marker)), { idempotent: true });
      }
      if (olds.enabled !== news.enabled) await client.call("PUT", `${path}/${news.enabled ? "enable" : "disable"}`, undefined, { idempotent: true });
    },
    async delete(id, props, { client }) {
      await client.call("DELETE", clusterPath(props.azUuid, id), undefined, { idempotent: true });
    },
    list: ({ name, earlier }, i, { client }) => client.found(clusterPath(i.azUuid), { name }, earlier),
  },
});
export type Cluster = InstanceType<typeof Cluster>;

// ---- Wire --------------------------------------------------------------------------------------------

const body = (i: { name: string; hypervisorType: string; arch: string; type: (typeof TYPES)[number] }, description: string) => ({
  name: i.name,
  description,
  hypervisor_type: i.hypervisorType,
  arch: i.arch,
  type: TYPES.indexOf(i.type),
});

export interface WireCluster {
  uuid: string;
  name: string;
  description: string;
  hypervisor_type: string;
  arch: string;
  type: number;
  state: number;
  az_uuid: string;
  az_name: string;
  created_at: string;
}
