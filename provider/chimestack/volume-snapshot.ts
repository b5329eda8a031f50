/**
 * chimestack.VolumeSnapshot: a snapshot of a volume (`POST /v1/volume/<uuid>/snapshot`), of a volume made
 * apart or one a VM was made with, awaited until ready. Name and description change in place
 * (`updateSnapshot`); another volume replaces it. Restoring a volume from a snapshot (`restoreVolume`) is
 * an action that rewrites the volume's data, not an object with a lifecycle: it is not a resource here.
 * A snapshot still being made is awaited before its delete.
 * The ownership marker rides at the end of the description.
 */
import { z } from "zod";
import { defineResource, known, splitMarker, unlessGone, uuid, withMarker } from "../core";
import { ChimeClient, settledAt } from "./client";
import { vendor } from "./config";
import { name } from "./vm";

const snapshotPath = (volume: string, snapshot?: string) => `/v1/volume/${volume}/snapshot${snapshot ? `/${snapshot}` : ""}`;

// ---- Definition ------------------------------------------------------------------------------------

export const VolumeSnapshot = defineResource({
  vendor,
  type: "VolumeSnapshot",
  description: "A snapshot of a volume (made apart or a VM's), renamed in place.",
  inputs: z.strictObject({
    volumeUuid: uuid("a volume").describe("the volume to snapshot (a chimestack.Volume, or one of a VM's volumeDetails); changing it replaces the snapshot"),
    name: name(),
    description: z.string().default(""),
    timeoutSeconds: z.number().int().positive().default(600).describe("deadline of the create's wait, in seconds"),
  }),
  outputs: z.object({
    uuid: z.string(),
    state: z.number().describe("0 being made, 1 ready"),
    volumeName: z.string(),
    volumeVersion: z.number().describe("the version of the volume the snapshot holds"),
    createdAt: z.string(),
  }),
  replaceOn: ["volumeUuid"],
  adopt: { byName: true, id: uuid("a snapshot") },
  recovery: { marker: "the end of the snapshot's description" },
  model: (w: WireSnapshot) => ({
    name: w.name,
    description: splitMarker(w.description).text,
    volumeUuid: w.volume_uuid,
    uuid: w.uuid,
    state: w.state,
    volumeName: w.volume_name ?? "",
    volumeVersion: w.volume_version,
    createdAt: w.created_at,
  }),
  // The volume is often made in the same run: an id not known at preview is not looked up. Its snapshot
  // list answers 404 when there is no such volume.
  async check(i, { client }) {
    if (!known(i.volumeUuid)) return [];
    return client.missing(`${snapshotPath(i.volumeUuid)}?size=1`, "elements", { property: "volumeUuid", reason: `no volume ${i.volumeUuid} in ChimeStack` });
  },
  operations: {
    async create(i, { client, marker }) {
      const body = { name: i.name, description: withMarker(i.description, marker) };
      const { snapshot } = await client.call<{ snapshot: WireSnapshot }>("POST", snapshotPath(i.volumeUuid), body);
      return { id: snapshot.uuid, wait: () => settle(client, snapshot.uuid, i) };
    },
    read: (id, { client }, prior) => client.item<WireSnapshot>(snapshotPath(prior.volumeUuid), "snapshot", id),
    async update(id, olds, news, { client }) {
      if (olds.name === news.name && olds.description === news.description) return;
      const path = snapshotPath(news.volumeUuid, id);
      const description = await client.markedDescription(path, "snapshot", news.description, news.marker);
      await client.call("PATCH", path, { name: news.name, description }, { idempotent: true });
    },
    async delete(id, props, { client }) {
      // A snapshot still being made refuses its delete: it is awaited first (gone already: nothing to do).
      if (!(await unlessGone(settle(client, id, props)))) return;
      await client.call("DELETE", snapshotPath(props.volumeUuid, id), undefined, { idempotent: true });
    },
    list: ({ name, earlier }, i, { client }) => client.found(snapshotPath(i.volumeUuid), { name }, earlier),
    settle: (id, i, { client }) => settle(client, id, i),
  },
});
export type VolumeSnapshot = InstanceType<typeof VolumeSnapshot>;

const settle = async (c: ChimeClient, id: string, i: { volumeUuid: string; name: string; timeoutSeconds: number }) => ({
  wire: await settledAt<WireSnapshot>(c, snapshotPath(i.volumeUuid, id), "snapshot", `snapshot ${i.name}`, i.timeoutSeconds),
});

// ---- Wire --------------------------------------------------------------------------------------------

export interface WireSnapshot {
  uuid: string;
  name: string;
  description: string;
  volume_uuid: string;
  volume_name?: string;
  volume_version: number;
  state: number;
  operation: string;
  created_at: string;
}
