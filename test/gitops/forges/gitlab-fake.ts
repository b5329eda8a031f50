/**
 * A small GitLab REST v4 fake (node:http on loopback) with the merge request notes and issues the kit uses.
 * GitLab publishes no OpenAPI description of these endpoints that installs offline (its openapi_v2.yaml lives in
 * its repository, covers a subset of the API and is not on npm or PyPI), so the judge here is the documented
 * shapes, written down once as JSON Schemas from docs.gitlab.com/api/notes and docs.gitlab.com/api/issues: each
 * request's query parameters and body (closed: a field the endpoint does not document is an error) and each
 * answer are checked with ajv; what does not conform is recorded in `violations` (a bad request answered 400).
 * Offset pagination as GitLab does it: `per_page` (default 20, at most 100), `page`, the `x-*` headers and Link.
 */
import { IncomingMessage, ServerResponse } from "node:http";
import { FakeServer, issuesAskedFor } from "./fake-server";
import Ajv, { ValidateFunction } from "ajv";

const NOW = "2026-11-26T05:00:00.000Z";
/** Notes and descriptions: Gitlab::Database::MAX_TEXT_SIZE_LIMIT. */
const TEXT_MAX = 1_000_000;

type Schema = Record<string, unknown>;
const str = { type: "string" };
const int = { type: "integer" };
const bool = { type: "boolean" };
const nullable = (s: Schema) => ({ anyOf: [s, { type: "null" }] });
const closed = (properties: Record<string, Schema>, required: string[] = []) => ({ type: "object", properties, required, additionalProperties: false });
const open = (properties: Record<string, Schema>) => ({ type: "object", properties, required: Object.keys(properties) });
const intString = { type: "string", pattern: "^[0-9]+$" };
const paging = { page: intString, per_page: intString };

/** The author of a note or an issue, as the docs show it. */
const USER = open({ id: int, username: str, name: str, state: str, avatar_url: nullable(str), web_url: str });
const NOTE = open({
  id: int,
  type: nullable(str),
  body: str,
  author: USER,
  created_at: str,
  updated_at: str,
  system: bool,
  noteable_id: int,
  noteable_type: { enum: ["MergeRequest", "Issue", "Snippet", "Commit", "Epic"] },
  noteable_iid: nullable(int),
  project_id: int,
  resolvable: bool,
  confidential: bool,
  internal: bool,
});
const ISSUE = open({
  id: int,
  iid: int,
  project_id: int,
  title: str,
  description: nullable(str),
  state: { enum: ["opened", "closed"] },
  created_at: str,
  updated_at: str,
  closed_at: nullable(str),
  labels: { type: "array", items: str },
  author: USER,
  assignees: { type: "array" },
  user_notes_count: int,
  confidential: bool,
  web_url: str,
  references: open({ short: str, relative: str, full: str }),
});
const ERROR = { type: "object", required: ["message"], properties: { message: { anyOf: [str, { type: "object" }] } } };

interface Route {
  method: string;
  /** The documented path, `:name` for its attributes. */
  path: string;
  query: Schema;
  body?: Schema;
  ok: { status: number; schema: Schema };
}

/** The endpoints the kit uses, with the attributes the docs list for each. */
export const ROUTES: Route[] = [
  {
    method: "GET",
    path: "/projects/:id/merge_requests/:merge_request_iid/notes",
    query: closed({ ...paging, sort: { enum: ["asc", "desc"] }, order_by: { enum: ["created_at", "updated_at"] } }),
    ok: { status: 200, schema: { type: "array", items: NOTE } },
  },
  {
    method: "POST",
    path: "/projects/:id/merge_requests/:merge_request_iid/notes",
    query: closed({}),
    body: closed({ body: str, created_at: str, internal: bool, merge_request_diff_head_sha: str }, ["body"]),
    ok: { status: 201, schema: NOTE },
  },
  {
    method: "PUT",
    path: "/projects/:id/merge_requests/:merge_request_iid/notes/:note_id",
    query: closed({}),
    body: closed({ body: str }, ["body"]),
    ok: { status: 200, schema: NOTE },
  },
  {
    method: "DELETE",
    path: "/projects/:id/merge_requests/:merge_request_iid/notes/:note_id",
    query: closed({}),
    ok: { status: 204, schema: {} },
  },
  {
    method: "GET",
    path: "/projects/:id/issues",
    query: closed({
      ...paging,
      labels: str,
      state: { enum: ["opened", "closed", "all"] },
      search: str,
      in: str,
      order_by: str,
      sort: { enum: ["asc", "desc"] },
      with_labels_details: { enum: ["true", "false"] },
    }),
    ok: { status: 200, schema: { type: "array", items: ISSUE } },
  },
  {
    method: "POST",
    path: "/projects/:id/issues",
    query: closed({}),
    body: closed({ title: str, description: str, labels: str, confidential: bool, assignee_ids: { type: "array" }, issue_type: str }, ["title"]),
    ok: { status: 201, schema: ISSUE },
  },
  {
    method: "PUT",
    path: "/projects/:id/issues/:issue_iid",
    query: closed({}),
    body: closed({ title: str, description: str, labels: str, state_event: { enum: ["close", "reopen"] }, add_labels: str, remove_labels: str }),
    ok: { status: 200, schema: ISSUE },
  },
  {
    method: "GET",
    path: "/user",
    query: closed({}),
    ok: { status: 200, schema: open({ id: int, username: str, name: str, state: str, avatar_url: nullable(str), web_url: str, bot: bool }) },
  },
  {
    method: "POST",
    path: "/projects/:id/issues/:issue_iid/notes",
    query: closed({}),
    body: closed({ body: str, created_at: str, internal: bool }, ["body"]),
    ok: { status: 201, schema: NOTE },
  },
];

export interface Note {
  id: number;
  on: "MergeRequest" | "Issue";
  iid: number;
  body: string;
  system: boolean;
  updated: number;
  author: typeof BOT;
}
export interface GlIssue {
  iid: number;
  title: string;
  description: string | null;
  labels: string[];
  state: "opened" | "closed";
  author: typeof BOT;
}

/** A project access token's own user, which its notes and issues are by. */
export const BOT = {
  id: 77,
  username: "project_42_bot",
  name: "pulumi-gitops",
  state: "active",
  avatar_url: null,
  web_url: "https://gitlab.example.com/project_42_bot",
};
export const PERSON = { id: 5, username: "alice", name: "Alice", state: "active", avatar_url: null, web_url: "https://gitlab.example.com/alice" };

export class GitLabFake extends FakeServer {
  readonly notes: Note[] = [];
  readonly issues: GlIssue[] = [];
  readonly violations: string[] = [];
  readonly log: { method: string; path: string; status: number }[] = [];
  readonly received: string[] = [];
  private nextId = 3000;
  private readonly ajv = new Ajv({ strict: false, allErrors: true });
  private readonly checks = new Map<Schema, ValidateFunction>();

  constructor(
    readonly token: string,
    readonly projectId = 42,
    readonly projectPath = "acme/infra",
  ) {
    super();
  }

  get apiUrl() {
    return `${this.url}/api/v4`;
  }

  addNote(on: Note["on"], iid: number, body: string, system = false, by = system ? PERSON : BOT): Note {
    const n = { id: this.nextId++, on, iid, body, system, updated: 0, author: by };
    this.notes.push(n);
    return n;
  }

  addIssue(fields: Partial<GlIssue> & { title: string }): GlIssue {
    const i: GlIssue = { iid: this.nextId++, description: null, labels: [], state: "opened", author: BOT, ...fields };
    this.issues.push(i);
    return i;
  }

  notesOn(on: Note["on"], iid: number): Note[] {
    return this.notes.filter((n) => n.on === on && n.iid === iid);
  }

  /** What is wrong with `data` by `schema` (empty: it conforms). */
  check(schema: Schema, data: unknown): string[] {
    let v = this.checks.get(schema);
    if (!v) this.checks.set(schema, (v = this.ajv.compile(schema)));
    if (v(data)) return [];
    return (v.errors ?? []).map((e) =>
      e.keyword === "additionalProperties"
        ? `${e.instancePath || "(top)"}: unknown field "${e.params.additionalProperty}"`
        : `${e.instancePath || "(top)"}: ${e.message}`,
    );
  }

  private noteJson(n: Note) {
    return {
      id: n.id,
      type: null,
      body: n.body,
      author: n.author,
      created_at: NOW,
      updated_at: NOW,
      system: n.system,
      noteable_id: 9000 + n.iid,
      noteable_type: n.on,
      noteable_iid: n.iid,
      project_id: this.projectId,
      resolvable: false,
      confidential: false,
      internal: false,
    };
  }

  private issueJson(i: GlIssue) {
    return {
      id: 80000 + i.iid,
      iid: i.iid,
      project_id: this.projectId,
      title: i.title,
      description: i.description,
      state: i.state,
      created_at: NOW,
      updated_at: NOW,
      closed_at: i.state === "closed" ? NOW : null,
      labels: i.labels,
      author: i.author,
      assignees: [],
      user_notes_count: this.notesOn("Issue", i.iid).length,
      confidential: false,
      web_url: `https://gitlab.example.com/${this.projectPath}/-/issues/${i.iid}`,
      references: { short: `#${i.iid}`, relative: `#${i.iid}`, full: `${this.projectPath}#${i.iid}` },
    };
  }

  private page<T>(url: URL, items: T[]): { body: T[]; headers: Record<string, string> } {
    const per = Math.min(Number(url.searchParams.get("per_page") ?? 20), 100);
    const page = Number(url.searchParams.get("page") ?? 1);
    const pages = Math.max(1, Math.ceil(items.length / per));
    const link = (p: number, rel: string) => {
      const q = new URLSearchParams(url.searchParams);
      q.set("page", String(p));
      q.set("per_page", String(per));
      return `<${this.url}${url.pathname}?${q}>; rel="${rel}"`;
    };
    return {
      body: items.slice((page - 1) * per, page * per),
      headers: {
        "x-page": String(page),
        "x-per-page": String(per),
        "x-total": String(items.length),
        "x-total-pages": String(pages),
        "x-next-page": page < pages ? String(page + 1) : "",
        "x-prev-page": page > 1 ? String(page - 1) : "",
        link: [...(page > 1 ? [link(page - 1, "prev")] : []), ...(page < pages ? [link(page + 1, "next")] : []), link(1, "first"), link(pages, "last")].join(
          ", ",
        ),
      },
    };
  }

  protected async handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    this.received.push(`${req.method} ${req.url}\n${JSON.stringify(req.headers)}\n${text}`);
    const url = new URL(req.url!, this.url);
    const path = url.pathname.replace(/^\/api\/v4/, "");
    let matched: { route: Route; params: Record<string, string> } | undefined;
    for (const route of ROUTES) {
      const names: string[] = [];
      const re = new RegExp(`^${route.path.replace(/:([a-z_]+)/g, (_m, n: string) => (names.push(n), "([^/]+)"))}$`);
      const m = re.exec(path);
      if (m && route.method === req.method) matched = { route, params: Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(m[i + 1])])) };
    }
    const send = (status: number, out: unknown, headers: Record<string, string> = {}) => {
      if (matched) {
        const schema = status === matched.route.ok.status ? matched.route.ok.schema : status >= 400 ? ERROR : undefined;
        if (!schema) this.violations.push(`${req.method} ${matched.route.path}: answered ${status}, which it does not document`);
        else this.violations.push(...this.check(schema, out).map((v) => `${req.method} ${matched!.route.path} answer ${status}: ${v}`));
      }
      this.log.push({ method: req.method!, path: path + url.search, status });
      res.writeHead(status, out === undefined ? headers : { "content-type": "application/json", ...headers });
      res.end(out === undefined ? undefined : JSON.stringify(out));
      return true;
    };
    if (!matched) {
      this.violations.push(`${req.method} ${path}: not an endpoint the fake serves`);
      return send(404, { error: "404 Not Found", message: "404 Not Found" });
    }
    const { route, params } = matched;
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      this.violations.push(`${req.method} ${route.path}: the body is not JSON (${req.headers["content-type"]})`);
      return send(400, { message: "400 Bad request - the body is not JSON" });
    }
    const problems = [
      ...this.check(route.query, Object.fromEntries(url.searchParams)).map((p) => `query ${p}`),
      // gitbeaker sends `{}` with a DELETE: an empty object is no attribute.
      ...(route.body
        ? this.check(route.body, body ?? {}).map((p) => `body ${p}`)
        : body !== undefined && JSON.stringify(body) !== "{}"
          ? ["takes no body"]
          : []),
    ];
    if (problems.length) {
      this.violations.push(...problems.map((p) => `${req.method} ${route.path}: ${p}`));
      return send(400, { message: `400 Bad request - ${problems.join("; ")}` });
    }
    if (req.headers["private-token"] !== this.token) return send(401, { message: "401 Unauthorized" });
    // The token's own user (a project access token's bot user).
    if (route.path === "/user") return send(200, { ...BOT, bot: true });
    if (params.id !== String(this.projectId) && params.id !== this.projectPath) return send(404, { message: "404 Project Not Found" });
    const b = (body ?? {}) as Record<string, string>;
    for (const field of ["body", "description"])
      if (typeof b[field] === "string" && b[field].length > TEXT_MAX)
        return send(400, { message: { [field === "body" ? "note" : "description"]: [`is too long (maximum is ${TEXT_MAX} characters)`] } });
    const mr = Number(params.merge_request_iid);
    const issue = this.issues.find((i) => i.iid === Number(params.issue_iid));
    switch (`${req.method} ${route.path}`) {
      case "GET /projects/:id/merge_requests/:merge_request_iid/notes": {
        // GitLab lists notes newest first unless asked otherwise.
        const notes = this.notesOn("MergeRequest", mr);
        const p = this.page(
          url,
          (url.searchParams.get("sort") === "asc" ? notes : [...notes].reverse()).map((n) => this.noteJson(n)),
        );
        return send(200, p.body, p.headers);
      }
      case "POST /projects/:id/merge_requests/:merge_request_iid/notes":
        return send(201, this.noteJson(this.addNote("MergeRequest", mr, b.body)));
      case "PUT /projects/:id/merge_requests/:merge_request_iid/notes/:note_id": {
        const n = this.notes.find((x) => x.id === Number(params.note_id) && x.on === "MergeRequest" && x.iid === mr);
        if (!n) return send(404, { message: "404 Not found" });
        n.body = b.body;
        n.updated++;
        return send(200, this.noteJson(n));
      }
      case "DELETE /projects/:id/merge_requests/:merge_request_iid/notes/:note_id": {
        const at = this.notes.findIndex((x) => x.id === Number(params.note_id) && x.on === "MergeRequest" && x.iid === mr);
        if (at < 0) return send(404, { message: "404 Not found" });
        this.notes.splice(at, 1);
        return send(204, undefined);
      }
      case "GET /projects/:id/issues": {
        const hits = issuesAskedFor(this.issues, url, "all");
        const p = this.page(
          url,
          hits.map((i) => this.issueJson(i)),
        );
        return send(200, p.body, p.headers);
      }
      case "POST /projects/:id/issues":
        return send(
          201,
          this.issueJson(this.addIssue({ title: b.title, description: b.description ?? null, labels: (b.labels ?? "").split(",").filter(Boolean) })),
        );
      case "PUT /projects/:id/issues/:issue_iid": {
        if (!issue) return send(404, { message: "404 Issue Not Found" });
        if (b.description !== undefined) issue.description = b.description;
        for (const l of (b.add_labels ?? "").split(",").filter(Boolean)) if (!issue.labels.includes(l)) issue.labels.push(l);
        if (b.state_event === "close") issue.state = "closed";
        if (b.state_event === "reopen") issue.state = "opened";
        return send(200, this.issueJson(issue));
      }
      case "POST /projects/:id/issues/:issue_iid/notes":
        if (!issue) return send(404, { message: "404 Issue Not Found" });
        return send(201, this.noteJson(this.addNote("Issue", issue.iid, b.body)));
    }
    return send(404, { message: "404 Not Found" });
  }
}
