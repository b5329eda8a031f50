/**
 * cloudsigma.ServerGroup: a named group of servers (`/servergroups/create`, `/set`, `/add`, `/remove`,
 * `/destroy`). Members are added and removed one change at a time; renaming is in place.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { ProviderError, checkWithSchema, diffInputs, lazyProvider, plain, VendorResource, unlessGone } from "../core";
import { KvObject, escapeText, tokens, unescapeText } from "./codec";
import { configureSigma, sigma } from "./config";

export interface ServerGroupArgs {
  name: pulumi.Input<string>;
  description?: pulumi.Input<string>;
  /** uuids of the member servers. */
  servers?: pulumi.Input<pulumi.Input<string>[]>;
}
export interface ServerGroupInputs {
  name: string;
  description: string;
  servers: string[];
}
export interface ServerGroupOutputs extends ServerGroupInputs {
  uuid: string;
}

export function serverGroupSchema() {
  return z.strictObject({
    name: z.string().trim().min(1, "must not be empty").max(256),
    description: z.string().default(""),
    servers: z.array(z.string().min(1)).default([]),
  });
}

/** The members as `server:N uuid` keys, as /add and /remove take them. */
const members = (uuids: string[]): KvObject => Object.fromEntries(uuids.map((u, i) => [`server:${i}`, u]));

export function toOutputs(g: KvObject, order: string[] = []): ServerGroupOutputs {
  const have = tokens(g.servers);
  // Keep the declared order for the members that are there, so that a refresh shows no false change.
  const sorted = [...order.filter((u) => have.includes(u)), ...have.filter((u) => !order.includes(u))];
  return plain({ name: unescapeText(g.name ?? ""), description: unescapeText(g.description ?? ""), servers: sorted, uuid: g.uuid });
}

async function info(id: string) {
  return sigma().info(`/servergroups/${id}/info`);
}

export const serverGroupProvider: Required<pulumi.dynamic.ResourceProvider<ServerGroupInputs, ServerGroupOutputs>> = {
  async configure(req) {
    configureSigma(req.config);
  },
  async check(_olds, news) {
    return checkWithSchema(serverGroupSchema(), news as never) as never;
  },
  async diff(_id, olds, news) {
    const d = diffInputs(olds as never, news as never, { inputs: ["name", "description", "servers"], replaceOn: [] });
    return { changes: d.changes, replaces: [] };
  },
  async create(inputs) {
    const [g] = await sigma().post("/servergroups/create", { name: escapeText(inputs.name), ...(inputs.description ? { description: escapeText(inputs.description) } : {}) }, { idempotent: false });
    if (!g?.uuid) throw new ProviderError("server", "CloudSigma answered /servergroups/create without a uuid");
    if (inputs.servers.length) {
      try {
        await sigma().post(`/servergroups/${g.uuid}/add`, members(inputs.servers), { idempotent: true });
      } catch (e) {
        // Record the group so that it is not orphaned; the next update adds the members again.
        throw Object.assign(new Error(`server group ${inputs.name} was created but its members were not added: ${(e as Error).message}`), { id: g.uuid, properties: { ...inputs, servers: [], uuid: g.uuid }, reasons: [(e as Error).message] });
      }
    }
    return { id: g.uuid, outs: toOutputs((await info(g.uuid))!, inputs.servers) };
  },
  async read(id, props) {
    const g = await info(id);
    if (!g) return { id: "" };
    const outs = toOutputs(g, props?.servers);
    return { id, props: outs, inputs: { name: outs.name, description: outs.description, servers: outs.servers } as never };
  },
  async update(id, olds, news) {
    if (news.name !== olds.name || news.description !== olds.description) {
      await sigma().post(`/servergroups/${id}/set`, { name: escapeText(news.name), description: escapeText(news.description) }, { idempotent: true });
    }
    const added = news.servers.filter((s) => !olds.servers.includes(s));
    const removed = olds.servers.filter((s) => !news.servers.includes(s));
    if (removed.length) await sigma().post(`/servergroups/${id}/remove`, members(removed), { idempotent: true });
    if (added.length) await sigma().post(`/servergroups/${id}/add`, members(added), { idempotent: true });
    const g = await info(id);
    if (!g) throw new ProviderError("not_found", `server group ${news.name} (${id}) no longer exists`);
    return { outs: toOutputs(g, news.servers) };
  },
  async delete(id) {
    await unlessGone(sigma().post(`/servergroups/${id}/destroy`, undefined, { idempotent: true }));
  },
};

export class ServerGroup extends VendorResource {
  static override readonly __pulumiType = "pulumi-nodejs:dynamic/cloudsigma:ServerGroup";
  declare readonly name: pulumi.Output<string>;
  declare readonly servers: pulumi.Output<string[]>;
  declare readonly uuid: pulumi.Output<string>;

  constructor(name: string, args: ServerGroupArgs, opts?: pulumi.CustomResourceOptions) {
    super(lazyProvider("pulumi-private-cloud/cloudsigma", "serverGroupProvider"), name, { uuid: undefined, ...args }, opts, "cloudsigma", "ServerGroup");
  }
}
