/**
 * GitHub's published REST description (`@octokit/openapi`, generated/api.github.com.json, OpenAPI 3.0.3) as the
 * judge of the GitHub fake: each request is matched to its operation by method and path template, its query
 * parameters checked against the operation's declared ones, its JSON body against the request schema (closed:
 * a field the operation does not list is an error), and each answer against the schema of its status, with ajv.
 *
 * OpenAPI 3.0 is not JSON Schema: `nullable: true` becomes a `null` type (an `anyOf` with null where there is no
 * plain type). Response schemas stay open, as the description leaves them. Statuses an operation does not
 * declare (401 Bad credentials is declared for none of the issue operations) are checked as `basic-error`.
 */
import { readFileSync } from "node:fs";
import Ajv, { ErrorObject, ValidateFunction } from "ajv";

type Schema = Record<string, unknown>;
interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  schema?: Schema;
}
interface Operation {
  operationId: string;
  parameters?: (Parameter | { $ref: string })[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
  responses: Record<string, { $ref?: string; content?: Record<string, { schema?: Schema }> }>;
}
interface Doc {
  paths: Record<string, Record<string, Operation>>;
  components: {
    schemas: Record<string, Schema>;
    parameters: Record<string, Parameter>;
    responses: Record<string, { content?: Record<string, { schema?: Schema }> }>;
  };
}

export const GITHUB_SPEC = require.resolve("@octokit/openapi/generated/api.github.com.json");

export interface Matched {
  operationId: string;
  pathParams: Record<string, string>;
  /** What is wrong with the request (empty: it conforms). */
  problems: string[];
}

export interface GitHubSpec {
  /** The operation a request is for and what is wrong with it; undefined when no operation has this method and path. */
  checkRequest(method: string, url: URL, body: unknown): Matched | undefined;
  checkResponse(operationId: string, status: number, body: unknown): string[];
}

let loaded: GitHubSpec | undefined;

export function githubSpec(): GitHubSpec {
  return (loaded ??= compile(JSON.parse(readFileSync(GITHUB_SPEC, "utf8")) as Doc));
}

function toJsonSchema(s: unknown, close: boolean): unknown {
  if (Array.isArray(s)) return s.map((x) => toJsonSchema(x, close));
  if (!s || typeof s !== "object") return s;
  const o: Schema = {};
  for (const [k, v] of Object.entries(s as Schema)) {
    if (k === "properties") o[k] = Object.fromEntries(Object.entries(v as Schema).map(([p, x]) => [p, toJsonSchema(x, close)]));
    else if (k === "example" || k === "examples") continue;
    else o[k] = toJsonSchema(v, close);
  }
  if (typeof o.$ref === "string") o.$ref = `spec${o.$ref}`;
  if (close && o.properties && o.additionalProperties === undefined) o.additionalProperties = false;
  if (o.nullable === true) {
    delete o.nullable;
    if (typeof o.type !== "string") return { anyOf: [o, { type: "null" }] };
    o.type = [o.type, "null"];
    if (Array.isArray(o.enum)) o.enum = [...o.enum, null];
  }
  return o;
}

function describe(errors: ErrorObject[]): string[] {
  const useful = errors.filter((e) => e.keyword !== "anyOf" && e.keyword !== "oneOf" && !(e.keyword === "type" && e.params.type === "null"));
  return (useful.length ? useful : errors).map((e) =>
    e.keyword === "additionalProperties"
      ? `${e.instancePath || "body"}: unknown field "${e.params.additionalProperty}"`
      : `${e.instancePath || "body"}: ${e.message}`,
  );
}

function compile(doc: Doc): GitHubSpec {
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, validateSchema: false, code: { optimize: false } });
  ajv.addSchema({
    $id: "spec",
    components: { schemas: Object.fromEntries(Object.entries(doc.components.schemas).map(([n, x]) => [n, toJsonSchema(x, false)])) },
  });
  const routes: { method: string; re: RegExp; names: string[]; op: Operation }[] = [];
  for (const [path, methods] of Object.entries(doc.paths))
    for (const [method, op] of Object.entries(methods)) {
      if (!op || typeof op !== "object" || !("responses" in op)) continue;
      const names: string[] = [];
      const re = new RegExp(`^${path.replace(/\{([^}]+)\}/g, (_m, n: string) => (names.push(n), "([^/]+)"))}$`);
      routes.push({ method: method.toUpperCase(), re, names, op });
    }
  const byId = new Map(routes.map((r) => [r.op.operationId, r.op]));
  const cache = new Map<string, ValidateFunction>();
  const validator = (key: string, schema: Schema, close: boolean) => {
    let v = cache.get(key);
    if (!v) cache.set(key, (v = ajv.compile(toJsonSchema(schema, close) as Schema)));
    return v;
  };
  const param = (p: Parameter | { $ref: string }): Parameter => ("$ref" in p ? doc.components.parameters[p.$ref.split("/").pop()!] : p);
  const json = (x: { content?: Record<string, { schema?: Schema }> } | undefined) => x?.content?.["application/json"]?.schema;
  return {
    checkRequest(method, url, body) {
      // A literal path wins over a template (`/issues/comments/{id}` over `/issues/{issue_number}/...`).
      const hits = routes.filter((r) => r.method === method && r.re.test(url.pathname));
      const route = hits.sort((a, b) => a.names.length - b.names.length)[0];
      if (!route) return undefined;
      const m = route.re.exec(url.pathname)!;
      const pathParams = Object.fromEntries(route.names.map((n, i) => [n, decodeURIComponent(m[i + 1])]));
      const problems: string[] = [];
      const params = (route.op.parameters ?? []).map(param);
      for (const p of params.filter((p) => p.in === "path")) {
        const v = validator(`${route.op.operationId} path ${p.name}`, p.schema ?? {}, false);
        const raw = pathParams[p.name];
        if (!v(p.schema?.type === "integer" && /^-?\d+$/.test(raw) ? Number(raw) : raw))
          problems.push(`path ${p.name}: ${describe(v.errors ?? []).join("; ")}`);
      }
      const query = params.filter((p) => p.in === "query");
      for (const [k, raw] of url.searchParams) {
        const p = query.find((q) => q.name === k);
        if (!p) {
          problems.push(`query ${k}: not a parameter of ${route.op.operationId}`);
          continue;
        }
        const type = p.schema?.type;
        const value = type === "integer" || type === "number" ? Number(raw) : type === "boolean" ? raw === "true" : raw;
        const v = validator(`${route.op.operationId} query ${k}`, p.schema ?? {}, false);
        if (!v(value)) problems.push(`query ${k}=${raw}: ${describe(v.errors ?? []).join("; ")}`);
      }
      for (const p of query) if (p.required && !url.searchParams.has(p.name)) problems.push(`query ${p.name}: required`);
      const schema = json(route.op.requestBody);
      if (schema) {
        const v = validator(`${route.op.operationId} request`, schema, true);
        if (!v(body)) problems.push(...describe(v.errors ?? []).map((e) => `request ${e}`));
      } else if (body !== undefined) problems.push(`request body: ${route.op.operationId} takes none`);
      return { operationId: route.op.operationId, pathParams, problems };
    },
    checkResponse(operationId, status, body) {
      const op = byId.get(operationId);
      if (!op) return [`no operation ${operationId}`];
      let declared = op.responses[String(status)];
      if (declared?.$ref) declared = doc.components.responses[declared.$ref.split("/").pop()!];
      const schema = json(declared) ?? (status >= 400 && !declared ? { $ref: "#/components/schemas/basic-error" } : undefined);
      if (!declared && status < 400) return [`status ${status} is not declared for ${operationId}`];
      if (!schema) return body === undefined || body === "" ? [] : [`status ${status} of ${operationId} has no body`];
      const v = validator(`${operationId} ${status}`, schema, false);
      return v(body) ? [] : describe(v.errors ?? []).map((e) => `response ${status} ${e}`);
    },
  };
}
