/**
 * cloudsigma.Drive: a drive made empty (`/drives/create`) or cloned from another drive or a standard
 * library image (`/drives/<uuid>/clone`, awaited until imaging is done: the `imaging` key and the imaging
 * claim both gone). In place: name, size (grow only), tags, claim type, readers. Replaced: the clone
 * source, the encryption cipher and the storage. The ownership marker is the drive's `user:pulumi` key.
 *
 * Storage: the manual puts a drive on SSD with the tag `affinity:ssd` at create or clone, on HDD (the default)
 * without it, and moves a drive across them only by a clone (its "ssd-to-hdd" and "hdd-to-ssd" examples):
 * `storage` sends that tag, and a drive cloned with `cloneFrom` may be on another storage than its source.
 */
import { z } from "zod";
import { ProviderError, defineResource, hasCode, known, retryWhileBusy, sleep, uuid, waitFor } from "../core";
import { MARKER_KEY, SigmaClient } from "./client";
import { KvObject, escapeText, tokens, unescapeText } from "./codec";
import { vendor } from "./config";

const GIB = 1024 ** 3;
const CLAIM_TYPES = ["exclusive", "shared"] as const;
const CIPHERS = ["aes-xts-plain", "none"] as const;
/** The tag that puts a drive on SSD (the manual's create and clone tables). */
const SSD = "affinity:ssd";

// ---- Definition ------------------------------------------------------------------------------------

const fields_ = z.strictObject({
  name: z.string().trim().min(1, "must not be empty").max(256).describe("the drive's name"),
  sizeGb: z
    .number()
    .positive("must be positive")
    .refine((g) => Number.isInteger(Math.round(g * GIB * 1e6) / 1e6), "must be a whole number of bytes")
    .describe("size in GiB (a whole number of bytes); drives only grow, and a clone may be larger than its source, never smaller"),
  cloneFrom: uuid("a drive").optional().describe("clone this drive or standard library image instead of making an empty drive"),
  claimType: z.enum(CLAIM_TYPES).default("exclusive").describe("exclusive (one server mounts it) or shared"),
  readers: z.array(z.string().min(1)).default([]).describe("users who may read the drive, or ffffffff-ffff-ffff-ffff-ffffffffffff for all"),
  encryptionCipher: z.enum(CIPHERS).default("aes-xts-plain").describe("aes-xts-plain (the vendor's default) or none"),
  tags: z.array(z.string().regex(/^\S+$/, "must not hold spaces")).default([]).describe("tags; with `storage` given, leave affinity:ssd out"),
  storage: z
    .enum(["ssd", "hdd"])
    .optional()
    .describe(
      "ssd (sent as the tag affinity:ssd) or hdd (the default, no such tag); a drive moves only by a clone, so a change replaces it, and " +
        "a `cloneFrom` copy may be on another storage than its source. Left out, the tags say (affinity:ssd or not)",
    ),
  timeoutSeconds: z
    .number()
    .int()
    .positive("must be positive")
    .default(1800)
    .describe("deadline of a clone's imaging, and of retries while the drive is busy, in seconds"),
});
const inputs = fields_.superRefine((v, ctx) => {
  if (v.storage !== undefined && Array.isArray(v.tags) && v.tags.includes(SSD)) {
    ctx.addIssue({ code: "custom", path: ["tags"], message: `${SSD} is what storage sets: with storage "${v.storage}", leave it out of tags` });
  }
});
type DriveInputs = z.output<typeof inputs>;

export const Drive = defineResource({
  vendor,
  type: "Drive",
  description: "A drive, empty or cloned from another drive or a library image (awaited until imaging is done).",
  inputs,
  outputs: z.object({
    uuid: z.string().describe("the drive's uuid (its id)"),
    status: z.string().describe("active, or another status the API shows"),
    sizeBytes: z.number(),
    owner: z.string().describe("the account that owns the drive"),
    claimedBy: z.array(z.string()).describe("servers and devices that mount the drive (`<host>:guest:<server>:<device>`), as of the last refresh"),
  }),
  replaceOn: ["cloneFrom", "encryptionCipher", "storage"],
  // Left out, the tags say which storage the drive is on, which is no change.
  computed: ["storage"],
  // A state written before `storage` existed: the tags it stored say (so giving storage is no replacement).
  upgrade: (olds) => (olds.storage === undefined ? { storage: (olds.tags ?? []).includes(SSD) ? ("ssd" as const) : ("hdd" as const) } : {}),
  adopt: { byName: true, id: uuid("a drive") },
  recovery: { marker: `the drive's ${MARKER_KEY} key` },
  model: (d: WireDrive, prior) => model(d, prior),
  async check(i, { client }, olds) {
    // The source of a new clone must exist, and the clone may not be smaller (the manual's 400).
    if (!i.cloneFrom || !known(i.cloneFrom, i.sizeGb) || i.cloneFrom === olds?.cloneFrom) return [];
    const source = (await client.object<WireDrive>("drives", i.cloneFrom)) ?? (await client.library()).find((d) => d.drive === i.cloneFrom);
    if (!source) return [{ property: "cloneFrom", reason: `no drive ${i.cloneFrom} in this CloudSigma account or its library to clone` }];
    const min = Number(source.size) / GIB;
    return i.sizeGb * GIB < Number(source.size) ? [{ property: "sizeGb", reason: `a clone cannot be smaller than its source (${min} GiB)` }] : [];
  },
  diff(olds, news, d) {
    if (!d.replaces.length && typeof news.sizeGb === "number" && news.sizeGb < olds.sizeGb) {
      throw new ProviderError("validation", `sizeGb: drive ${news.name} cannot shrink from ${olds.sizeGb} GiB to ${news.sizeGb} GiB`, { property: "sizeGb" });
    }
  },
  operations: {
    async create(i, { client, marker }) {
      const body: KvObject = { ...fields(i), [MARKER_KEY]: marker };
      if (i.encryptionCipher !== "aes-xts-plain") body["encryption:cipher"] = i.encryptionCipher;
      const path = i.cloneFrom ? `/drives/${i.cloneFrom}/clone` : "/drives/create";
      const [d] = await client.post<WireDrive>(path, body, { idempotent: false });
      if (!d?.drive) throw new ProviderError("server", `CloudSigma answered ${path} without a drive uuid`);
      return { id: d.drive, wait: i.cloneFrom ? () => imaged(client, d.drive, i) : undefined };
    },
    read: (id, { client }) => client.object<WireDrive>("drives", id),
    async update(id, _olds, news, { client }) {
      await whileBusy(client, news.timeoutSeconds, () => client.post(`/drives/${id}/set`, fields(news), { idempotent: true }));
    },
    async delete(id, props, { client }) {
      try {
        await whileBusy(client, props.timeoutSeconds, () => client.post(`/drives/${id}/destroy`, undefined, { idempotent: true }));
      } catch (e) {
        if (!hasCode(e, "conflict")) throw e;
        throw new ProviderError("conflict", `drive ${props.name} (${id}) is mounted on a server; detach it (or replace the server) before destroying it`, {
          ...e.details,
          resourceId: id,
        });
      }
    },
    async list({ name, marker, earlier }, _i, { client }) {
      const drives = marker
        ? await (earlier ? client.markedEarlier<WireDrive>("drives", marker) : client.marked<WireDrive>("drives", marker))
        : await client.get<WireDrive>("/drives/info");
      return drives.filter((d) => name === undefined || unescapeText(d.name ?? "") === name).map((d) => ({ id: d.drive, marker: d[MARKER_KEY] }));
    },
    // A drive found after a lost answer or a killed run may still be imaging.
    settle: (id, i, { client }) => imaged(client, id, i),
  },
});
export type Drive = InstanceType<typeof Drive>;

// ---- Model -----------------------------------------------------------------------------------------

/** The drive as outputs: the inputs as CloudSigma shows them (for refresh and adoption), and what only it knows. */
export function model(d: WireDrive, prior: Partial<DriveInputs> = {}) {
  const bytes = Number(d.size);
  const tags = tokens(d.tags);
  const storage = tags.includes(SSD) ? ("ssd" as const) : ("hdd" as const);
  return {
    name: unescapeText(d.name ?? ""),
    sizeGb: bytes / GIB,
    ...(CLAIM_TYPES.includes(d["claim:type"] as never) ? { claimType: d["claim:type"] as DriveInputs["claimType"] } : {}),
    readers: tokens(d.readers),
    ...(CIPHERS.includes(d["encryption:cipher"] as never) ? { encryptionCipher: d["encryption:cipher"] as DriveInputs["encryptionCipher"] } : {}),
    // The tag that says SSD is one of the tags where they say the storage (storage left out, or the tag in them).
    tags: prior.storage === undefined || prior.tags?.includes(SSD) ? tags : tags.filter((t) => t !== SSD),
    storage,
    uuid: d.drive,
    status: d.status,
    sizeBytes: bytes,
    owner: d.user,
    claimedBy: tokens(d.claimed).filter((c) => !c.includes("imaging")),
  };
}

/** What create, clone and set send (empty lists left out). */
function fields(i: DriveInputs): KvObject {
  const tags = i.storage === undefined ? i.tags : [...i.tags.filter((t) => t !== SSD), ...(i.storage === "ssd" ? [SSD] : [])];
  return {
    name: escapeText(i.name),
    size: String(Math.round(i.sizeGb * GIB)),
    "claim:type": i.claimType,
    ...(i.readers.length ? { readers: i.readers.join(" ") } : {}),
    ...(tags.length ? { tags: tags.join(" ") } : {}),
  };
}

// ---- Waits -----------------------------------------------------------------------------------------

/** Waits until a drive is no longer imaging, printing the progress it shows. */
function imaged(client: SigmaClient, uuid: string, i: DriveInputs): Promise<WireDrive> {
  return awaitImaging(client, uuid, i.name, i.timeoutSeconds * 1000, `cloudsigma.Drive ${i.name}`);
}

/**
 * Waits until a drive (a clone, or a server clone's copy) is no longer imaging, printing the progress it
 * shows under `who`; a copy that failed is a `task_failed` error.
 */
export function awaitImaging(client: SigmaClient, uuid: string, name: string, timeoutMs: number, who: string): Promise<WireDrive> {
  return waitFor(
    async () => {
      const d = await client.object<WireDrive>("drives", uuid);
      if (!d) throw new ProviderError("not_found", `drive ${uuid} vanished while imaging`);
      const imaging = d.imaging !== undefined || (d.claimed ?? "").includes("imaging");
      if (imaging) return { done: false, progress: `imaging ${d.imaging ?? ""}`.trim() };
      // A copy that failed leaves the drive inactive (undocumented; what the simulator does).
      if (d.status === "inactive")
        throw new ProviderError("task_failed", `imaging of drive ${name} (${uuid}) failed: the drive is inactive`, { resourceId: uuid });
      return { done: true, value: d };
    },
    {
      timeoutMs,
      intervalMs: client.pollMs,
      what: `drive ${name} (${uuid}) to finish imaging`,
      onProgress: (p) => console.log(`${who}: ${p}`),
    },
  );
}

/** Retries a change while the drive is busy (409, e.g. still imaging), until the deadline. */
export function whileBusy<T>(client: SigmaClient, timeoutSeconds: number, fn: () => Promise<T>): Promise<T> {
  return retryWhileBusy(fn, {
    deadline: Date.now() + timeoutSeconds * 1000,
    isBusy: (e) => hasCode(e, "conflict") && e.status === 409,
    whileBusy: () => sleep(client.pollMs),
  });
}

// ---- Wire ------------------------------------------------------------------------------------------

/** A drive as `/drives/<uuid>/info` shows it (key-value text: every value a string). */
export interface WireDrive {
  drive: string;
  name?: string;
  size: string;
  status: string;
  user: string;
  /** disk, or cdrom for a CD image. */
  type?: string;
  "claim:type"?: string;
  "encryption:cipher"?: string;
  readers?: string;
  tags?: string;
  /** `<host>:guest:<server>:<device>` tokens; one with `imaging` while a clone is copied. */
  claimed?: string;
  /** Present (`37%`, `queued`) only while imaging. */
  imaging?: string;
  [MARKER_KEY]?: string;
}
