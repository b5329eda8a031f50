/**
 * chimestack.Image: a user's private image (`createUserImage`), which ChimeStack fetches from an install
 * URL (an sftp URL, or a file path on the server's node), awaited until ready. ChimeStack makes no image
 * from a volume or a VM: the URL is the only source. Everything but the URL changes in place
 * (`updateImage`); a new URL replaces the image. The URL may carry a login (`sftp://user:password@host/`):
 * it is a secret. The ownership marker rides at the end of the description.
 */
import { z } from "zod";
import { defineResource, splitMarker, uuid, withMarker } from "../core";
import { ChimeClient, settledAt } from "./client";
import { vendor } from "./config";

const PATH = "/v1/image";

// ---- Definition ------------------------------------------------------------------------------------

export const Image = defineResource({
  vendor,
  type: "Image",
  description: "A user's private image, fetched from an install URL; changed in place but for its URL.",
  inputs: z.strictObject({
    name: z.string().trim().min(1, "must not be empty").max(64),
    installUrl: z
      .string()
      .regex(/^(sftp:\/\/|file:\/\/\/)\S+$/, "must be an sftp:// URL or a file:/// path on the server's node")
      .describe("where ChimeStack fetches the image (a secret: it may carry a login); a new URL replaces the image"),
    description: z.string().default(""),
    format: z.string().min(1, "must not be empty").default("qcow2").describe("raw, qcow2, iso, ..."),
    bootType: z.string().default("").describe("UEFI or legacy"),
    osType: z.string().default("").describe("Linux, Windows, ..."),
    osDetail: z.string().default("").describe("the OS version, such as CentOS 8.5"),
    osArch: z.string().default("").describe("x86_64, arm, ..."),
    shared: z.boolean().default(false).describe("shared with other accounts"),
    timeoutSeconds: z.number().int().positive().default(1800).describe("deadline of the fetch, in seconds"),
  }),
  outputs: z.object({
    uuid: z.string(),
    state: z.number().describe("0 being fetched, 1 ready"),
    bucketUuid: z.string().describe("the image bucket (the owner's)"),
  }),
  replaceOn: ["installUrl"],
  secrets: ["installUrl"],
  adopt: { byName: true, id: uuid("an image") },
  recovery: { marker: "the end of the image's description" },
  model: (w: WireImage) => ({
    name: w.name,
    description: splitMarker(w.description).text,
    format: w.format,
    bootType: w.boot_type,
    osType: w.os_type,
    osDetail: w.os_detail,
    osArch: w.os_arch,
    shared: w.shared === 1,
    uuid: w.uuid,
    state: w.state,
    bucketUuid: w.bucket_uuid,
  }),
  operations: {
    async create(i, { client, marker }) {
      const { image } = await client.call<{ image: WireImage }>("POST", `${PATH}/user`, {
        ...body(i, withMarker(i.description, marker)),
        install_url: i.installUrl,
      });
      return { id: image.uuid, wait: () => settle(client, image.uuid, i) };
    },
    read: (id, { client }) => client.item<WireImage>(PATH, "image", id),
    async update(id, olds, news, { client }) {
      if (JSON.stringify(body(olds, olds.description)) === JSON.stringify(body(news, news.description))) return;
      const path = `${PATH}/${id}`;
      await client.call("PATCH", path, body(news, await client.markedDescription(path, "image", news.description, news.marker)), { idempotent: true });
    },
    async delete(id, _props, { client }) {
      await client.call("DELETE", `${PATH}/${id}`, undefined, { idempotent: true });
    },
    list: ({ name, earlier }, _i, { client }) => client.found(PATH, { name }, earlier),
    settle: (id, i, { client }) => settle(client, id, i),
  },
});
export type Image = InstanceType<typeof Image>;

/** Waits until the image is fetched (state 1; the example shows `operation` "" while it is fetched). */
const settle = async (c: ChimeClient, id: string, i: { name: string; timeoutSeconds: number }) => ({
  wire: await settledAt<WireImage>(c, `${PATH}/${id}`, "image", `image ${i.name}`, i.timeoutSeconds, (w) => w.state === 1 && !w.operation),
});

// ---- Wire --------------------------------------------------------------------------------------------

/** The UpdateImageRequest (CreateImageRequest less `install_url`). */
const body = (
  i: { name: string; format: string; bootType: string; osType: string; osDetail: string; osArch: string; shared: boolean },
  description: string,
) => ({
  name: i.name,
  description,
  format: i.format,
  boot_type: i.bootType,
  os_type: i.osType,
  os_detail: i.osDetail,
  os_arch: i.osArch,
  shared: i.shared ? 1 : 0,
});

export interface WireImage {
  uuid: string;
  name: string;
  description: string;
  format: string;
  boot_type: string;
  os_type: string;
  os_detail: string;
  os_arch: string;
  shared: number;
  bucket_uuid: string;
  state: number;
  operation: string;
}
