/**
 * cloudtower.Cluster: connects a cluster to CloudTower by IP, username and password (`/connect-cluster`),
 * updates what `/update-cluster` allows (IP, credentials, datacenter), and disconnects it on delete
 * (`/delete-cluster`). The cluster password is a secret input and never appears in the outputs.
 */
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";
import { z } from "zod";
import { ProviderError, checkWithSchema, diffInputs, hasCode, isUnknown, lazyProvider, plain, VendorResource } from "../core";
import { configureTower, tower } from "./config";

export interface ClusterArgs {
  ip: pulumi.Input<string>;
  username: pulumi.Input<string>;
  /** Secret: stored encrypted, never shown and never in the outputs. */
  password: pulumi.Input<string>;
  datacenterId?: pulumi.Input<string>;
  /** Deadline of each task, in seconds (default 900: connecting loads the whole cluster). */
  timeoutSeconds?: pulumi.Input<number>;
}

export interface ClusterInputs {
  ip: string;
  username: string;
  password: string;
  datacenterId?: string;
  timeoutSeconds: number;
}

/** No password here: outputs only hold a (secret) hash of it, so that a change is still seen. */
export interface ClusterOutputs extends Omit<ClusterInputs, "password"> {
  passwordHash: string;
  name: string;
  localId?: string;
  type: string;
  architecture: string;
  version: string;
  connectState: string;
  hypervisor?: string;
  hostIds: string[];
  vdsIds: string[];
}

interface WireCluster {
  id: string;
  name: string;
  ip: string;
  type: string;
  architecture: string;
  version: string;
  connect_state: string;
  local_id?: string;
  hypervisor?: string;
  hosts?: Array<{ id: string }>;
  vdses?: Array<{ id: string }>;
  datacenters?: Array<{ id: string }>;
}

const INPUTS = ["ip", "username", "datacenterId", "timeoutSeconds"] as const;

export function clusterSchema() {
  return z.strictObject({
    ip: z.string().trim().min(1, "must not be empty"),
    username: z.string().min(1, "must not be empty"),
    password: z.string().min(1, "must not be empty"),
    datacenterId: z.string().min(1).optional(),
    timeoutSeconds: z.number().int().positive("must be positive").default(900),
  });
}

/**
 * A salted hash of the password, so that a change of password shows in a diff without storing the
 * password in the outputs. The hash itself is a secret output (encrypted in the state).
 */
export function passwordHash(password: string, salt: string): string {
  return createHash("sha256").update(`${salt}:${password}`).digest("hex");
}

export function toOutputs(inputs: ClusterInputs, w: WireCluster): ClusterOutputs {
  const { password, ...rest } = inputs;
  return plain({
    ...rest,
    ip: w.ip,
    passwordHash: passwordHash(password, w.id),
    name: w.name,
    localId: w.local_id,
    type: w.type,
    architecture: w.architecture,
    version: w.version,
    connectState: w.connect_state,
    hypervisor: w.hypervisor,
    datacenterId: inputs.datacenterId ?? w.datacenters?.[0]?.id,
    hostIds: (w.hosts ?? []).map((h) => h.id),
    vdsIds: (w.vdses ?? []).map((v) => v.id),
  });
}

export const clusterProvider: Required<pulumi.dynamic.ResourceProvider<ClusterInputs, ClusterOutputs>> = {
  async configure(req) {
    configureTower(req.config);
  },

  async check(_olds, news) {
    const r = checkWithSchema(clusterSchema(), news as never);
    if (r.failures?.length) return r as never;
    const i = r.inputs as unknown as ClusterInputs;
    const failure = await tower().missing("/get-datacenters", i.datacenterId, "datacenterId", "datacenter");
    return failure ? { inputs: i, failures: [failure] } : { inputs: i };
  },

  async diff(id, olds, news) {
    const d = diffInputs(olds as never, news as never, { inputs: INPUTS, replaceOn: [] });
    const passwordChanged = isUnknown(news.password) || passwordHash(news.password, id) !== olds.passwordHash;
    return { changes: d.changes || passwordChanged, replaces: [] };
  },

  async create(inputs) {
    const t = tower();
    const [result] = await t.mutate<WireCluster>("/connect-cluster", [
      plain({ ip: inputs.ip, username: inputs.username, password: inputs.password, datacenter_id: inputs.datacenterId }),
    ]);
    const id = result.data.id;
    try {
      await t.waitTasks([result], inputs.timeoutSeconds * 1000, `cluster ${inputs.ip} to connect`);
    } catch (e) {
      if (hasCode(e, "task_failed") && (await t.one("/get-clusters", id))) {
        await t.mutate("/delete-cluster", { where: { id } }).catch(() => undefined);
      }
      throw e;
    }
    const w = await t.one<WireCluster>("/get-clusters", id);
    if (!w) throw new ProviderError("not_found", `cluster ${inputs.ip} (${id}) vanished right after it was connected`);
    return { id, outs: toOutputs(inputs, w) };
  },

  async read(id, props) {
    const w = await tower().one<WireCluster>("/get-clusters", id);
    if (!w) return { id: "" };
    const o = props as ClusterOutputs;
    // The password cannot be read back: keep the stored hash.
    const outs = { ...toOutputs({ ip: o.ip, username: o.username, password: "", datacenterId: o.datacenterId, timeoutSeconds: o.timeoutSeconds }, w), passwordHash: o.passwordHash };
    return { id, props: outs };
  },

  async update(id, olds, news) {
    const data: Record<string, unknown> = {};
    if (news.ip !== olds.ip) data.ip = news.ip;
    if (news.username !== olds.username) data.username = news.username;
    if (passwordHash(news.password, id) !== olds.passwordHash) data.password = news.password;
    if (news.datacenterId !== olds.datacenterId && news.datacenterId) data.datacenter_id = news.datacenterId;
    if (Object.keys(data).length) {
      await tower().change("/update-cluster", { where: { id }, data }, { id, lockOf: "/get-clusters", timeoutMs: news.timeoutSeconds * 1000, what: `cluster ${news.ip} to be updated` });
    }
    const w = await tower().one<WireCluster>("/get-clusters", id);
    if (!w) throw new ProviderError("not_found", `cluster ${news.ip} (${id}) is no longer connected`);
    return { outs: toOutputs(news, w) };
  },

  async delete(id, props) {
    await tower().change("/delete-cluster", { where: { id } }, { id, lockOf: "/get-clusters", timeoutMs: props.timeoutSeconds * 1000, what: `cluster ${props.ip} to disconnect` });
  },
};

export class Cluster extends VendorResource {
  static override readonly __pulumiType = "pulumi-nodejs:dynamic/cloudtower:Cluster";

  declare readonly ip: pulumi.Output<string>;
  declare readonly username: pulumi.Output<string>;
  declare readonly name: pulumi.Output<string>;
  declare readonly localId: pulumi.Output<string | undefined>;
  declare readonly type: pulumi.Output<string>;
  declare readonly architecture: pulumi.Output<string>;
  declare readonly version: pulumi.Output<string>;
  declare readonly connectState: pulumi.Output<string>;
  declare readonly hypervisor: pulumi.Output<string | undefined>;
  declare readonly hostIds: pulumi.Output<string[]>;
  declare readonly vdsIds: pulumi.Output<string[]>;

  constructor(name: string, args: ClusterArgs, opts?: pulumi.CustomResourceOptions) {
    const outputs = { name: undefined, localId: undefined, type: undefined, architecture: undefined, version: undefined, connectState: undefined, hypervisor: undefined, hostIds: undefined, vdsIds: undefined, passwordHash: undefined };
    // The password is always a secret, even when given as plain text.
    const props = { ...outputs, ...args, password: pulumi.secret(args.password) };
    const secretOutputs = [...(opts?.additionalSecretOutputs ?? []), "passwordHash"];
    super(lazyProvider("pulumi-private-cloud/cloudtower", "clusterProvider"), name, props, { ...opts, additionalSecretOutputs: secretOutputs }, "cloudtower", "Cluster");
  }
}
