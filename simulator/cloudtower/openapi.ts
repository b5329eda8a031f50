/**
 * SmartX's CloudTower 4.6.0 OpenAPI spec as the simulator's judge: every request body is checked against
 * its operation's request schema (a 400 naming the problem otherwise), and every answer against the
 * schema of its status (a 500 that names the simulator bug otherwise), with ajv.
 *
 * The spec is read, never copied: from `CLOUDTOWER_OPENAPI_SPEC`, else from `shared/reference/` in a folder
 * above this file (`../shared/reference/` beside the repository). Read and converted once per process (about 0.25 s);
 * each operation's validators, and each where input, are compiled the first time they are used and kept.
 *
 * OpenAPI 3.0 is not JSON Schema: `nullable: true` becomes a `null` type (or an `anyOf` with null beside a
 * `$ref`), and objects that list their properties without saying `additionalProperties` are closed. The
 * spec closes the reads' bodies, the where inputs and the models itself; it leaves the mutations' bodies
 * open, where we assume CloudTower rejects unknown fields too (see README). An object that lists no
 * properties (a task's `args`) stays open.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { ErrorObject, ValidateFunction } from "ajv";

export const SPEC_FILE = "cloudtower-openapi-4.6.0.json";
export const SPEC_ENV = "CLOUDTOWER_OPENAPI_SPEC";

type Schema = Record<string, unknown>;
interface Operation {
  operationId: string;
  deprecated?: boolean;
  requestBody?: { content?: Record<string, { schema?: Schema }> };
  responses: Record<string, { content?: Record<string, { schema?: Schema }> }>;
}

export interface TowerSpec {
  /** The file the spec was read from. */
  file: string;
  /** The operation at this path (`/get-vms`), or undefined when the spec has none. */
  operation(path: string): Operation | undefined;
  /** What is wrong with a request body for the operation at `path` (empty when it validates). */
  checkRequest(path: string, body: unknown): string[];
  /** What is wrong with an answer of the operation at `path` with this status (empty when it validates). */
  checkResponse(path: string, status: number, body: unknown): string[];
}

/** Where the spec is: the environment variable, else `shared/reference/` in a folder above this file. */
export function findSpec(): string | undefined {
  const fromEnv = process.env[SPEC_ENV];
  if (fromEnv) return fromEnv;
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const candidate = join(dir, "shared", "reference", SPEC_FILE);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

const loaded = new Map<string, TowerSpec>();

/** The spec in this file, loaded once per process; throws when the file or ajv cannot be read. */
export function loadSpec(file: string): TowerSpec {
  let spec = loaded.get(file);
  if (!spec) {
    spec = compileSpec(file);
    loaded.set(file, spec);
  }
  return spec;
}

function compileSpec(file: string): TowerSpec {
  const doc = JSON.parse(readFileSync(file, "utf8")) as { paths: Record<string, Record<string, Operation>>; components: Schema };
  // ajv is a development dependency: a simulator installed with the package runs without the spec.
  let Ajv: typeof import("ajv").default;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    Ajv = (require("ajv") as typeof import("ajv")).default;
  } catch {
    throw new Error(`checking against ${file} needs the ajv package (a development dependency of pulumi-private-cloud): npm install ajv@8`);
  }
  // `code.optimize: false` halves the compile time (validation stays fast); not checking the 1,813 schemas
  // against JSON Schema's meta-schema saves 0.12 s at load.
  const ajv = new Ajv({ strict: false, allErrors: false, validateFormats: false, validateSchema: false, code: { optimize: false } });
  // The where inputs refer to one another (a VM's cluster's hosts...): 134 schemas, 1.6 s to compile at
  // once. Each is compiled when a request first uses it instead (VmWhereInput: about 0.1 s).
  const whereInputs = new Map<string, ValidateFunction>();
  ajv.addKeyword({
    keyword: WHERE_INPUT,
    schemaType: "string",
    errors: true,
    validate: function whereInput(name: string, data: unknown, _parent?: unknown, cxt?: { instancePath: string }): boolean {
      let v = whereInputs.get(name);
      if (!v) whereInputs.set(name, (v = ajv.compile({ $ref: `spec#/components/schemas/${name}` })));
      if (v(data)) return true;
      (whereInput as { errors?: ErrorObject[] }).errors = (v.errors ?? []).map((e) => ({ ...e, instancePath: `${cxt?.instancePath ?? ""}${e.instancePath}` }));
      return false;
    },
  });
  const schemas = (doc.components.schemas ?? {}) as Record<string, Schema>;
  const open = openParts(schemas);
  ajv.addSchema({ $id: "spec", components: { schemas: Object.fromEntries(Object.entries(schemas).map(([n, x]) => [n, toJsonSchema(x, open.has(n))])) } });
  const ops = new Map<string, Operation>();
  for (const [path, methods] of Object.entries(doc.paths)) for (const op of Object.values(methods)) ops.set(path, op);
  const validators = new Map<string, ValidateFunction | null>();
  const validator = (key: string, schema: Schema | undefined): ValidateFunction | null => {
    let v = validators.get(key);
    if (v === undefined) {
      v = schema ? ajv.compile(rebase(toJsonSchema(schema)) as Schema) : null;
      validators.set(key, v);
    }
    return v;
  };
  const json = (x: { content?: Record<string, { schema?: Schema }> } | undefined) => x?.content?.["application/json"]?.schema;
  const check = (v: ValidateFunction | null, body: unknown) => (v && !v(body) ? describe(v.errors ?? []) : []);
  return {
    file,
    operation: (path) => ops.get(path),
    checkRequest(path, body) {
      const op = ops.get(path);
      if (!op?.requestBody) return [];
      return check(validator(`${path} request`, json(op.requestBody)), body);
    },
    checkResponse(path, status, body) {
      const op = ops.get(path);
      if (!op) return [];
      // Statuses the spec does not declare for the operation (401) carry the same error body.
      const declared =
        op.responses[String(status)] ??
        (status >= 400 ? { content: { "application/json": { schema: { $ref: "#/components/schemas/ErrorBody" } } } } : undefined);
      if (!declared) return [`status ${status} is not declared for ${path}`];
      return check(validator(`${path} ${status}`, json(declared)), body);
    },
  };
}

/**
 * The schemas that are parts of an `allOf` of several objects: closing them would refuse the fields of
 * the other parts, so they stay open.
 */
function openParts(schemas: Record<string, Schema>): Set<string> {
  const names = new Set<string>();
  const walk = (s: unknown) => {
    if (Array.isArray(s)) return s.forEach(walk);
    if (!s || typeof s !== "object") return;
    const o = s as Schema;
    if (Array.isArray(o.allOf) && o.allOf.length > 1) {
      for (const part of o.allOf as Schema[]) if (typeof part.$ref === "string") names.add(part.$ref.split("/").pop()!);
    }
    Object.values(o).forEach(walk);
  };
  walk(schemas);
  return names;
}

/** The keyword that stands for a `$ref` to a where input, compiled when first used. */
const WHERE_INPUT = "x-where-input";

/**
 * OpenAPI 3.0 to JSON Schema: `nullable`, objects closed unless `open` (a part of a several-object allOf),
 * and references to where inputs made lazy.
 */
function toJsonSchema(s: unknown, open = false): unknown {
  if (Array.isArray(s)) return s.map((x) => toJsonSchema(x, open));
  if (!s || typeof s !== "object") return s;
  const o: Schema = {};
  for (const [k, v] of Object.entries(s as Schema)) {
    if (k === "properties") o[k] = Object.fromEntries(Object.entries(v as Schema).map(([p, x]) => [p, toJsonSchema(x)]));
    else if (k === "allOf") o[k] = toJsonSchema(v, (v as unknown[]).length > 1);
    else o[k] = toJsonSchema(v);
  }
  if (typeof o.$ref === "string" && o.$ref.endsWith("WhereInput")) {
    o[WHERE_INPUT] = o.$ref.split("/").pop();
    delete o.$ref;
  }
  const listed = o.properties && Object.keys(o.properties).length > 0;
  if (listed && o.additionalProperties === undefined && !open) o.additionalProperties = false;
  if (o.nullable === true) {
    delete o.nullable;
    if (typeof o.type !== "string") return { anyOf: [o, { type: "null" }] };
    o.type = [o.type, "null"];
    if (Array.isArray(o.enum)) o.enum = [...o.enum, null];
  }
  return o;
}

/** `#/components/...` references of an operation's schema, pointed into the document added as "spec". */
function rebase(s: unknown): unknown {
  if (Array.isArray(s)) return s.map(rebase);
  if (!s || typeof s !== "object") return s;
  return Object.fromEntries(Object.entries(s).map(([k, v]) => [k, k === "$ref" && typeof v === "string" ? `spec${v}` : rebase(v)]));
}

/** ajv's errors as one line each, without the echoes of a nullable's `anyOf`. */
function describe(errors: ErrorObject[]): string[] {
  const useful = errors.filter((e) => e.keyword !== "anyOf" && !(e.keyword === "type" && e.params.type === "null"));
  return (useful.length ? useful : errors).map((e) => {
    const at = e.instancePath || "body";
    if (e.keyword === "additionalProperties") return `${at}: unknown field "${e.params.additionalProperty}"`;
    if (e.keyword === "enum") {
      const allowed = e.params.allowedValues as unknown[];
      const shown = allowed
        .slice(0, 8)
        .map((x) => JSON.stringify(x))
        .join(", ");
      return `${at}: must be one of ${shown}${allowed.length > 8 ? `, ... (${allowed.length} values)` : ""}`;
    }
    return `${at}: ${e.message}`;
  });
}
