/**
 * cloudsigma.Profile: the account's profile (`/profile/info`, `/profile/set`), of which there is one per
 * account: a create makes nothing, it sets the fields the inputs give on the profile that exists (its id is
 * the account's uuid), and is simply repeated when its answer is lost. Only the fields given are owned:
 * one left out is left as it is. Every change is in place. The email (the login the provider's own
 * credentials use) and the billing currency (once set, it cannot change; `/profile/set` does not take it)
 * are outputs only. The profile cannot be deleted: destroy leaves it as it is.
 */
import { z } from "zod";
import { ProviderError, defineResource } from "../core";
import type { SigmaClient } from "./client";
import { KvObject, escapeText, unescapeText } from "./codec";
import { vendor } from "./config";

/** Each input and the profile key it is (the manual's `/profile/set` table; the email is the login, not changed here). */
const FIELDS = {
  firstName: "first_name",
  lastName: "last_name",
  nickName: "nick_name",
  title: "title",
  company: "company",
  address: "address",
  postcode: "postcode",
  phone: "phone",
} as const;
type Field = keyof typeof FIELDS;

// ---- Definition ------------------------------------------------------------------------------------

const required = (what: string) => z.string().trim().min(1, "must not be empty: the API requires it").max(256).optional().describe(what);
const text = (what: string) => z.string().max(256).optional().describe(what);
/**
 * A profile key `/profile/info` shows but the manual's `/profile/set` table does not list: refused at
 * preview rather than sent to an API that documents no such change (the getProfile look-up shows it).
 */
const refused = (key: string) =>
  z
    .string()
    .optional()
    .refine(
      (v) => v === undefined,
      `the manual's /profile/set does not take ${key} (it lists first_name, last_name, nick_name, title, company, address, postcode and phone): ` +
        `set it in CloudSigma's web console and leave it out here; getProfile shows it`,
    )
    .describe(`refused: the manual's /profile/set does not take ${key} (getProfile shows it)`);

const inputs = z.strictObject({
  firstName: required("the first name"),
  lastName: required("the last name"),
  nickName: required("the public name (the forum's nick name)"),
  title: text("a title"),
  company: text("the company"),
  address: text("the postal address (line breaks kept)"),
  postcode: text("the postcode"),
  phone: text("the phone number"),
  country: refused("country"),
  language: refused("language"),
});
type ProfileInputs = z.output<typeof inputs>;

export const Profile = defineResource({
  vendor,
  type: "Profile",
  description: "The account's profile: the fields given are set in place (the one profile of the account is never created nor deleted).",
  inputs,
  outputs: z.object({
    uuid: z.string().describe("the account's uuid (the id): the `owner` of what it owns"),
    email: z.string().describe("the account's email, its login: not changed here, as the provider's own credentials use it"),
    currency: z.string().describe("the billing currency: once set, it cannot change"),
  }),
  adopt: false,
  recovery: { idempotent: "a create makes nothing: it sets fields of the one profile the account has, which is safe to repeat" },
  deleteNote: "leaves the profile as it is and removes it from the stack: an account's profile cannot be deleted",
  model: (p: KvObject, prior) => model(p, prior),
  operations: {
    async create(i, { client }) {
      const p = await profile(client);
      await set(client, p, i);
      return { id: p.uuid };
    },
    // Another account's profile (other credentials) is not this one.
    read: async (id, { client }) => {
      const p = await profile(client);
      return p.uuid === id ? p : undefined;
    },
    async update(id, _olds, news, { client }) {
      const p = await profile(client);
      if (p.uuid !== id) throw new ProviderError("not_found", `the credentials are of account ${p.uuid}, not of the profile ${id}`);
      await set(client, p, news);
    },
    async delete() {},
  },
});
export type Profile = InstanceType<typeof Profile>;

// ---- Model -----------------------------------------------------------------------------------------

/** The profile as outputs: the fields the inputs own (the others are not the stack's), and its uuid, email, currency. */
export function model(p: KvObject, prior: Partial<ProfileInputs>) {
  const owned = (Object.keys(FIELDS) as Field[]).filter((k) => prior[k] !== undefined);
  return {
    ...Object.fromEntries(owned.map((k) => [k, unescapeText(p[FIELDS[k]] ?? "")])),
    uuid: p.uuid ?? "",
    email: unescapeText(p.email ?? ""),
    currency: p.currency ?? "",
  };
}

/** `/profile/set` of the fields given that the profile shows otherwise (none: no request). */
async function set(client: SigmaClient, p: KvObject, i: ProfileInputs) {
  const changes = Object.fromEntries(
    (Object.keys(FIELDS) as Field[]).filter((k) => i[k] !== undefined && unescapeText(p[FIELDS[k]] ?? "") !== i[k]).map((k) => [FIELDS[k], escapeText(i[k]!)]),
  );
  if (Object.keys(changes).length) await client.post("/profile/set", changes, { idempotent: true });
}

async function profile(client: SigmaClient): Promise<KvObject & { uuid: string }> {
  const p = await client.info<KvObject>("/profile/info");
  if (!p?.uuid) throw new ProviderError("server", "CloudSigma answered /profile/info without the account's uuid");
  return p as KvObject & { uuid: string };
}
