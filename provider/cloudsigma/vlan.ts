/** cloudsigma.Vlan: a private VLAN (`/resources/vlan/create`, `/set`, `/destroy`); servers join it on NIC 1. */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { ProviderError, checkWithSchema, diffInputs, lazyProvider, plain, VendorResource, unlessGone } from "../core";
import { KvObject, escapeText, unescapeText } from "./codec";
import { configureSigma, sigma } from "./config";

export interface VlanArgs {
  name: pulumi.Input<string>;
}
export interface VlanInputs {
  name: string;
}
export interface VlanOutputs extends VlanInputs {
  uuid: string;
  owner: string;
}

export function vlanSchema() {
  return z.strictObject({ name: z.string().trim().min(1, "must not be empty").max(256) });
}

export function toOutputs(o: KvObject): VlanOutputs {
  return plain({ name: unescapeText(o.name ?? ""), uuid: o.resource, owner: o.user });
}

export const vlanProvider: Required<pulumi.dynamic.ResourceProvider<VlanInputs, VlanOutputs>> = {
  async configure(req) {
    configureSigma(req.config);
  },
  async check(_olds, news) {
    return checkWithSchema(vlanSchema(), news as never) as never;
  },
  async diff(_id, olds, news) {
    const d = diffInputs(olds as never, news as never, { inputs: ["name"], replaceOn: [] });
    return { changes: d.changes, replaces: [] };
  },
  async create(inputs) {
    const [o] = await sigma().post("/resources/vlan/create", { name: escapeText(inputs.name) }, { idempotent: false });
    if (!o?.resource) throw new ProviderError("server", "CloudSigma created a VLAN but did not say its uuid");
    return { id: o.resource, outs: toOutputs(o) };
  },
  async read(id) {
    const o = await sigma().info(`/resources/vlan/${id}/info`);
    if (!o) return { id: "" };
    const outs = toOutputs(o);
    return { id, props: outs, inputs: { name: outs.name } as never };
  },
  async update(id, _olds, news) {
    const [o] = await sigma().post(`/resources/vlan/${id}/set`, { name: escapeText(news.name) }, { idempotent: true });
    return { outs: toOutputs(o) };
  },
  async delete(id) {
    await unlessGone(sigma().post(`/resources/vlan/${id}/destroy`, undefined, { idempotent: true }));
  },
};

export class Vlan extends VendorResource {
  static override readonly __pulumiType = "pulumi-nodejs:dynamic/cloudsigma:Vlan";
  declare readonly name: pulumi.Output<string>;
  /** The VLAN's uuid: what a server's NIC 1 joins. */
  declare readonly uuid: pulumi.Output<string>;
  declare readonly owner: pulumi.Output<string>;

  constructor(name: string, args: VlanArgs, opts?: pulumi.CustomResourceOptions) {
    super(lazyProvider("pulumi-private-cloud/cloudsigma", "vlanProvider"), name, { uuid: undefined, owner: undefined, ...args }, opts, "cloudsigma", "Vlan");
  }
}
