/** chimestack.Network: a network of a cluster (a bridge on its hosts); subnets and VM NICs live on it. */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { ProviderError, checkWithSchema, diffInputs, lazyProvider, plain, VendorResource, unlessGone } from "../core";
import { chime, configureChime } from "./config";

const NET_TYPES = ["classical", "vlan", "vxlan"] as const;

export interface NetworkArgs {
  azUuid: pulumi.Input<string>;
  clusterUuid: pulumi.Input<string>;
  name: pulumi.Input<string>;
  /** The bridge on the hosts, and the interface it uses (changing either replaces the network). */
  bridgeName: pulumi.Input<string>;
  interfaceName: pulumi.Input<string>;
  type?: pulumi.Input<(typeof NET_TYPES)[number]>;
  description?: pulumi.Input<string>;
}
export interface NetworkInputs {
  azUuid: string;
  clusterUuid: string;
  name: string;
  bridgeName: string;
  interfaceName: string;
  type: (typeof NET_TYPES)[number];
  description: string;
}
export interface NetworkOutputs extends NetworkInputs {
  uuid: string;
  state: number;
}

const NET_INPUTS = ["azUuid", "clusterUuid", "name", "bridgeName", "interfaceName", "type", "description"] as const;
export const netPath = (i: { azUuid: string; clusterUuid: string }, uuid?: string) => `/v1/az/${i.azUuid}/cluster/${i.clusterUuid}/network${uuid ? `/${uuid}` : ""}`;

export function networkSchema() {
  return z.strictObject({
    azUuid: z.string().min(1, "must name an availability zone"),
    clusterUuid: z.string().min(1, "must name a cluster"),
    name: z.string().trim().min(1, "must not be empty").max(64),
    bridgeName: z.string().min(1, "must not be empty"),
    interfaceName: z.string().min(1, "must not be empty"),
    type: z.enum(NET_TYPES).default("classical"),
    description: z.string().default(""),
  });
}

function networkOutputs(i: NetworkInputs, w: Record<string, unknown>): NetworkOutputs {
  return plain({ ...i, name: String(w.name), description: String(w.description ?? ""), bridgeName: String(w.bridge_name), interfaceName: String(w.interface_name), type: NET_TYPES[Number(w.type)] ?? i.type, uuid: String(w.uuid), state: Number(w.state) });
}

/** Names a cluster that does not exist (or is not in the AZ). */
export async function missingCluster(az: string, cluster: string): Promise<{ property: string; reason: string }[]> {
  return (await chime().getOne(`/v1/az/${az}/cluster/${cluster}`, "cluster")) ? [] : [{ property: "clusterUuid", reason: `no cluster ${cluster} in availability zone ${az}` }];
}

export async function tolerantDelete(path: string) {
  await unlessGone(chime().call("DELETE", path, undefined, { idempotent: true }));
}

export const networkProvider: Required<pulumi.dynamic.ResourceProvider<NetworkInputs, NetworkOutputs>> = {
  async configure(req) {
    configureChime(req.config);
  },
  async check(_olds, news) {
    const r = checkWithSchema(networkSchema(), news as never);
    if (r.failures?.length) return r as never;
    const i = r.inputs as unknown as NetworkInputs;
    const failures = await missingCluster(i.azUuid, i.clusterUuid);
    return failures.length ? { inputs: i, failures } : { inputs: i };
  },
  async diff(_id, olds, news) {
    const d = diffInputs(olds as never, news as never, { inputs: NET_INPUTS, replaceOn: ["azUuid", "clusterUuid", "bridgeName", "interfaceName", "type"] });
    return { changes: d.changes, replaces: d.replaces };
  },
  async create(i) {
    const { network } = await chime().call<{ network: Record<string, unknown> }>("POST", netPath(i), { name: i.name, bridge_name: i.bridgeName, interface_name: i.interfaceName, type: NET_TYPES.indexOf(i.type), description: i.description });
    return { id: String(network.uuid), outs: networkOutputs(i, network) };
  },
  async read(id, props) {
    const w = await chime().getOne<Record<string, unknown>>(netPath(props!, id), "network");
    if (!w) return { id: "" };
    const outs = networkOutputs(props as NetworkInputs, w);
    return { id, props: outs, inputs: plain(Object.fromEntries(NET_INPUTS.map((k) => [k, outs[k]]))) as never };
  },
  async update(id, _olds, news) {
    await chime().call("PATCH", netPath(news, id), { name: news.name, description: news.description }, { idempotent: true });
    const w = await chime().getOne<Record<string, unknown>>(netPath(news, id), "network");
    if (!w) throw new ProviderError("not_found", `network ${news.name} (${id}) no longer exists`);
    return { outs: networkOutputs(news, w) };
  },
  async delete(id, props) {
    await tolerantDelete(netPath(props, id));
  },
};

export class Network extends VendorResource {
  static override readonly __pulumiType = "pulumi-nodejs:dynamic/chimestack:Network";
  declare readonly uuid: pulumi.Output<string>;
  declare readonly name: pulumi.Output<string>;
  declare readonly azUuid: pulumi.Output<string>;
  declare readonly clusterUuid: pulumi.Output<string>;

  constructor(name: string, args: NetworkArgs, opts?: pulumi.CustomResourceOptions) {
    super(lazyProvider("pulumi-private-cloud/chimestack", "networkProvider"), name, { uuid: undefined, state: undefined, ...args }, opts, "chimestack", "Network");
  }
}
