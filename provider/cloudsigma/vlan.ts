/**
 * cloudsigma.Vlan: a private VLAN (`/resources/vlan/create`, `/set`, `/destroy`); servers join it on NIC 1.
 * A VLAN keeps nothing but its name, so no ownership marker: creates go one at a time per endpoint, and a
 * lost answer is resolved by the one VLAN that appeared.
 */
import { z } from "zod";
import { ProviderError, defineResource, uuid } from "../core";
import { escapeText, unescapeText } from "./codec";
import { vendor } from "./config";

// ---- Definition ------------------------------------------------------------------------------------

export const Vlan = defineResource({
  vendor,
  type: "Vlan",
  description: "A private VLAN; its id is what a server's `nic1.vlanUuid` takes.",
  inputs: z.strictObject({
    name: z.string().trim().min(1, "must not be empty").max(256).describe("the VLAN's name"),
  }),
  outputs: z.object({
    uuid: z.string().describe("the VLAN's uuid (its id): what a server's NIC 1 joins"),
    owner: z.string().describe("the account that owns the VLAN"),
  }),
  adopt: { byName: true, id: uuid("a VLAN") },
  recovery: { newObject: true },
  model: (v: WireVlan) => ({ name: unescapeText(v.name ?? ""), uuid: v.resource, owner: v.user }),
  operations: {
    async create(i, { client }) {
      const [v] = await client.post<WireVlan>("/resources/vlan/create", { name: escapeText(i.name) }, { idempotent: false });
      if (!v?.resource) throw new ProviderError("server", "CloudSigma created a VLAN but did not say its uuid");
      return { id: v.resource };
    },
    read: (id, { client }) => client.object<WireVlan>("vlans", id),
    async update(id, _olds, news, { client }) {
      await client.post(`/resources/vlan/${id}/set`, { name: escapeText(news.name) }, { idempotent: true });
    },
    async delete(id, _props, { client }) {
      await client.post(`/resources/vlan/${id}/destroy`, undefined, { idempotent: true });
    },
    async list({ name }, _i, { client }) {
      const vlans = await client.get<WireVlan>("/resources/vlan/info");
      return vlans.filter((v) => name === undefined || unescapeText(v.name ?? "") === name).map((v) => ({ id: v.resource }));
    },
  },
});
export type Vlan = InstanceType<typeof Vlan>;

// ---- Wire ------------------------------------------------------------------------------------------

/** A VLAN as `/resources/vlan/<uuid>/info` shows it. */
interface WireVlan {
  resource: string;
  type: string;
  user: string;
  name?: string;
}
