/**
 * chimestack.SecurityGroup: a security group with its ingress and egress rules, which VM NICs name
 * (`securityGroupUuid`). Everything changes in place: `updateSecurityGroup` takes the whole group (name,
 * description and both rule lists) at once. A NIC's group is fixed when the NIC is made (updateNic changes
 * only its name): a VM swaps a secondary NIC whose group changes (see vm.ts). The ownership marker rides at
 * the end of the description.
 */
import { z } from "zod";
import { defineResource, splitMarker, uuid, withMarker } from "../core";
import { vendor } from "./config";

const PATH = "/v1/securitygroup";
const CIDR = /^(\d{1,3})(\.\d{1,3}){3}\/([0-9]|[12][0-9]|3[0-2])$/;

/** A port range `a:b` (`80:80` is port 80), within 1-65535 and in order. */
const ports = z
  .string()
  .regex(/^\d{1,5}:\d{1,5}$/, 'must be a port range such as "22:22" or "1:1024"')
  .refine((r) => {
    const [a, b] = r.split(":").map(Number);
    return a >= 1 && a <= b && b <= 65535;
  }, "must run from a lower to a higher port, within 1-65535");

const cidr = z.string().regex(CIDR, "must be an IPv4 CIDR such as 10.0.0.0/8 or 0.0.0.0/0");

/** A rule as users write it: every field is sent, so that ChimeStack keeps exactly what the inputs say. */
export const rule = z.strictObject({
  protocol: z.enum(["tcp", "udp", "icmp", "all"], { error: 'must be "tcp", "udp", "icmp" or "all"' }),
  action: z.enum(["ACCEPT", "REJECT", "DROP"], { error: 'must be "ACCEPT", "REJECT" or "DROP"' }).default("ACCEPT"),
  sourceCidr: cidr.default("0.0.0.0/0").describe("sip: where the traffic comes from"),
  destinationCidr: cidr.default("0.0.0.0/0").describe("dip: where the traffic goes"),
  sourcePorts: ports.default("1:65535").describe("sport"),
  destinationPorts: ports.default("1:65535").describe('dport: the ports the rule opens or closes, such as "22:22"'),
  description: z.string().default(""),
});
export type Rule = z.output<typeof rule>;

// ---- Definition ------------------------------------------------------------------------------------

export const SecurityGroup = defineResource({
  vendor,
  type: "SecurityGroup",
  description: "A security group and its rules, changed in place; VM NICs name it.",
  inputs: z.strictObject({
    name: z.string().trim().min(1, "must not be empty").max(64),
    description: z.string().default(""),
    ingressRules: z.array(rule).max(256).default([]).describe("the traffic let into (or kept from) the NICs"),
    egressRules: z.array(rule).max(256).default([]).describe("the traffic let out of (or kept in) the NICs"),
  }),
  outputs: z.object({
    uuid: z.string(),
    state: z.number(),
  }),
  adopt: { byName: true, id: uuid("a security group") },
  recovery: { marker: "the end of the security group's description" },
  model: (w: WireSecurityGroup) => ({
    name: w.name,
    description: splitMarker(w.description).text,
    ingressRules: (w.ingress_rules ?? []).map(fromWire),
    egressRules: (w.egress_rules ?? []).map(fromWire),
    uuid: w.uuid,
    state: w.state,
  }),
  operations: {
    async create(i, { client, marker }) {
      const { securitygroup } = await client.call<{ securitygroup: WireSecurityGroup }>("POST", PATH, body(i, withMarker(i.description, marker)));
      return { id: securitygroup.uuid };
    },
    read: (id, { client }) => client.item<WireSecurityGroup>(PATH, "securitygroup", id),
    async update(id, olds, news, { client }) {
      if (JSON.stringify(body(olds, olds.description)) === JSON.stringify(body(news, news.description))) return;
      const path = `${PATH}/${id}`;
      await client.call("PATCH", path, body(news, await client.markedDescription(path, "securitygroup", news.description, news.marker)), { idempotent: true });
    },
    async delete(id, _props, { client }) {
      await client.call("DELETE", `${PATH}/${id}`, undefined, { idempotent: true });
    },
    list: ({ name, earlier }, _i, { client }) => client.found(PATH, { name }, earlier),
  },
});
export type SecurityGroup = InstanceType<typeof SecurityGroup>;

// ---- Wire --------------------------------------------------------------------------------------------

/** The SGRequest: the rules of each list with their direction (0 ingress, 1 egress). */
const body = (i: { name: string; ingressRules: Rule[]; egressRules: Rule[] }, description: string) => ({
  name: i.name,
  description,
  ingress_rules: i.ingressRules.map((r) => toWire(r, 0)),
  egress_rules: i.egressRules.map((r) => toWire(r, 1)),
});

export const toWire = (r: Rule, direction: number): WireRule => ({
  direction,
  action: r.action,
  protocol: r.protocol,
  sip: r.sourceCidr,
  dip: r.destinationCidr,
  sport: r.sourcePorts,
  dport: r.destinationPorts,
  description: r.description,
});

export const fromWire = (w: WireRule): Rule => ({
  protocol: w.protocol as Rule["protocol"],
  action: w.action as Rule["action"],
  sourceCidr: w.sip,
  destinationCidr: w.dip,
  sourcePorts: w.sport,
  destinationPorts: w.dport,
  description: w.description ?? "",
});

export interface WireRule {
  direction: number;
  action: string;
  protocol: string;
  sip: string;
  dip: string;
  sport: string;
  dport: string;
  description?: string;
}

export interface WireSecurityGroup {
  uuid: string;
  name: string;
  description: string;
  ingress_rules?: WireRule[];
  egress_rules?: WireRule[];
  state: number;
}
