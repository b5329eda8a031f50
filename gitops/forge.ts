/**
 * The forges the kit posts to, through their own well-kept clients: GitHub with `@octokit/rest`, GitLab with
 * `@gitbeaker/rest`. Each forge answers the same few questions (find a comment or an issue by its marker, with a
 * paginated look-up; create, edit, close) so that `post.ts` holds the logic once. Where to post comes from the CI
 * environment (GitHub Actions or GitLab CI), explicit flags overriding; the token is read from an environment
 * variable only (never a flag, which would show in the process list) and never appears in an error.
 */
import { readFileSync } from "node:fs";
import { relative, resolve } from "node:path";
import type { Octokit } from "@octokit/rest";
import type { Gitlab } from "@gitbeaker/rest";

export type ForgeKind = "github" | "gitlab";

/** Where and as whom to post. */
export interface Target {
  forge: ForgeKind;
  token: string;
  /** The REST API root: `https://api.github.com` (GHES: `https://HOST/api/v3`), `https://gitlab.com/api/v4`. */
  apiUrl: string;
  /** GitHub `owner/name`; GitLab the project id (or its path). */
  repo: string;
  /** The pull request number / merge request iid, when the job runs for one. */
  number?: number;
  /** A link to the report folder uploaded as a pipeline artifact, when known. */
  artifactUrl?: string;
  /**
   * The login the token posts as: only its comments and issues are the kit's. Unset: the forge says (GitHub and
   * GitLab `GET /user`); GitHub Actions' `GITHUB_TOKEN` cannot read that, and posts as `github-actions[bot]`.
   */
  author?: string;
}

/** Flags that override what the CI environment says. */
export interface TargetFlags {
  forge?: string;
  /** The variable that holds the token (default GITHUB_TOKEN, GITLAB_TOKEN). */
  tokenEnv?: string;
  apiUrl?: string;
  repo?: string;
  number?: string;
  artifactUrl?: string;
  author?: string;
}

/** Who a GitHub Actions workflow's `GITHUB_TOKEN` (an installation token, which cannot `GET /user`) posts as. */
export const ACTIONS_BOT = "github-actions[bot]";

export const TOKEN_ENV: Record<ForgeKind, string> = { github: "GITHUB_TOKEN", gitlab: "GITLAB_TOKEN" };
/** The largest comment or issue body each forge accepts, and how it counts it. */
export const LIMIT: Record<ForgeKind, { max: number; size: (s: string) => number }> = {
  // "body is too long (maximum is 65536 characters)"; a string's UTF-16 length is never less than its characters.
  github: { max: 65536, size: (s) => s.length },
  // Notes and descriptions: 1,000,000 characters (Gitlab::Database::MAX_TEXT_SIZE_LIMIT, since 1 MB); bytes never undercount.
  gitlab: { max: 1_000_000, size: (s) => Buffer.byteLength(s, "utf8") },
};

type Env = Record<string, string | undefined>;

function required(env: Env, name: string, why: string): string {
  const v = env[name];
  if (!v) throw new Error(`${name} is not set: ${why}`);
  return v;
}

function positiveInt(name: string, v: string): number {
  if (!/^[1-9][0-9]*$/.test(v)) throw new Error(`${name} ${JSON.stringify(v)}: expected a positive whole number`);
  return Number(v);
}

/** The pull request of a GitHub Actions event (pull_request, pull_request_target, issue_comment on a PR). */
function prFromEvent(path: string | undefined): number | undefined {
  if (!path) return undefined;
  let event: { pull_request?: { number?: number }; issue?: { number?: number; pull_request?: unknown }; number?: number };
  try {
    event = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new Error(`GITHUB_EVENT_PATH ${path}: cannot read the event (${(e as Error).message})`, { cause: e });
  }
  return event.pull_request?.number ?? (event.issue?.pull_request ? event.issue.number : undefined);
}

/**
 * Where to post, from the flags and the CI environment. `reportDir` is the folder uploaded as an artifact
 * (GitLab's artifact link is the job's, browsed to that folder).
 */
export function targetFrom(flags: TargetFlags, env: Env, reportDir: string): Target {
  const forge = flags.forge ?? (env.GITHUB_ACTIONS === "true" ? "github" : env.GITLAB_CI === "true" ? "gitlab" : undefined);
  if (!forge) throw new Error("cannot tell the forge: neither GITHUB_ACTIONS nor GITLAB_CI is set (give --forge github or --forge gitlab)");
  if (forge !== "github" && forge !== "gitlab") throw new Error(`--forge ${JSON.stringify(forge)}: one of github, gitlab`);
  const tokenEnv = flags.tokenEnv ?? TOKEN_ENV[forge];
  if (forge === "github") {
    const token = required(env, tokenEnv, "the token to post with (in a workflow: `GITHUB_TOKEN: ${{ github.token }}` in the step's env)");
    const repo = flags.repo ?? required(env, "GITHUB_REPOSITORY", "the repository (owner/name) to post to; or give --repo");
    if (!/^[^/\s]+\/[^/\s]+$/.test(repo)) throw new Error(`--repo ${JSON.stringify(repo)}: expected owner/name`);
    const number = flags.number ? positiveInt("--pr", flags.number) : prFromEvent(env.GITHUB_EVENT_PATH);
    // A token other than the workflow's own (a PAT, another app's) in GitHub Actions: give --author.
    const author = flags.author ?? (env.GITHUB_ACTIONS === "true" ? ACTIONS_BOT : undefined);
    const run = env.GITHUB_SERVER_URL && env.GITHUB_RUN_ID ? `${env.GITHUB_SERVER_URL}/${repo}/actions/runs/${env.GITHUB_RUN_ID}#artifacts` : undefined;
    return {
      forge,
      token,
      apiUrl: (flags.apiUrl ?? env.GITHUB_API_URL ?? "https://api.github.com").replace(/\/+$/, ""),
      repo,
      ...(number ? { number } : {}),
      ...(flags.artifactUrl || run ? { artifactUrl: flags.artifactUrl || run } : {}),
      ...(author ? { author } : {}),
    };
  }
  const token = required(env, tokenEnv, "a project or group access token with the api scope, as a masked CI/CD variable (CI_JOB_TOKEN cannot write notes)");
  const apiUrl = (flags.apiUrl ?? required(env, "CI_API_V4_URL", "the GitLab API root; or give --api-url")).replace(/\/+$/, "");
  if (!/\/api\/v4$/.test(apiUrl)) throw new Error(`--api-url ${apiUrl}: a GitLab API root ends in /api/v4`);
  const repo = flags.repo ?? required(env, "CI_PROJECT_ID", "the project to post to; or give --repo");
  const iid = flags.number || env.CI_MERGE_REQUEST_IID;
  const number = iid ? positiveInt(flags.number ? "--pr" : "CI_MERGE_REQUEST_IID", iid) : undefined;
  // A job's artifacts are browsed by their path under the project folder.
  const inside = env.CI_PROJECT_DIR ? relative(env.CI_PROJECT_DIR, resolve(reportDir)) : undefined;
  const browse = env.CI_JOB_URL && inside !== undefined && !inside.startsWith("..") ? `${env.CI_JOB_URL}/artifacts/browse/${inside}` : undefined;
  return {
    forge,
    token,
    apiUrl,
    repo,
    ...(number ? { number } : {}),
    ...(flags.artifactUrl || browse ? { artifactUrl: flags.artifactUrl || browse } : {}),
    ...(flags.author ? { author: flags.author } : {}),
  };
}

/** A comment or an issue found by its marker. */
export interface Found {
  id: number;
  url?: string;
}

/** A drift issue found by its marker, and whether it still has the kit's label (someone may have removed it). */
export interface FoundIssue extends Found {
  labelled: boolean;
}

/** What the kit asks of a forge. `number` is a pull request number or a merge request iid. */
export interface Forge {
  /** `GitHub pull request #12`, for messages. */
  describe(number?: number): string;
  /** The login the token posts as (the target's `author`, or asked of the forge once). */
  author(): Promise<string>;
  /** Every comment of the pull request by `author()` that starts with the marker, oldest first (all pages read). */
  findComments(number: number, marker: string): Promise<Found[]>;
  deleteComment(number: number, id: number): Promise<void>;
  createComment(number: number, body: string): Promise<Found>;
  updateComment(number: number, id: number, body: string): Promise<Found>;
  /** The open issue by `author()` whose description starts with the marker, found among all the open issues (all pages), labelled or not. */
  findIssue(marker: string, label: string): Promise<FoundIssue | undefined>;
  /** Adds the label to the issue (its other labels kept). */
  labelIssue(id: number, label: string): Promise<void>;
  createIssue(title: string, body: string, label: string): Promise<Found>;
  updateIssue(id: number, body: string): Promise<Found>;
  /** Comments on the issue, then closes it. */
  closeIssue(id: number, comment: string): Promise<Found>;
}

/**
 * The kit's own bodies start with their marker, and are written by the token's user: a quote of one by a person
 * (`> <!-- ...`) does not start with it, and someone else's body that does is theirs (never edited nor deleted).
 */
const ours = (body: string | null | undefined, marker: string, by: string | undefined, me: string) =>
  !!body && body.startsWith(marker) && !!by && by.toLowerCase() === me.toLowerCase();

/** Asks the forge once who the token is, unless told. */
function once(given: string | undefined, ask: () => Promise<string>): () => Promise<string> {
  let me: Promise<string> | undefined = given ? Promise.resolve(given) : undefined;
  return () => (me ??= ask());
}

class GitHub implements Forge {
  private readonly owner: string;
  private readonly repo: string;
  readonly author: () => Promise<string>;
  constructor(
    private readonly o: Octokit,
    repo: string,
    author?: string,
  ) {
    [this.owner, this.repo] = repo.split("/");
    this.author = once(author, async () => (await this.o.rest.users.getAuthenticated()).data.login);
  }
  describe(n?: number) {
    return n ? `GitHub pull request ${this.owner}/${this.repo}#${n}` : `GitHub repository ${this.owner}/${this.repo}`;
  }
  async findComments(n: number, marker: string) {
    const me = await this.author();
    const all = await this.o.paginate(this.o.rest.issues.listComments, { owner: this.owner, repo: this.repo, issue_number: n, per_page: 100 });
    return all.filter((c) => ours(c.body, marker, c.user?.login, me)).map((c) => ({ id: c.id, url: c.html_url }));
  }
  async deleteComment(_n: number, id: number) {
    await this.o.rest.issues.deleteComment({ owner: this.owner, repo: this.repo, comment_id: id });
  }
  async createComment(n: number, body: string) {
    const { data } = await this.o.rest.issues.createComment({ owner: this.owner, repo: this.repo, issue_number: n, body });
    return { id: data.id, url: data.html_url };
  }
  async updateComment(_n: number, id: number, body: string) {
    const { data } = await this.o.rest.issues.updateComment({ owner: this.owner, repo: this.repo, comment_id: id, body });
    return { id: data.id, url: data.html_url };
  }
  async findIssue(marker: string, label: string) {
    const me = await this.author();
    // Not filtered by the label, which a person may have removed: that issue is still the stack's.
    const pages = this.o.paginate.iterator(this.o.rest.issues.listForRepo, { owner: this.owner, repo: this.repo, state: "open", per_page: 100 });
    for await (const { data } of pages) {
      // The issues list includes pull requests.
      const i = data.find((i) => !i.pull_request && ours(i.body, marker, i.user?.login, me));
      if (i) return { id: i.number, url: i.html_url, labelled: i.labels.some((l) => (typeof l === "string" ? l : l.name) === label) };
    }
    return undefined;
  }
  async labelIssue(id: number, label: string) {
    await this.o.rest.issues.addLabels({ owner: this.owner, repo: this.repo, issue_number: id, labels: [label] });
  }
  async createIssue(title: string, body: string, label: string) {
    const { data } = await this.o.rest.issues.create({ owner: this.owner, repo: this.repo, title, body, labels: [label] });
    return { id: data.number, url: data.html_url };
  }
  async updateIssue(id: number, body: string) {
    const { data } = await this.o.rest.issues.update({ owner: this.owner, repo: this.repo, issue_number: id, body });
    return { id: data.number, url: data.html_url };
  }
  async closeIssue(id: number, comment: string) {
    await this.o.rest.issues.createComment({ owner: this.owner, repo: this.repo, issue_number: id, body: comment });
    const { data } = await this.o.rest.issues.update({ owner: this.owner, repo: this.repo, issue_number: id, state: "closed", state_reason: "completed" });
    return { id: data.number, url: data.html_url };
  }
}

class GitLab implements Forge {
  readonly author: () => Promise<string>;
  constructor(
    private readonly g: Gitlab<false>,
    private readonly project: string,
    author?: string,
  ) {
    // A project or group access token is a bot user of its own, which GET /user answers.
    this.author = once(author, async () => (await this.g.Users.showCurrentUser()).username);
  }
  describe(n?: number) {
    return n ? `GitLab merge request ${this.project}!${n}` : `GitLab project ${this.project}`;
  }
  async findComments(n: number, marker: string) {
    // gitbeaker's `all` follows the Link header through every page; oldest first.
    const me = await this.author();
    const notes = await this.g.MergeRequestNotes.all(this.project, n, { perPage: 100, sort: "asc", orderBy: "created_at" });
    return notes.filter((x) => !x.system && ours(x.body, marker, x.author?.username, me)).map((x) => ({ id: x.id }));
  }
  async deleteComment(n: number, id: number) {
    await this.g.MergeRequestNotes.remove(this.project, n, id);
  }
  async createComment(n: number, body: string) {
    const note = await this.g.MergeRequestNotes.create(this.project, n, body);
    return { id: note.id };
  }
  async updateComment(n: number, id: number, body: string) {
    const note = await this.g.MergeRequestNotes.edit(this.project, n, id, { body });
    return { id: note.id };
  }
  async findIssue(marker: string, label: string) {
    const me = await this.author();
    // Not filtered by the label, which a person may have removed: that issue is still the stack's.
    const issues = await this.g.Issues.all({ projectId: this.project, state: "opened", perPage: 100 });
    const i = issues.find((x) => ours(x.description as string | null, marker, (x.author as { username?: string } | undefined)?.username, me));
    return i
      ? { id: i.iid, url: i.web_url, labelled: ((i.labels ?? []) as (string | { name: string })[]).some((l) => (typeof l === "string" ? l : l.name) === label) }
      : undefined;
  }
  async labelIssue(id: number, label: string) {
    await this.g.Issues.edit(this.project, id, { addLabels: label });
  }
  async createIssue(title: string, body: string, label: string) {
    const i = await this.g.Issues.create(this.project, title, { description: body, labels: label });
    return { id: i.iid, url: i.web_url };
  }
  async updateIssue(id: number, body: string) {
    const i = await this.g.Issues.edit(this.project, id, { description: body });
    return { id: i.iid, url: i.web_url };
  }
  async closeIssue(id: number, comment: string) {
    await this.g.IssueNotes.create(this.project, id, comment);
    const i = await this.g.Issues.edit(this.project, id, { stateEvent: "close" });
    return { id: i.iid, url: i.web_url };
  }
}

/** The forge's client for a target. The clients are loaded when first needed (`@octokit/rest` is an ES module). */
export function forgeFor(t: Target): Forge {
  if (t.forge === "github") {
    let Octokit: typeof import("@octokit/rest").Octokit;
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      ({ Octokit } = require("@octokit/rest") as typeof import("@octokit/rest"));
    } catch (e) {
      if ((e as { code?: string }).code !== "ERR_REQUIRE_ESM") throw e;
      throw new Error(
        `posting to GitHub needs Node.js 22.12 or later, which loads ES modules with require() (@octokit/rest is one): this is ${process.version}`,
        {
          cause: e,
        },
      );
    }
    return new GitHub(new Octokit({ auth: t.token, baseUrl: t.apiUrl, userAgent: "pulumi-private-cloud-gitops", log: quiet }), t.repo, t.author);
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Gitlab } = require("@gitbeaker/rest") as typeof import("@gitbeaker/rest");
  return new GitLab(new Gitlab({ host: t.apiUrl.replace(/\/api\/v4$/, ""), token: t.token }), t.repo, t.author);
}

const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

/**
 * A forge client's error as one line: the HTTP status and the forge's own message (octokit's and gitbeaker's
 * errors carry the request, whose headers hold the token; only the message and status are kept).
 */
export function forgeError(e: unknown): string {
  const err = e as { status?: number; message?: string; cause?: { description?: string; response?: { status?: number } } };
  const status = err.status ?? err.cause?.response?.status;
  const text = [err.message, err.cause?.description && err.cause.description !== err.message ? err.cause.description : undefined].filter(Boolean).join(": ");
  return `${status ? `HTTP ${status}: ` : ""}${text || String(e)}`;
}
