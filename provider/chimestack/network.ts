/**
 * chimestack.Network: a network of a cluster (a bridge on its hosts); subnets and VM NICs live on it.
 * Name and description change in place; the rest replaces it. The ownership marker rides at the end of
 * the description.
 */
import { z } from "zod";
import { defineResource, known, splitMarker, uuid, withMarker } from "../core";
import { clusterPath, networkPath } from "./client";
import { vendor } from "./config";

export const NET_TYPES = ["classical", "vlan", "vxlan"] as const;

// ---- Definition ------------------------------------------------------------------------------------

export const Network = defineResource({
  vendor,
  type: "Network",
  description: "A network of a cluster: a bridge on its hosts, which subnets and VM NICs use.",
  inputs: z.strictObject({
    azUuid: uuid("an availability zone"),
    clusterUuid: uuid("a cluster"),
    name: z.string().trim().min(1, "must not be empty").max(64),
    bridgeName: z.string().min(1, "must not be empty").describe("the bridge on the hosts (changing it replaces the network)"),
    interfaceName: z.string().min(1, "must not be empty").describe("the host interface the bridge uses (changing it replaces the network)"),
    type: z.enum(NET_TYPES).default("classical"),
    description: z.string().default(""),
  }),
  outputs: z.object({
    uuid: z.string(),
    state: z.number(),
  }),
  replaceOn: ["azUuid", "clusterUuid", "bridgeName", "interfaceName", "type"],
  adopt: { byName: true, id: uuid("a network") },
  recovery: { marker: "the end of the network's description" },
  model: (w: WireNetwork) => ({
    name: w.name,
    description: splitMarker(w.description).text,
    bridgeName: w.bridge_name,
    interfaceName: w.interface_name,
    ...(NET_TYPES[w.type] ? { type: NET_TYPES[w.type] } : {}),
    uuid: w.uuid,
    state: w.state,
  }),
  // The cluster is often made in the same run: at preview its id is not known yet, and nothing is looked up.
  async check(i, { client }) {
    if (!known(i.azUuid, i.clusterUuid)) return [];
    return client.missing(clusterPath(i.azUuid, i.clusterUuid), "cluster", {
      property: "clusterUuid",
      reason: `no cluster ${i.clusterUuid} in availability zone ${i.azUuid}`,
    });
  },
  operations: {
    async create(i, { client, marker }) {
      const body = {
        name: i.name,
        bridge_name: i.bridgeName,
        interface_name: i.interfaceName,
        type: NET_TYPES.indexOf(i.type),
        description: withMarker(i.description, marker),
      };
      const { network } = await client.call<{ network: WireNetwork }>("POST", networkPath(i), body);
      return { id: network.uuid };
    },
    read: (id, { client }, prior) => client.item<WireNetwork>(networkPath(prior), "network", id),
    async update(id, olds, news, { client }) {
      if (olds.name === news.name && olds.description === news.description) return;
      const path = networkPath(news, id);
      await client.call(
        "PATCH",
        path,
        { name: news.name, description: await client.markedDescription(path, "network", news.description, news.marker) },
        { idempotent: true },
      );
    },
    async delete(id, props, { client }) {
      await client.call("DELETE", networkPath(props, id), undefined, { idempotent: true });
    },
    list: ({ name, earlier }, i, { client }) => client.found(networkPath(i), { name }, earlier),
  },
});
export type Network = InstanceType<typeof Network>;

// ---- Wire --------------------------------------------------------------------------------------------

export interface WireNetwork {
  uuid: string;
  name: string;
  description: string;
  bridge_name: string;
  interface_name: string;
  type: number;
  state: number;
}
