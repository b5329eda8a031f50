/**
 * CVM look-ups: a VPS by hostname, IP address or id, with its current status. The VPS list
 * (`/api/client/vps/list`) is read once per program and endpoint and shared by every look-up; the status
 * (`/api/client/vps/<id>/status`, which the list does not carry) is read for the one VPS found.
 *
 * IP addresses: the CVM client API shows none, in the list or in /status (its documents list every key
 * of both; the simulator serves the same). What it offers is the hostname, so `ipAddress` matches the VPSes
 * whose hostname resolves to that address (DNS, or the hostname is the address itself). This is our
 * assumption, not the panel's: a VPS whose hostname is not in DNS cannot be found by address. Hostnames
 * are resolved only by look-ups that give `ipAddress`, each once per program.
 */
import { promises as dns } from "node:dns";
import { isIP } from "node:net";
import { z } from "zod";
import { defineLookup, listOnce, orList } from "../core";
import { CvmClient, Vps, VpsState } from "./client";
import { vendor } from "./config";
import { model } from "./vm";

const vpses = (c: CvmClient) => listOnce(c, "vpses", () => c.list());

/** The addresses a hostname resolves to, asked once per program; none when it does not resolve. */
const resolved = new Map<string, Promise<string[]>>();
function addressesOf(hostname: string): Promise<string[]> {
  if (!resolved.has(hostname)) {
    resolved.set(
      hostname,
      dns.lookup(hostname, { all: true }).then(
        (found) => found.map((a) => a.address.toLowerCase()),
        () => [],
      ),
    );
  }
  return resolved.get(hostname)!;
}

const STATUS = "running, stopped, suspended, terminated, or unknown while its host node is unreachable";

/** A listed VPS, how to read its status, and the addresses its hostname resolves to when the look-up is by address. */
type Candidate = Vps & { status(): Promise<VpsState>; addresses?: string[] };

export const { getVps, getVpsOutput } = defineLookup({
  vendor,
  name: "Vps",
  noun: "VPS",
  description: "A VPS by hostname, IP address (its hostname resolved through DNS: the CVM API shows no addresses) or id, with its current status.",
  args: {
    hostname: z.string().trim().min(1, "must not be empty").optional().describe("its hostname as the panel lists it, exactly"),
    ipAddress: z
      .string()
      .refine((s) => isIP(s) !== 0, "must be an IPv4 or IPv6 address")
      .transform((s) => s.toLowerCase())
      .optional()
      .describe("an address its hostname resolves to (DNS): the CVM client API lists no addresses"),
    id: z
      .string()
      .regex(/^[0-9]+$/, 'must be the VPS\'s numeric id, e.g. "101"')
      .optional()
      .describe("its numeric id in the panel"),
    node: z
      .string()
      .regex(/^[0-9]+$/, 'must be a host node\'s numeric id, e.g. "1"')
      .optional()
      .describe("the id of the host node it is on"),
  },
  identifiedBy: ["hostname", "ipAddress", "id"],
  result: z.object({
    id: z.string().describe("its numeric id: what a `Vm`'s `vpsId` takes"),
    hostname: z.string(),
    node: z.string().describe("the host node it is on"),
    location: z.string(),
    template: z.string(),
    virtualizationType: z.string().describe('"openvz" for the panel\'s type 1, else as the panel says'),
    cpuCount: z.number(),
    ramMb: z.number().describe("guaranteed RAM"),
    diskMb: z.number(),
    status: z.string().describe(STATUS),
    ramUsedBytes: z.number(),
    diskUsedBytes: z.number(),
  }),
  // Hostnames are resolved only for a look-up by address.
  list: async (c, a): Promise<Candidate[]> => {
    const all = (await vpses(c)).map((v) => ({ ...v, status: () => c.status(v.id) }));
    return a.ipAddress === undefined ? all : Promise.all(all.map(async (v) => ({ ...v, addresses: await addressesOf(v.hostname) })));
  },
  matches: (w, a) =>
    (a.id === undefined || w.id === a.id) &&
    (a.hostname === undefined || w.hostname === a.hostname) &&
    (a.ipAddress === undefined || (w.addresses ?? []).includes(a.ipAddress)) &&
    (a.node === undefined || w.node === a.node),
  describe: (w) =>
    `${w.hostname} (id ${w.id}, node ${w.node}${w.addresses ? (w.addresses.length ? `, resolves to ${w.addresses.join(", ")}` : ", not in DNS") : ""})`,
  narrow: orList(["node", "id"]),
  // The status is read for the one match: the list does not carry it.
  toResult: async (w) => {
    const m = model({ vps: w, state: await w.status() });
    return {
      id: w.id,
      hostname: m.hostname,
      node: m.node,
      location: m.location ?? "",
      template: m.template ?? "",
      virtualizationType: m.virtualizationType,
      cpuCount: m.cpuCount,
      ramMb: m.ramMb,
      diskMb: m.diskMb,
      status: m.status,
      ramUsedBytes: m.ramUsedBytes,
      diskUsedBytes: m.diskUsedBytes,
    };
  },
});
