/**
 * The reference docs, made from the resource definitions: per resource its inputs (type, default, whether
 * a change replaces, whether it is secret), outputs, adoption, how a lost create is found, deadlines and
 * what delete does. `node dist/provider/core/docs.js <folder>` writes one Markdown file per vendor; a test
 * fails when the checked-in files are stale.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { RegistryEntry, registry } from "./define";
import { LookupEntry, lookups, orList } from "./lookup";

type JsonSchema = {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  additionalProperties?: JsonSchema | boolean;
  required?: string[];
  default?: unknown;
  description?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
};

const SAFE = Number.MAX_SAFE_INTEGER;

/** A short type: `string`, `integer 0..4095`, `"A" | "B"`, `list of objects`. */
function typeText(s: JsonSchema): string {
  if (s.const !== undefined) return JSON.stringify(s.const);
  if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join(" | ");
  if (s.anyOf) return s.anyOf.map(typeText).join(" | ");
  if (s.type === "array") return `list of ${s.items?.type === "object" ? "objects" : typeText(s.items ?? {})}`;
  if (s.type === "object") return s.properties ? "object" : `map of ${typeText((s.additionalProperties as JsonSchema) || {})}`;
  const min = s.minimum !== undefined && s.minimum > -SAFE ? s.minimum : undefined;
  const max = s.maximum !== undefined && s.maximum < SAFE ? s.maximum : undefined;
  const range = min !== undefined || max !== undefined ? ` ${min ?? ""}..${max ?? ""}` : s.exclusiveMinimum === 0 ? " > 0" : "";
  return `${s.type ?? "any"}${range}`;
}

/** Each field, with nested objects as `parent.child` and `list[].child` rows. */
function fields(s: JsonSchema, prefix = ""): Array<{ path: string; schema: JsonSchema; required: boolean }> {
  const out: Array<{ path: string; schema: JsonSchema; required: boolean }> = [];
  for (const [k, v] of Object.entries(s.properties ?? {})) {
    const path = prefix + k;
    out.push({ path, schema: v, required: (s.required ?? []).includes(k) && v.default === undefined });
    if (v.type === "object" && v.properties) out.push(...fields(v, `${path}.`));
    if (v.type === "array" && v.items?.properties) out.push(...fields(v.items, `${path}[].`));
  }
  return out;
}

const cell = (t: string) => t.replace(/\|/g, "\\|").replace(/\n/g, " ");
const LAYER = new Set(["endpoint", "adopt", "marker"]);

function resourceDoc(e: RegistryEntry): string {
  const d = e.definition;
  const input = z.toJSONSchema(e.inputSchema, { io: "input", unrepresentable: "any" }) as JsonSchema;
  const output = z.toJSONSchema(d.outputs, { io: "output", unrepresentable: "any" }) as JsonSchema;
  const replaces = new Set(d.replaceOn ?? []);
  const secrets = new Set(d.secrets ?? []);
  const hidden = new Set(d.hidden?.inputs ?? []);
  const lines = [
    `## ${e.vendor}.${e.type}`,
    "",
    d.description,
    "",
    `Type token: \`${e.token}\``,
    "",
    "| input | type | default | a change | description |",
    "|---|---|---|---|---|",
  ];
  for (const f of fields(input).filter((x) => !LAYER.has(x.path.split(/[.[]/)[0]))) {
    const top = f.path.split(/[.[]/)[0];
    const change = [replaces.has(top) ? "replaces" : "in place", ...(secrets.has(top) && top === f.path ? ["secret"] : [])].join(", ");
    const dflt = f.required ? "required" : f.schema.default === undefined ? "" : `\`${JSON.stringify(f.schema.default)}\``;
    lines.push(`| \`${f.path}\` | ${cell(typeText(f.schema))} | ${dflt} | ${top === f.path ? change : ""} | ${cell(f.schema.description ?? "")} |`);
  }
  lines.push("", "| output | type | description |", "|---|---|---|");
  for (const f of fields(output)) {
    const secret = secrets.has(f.path) ? " (secret)" : "";
    lines.push(`| \`${f.path}\` | ${cell(typeText(f.schema))}${secret} | ${cell(f.schema.description ?? "")} |`);
  }
  const notEchoed = hidden.size ? `but ${[...hidden].map((h) => `\`${h}\``).join(", ")} ` : "";
  lines.push("", `Every input ${notEchoed}is also an output, with the value the vendor shows after a refresh.`);
  const adopt = d.adopt
    ? `\`adopt: {id}\`${d.adopt.byName ? " or `adopt: {name}`" : ""} takes over an existing object as it is.`
    : "No `adopt`: the resource always works on an object that exists.";
  const recovery = d.recovery.marker
    ? `an ownership marker is written into ${d.recovery.marker} at create; a create whose answer was lost, or whose run was killed, is found by it and taken up, never duplicated.`
    : d.recovery.newObject
      ? "the vendor keeps no field for an ownership marker: creates go one at a time per endpoint, and a create whose answer was lost is the one new object that appeared."
      : `a create is simply repeated: ${d.recovery.idempotent}`;
  const deadlines = Object.keys(input.properties ?? {}).filter((k) => /TimeoutSeconds$/i.test(k));
  lines.push(
    "",
    `- Adoption: ${adopt}`,
    `- Lost creates: ${recovery}`,
    `- Deadlines: ${deadlines.length ? deadlines.map((k) => `\`${k}\``).join(", ") + " (Pulumi's customTimeouts never reach a dynamic provider)" : "none: every call answers when done"}.`,
    `- Delete: ${d.deleteNote ?? "deletes the object (one already gone is fine); with Pulumi's `retainOnDelete` resource option the object is released instead"}.`,
    "",
  );
  return lines.join("\n");
}

function lookupDoc(l: LookupEntry): string {
  const args = z.toJSONSchema(l.args, { io: "input", unrepresentable: "any" }) as JsonSchema;
  const result = z.toJSONSchema(l.result, { io: "output", unrepresentable: "any" }) as JsonSchema;
  const secrets = new Set(l.secrets);
  const lines = [`## ${l.vendor}.get${l.name}, get${l.name}Output`, "", l.description, "", "| filter | type | description |", "|---|---|---|"];
  for (const f of fields(args).filter((x) => !x.path.includes(".")))
    lines.push(`| \`${f.path}\` | ${cell(typeText(f.schema))} | ${cell(f.schema.description ?? "")} |`);
  lines.push("", "| result | type | description |", "|---|---|---|");
  for (const f of fields(result))
    lines.push(`| \`${f.path}\` | ${cell(typeText(f.schema))}${secrets.has(f.path) ? " (secret)" : ""} | ${cell(f.schema.description ?? "")} |`);
  const filters = Object.keys(l.args.shape).filter((k) => k !== "endpoint");
  const rule = l.identifiedBy.length
    ? `Give ${orList(l.identifiedBy.map((k) => `\`${k}\``))}. Exactly one ${l.noun} must match: none is an error saying what was searched and what exists; several is an error listing them (narrow it with ${l.narrow}).`
    : `No filter is needed: the endpoint has one ${l.noun}.${filters.length ? ` The filters given must match it; when they do not, the error says what there is.` : ""}`;
  lines.push("", rule, "");
  return lines.join("\n");
}

/** The reference doc of one vendor: the inputs every resource shares, then each resource, then its look-ups. */
export function vendorDoc(vendor: string): string {
  const entries = registry()
    .filter((e) => e.vendor === vendor)
    .sort((a, b) => a.type.localeCompare(b.type));
  const found = lookups()
    .filter((l) => l.vendor === vendor)
    .sort((a, b) => a.name.localeCompare(b.name));
  const lookupHead = found.length
    ? [
        "# Look-ups",
        "",
        "Data functions, run in the program (at `preview` too) with the settings the resources use (`endpoint` picks a named one). `getX(args)` answers a promise of the result, `getXOutput(args)` takes and answers Outputs. Look-ups of one kind share one list request per endpoint.",
        "",
      ]
    : [];
  const head = [
    `# ${vendor}: resource reference`,
    "",
    "Generated from the resource definitions (`provider/core/docs.ts`); do not edit by hand: `npm run docs`.",
    "",
    `Every resource also takes \`endpoint\`: the name of a configured endpoint, read from the \`${vendor}-<endpoint>:*\` config (default: the \`${vendor}:*\` config); changing it replaces the object.`,
    "",
  ];
  return [...head, ...entries.map(resourceDoc), ...lookupHead, ...found.map(lookupDoc)].join("\n");
}

/** Every vendor of the registry. */
export function vendors(): string[] {
  return [...new Set(registry().map((e) => e.vendor))].sort();
}

if (require.main === module) {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require("../index");
  const dir = process.argv[2] ?? "docs/reference";
  for (const v of vendors()) writeFileSync(join(dir, `${v}.md`), vendorDoc(v));
  console.log(`wrote ${vendors().length} reference docs into ${dir}`);
}
