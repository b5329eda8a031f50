/**
 * cloudsigma.StaticIp: a static public IP (`/resources/ip/create`, `/destroy`); the address is its id.
 * It has no inputs (CloudSigma hands out the next free address) and keeps no field for an ownership
 * marker: creates go one at a time per endpoint, and a lost answer is resolved by the one new address.
 */
import { z } from "zod";
import { ProviderError, defineResource } from "../core";
import { tokens } from "./codec";
import { vendor } from "./config";

// ---- Definition ------------------------------------------------------------------------------------

export const StaticIp = defineResource({
  vendor,
  type: "StaticIp",
  description: "A static public IP address; its address is what a server's `nic0.dhcp` takes.",
  inputs: z.strictObject({}),
  outputs: z.object({
    address: z.string().describe("the address (also the id)"),
    netmask: z.string(),
    gateway: z.string(),
    nameservers: z.array(z.string()),
    owner: z.string().describe("the account that owns the address"),
  }),
  adopt: { byName: false, id: z.string().regex(/^\d{1,3}(\.\d{1,3}){3}$/, "must be the address (an IPv4 address such as 185.12.6.23)") },
  recovery: { newObject: true },
  model: (ip: WireIp) => model(ip),
  operations: {
    async create(_i, { client }) {
      const ips = await client.post<WireIp>("/resources/ip/create", undefined, { idempotent: false });
      const ip = ips.find((o) => o.resource);
      if (!ip) throw new ProviderError("server", "CloudSigma answered /resources/ip/create without an address");
      return { id: ip.resource };
    },
    read: (id, { client }) => client.object<WireIp>("ips", id),
    // No inputs: nothing changes in place (a new endpoint replaces).
    async update() {},
    async delete(id, _props, { client }) {
      await client.post(`/resources/ip/${id}/destroy`, undefined, { idempotent: true });
    },
    list: async (_q, _i, { client }) => (await client.list("/resources/ip/list")).map((id) => ({ id })),
  },
});
export type StaticIp = InstanceType<typeof StaticIp>;

// ---- Model -----------------------------------------------------------------------------------------

/** The address as outputs (and as `getIp` answers it). */
export function model(ip: WireIp) {
  return { address: ip.resource, netmask: ip.netmask ?? "", gateway: ip.gateway ?? "", nameservers: tokens(ip.nameserver), owner: ip.user };
}

// ---- Wire ------------------------------------------------------------------------------------------

/** A static IP as `/resources/ip/<ip>/info` shows it. */
export interface WireIp {
  resource: string;
  user: string;
  type?: string;
  netmask?: string;
  gateway?: string;
  /** Space-separated addresses. */
  nameserver?: string;
}
