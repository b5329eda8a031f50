/**
 * cloudsigma.ServerGroup: a named group of servers (`/servergroups/create`, `/set`, `/add`, `/remove`,
 * `/destroy`). Members are added and removed one change at a time, against the members the group has;
 * renaming is in place. The ownership marker rides at the end of the description.
 */
import { z } from "zod";
import { ProviderError, defineResource, splitMarker, uuid, withMarker } from "../core";
import type { SigmaClient } from "./client";
import { KvObject, escapeText, tokens, unescapeText } from "./codec";
import { vendor } from "./config";

// ---- Definition ------------------------------------------------------------------------------------

export const ServerGroup = defineResource({
  vendor,
  type: "ServerGroup",
  description: "A named group of servers.",
  inputs: z.strictObject({
    name: z.string().trim().min(1, "must not be empty").max(256).describe("the group's name"),
    description: z.string().default(""),
    servers: z.array(uuid("a server")).default([]).describe("uuids of the member servers (cloudsigma.Server ids)"),
  }),
  outputs: z.object({
    uuid: z.string().describe("the group's uuid (its id)"),
  }),
  adopt: { byName: true, id: uuid("a server group") },
  recovery: { marker: "the end of the group's description" },
  model: (g: Group, prior) => ({
    name: unescapeText(g.name ?? ""),
    description: splitMarker(unescapeText(g.description ?? "")).text,
    servers: declaredOrder(tokens(g.servers), prior.servers ?? []),
    uuid: g.uuid,
  }),
  operations: {
    async create(i, { client, marker }) {
      const [g] = await client.post<WireGroup>(
        "/servergroups/create",
        { name: escapeText(i.name), description: escapeText(withMarker(i.description, marker)) },
        { idempotent: false },
      );
      if (!g?.uuid) throw new ProviderError("server", "CloudSigma answered /servergroups/create without a uuid");
      // Adding the members is the create's wait: the group is recorded first, and the next update adds them again.
      return { id: g.uuid, wait: i.servers.length ? () => client.post(`/servergroups/${g.uuid}/add`, members(i.servers), { idempotent: true }) : undefined };
    },
    read: (id, { client }) => info(client, id),
    async update(id, _olds, news, { client }) {
      const g = await info(client, id);
      if (!g) throw new ProviderError("not_found", `server group ${news.name} (${id}) no longer exists`);
      const description = splitMarker(unescapeText(g.description ?? ""));
      if (news.name !== unescapeText(g.name ?? "") || news.description !== description.text) {
        const text = withMarker(news.description, description.marker ?? news.marker);
        await client.post(`/servergroups/${id}/set`, { name: escapeText(news.name), description: escapeText(text) }, { idempotent: true });
      }
      const have = tokens(g.servers);
      const removed = have.filter((s) => !news.servers.includes(s));
      const added = news.servers.filter((s) => !have.includes(s));
      if (removed.length) await client.post(`/servergroups/${id}/remove`, members(removed), { idempotent: true });
      if (added.length) await client.post(`/servergroups/${id}/add`, members(added), { idempotent: true });
    },
    async delete(id, _props, { client }) {
      await client.post(`/servergroups/${id}/destroy`, undefined, { idempotent: true });
    },
    // The manual lists a group's uuid with `/servergroups/list` and its name and description with its `info`.
    async list({ name }, _i, { client }) {
      const groups = await Promise.all((await client.list("/servergroups/list")).map((id) => info(client, id)));
      return groups
        .filter((g): g is Group => g !== undefined && (name === undefined || unescapeText(g.name ?? "") === name))
        .map((g) => ({ id: g.uuid, marker: splitMarker(unescapeText(g.description ?? "")).marker }));
    },
  },
});
export type ServerGroup = InstanceType<typeof ServerGroup>;

// ---- Model -----------------------------------------------------------------------------------------

/** The members in their declared order, then the others: a refresh shows no false change. */
function declaredOrder(have: string[], declared: string[]): string[] {
  return [...declared.filter((u) => have.includes(u)), ...have.filter((u) => !declared.includes(u))];
}

/** The members as `server:N uuid` keys, as /add and /remove take them. */
const members = (uuids: string[]): KvObject => Object.fromEntries(uuids.map((u, i) => [`server:${i}`, u]));

/** A group's info, with its uuid (the manual's example of `info` does not always show it). */
async function info(client: SigmaClient, id: string): Promise<Group | undefined> {
  const g = await client.info<WireGroup>(`/servergroups/${id}/info`);
  return g && { ...g, uuid: g.uuid ?? id };
}

// ---- Wire ------------------------------------------------------------------------------------------

/** A server group as `/servergroups/<uuid>/info` shows it. */
interface WireGroup {
  uuid?: string;
  name?: string;
  description?: string;
  /** The member servers' uuids, space-separated. */
  servers?: string;
}
type Group = WireGroup & { uuid: string };
