/**
 * cloudsigma.StaticIp: a static public IP (`/resources/ip/create`, `/destroy`). The address is the id.
 * Outputs: address, netmask, gateway, nameservers.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { ProviderError, checkWithSchema, lazyProvider, plain, VendorResource, unlessGone } from "../core";
import { KvObject, tokens } from "./codec";
import { configureSigma, sigma } from "./config";

/** No inputs: CloudSigma hands out the next free address. */
export type StaticIpArgs = Record<string, never>;
export type StaticIpInputs = Record<string, never>;
export interface StaticIpOutputs {
  address: string;
  netmask: string;
  gateway: string;
  nameservers: string[];
  owner: string;
}

export function staticIpSchema() {
  return z.strictObject({});
}

export function toOutputs(o: KvObject): StaticIpOutputs {
  return plain({ address: o.resource, netmask: o.netmask ?? "", gateway: o.gateway ?? "", nameservers: tokens(o.nameserver), owner: o.user });
}

export const staticIpProvider: Required<pulumi.dynamic.ResourceProvider<StaticIpInputs, StaticIpOutputs>> = {
  async configure(req) {
    configureSigma(req.config);
  },
  async check(_olds, news) {
    return checkWithSchema(staticIpSchema(), news as never) as never;
  },
  async diff() {
    return { changes: false, replaces: [] };
  },
  async create() {
    const objects = await sigma().post("/resources/ip/create", undefined, { idempotent: false });
    const ip = objects.find((o) => o.resource);
    if (!ip) throw new ProviderError("server", "CloudSigma answered /resources/ip/create without an address");
    return { id: ip.resource, outs: toOutputs(ip) };
  },
  async read(id) {
    const o = await sigma().info(`/resources/ip/${id}/info`);
    return o ? { id, props: toOutputs(o), inputs: {} as never } : { id: "" };
  },
  async update(id) {
    const o = await sigma().info(`/resources/ip/${id}/info`);
    if (!o) throw new ProviderError("not_found", `static IP ${id} no longer exists`);
    return { outs: toOutputs(o) };
  },
  async delete(id) {
    await unlessGone(sigma().post(`/resources/ip/${id}/destroy`, undefined, { idempotent: true }));
  },
};

export class StaticIp extends VendorResource {
  static override readonly __pulumiType = "pulumi-nodejs:dynamic/cloudsigma:StaticIp";
  declare readonly address: pulumi.Output<string>;
  declare readonly netmask: pulumi.Output<string>;
  declare readonly gateway: pulumi.Output<string>;
  declare readonly nameservers: pulumi.Output<string[]>;
  declare readonly owner: pulumi.Output<string>;

  constructor(name: string, args: StaticIpArgs = {}, opts?: pulumi.CustomResourceOptions) {
    const outputs = { address: undefined, netmask: undefined, gateway: undefined, nameservers: undefined, owner: undefined };
    super(lazyProvider("pulumi-private-cloud/cloudsigma", "staticIpProvider"), name, { ...outputs, ...args }, opts, "cloudsigma", "StaticIp");
  }
}
