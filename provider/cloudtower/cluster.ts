/**
 * cloudtower.Cluster: connects a cluster to CloudTower by IP, username and password (`/connect-cluster`),
 * updates what `/update-cluster` allows (IP, credentials, datacenter), and disconnects it on delete
 * (`/delete-cluster`). The password is a secret input, never echoed in the outputs: a secret, salted hash
 * of it shows a change.
 */
import { z } from "zod";
import { defineResource, plain, secretHash } from "../core";
import { vendor } from "./config";

// ---- Definition ------------------------------------------------------------------------------------

export const Cluster = defineResource({
  vendor,
  type: "Cluster",
  description: "A cluster connected to CloudTower by IP and credentials.",
  inputs: z.strictObject({
    ip: z.string().trim().min(1, "must not be empty").describe("the cluster's management IP"),
    username: z.string().min(1, "must not be empty"),
    password: z.string().min(1, "must not be empty").describe("always a secret, never in the outputs"),
    datacenterId: z.string().min(1).optional().describe("the datacenter to put the cluster in"),
    timeoutSeconds: z
      .number()
      .int()
      .positive("must be positive")
      .default(900)
      .describe("deadline of each task, in seconds (connecting loads the whole cluster)"),
  }),
  outputs: z.object({
    passwordHash: z.string().optional().describe("a secret, salted hash of the password: a change of password shows in a diff"),
    name: z.string(),
    localId: z.string().optional(),
    type: z.string(),
    architecture: z.string(),
    version: z.string(),
    connectState: z.string(),
    hypervisor: z.string().optional(),
    hostIds: z.array(z.string()),
    vdsIds: z.array(z.string()),
  }),
  hidden: { inputs: ["password"], hash: "passwordHash" },
  adopt: { byName: true },
  // A connected cluster keeps no field that could carry a marker: connects go one at a time per endpoint.
  recovery: { newObject: true },
  model: (w: WireCluster, prior) => ({
    ip: w.ip,
    ...(w.datacenters?.[0] && !prior.datacenterId ? { datacenterId: w.datacenters[0].id } : {}),
    name: w.name,
    localId: w.local_id,
    type: w.type,
    architecture: w.architecture,
    version: w.version,
    connectState: w.connect_state,
    hypervisor: w.hypervisor,
    hostIds: (w.hosts ?? []).map((h) => h.id),
    vdsIds: (w.vdses ?? []).map((v) => v.id),
  }),
  async check(i, { client }) {
    const failure = await client.missing("/get-datacenters", i.datacenterId, "datacenterId", "datacenter");
    return failure ? [failure] : [];
  },
  operations: {
    async create(i, { client }) {
      const [r] = await client.mutate<WireCluster>("/connect-cluster", [
        plain({ ip: i.ip, username: i.username, password: i.password, datacenter_id: i.datacenterId }),
      ]);
      return { id: r.data.id, wait: () => client.waitTasks([r], i.timeoutSeconds * 1000, `cluster ${i.ip} to connect`) };
    },
    read: (id, { client }) => client.one<WireCluster>("/get-clusters", id),
    async update(id, olds, news, { client }) {
      const data: Record<string, unknown> = {};
      if (news.ip !== olds.ip) data.ip = news.ip;
      if (news.username !== olds.username) data.username = news.username;
      if (secretHash(id, [news.password]) !== olds.passwordHash) data.password = news.password;
      if (news.datacenterId !== olds.datacenterId && news.datacenterId) data.datacenter_id = news.datacenterId;
      if (Object.keys(data).length === 0) return;
      await client.change(
        "/update-cluster",
        { where: { id }, data },
        { id, lockOf: "/get-clusters", timeoutMs: news.timeoutSeconds * 1000, what: `cluster ${news.ip} to be updated` },
      );
    },
    async delete(id, props, { client }) {
      await client.change(
        "/delete-cluster",
        { where: { id } },
        { id, lockOf: "/get-clusters", timeoutMs: props.timeoutSeconds * 1000, what: `cluster ${props.ip} to disconnect` },
      );
    },
    list: ({ name }, _i, { client }) => client.getAll<WireCluster>("/get-clusters", name ? { name } : {}),
  },
});
export type Cluster = InstanceType<typeof Cluster>;

// ---- Wire --------------------------------------------------------------------------------------------

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
