/**
 * chimestack.Subnet: an address range of a network; VM NICs take their addresses from it. Name, CIDR,
 * gateway, reserved addresses and description change in place; a new AZ, cluster or network replaces it.
 * The ownership marker rides at the end of the description.
 */
import { z } from "zod";
import { defineResource, known, splitMarker, uuid, withMarker } from "../core";
import { clusterPath, networkPath, subnetPath } from "./client";
import { vendor } from "./config";

const IPV4 = /^(\d{1,3})(\.\d{1,3}){3}$/;

// ---- Definition ------------------------------------------------------------------------------------

export const Subnet = defineResource({
  vendor,
  type: "Subnet",
  description: "An address range of a network; VM NICs take their addresses from it.",
  inputs: z.strictObject({
    azUuid: uuid("an availability zone"),
    clusterUuid: uuid("a cluster"),
    networkUuid: uuid("a network"),
    name: z.string().trim().min(1, "must not be empty").max(64),
    cidr: z
      .string()
      .regex(/^\d{1,3}(\.\d{1,3}){3}\/([0-9]|[12][0-9]|3[0-2])$/, "must be a CIDR such as 192.168.231.1/24")
      .describe("e.g. 192.168.231.1/24"),
    gateway: z.string().regex(IPV4, "must be an IPv4 address").or(z.literal("")).default(""),
    reservedIps: z
      .string()
      .regex(/^$|^[\d.,\- ]+$/, 'must list addresses and ranges such as "10.0.0.2,10.0.0.10-10.0.0.20"')
      .default("")
      .describe('addresses never given to VMs: "a,b-c"'),
    description: z.string().default(""),
  }),
  outputs: z.object({
    uuid: z.string(),
    state: z.number(),
  }),
  replaceOn: ["azUuid", "clusterUuid", "networkUuid"],
  adopt: { byName: true, id: uuid("a subnet") },
  recovery: { marker: "the end of the subnet's description" },
  model: (w: WireSubnet) => ({
    name: w.name,
    cidr: w.cidr,
    gateway: w.gateway ?? "",
    reservedIps: w.reserved_ips ?? "",
    description: splitMarker(w.description).text,
    uuid: w.uuid,
    state: w.state,
  }),
  // The cluster and the network are often made in the same run: ids not known yet at preview are not looked up.
  async check(i, { client }) {
    if (!known(i.azUuid, i.clusterUuid)) return [];
    const failures = await client.missing(clusterPath(i.azUuid, i.clusterUuid), "cluster", {
      property: "clusterUuid",
      reason: `no cluster ${i.clusterUuid} in availability zone ${i.azUuid}`,
    });
    if (failures.length || !known(i.networkUuid)) return failures;
    return client.missing(networkPath(i, i.networkUuid), "network", {
      property: "networkUuid",
      reason: `no network ${i.networkUuid} in cluster ${i.clusterUuid}`,
    });
  },
  operations: {
    async create(i, { client, marker }) {
      const { subnet } = await client.call<{ subnet: WireSubnet }>("POST", subnetPath(i), body(i, withMarker(i.description, marker)));
      return { id: subnet.uuid };
    },
    read: (id, { client }, prior) => client.item<WireSubnet>(subnetPath(prior), "subnet", id),
    async update(id, olds, news, { client }) {
      if (JSON.stringify(body(olds, olds.description)) === JSON.stringify(body(news, news.description))) return;
      const path = subnetPath(news, id);
      await client.call("PATCH", path, body(news, await client.markedDescription(path, "subnet", news.description, news.marker)), { idempotent: true });
    },
    async delete(id, props, { client }) {
      await client.call("DELETE", subnetPath(props, id), undefined, { idempotent: true });
    },
    list: ({ name, earlier }, i, { client }) => client.found(subnetPath(i), { name }, earlier),
  },
});
export type Subnet = InstanceType<typeof Subnet>;

// ---- Wire --------------------------------------------------------------------------------------------

const body = (i: { name: string; cidr: string; gateway: string; reservedIps: string }, description: string) => ({
  name: i.name,
  cidr: i.cidr,
  gateway: i.gateway,
  reserved_ips: i.reservedIps,
  description,
});

export interface WireSubnet {
  uuid: string;
  name: string;
  cidr: string;
  gateway?: string;
  reserved_ips?: string;
  description: string;
  state: number;
}
