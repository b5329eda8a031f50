/** chimestack.Subnet: an address range of a network; VM NICs take their addresses from it. */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { ProviderError, checkWithSchema, diffInputs, lazyProvider, plain, VendorResource } from "../core";
import { chime, configureChime } from "./config";
import { missingCluster, netPath, tolerantDelete } from "./network";

export interface SubnetArgs {
  azUuid: pulumi.Input<string>;
  clusterUuid: pulumi.Input<string>;
  networkUuid: pulumi.Input<string>;
  name: pulumi.Input<string>;
  /** e.g. 192.168.231.1/24 */
  cidr: pulumi.Input<string>;
  gateway?: pulumi.Input<string>;
  /** Addresses never given to VMs: "a,b-c". */
  reservedIps?: pulumi.Input<string>;
  description?: pulumi.Input<string>;
}
export interface SubnetInputs {
  azUuid: string;
  clusterUuid: string;
  networkUuid: string;
  name: string;
  cidr: string;
  gateway: string;
  reservedIps: string;
  description: string;
}
export interface SubnetOutputs extends SubnetInputs {
  uuid: string;
  state: number;
}

const SUBNET_INPUTS = ["azUuid", "clusterUuid", "networkUuid", "name", "cidr", "gateway", "reservedIps", "description"] as const;
const subnetPath = (i: SubnetInputs, uuid?: string) => `${netPath(i, i.networkUuid)}/subnet${uuid ? `/${uuid}` : ""}`;
const IPV4 = /^(\d{1,3})(\.\d{1,3}){3}$/;

export function subnetSchema() {
  return z.strictObject({
    azUuid: z.string().min(1, "must name an availability zone"),
    clusterUuid: z.string().min(1, "must name a cluster"),
    networkUuid: z.string().min(1, "must name a network"),
    name: z.string().trim().min(1, "must not be empty").max(64),
    cidr: z.string().regex(/^\d{1,3}(\.\d{1,3}){3}\/([0-9]|[12][0-9]|3[0-2])$/, "must be a CIDR such as 192.168.231.1/24"),
    gateway: z.string().regex(IPV4, "must be an IPv4 address").or(z.literal("")).default(""),
    reservedIps: z.string().regex(/^$|^[\d.,\- ]+$/, 'must list addresses and ranges such as "10.0.0.2,10.0.0.10-10.0.0.20"').default(""),
    description: z.string().default(""),
  });
}

function subnetOutputs(i: SubnetInputs, w: Record<string, unknown>): SubnetOutputs {
  return plain({ ...i, name: String(w.name), cidr: String(w.cidr), gateway: String(w.gateway ?? ""), reservedIps: String(w.reserved_ips ?? ""), description: String(w.description ?? ""), uuid: String(w.uuid), state: Number(w.state) });
}

const subnetBody = (i: SubnetInputs) => ({ name: i.name, cidr: i.cidr, gateway: i.gateway, reserved_ips: i.reservedIps, description: i.description });

export const subnetProvider: Required<pulumi.dynamic.ResourceProvider<SubnetInputs, SubnetOutputs>> = {
  async configure(req) {
    configureChime(req.config);
  },
  async check(_olds, news) {
    const r = checkWithSchema(subnetSchema(), news as never);
    if (r.failures?.length) return r as never;
    const i = r.inputs as unknown as SubnetInputs;
    const failures = await missingCluster(i.azUuid, i.clusterUuid);
    if (!failures.length && !(await chime().getOne(netPath(i, i.networkUuid), "network"))) failures.push({ property: "networkUuid", reason: `no network ${i.networkUuid} in cluster ${i.clusterUuid}` });
    return failures.length ? { inputs: i, failures } : { inputs: i };
  },
  async diff(_id, olds, news) {
    const d = diffInputs(olds as never, news as never, { inputs: SUBNET_INPUTS, replaceOn: ["azUuid", "clusterUuid", "networkUuid"] });
    return { changes: d.changes, replaces: d.replaces };
  },
  async create(i) {
    const { subnet } = await chime().call<{ subnet: Record<string, unknown> }>("POST", subnetPath(i), subnetBody(i));
    return { id: String(subnet.uuid), outs: subnetOutputs(i, subnet) };
  },
  async read(id, props) {
    const w = await chime().getOne<Record<string, unknown>>(subnetPath(props!, id), "subnet");
    if (!w) return { id: "" };
    const outs = subnetOutputs(props as SubnetInputs, w);
    return { id, props: outs, inputs: plain(Object.fromEntries(SUBNET_INPUTS.map((k) => [k, outs[k]]))) as never };
  },
  async update(id, _olds, news) {
    await chime().call("PATCH", subnetPath(news, id), subnetBody(news), { idempotent: true });
    const w = await chime().getOne<Record<string, unknown>>(subnetPath(news, id), "subnet");
    if (!w) throw new ProviderError("not_found", `subnet ${news.name} (${id}) no longer exists`);
    return { outs: subnetOutputs(news, w) };
  },
  async delete(id, props) {
    await tolerantDelete(subnetPath(props, id));
  },
};

export class Subnet extends VendorResource {
  static override readonly __pulumiType = "pulumi-nodejs:dynamic/chimestack:Subnet";
  declare readonly uuid: pulumi.Output<string>;
  declare readonly name: pulumi.Output<string>;
  declare readonly cidr: pulumi.Output<string>;

  constructor(name: string, args: SubnetArgs, opts?: pulumi.CustomResourceOptions) {
    super(lazyProvider("pulumi-private-cloud/chimestack", "subnetProvider"), name, { uuid: undefined, state: undefined, ...args }, opts, "chimestack", "Subnet");
  }
}
