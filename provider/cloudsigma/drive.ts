/**
 * cloudsigma.Drive: a drive made empty (`/drives/create`) or cloned from another drive or a standard
 * library image (`/drives/<uuid>/clone`, waiting until imaging is done: the `imaging` key and the imaging
 * claim both gone). In place: name, size (grow only), tags, claim type, readers. Replaced: the clone
 * source and the encryption cipher.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { ProviderError, checkWithSchema, containsUnknown, diffInputs, hasCode, lazyProvider, plain, retryWhileBusy, sleep, waitFor, VendorResource } from "../core";
import { KvObject, escapeText, tokens, unescapeText } from "./codec";
import { configureSigma, sigma } from "./config";

const GIB = 1024 ** 3;

export interface DriveArgs {
  name: pulumi.Input<string>;
  /** Size in GiB (a whole number of bytes); a clone may be larger than its source, never smaller. */
  sizeGb: pulumi.Input<number>;
  /** Clone this drive or standard library image instead of making an empty drive (replaces on change). */
  cloneFrom?: pulumi.Input<string>;
  /** exclusive (default) or shared. */
  claimType?: pulumi.Input<"exclusive" | "shared">;
  /** Users who may read the drive, or ffffffff-ffff-ffff-ffff-ffffffffffff for all. */
  readers?: pulumi.Input<pulumi.Input<string>[]>;
  /** aes-xts-plain (the vendor's default) or none; changing it replaces the drive. */
  encryptionCipher?: pulumi.Input<"aes-xts-plain" | "none">;
  /** Tags such as affinity:ssd. */
  tags?: pulumi.Input<pulumi.Input<string>[]>;
  /** How long to wait for a clone's imaging, in seconds (default 1800). */
  timeoutSeconds?: pulumi.Input<number>;
}

export interface DriveInputs {
  name: string;
  sizeGb: number;
  cloneFrom?: string;
  claimType: "exclusive" | "shared";
  readers: string[];
  encryptionCipher: "aes-xts-plain" | "none";
  tags: string[];
  timeoutSeconds: number;
}

export interface DriveOutputs extends DriveInputs {
  uuid: string;
  status: string;
  sizeBytes: number;
  owner: string;
  /** Servers (and devices) that mount the drive: `<host>:guest:<server>:<device>`. */
  claimedBy: string[];
}

const INPUTS = ["name", "sizeGb", "cloneFrom", "claimType", "readers", "encryptionCipher", "tags", "timeoutSeconds"] as const;
const REPLACE_ON = ["cloneFrom", "encryptionCipher"] as const;

export function driveSchema() {
  return z.strictObject({
    name: z.string().trim().min(1, "must not be empty").max(256),
    sizeGb: z
      .number()
      .positive("must be positive")
      .refine((g) => Number.isInteger(Math.round(g * GIB * 1e6) / 1e6), "must be a whole number of bytes"),
    cloneFrom: z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, "must be a drive uuid").optional(),
    claimType: z.enum(["exclusive", "shared"]).default("exclusive"),
    readers: z.array(z.string().min(1)).default([]),
    encryptionCipher: z.enum(["aes-xts-plain", "none"]).default("aes-xts-plain"),
    tags: z.array(z.string().regex(/^\S+$/, "must not hold spaces")).default([]),
    timeoutSeconds: z.number().int().positive("must be positive").default(1800),
  });
}

export function toOutputs(inputs: DriveInputs, d: KvObject): DriveOutputs {
  const bytes = Number(d.size);
  return plain({
    ...inputs,
    name: unescapeText(d.name ?? ""),
    sizeGb: bytes / GIB,
    claimType: (d["claim:type"] as DriveInputs["claimType"]) ?? inputs.claimType,
    readers: tokens(d.readers),
    encryptionCipher: (d["encryption:cipher"] as DriveInputs["encryptionCipher"]) ?? inputs.encryptionCipher,
    tags: tokens(d.tags),
    uuid: d.drive,
    status: d.status,
    sizeBytes: bytes,
    owner: d.user,
    claimedBy: tokens(d.claimed).filter((c) => !c.includes("imaging")),
  });
}

function driveFields(i: DriveInputs): KvObject {
  return plain({
    name: escapeText(i.name),
    size: String(Math.round(i.sizeGb * GIB)),
    "claim:type": i.claimType,
    ...(i.readers.length ? { readers: i.readers.join(" ") } : {}),
    ...(i.tags.length ? { tags: i.tags.join(" ") } : {}),
  });
}

/** Waits until a drive is no longer imaging, reporting the progress it shows. */
async function waitImaged(uuid: string, i: DriveInputs): Promise<KvObject> {
  return waitFor(
    async () => {
      const d = await sigma().info(`/drives/${uuid}/info`);
      if (!d) throw new ProviderError("not_found", `drive ${uuid} vanished while imaging`);
      const imaging = d.imaging !== undefined || (d.claimed ?? "").includes("imaging");
      return imaging ? { done: false, progress: `imaging ${d.imaging ?? ""}`.trim() } : { done: true, value: d };
    },
    {
      timeoutMs: i.timeoutSeconds * 1000,
      intervalMs: sigma().settings.pollIntervalMs ?? 1000,
      what: `drive ${i.name} (${uuid}) to finish imaging`,
      onProgress: (p) => console.log(`cloudsigma.Drive ${i.name}: ${p}`),
    },
  );
}

/** Retries a change while the drive is busy (409, e.g. still imaging), until the deadline. */
function whileBusy<T>(fn: () => Promise<T>, timeoutSeconds: number): Promise<T> {
  return retryWhileBusy(fn, {
    deadline: Date.now() + timeoutSeconds * 1000,
    isBusy: (e) => hasCode(e, "conflict") && e.status === 409,
    whileBusy: () => sleep(sigma().settings.pollIntervalMs ?? 1000),
  });
}

export const driveProvider: Required<pulumi.dynamic.ResourceProvider<DriveInputs, DriveOutputs>> = {
  async configure(req) {
    configureSigma(req.config);
  },

  async check(_olds, news) {
    return checkWithSchema(driveSchema(), news as never) as never;
  },

  async diff(_id, olds, news) {
    const d = diffInputs(olds as never, news as never, { inputs: INPUTS, replaceOn: REPLACE_ON });
    if (!d.replaces.length && !containsUnknown(news.sizeGb) && news.sizeGb < olds.sizeGb) {
      throw new ProviderError("validation", `sizeGb: drive ${news.name} cannot shrink from ${olds.sizeGb} GiB to ${news.sizeGb} GiB`, { property: "sizeGb" });
    }
    return { changes: d.changes, replaces: d.replaces };
  },

  async create(inputs) {
    const body = driveFields(inputs);
    if (inputs.encryptionCipher !== "aes-xts-plain") body["encryption:cipher"] = inputs.encryptionCipher;
    const path = inputs.cloneFrom ? `/drives/${inputs.cloneFrom}/clone` : "/drives/create";
    const [d] = await sigma().post(path, body, { idempotent: false });
    if (!d?.drive) throw new ProviderError("server", `CloudSigma answered ${path} without a drive uuid`);
    let done: KvObject;
    try {
      done = inputs.cloneFrom ? await waitImaged(d.drive, inputs) : d;
    } catch (e) {
      // Record the drive rather than orphan it: the next update waits on it again.
      throw Object.assign(new Error(`${(e as Error).message}; the drive ${d.drive} is recorded`), { id: d.drive, properties: toOutputs(inputs, d), reasons: [(e as Error).message] });
    }
    return { id: d.drive, outs: toOutputs(inputs, done) };
  },

  async read(id, props) {
    const d = await sigma().info(`/drives/${id}/info`);
    if (!d) return { id: "" };
    const prev = props ?? (driveSchema().parse({ name: d.name ?? id, sizeGb: Number(d.size) / GIB }) as DriveInputs);
    const outs = toOutputs(prev as DriveInputs, d);
    const inputs: Record<string, unknown> = {};
    for (const k of INPUTS) if (outs[k] !== undefined) inputs[k] = outs[k];
    return { id, props: outs, inputs: inputs as never };
  },

  async update(id, _olds, news) {
    const [d] = await whileBusy(() => sigma().post(`/drives/${id}/set`, driveFields(news), { idempotent: true }), news.timeoutSeconds);
    return { outs: toOutputs(news, d) };
  },

  async delete(id, props) {
    try {
      await whileBusy(() => sigma().post(`/drives/${id}/destroy`, undefined, { idempotent: true }), props.timeoutSeconds);
    } catch (e) {
      if (hasCode(e, "not_found")) return;
      if (hasCode(e, "conflict")) {
        throw new ProviderError("conflict", `drive ${props.name} (${id}) is mounted on a server; detach it (or replace the server) before destroying it`, { ...(e as ProviderError).details, resourceId: id });
      }
      throw e;
    }
  },
};

export class Drive extends VendorResource {
  static override readonly __pulumiType = "pulumi-nodejs:dynamic/cloudsigma:Drive";
  declare readonly name: pulumi.Output<string>;
  declare readonly sizeGb: pulumi.Output<number>;
  declare readonly uuid: pulumi.Output<string>;
  declare readonly status: pulumi.Output<string>;
  declare readonly sizeBytes: pulumi.Output<number>;
  declare readonly owner: pulumi.Output<string>;
  declare readonly claimedBy: pulumi.Output<string[]>;

  constructor(name: string, args: DriveArgs, opts?: pulumi.CustomResourceOptions) {
    const outputs = { uuid: undefined, status: undefined, sizeBytes: undefined, owner: undefined, claimedBy: undefined };
    super(lazyProvider("pulumi-private-cloud/cloudsigma", "driveProvider"), name, { ...outputs, ...args }, opts, "cloudsigma", "Drive");
  }
}
