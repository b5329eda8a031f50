/**
 * A small GitHub REST fake (node:http on loopback) with the issue comments and issues the kit uses: paged lists
 * with GitHub's Link header, the 65,536-character body limit (422, as GitHub words it), token auth (401 Bad
 * credentials). Every request and every answer is checked against `@octokit/openapi`'s description; what does
 * not conform is recorded in `violations` (and a bad request is answered 400), for the tests to assert empty.
 */
import { IncomingMessage, ServerResponse } from "node:http";
import { FakeServer, issuesAskedFor } from "./fake-server";
import { githubSpec } from "./github-openapi";

const NOW = "2026-11-26T05:00:00Z";
const BODY_MAX = 65536;

function user(login: string, id: number) {
  const u = `https://api.github.com/users/${login}`;
  return {
    login,
    id,
    node_id: `U_${id}`,
    avatar_url: `https://avatars.githubusercontent.com/u/${id}`,
    gravatar_id: "",
    url: u,
    html_url: `https://github.com/${login}`,
    followers_url: `${u}/followers`,
    following_url: `${u}/following{/other_user}`,
    gists_url: `${u}/gists{/gist_id}`,
    starred_url: `${u}/starred{/owner}{/repo}`,
    subscriptions_url: `${u}/subscriptions`,
    organizations_url: `${u}/orgs`,
    repos_url: `${u}/repos`,
    events_url: `${u}/events{/privacy}`,
    received_events_url: `${u}/received_events`,
    type: login.endsWith("[bot]") ? "Bot" : "User",
    site_admin: false,
  };
}

export const BOT = user("github-actions[bot]", 41898282);
export const PERSON = user("octocat", 583231);

export interface Comment {
  id: number;
  issue: number;
  body: string;
  user: ReturnType<typeof user>;
  updated: number;
}
export interface Issue {
  number: number;
  title: string;
  body: string;
  labels: string[];
  state: "open" | "closed";
  state_reason: string | null;
  pull_request: boolean;
  user: ReturnType<typeof user>;
}

export interface Exchange {
  method: string;
  path: string;
  operationId?: string;
  status: number;
}

export class GitHubFake extends FakeServer {
  readonly comments: Comment[] = [];
  readonly issues: Issue[] = [];
  readonly violations: string[] = [];
  readonly log: Exchange[] = [];
  /** Everything the fake received, for the tests that look for a leaked token. */
  readonly received: string[] = [];
  private nextId = 1000;
  /**
   * Whom the token posts as. A bot (GitHub Actions' GITHUB_TOKEN, an installation token) cannot read GET /user
   * (403 "Resource not accessible by integration"); a person's token (a PAT) reads itself there.
   */
  poster = BOT;

  constructor(
    readonly token: string,
    readonly repo = "acme/infra",
  ) {
    super();
  }

  /** `count` comments by a person on pull request `n` (a busy pull request). */
  seedComments(n: number, count: number, by = PERSON): void {
    for (let i = 0; i < count; i++) this.comments.push({ id: this.nextId++, issue: n, body: `comment ${i}`, user: by, updated: 0 });
  }

  addComment(n: number, body: string, by = this.poster): Comment {
    const c = { id: this.nextId++, issue: n, body, user: by, updated: 0 };
    this.comments.push(c);
    return c;
  }

  addIssue(fields: Partial<Issue> & { title: string }): Issue {
    const i: Issue = { number: this.nextId++, body: "", labels: [], state: "open", state_reason: null, pull_request: false, user: this.poster, ...fields };
    this.issues.push(i);
    return i;
  }

  commentsOn(n: number): Comment[] {
    return this.comments.filter((c) => c.issue === n);
  }

  private html(path: string) {
    return `https://github.com/${this.repo}/${path}`;
  }

  private commentJson(c: Comment) {
    const api = `https://api.github.com/repos/${this.repo}`;
    return {
      id: c.id,
      node_id: `IC_${c.id}`,
      url: `${api}/issues/comments/${c.id}`,
      html_url: this.html(`pull/${c.issue}#issuecomment-${c.id}`),
      issue_url: `${api}/issues/${c.issue}`,
      body: c.body,
      user: c.user,
      created_at: NOW,
      updated_at: NOW,
      author_association: "NONE",
    };
  }

  private issueJson(i: Issue) {
    const api = `https://api.github.com/repos/${this.repo}`;
    return {
      id: 500000 + i.number,
      node_id: `I_${i.number}`,
      url: `${api}/issues/${i.number}`,
      repository_url: api,
      labels_url: `${api}/issues/${i.number}/labels{/name}`,
      comments_url: `${api}/issues/${i.number}/comments`,
      events_url: `${api}/issues/${i.number}/events`,
      html_url: this.html(`${i.pull_request ? "pull" : "issues"}/${i.number}`),
      number: i.number,
      state: i.state,
      state_reason: i.state_reason,
      title: i.title,
      body: i.body,
      user: i.user,
      labels: i.labels.map((name, k) => ({
        id: k + 1,
        node_id: `LA_${k + 1}`,
        url: `${api}/labels/${name}`,
        name,
        description: null,
        color: "d73a4a",
        default: false,
      })),
      assignee: null,
      assignees: [],
      milestone: null,
      locked: false,
      comments: this.commentsOn(i.number).length,
      closed_at: i.state === "closed" ? NOW : null,
      created_at: NOW,
      updated_at: NOW,
      author_association: "NONE",
      ...(i.pull_request
        ? { pull_request: { url: `${api}/pulls/${i.number}`, html_url: this.html(`pull/${i.number}`), diff_url: null, patch_url: null } }
        : {}),
    };
  }

  /** A page of `items` with GitHub's Link header (next and last; prev and first past page 1). */
  private page<T>(url: URL, items: T[]): { body: T[]; headers: Record<string, string> } {
    const per = Math.min(Number(url.searchParams.get("per_page") ?? 30), 100);
    const page = Number(url.searchParams.get("page") ?? 1);
    const last = Math.max(1, Math.ceil(items.length / per));
    const link = (p: number, rel: string) => {
      const u = new URL(url.pathname + url.search, "https://api.github.com");
      u.searchParams.set("page", String(p));
      return `<${this.url}${u.pathname}${u.search}>; rel="${rel}"`;
    };
    const rels = [...(page < last ? [link(page + 1, "next"), link(last, "last")] : []), ...(page > 1 ? [link(page - 1, "prev"), link(1, "first")] : [])];
    return { body: items.slice((page - 1) * per, page * per), headers: rels.length ? { link: rels.join(", ") } : {} };
  }

  protected async handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    this.received.push(`${req.method} ${req.url}\n${JSON.stringify(req.headers)}\n${text}`);
    const url = new URL(req.url!, this.url);
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = text;
    }
    const matched = githubSpec().checkRequest(req.method!, url, body);
    const send = (status: number, out: unknown, headers: Record<string, string> = {}) => {
      if (matched)
        this.violations.push(
          ...githubSpec()
            .checkResponse(matched.operationId, status, out)
            .map((v) => `${matched.operationId}: ${v}`),
        );
      this.log.push({ method: req.method!, path: url.pathname + url.search, operationId: matched?.operationId, status });
      res.writeHead(status, out === undefined ? headers : { "content-type": "application/json; charset=utf-8", ...headers });
      res.end(out === undefined ? undefined : JSON.stringify(out));
      return true;
    };
    const docs = "https://docs.github.com/rest";
    if (!matched) {
      this.violations.push(`${req.method} ${url.pathname}: no operation in the description`);
      return send(404, { message: "Not Found", documentation_url: docs });
    }
    if (matched.problems.length) {
      this.violations.push(...matched.problems.map((p) => `${matched.operationId}: ${p}`));
      return send(400, { message: `Problems parsing JSON: ${matched.problems.join("; ")}`, documentation_url: docs });
    }
    const auth = req.headers.authorization ?? "";
    if (auth !== `token ${this.token}` && auth !== `Bearer ${this.token}`)
      return send(401, { message: "Bad credentials", documentation_url: docs, status: "401" });
    if (matched.operationId === "users/get-authenticated")
      return this.poster.type === "Bot"
        ? send(403, { message: "Resource not accessible by integration", documentation_url: docs, status: "403" })
        : send(200, {
            ...this.poster,
            user_view_type: "public",
            name: this.poster.login,
            company: null,
            blog: "",
            location: null,
            email: null,
            hireable: null,
            bio: null,
            public_repos: 3,
            public_gists: 0,
            followers: 0,
            following: 0,
            created_at: NOW,
            updated_at: NOW,
          });
    const { owner, repo } = matched.pathParams;
    if (`${owner}/${repo}` !== this.repo) return send(404, { message: "Not Found", documentation_url: docs, status: "404" });
    const b = (body ?? {}) as Record<string, unknown>;
    const tooLong = (resource: string, field: string) =>
      typeof b[field] === "string" && (b[field] as string).length > BODY_MAX
        ? send(422, {
            message: "Validation Failed",
            errors: [{ resource, code: "custom", field, message: `${field} is too long (maximum is ${BODY_MAX} characters)` }],
            documentation_url: docs,
            status: "422",
          })
        : undefined;
    const issueNo = Number(matched.pathParams.issue_number);
    const issue = () => this.issues.find((i) => i.number === issueNo);
    switch (matched.operationId) {
      case "issues/list-comments": {
        const p = this.page(
          url,
          this.commentsOn(issueNo).map((c) => this.commentJson(c)),
        );
        return send(200, p.body, p.headers);
      }
      case "issues/create-comment": {
        if (tooLong("IssueComment", "body")) return;
        return send(201, this.commentJson(this.addComment(issueNo, b.body as string)));
      }
      case "issues/update-comment": {
        const c = this.comments.find((x) => x.id === Number(matched.pathParams.comment_id));
        if (!c) return send(404, { message: "Not Found", documentation_url: docs, status: "404" });
        if (tooLong("IssueComment", "body")) return;
        c.body = b.body as string;
        c.updated++;
        return send(200, this.commentJson(c));
      }
      case "issues/delete-comment": {
        const at = this.comments.findIndex((x) => x.id === Number(matched.pathParams.comment_id));
        if (at < 0) return send(404, { message: "Not Found", documentation_url: docs, status: "404" });
        this.comments.splice(at, 1);
        return send(204, undefined);
      }
      case "issues/list-for-repo": {
        const hits = issuesAskedFor(this.issues, url, "open");
        const p = this.page(
          url,
          hits.map((i) => this.issueJson(i)),
        );
        return send(200, p.body, p.headers);
      }
      case "issues/create": {
        if (tooLong("Issue", "body")) return;
        const labels = ((b.labels as string[] | undefined) ?? []).map(String);
        return send(201, this.issueJson(this.addIssue({ title: String(b.title), body: (b.body as string) ?? "", labels })));
      }
      case "issues/update": {
        const i = issue();
        if (!i) return send(404, { message: "Not Found", documentation_url: docs, status: "404" });
        if (tooLong("Issue", "body")) return;
        if (typeof b.body === "string") i.body = b.body;
        if (b.state === "open" || b.state === "closed") i.state = b.state;
        if (b.state_reason !== undefined) i.state_reason = b.state_reason as string | null;
        return send(200, this.issueJson(i));
      }
      case "issues/add-labels": {
        const i = issue();
        if (!i) return send(404, { message: "Not Found", documentation_url: docs, status: "404" });
        const add = (Array.isArray(b) ? b : ((b.labels as unknown[] | undefined) ?? [])).map((l) =>
          typeof l === "string" ? l : String((l as { name: unknown }).name),
        );
        for (const l of add) if (!i.labels.includes(l)) i.labels.push(l);
        return send(200, this.issueJson(i).labels);
      }
      default:
        this.violations.push(`${matched.operationId}: not served by the fake`);
        return send(404, { message: "Not Found", documentation_url: docs, status: "404" });
    }
  }
}
