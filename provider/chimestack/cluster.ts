/** chimestack.Cluster: a cluster in an availability zone, with its enabled state. */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { ProviderError, checkWithSchema, diffInputs, lazyProvider, plain, VendorResource, unlessGone } from "../core";
import { chime, configureChime } from "./config";

const TYPES = ["hyperconverged", "compute", "storage"] as const;

export interface ClusterArgs {
  azUuid: pulumi.Input<string>;
  name: pulumi.Input<string>;
  description?: pulumi.Input<string>;
  hypervisorType?: pulumi.Input<string>;
  arch?: pulumi.Input<string>;
  /** hyperconverged (default, type 0), compute (1) or storage (2). */
  type?: pulumi.Input<(typeof TYPES)[number]>;
  /** Desired state: enabled (default) or disabled. */
  enabled?: pulumi.Input<boolean>;
}
export interface ClusterInputs {
  azUuid: string;
  name: string;
  description: string;
  hypervisorType: string;
  arch: string;
  type: (typeof TYPES)[number];
  enabled: boolean;
}
export interface ClusterOutputs extends ClusterInputs {
  uuid: string;
  state: number;
  azName: string;
  createdAt: string;
}
interface Wire {
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

const INPUTS = ["azUuid", "name", "description", "hypervisorType", "arch", "type", "enabled"] as const;

export function clusterSchema() {
  return z.strictObject({
    azUuid: z.string().min(1, "must name an availability zone"),
    name: z.string().trim().min(1, "must not be empty").max(64),
    description: z.string().default(""),
    hypervisorType: z.string().default("kvm"),
    arch: z.string().default("x86_64"),
    type: z.enum(TYPES).default("hyperconverged"),
    enabled: z.boolean().default(true),
  });
}

export function toOutputs(i: ClusterInputs, w: Wire): ClusterOutputs {
  return plain({ ...i, name: w.name, description: w.description, hypervisorType: w.hypervisor_type, arch: w.arch, type: TYPES[w.type] ?? i.type, enabled: w.state === 1, uuid: w.uuid, state: w.state, azName: w.az_name, createdAt: w.created_at });
}

const path = (az: string, uuid?: string) => `/v1/az/${az}/cluster${uuid ? `/${uuid}` : ""}`;
const body = (i: ClusterInputs) => ({ name: i.name, description: i.description, hypervisor_type: i.hypervisorType, arch: i.arch, type: TYPES.indexOf(i.type) });

export const clusterProvider: Required<pulumi.dynamic.ResourceProvider<ClusterInputs, ClusterOutputs>> = {
  async configure(req) {
    configureChime(req.config);
  },
  async check(_olds, news) {
    const r = checkWithSchema(clusterSchema(), news as never);
    if (r.failures?.length) return r as never;
    const i = r.inputs as unknown as ClusterInputs;
    if (!(await chime().getOne(`/v1/az/${i.azUuid}`, "az"))) return { inputs: i, failures: [{ property: "azUuid", reason: `no availability zone ${i.azUuid} in ChimeStack` }] };
    return { inputs: i };
  },
  async diff(_id, olds, news) {
    const d = diffInputs(olds as never, news as never, { inputs: INPUTS, replaceOn: ["azUuid"] });
    return { changes: d.changes, replaces: d.replaces };
  },
  async create(inputs) {
    const { cluster } = await chime().call<{ cluster: Wire }>("POST", path(inputs.azUuid), body(inputs));
    if (!inputs.enabled) await chime().call("PUT", `${path(inputs.azUuid, cluster.uuid)}/disable`, undefined, { idempotent: true });
    return { id: cluster.uuid, outs: toOutputs(inputs, (await chime().getOne<Wire>(path(inputs.azUuid, cluster.uuid), "cluster"))!) };
  },
  async read(id, props) {
    const w = await chime().getOne<Wire>(path(props!.azUuid, id), "cluster");
    if (!w) return { id: "" };
    const outs = toOutputs(props as ClusterInputs, w);
    return { id, props: outs, inputs: plain(Object.fromEntries(INPUTS.map((k) => [k, outs[k]]))) as never };
  },
  async update(id, olds, news) {
    const c = chime();
    if (["name", "description", "hypervisorType", "arch", "type"].some((k) => olds[k as keyof ClusterInputs] !== news[k as keyof ClusterInputs])) {
      await c.call("PATCH", path(news.azUuid, id), body(news), { idempotent: true });
    }
    if (olds.enabled !== news.enabled) await c.call("PUT", `${path(news.azUuid, id)}/${news.enabled ? "enable" : "disable"}`, undefined, { idempotent: true });
    const w = await c.getOne<Wire>(path(news.azUuid, id), "cluster");
    if (!w) throw new ProviderError("not_found", `cluster ${news.name} (${id}) no longer exists`);
    return { outs: toOutputs(news, w) };
  },
  async delete(id, props) {
    await unlessGone(chime().call("DELETE", path(props.azUuid, id), undefined, { idempotent: true }));
  },
};

export class Cluster extends VendorResource {
  static override readonly __pulumiType = "pulumi-nodejs:dynamic/chimestack:Cluster";
  declare readonly uuid: pulumi.Output<string>;
  declare readonly name: pulumi.Output<string>;
  declare readonly azUuid: pulumi.Output<string>;
  declare readonly state: pulumi.Output<number>;
  declare readonly enabled: pulumi.Output<boolean>;

  constructor(name: string, args: ClusterArgs, opts?: pulumi.CustomResourceOptions) {
    super(lazyProvider("pulumi-private-cloud/chimestack", "clusterProvider"), name, { uuid: undefined, state: undefined, azName: undefined, createdAt: undefined, ...args }, opts, "chimestack", "Cluster");
  }
}
