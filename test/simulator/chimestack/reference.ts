/**
 * Reads ChimeStack's generated API reference (`chimestack-api-reference.md`, from `../shared/vendor-docs`,
 * never copied here) into one record per operation: its request (method, path template, the sample's
 * body), its documented parameters and status codes, and its example responses as JSON.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

export const VENDOR_DOCS = process.env.PPC_VENDOR_DOCS ?? join(__dirname, "../../../../shared/vendor-docs");

export interface DocParam {
  name: string;
  in: string;
  type: string;
  required: boolean;
}

export interface DocOperation {
  /** The operation id (`createVm`). */
  id: string;
  /** The section it is documented in (`Compute`). */
  section: string;
  method: string;
  /** `/v1/az/{AzUuid}/cluster`. */
  path: string;
  /** The code sample's JSON body, if it has one. */
  body?: unknown;
  params: DocParam[];
  /** The documented statuses (`200`, `default`). */
  statuses: string[];
  /** Every JSON example response that parses. */
  examples: unknown[];
  /** What could not be read, and why. */
  unparsed: string[];
}

export function referencePresent(): boolean {
  return existsSync(join(VENDOR_DOCS, "chimestack-api-reference.md"));
}

export function readReference(file = join(VENDOR_DOCS, "chimestack-api-reference.md")): DocOperation[] {
  // The code samples are HTTP messages with CRLF line ends; the rest of the file has LF.
  const text = readFileSync(file, "utf8").replace(/\r\n/g, "\n");
  const end = text.indexOf("\n## Schema Reference");
  const body = end < 0 ? text : text.slice(0, end);
  const ops: DocOperation[] = [];
  let section = "";
  for (const chunk of body.split(/\n(?=##+ )/)) {
    const h2 = /^## (\S.*)/.exec(chunk);
    if (h2) {
      section = h2[1].trim();
      continue;
    }
    const h3 = /^### (\w+)\s*\n/.exec(chunk);
    if (!h3 || !chunk.includes('<a id="opId')) continue;
    const unparsed: string[] = [];
    const template = /^`(GET|POST|PUT|PATCH|DELETE) (\/[^`]*)`$/m.exec(chunk);
    const sample = /```http\n(GET|POST|PUT|PATCH|DELETE) (\S+) HTTP\/1\.1\n([\s\S]*?)```/.exec(chunk);
    if (!template || !sample) {
      ops.push({ id: h3[1], section, method: "", path: "", params: [], statuses: [], examples: [], unparsed: ["no request sample or path template"] });
      continue;
    }
    let reqBody: unknown;
    const rawBody = sample[3].split(/\n\n/).slice(1).join("\n\n").trim();
    if (rawBody) {
      try {
        reqBody = JSON.parse(rawBody);
      } catch {
        unparsed.push(`request body is not JSON: ${rawBody.slice(0, 60)}`);
      }
    }
    const params: DocParam[] = [];
    const ptable = /<h3 id="[^"]*-parameters">Parameters<\/h3>\s*\n\s*\n\|Name\|In\|Type\|Required\|Description\|\n\|[-|]+\|\n((?:\|.*\|\n)+)/.exec(chunk);
    for (const row of ptable?.[1].trim().split("\n") ?? []) {
      const [, name, where, type, required] = row.split("|").map((c) => c.trim());
      params.push({ name, in: where, type, required: required === "true" });
    }
    const stable = /<h3 id="[^"]*-responses">Responses<\/h3>\s*\n\s*\n\|Status\|[^\n]*\n\|[-|]+\|\n((?:\|.*\|\n)+)/.exec(chunk);
    const statuses = (stable?.[1].trim().split("\n") ?? []).map((row) => row.split("|")[1].trim());
    const examples: unknown[] = [];
    const responses = chunk.slice(chunk.indexOf("> Example responses"));
    for (const m of responses.matchAll(/```json\n([\s\S]*?)```/g)) {
      try {
        examples.push(JSON.parse(m[1]));
      } catch (e) {
        unparsed.push(`example response is not JSON (${(e as Error).message})`);
      }
    }
    ops.push({ id: h3[1], section, method: template[1], path: `/v1${template[2]}`, body: reqBody, params, statuses, examples, unparsed });
  }
  return ops;
}
