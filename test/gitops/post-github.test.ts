/**
 * Posting to GitHub through `@octokit/rest` against a fake GitHub whose every request and answer is checked
 * against `@octokit/openapi`'s description: one sticky comment per pull request and stack (found on any page,
 * edited in place), posted for every outcome; the overflow summary with the artifact link; one drift issue per
 * stack; the token never in output or errors.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { main } from "../../gitops/cli";
import { fitBody, marker } from "../../gitops/post";
import { renderMarkdown } from "../../gitops/report";
import { BOT, GitHubFake, PERSON } from "./forges/github-fake";
import { githubSpec } from "./forges/github-openapi";
import { bigPlan, driftReport, planReport, reportDir } from "./forges/reports";

const TOKEN = "ghs_16C7e42F292c6912E7710c838347Ae178B4a";
const MARK = marker("cloudtower-fleet", "e2e");
let gh: GitHubFake;

beforeAll(async () => {
  githubSpec(); // loads and converts the 13 MB description once (a few seconds), outside the tests' timeouts
  gh = await new GitHubFake(TOKEN).start();
}, 120_000);
afterAll(() => gh.stop());
afterEach(() => {
  const violations = gh.violations.splice(0);
  gh.poster = BOT;
  gh.comments.length = 0;
  gh.issues.length = 0;
  gh.log.length = 0;
  vi.unstubAllEnvs();
  expect(violations).toEqual([]);
});

/** The CLI's `post` as a GitHub Actions job for pull request 7 would run it. */
async function post(dir: string, ...extra: string[]) {
  return postIn(true, dir, ...extra);
}

/** The same, in GitHub Actions or (`actions` false) in another CI job. */
async function postIn(actions: boolean, dir: string, ...extra: string[]) {
  vi.stubEnv("GITHUB_ACTIONS", actions ? "true" : "");
  vi.stubEnv("GITHUB_TOKEN", TOKEN);
  vi.stubEnv("GITHUB_REPOSITORY", gh.repo);
  vi.stubEnv("GITHUB_API_URL", gh.url);
  vi.stubEnv("GITHUB_SERVER_URL", "https://github.com");
  vi.stubEnv("GITHUB_RUN_ID", "9001");
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(
    ["post", "--report", dir, "--pr", "7", ...extra],
    (s) => out.push(s),
    (s) => err.push(s),
  );
  return { code, out: out.join(""), err: err.join("") };
}

const ours = () => gh.commentsOn(7).filter((c) => c.body.startsWith(MARK));

describe("the sticky pull request comment on GitHub", () => {
  it("is created with the hidden marker and the plan, then edited in place by the next post (no change)", async () => {
    const first = await post(reportDir(planReport()));
    expect(first).toMatchObject({ code: 0, err: "" });
    expect(first.out).toMatch(
      /^post plan cloudtower-fleet\/e2e: created comment on GitHub pull request acme\/infra#7 https:\/\/github.com\/acme\/infra\/pull\/7#issuecomment-\d+/,
    );
    expect(ours()).toHaveLength(1);
    expect(ours()[0].body).toBe(
      `${MARK}\n${renderMarkdown(planReport())}\n---\n[The report as a pipeline artifact](https://github.com/acme/infra/actions/runs/9001#artifacts) (\`plan.md\`)\n`,
    );
    const id = ours()[0].id;
    const noChange = { ...planReport(), outcome: "no-changes" as const, exitCode: 0, resources: [] };
    expect((await post(reportDir(noChange))).out).toMatch(/: updated comment on GitHub pull request acme\/infra#7/);
    expect(gh.commentsOn(7)).toHaveLength(1);
    expect(ours()[0]).toMatchObject({ id, updated: 1, body: expect.stringContaining("## Plan of `cloudtower-fleet/e2e`: no changes") });
    expect(gh.log.map((e) => `${e.operationId} ${e.status}`)).toEqual([
      "issues/list-comments 200",
      "issues/create-comment 201",
      "issues/list-comments 200",
      "issues/update-comment 200",
    ]);
  });

  it("finds its comment on page 3 of a busy pull request (250 comments) and edits it: never a second one", async () => {
    gh.seedComments(7, 230);
    const mine = gh.addComment(7, `${MARK}\nold plan`);
    gh.seedComments(7, 20);
    // A person quoting the kit's comment is not the kit's comment.
    gh.addComment(7, `> ${MARK}\n> old plan\nwhy?`, PERSON);
    expect((await post(reportDir(planReport()))).code).toBe(0);
    expect(gh.commentsOn(7)).toHaveLength(252);
    expect(ours()).toEqual([expect.objectContaining({ id: mine.id, updated: 1, body: expect.stringContaining("changes to review") })]);
    expect(gh.log.filter((e) => e.operationId === "issues/list-comments").map((e) => new URL(e.path, gh.url).searchParams.get("page") ?? "1")).toEqual([
      "1",
      "2",
      "3",
    ]);
  });

  it("deletes the duplicates that two jobs posting at once created, keeping the oldest, edited", async () => {
    const first = gh.addComment(7, `${MARK}\nplan from job 1`);
    gh.seedComments(7, 3);
    const second = gh.addComment(7, `${MARK}\nplan from job 2`);
    const r = await post(reportDir(planReport()));
    expect(r.out).toMatch(/: updated comment on GitHub pull request acme\/infra#7 \(1 duplicate\(s\) from concurrent jobs deleted\)/);
    expect(ours()).toEqual([expect.objectContaining({ id: first.id, updated: 1 })]);
    expect(gh.comments.some((c) => c.id === second.id)).toBe(false);
    expect(gh.commentsOn(7)).toHaveLength(4);
    expect(gh.log.map((e) => `${e.operationId} ${e.status}`)).toContain("issues/delete-comment 204");
  });

  it("never edits nor deletes a comment someone else wrote that starts with the marker: only the token's own (github-actions[bot] in Actions)", async () => {
    const theirs = gh.addComment(7, `${MARK}\nmy own notes, copied from the bot`, PERSON);
    expect((await post(reportDir(planReport()))).out).toMatch(/: created comment on GitHub pull request acme\/infra#7 https/);
    const mine = ours().find((c) => c.user.login === "github-actions[bot]")!;
    expect(mine).toBeDefined();
    expect((await post(reportDir(planReport()))).out).toMatch(/: updated comment on GitHub pull request acme\/infra#7 https[^(]*$/);
    expect(gh.comments.find((c) => c.id === theirs.id)).toMatchObject({ updated: 0, body: expect.stringContaining("my own notes") });
    expect(gh.comments.find((c) => c.id === mine.id)).toMatchObject({ updated: 1 });
    expect(gh.log.map((e) => e.operationId)).not.toContain("issues/delete-comment");
  });

  it("outside GitHub Actions asks GET /user whom a person's token posts as; a token that cannot read it is named, --author given instead", async () => {
    // `post` as a job outside GitHub Actions runs it: the forge and the repository given.
    const outside = (...extra: string[]) => postIn(false, reportDir(planReport()), "--forge", "github", ...extra);
    gh.poster = PERSON;
    const bots = gh.addComment(7, `${MARK}\nposted by the workflow`, BOT);
    const mine = gh.addComment(7, `${MARK}\nposted by octocat's token`, PERSON);
    expect((await outside()).code).toBe(0);
    expect(gh.log.map((e) => `${e.operationId} ${e.status}`).slice(0, 2)).toEqual(["users/get-authenticated 200", "issues/list-comments 200"]);
    expect(gh.comments.find((c) => c.id === mine.id)).toMatchObject({ updated: 1 });
    expect(gh.comments.find((c) => c.id === bots.id)).toMatchObject({ updated: 0 });
    // An installation token outside Actions: GET /user is refused, and the error says what to give.
    gh.poster = BOT;
    const refused = await outside();
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(
      /GitHub pull request acme\/infra#7: finding out whom the token posts as \(GET \/user; give --author LOGIN when the token cannot read it\): HTTP 403: Resource not accessible by integration/,
    );
    expect((await outside("--author", "github-actions[bot]")).code).toBe(0);
    expect(gh.comments.find((c) => c.id === bots.id)).toMatchObject({ updated: 1 });
  });

  it("keeps stacks apart: another stack's comment on the same pull request is left alone", async () => {
    const other = gh.addComment(7, `${marker("cloudtower-fleet", "prod")}\nprod plan`);
    await post(reportDir(planReport()));
    expect(gh.commentsOn(7)).toHaveLength(2);
    expect(gh.comments.find((c) => c.id === other.id)).toMatchObject({ updated: 0, body: expect.stringContaining("prod plan") });
  });

  it("posts a failed plan with why it failed, and posts even when the command wrote no report (--stack given)", async () => {
    expect((await post(reportDir(planReport("preview-failed")))).code).toBe(0);
    expect(ours()[0].body).toMatch(/: failed[\s\S]*### Why it failed/);
    const empty = reportDir(planReport());
    const noReport = join(empty, "missing");
    const r = await post(noReport, "--stack", "e2e", "--cwd", join(__dirname, "../../examples/cloudtower-fleet"));
    expect(r).toMatchObject({ code: 0, err: "" });
    expect(ours()).toHaveLength(1);
    expect(ours()[0].body).toMatch(
      /^<!-- pulumi-private-cloud-gitops:stack=cloudtower-fleet\/e2e -->\n## Plan of `cloudtower-fleet\/e2e`: failed[\s\S]*the plan command wrote no report/,
    );
  });

  it("past GitHub's 65,536 characters, posts a summary under the limit: verdict, counts, the replace/delete list, policies and the artifact link", async () => {
    const report = bigPlan(600, 120);
    expect(renderMarkdown(report).length).toBeGreaterThan(65536);
    const r = await post(reportDir(report), "--artifact-url", "https://github.com/acme/infra/actions/runs/9001/artifacts/77");
    expect(r.out).toMatch(/\(summary: the full report is past the forge's limit\)/);
    const body = ours()[0].body;
    expect(body.length).toBeLessThanOrEqual(65536);
    expect(body).toMatch(
      /^<!-- pulumi-private-cloud-gitops:stack=cloudtower-fleet\/e2e -->\n## Plan of `cloudtower-fleet\/e2e`: changes to review\n\n\*\*3 to replace, 2 to delete, 2 to create, 601 to update\*\*/,
    );
    expect(body).toMatch(
      /> The full report \([\d,]+ characters\) is past GitHub's limit of 65,536: read it in \[the pipeline artifact\]\(https:\/\/github.com\/acme\/infra\/actions\/runs\/9001\/artifacts\/77\) \(`plan.md`\)/,
    );
    expect(body).toMatch(
      /### Replaced and deleted \(\d+\)[\s\S]*\*\*delete\*\* `cloudtower:Vm` \*\*vm-0\*\*[\s\S]*\*\*replace\*\* `cloudtower:Vm` \*\*vm-1\*\*/,
    );
    expect(body).toMatch(/### Created and updated: \d+ to create, 60\d to update/);
    expect(body).toMatch(/### Policies \(pulumi-private-cloud@[^)]+\)\n\n\*\*Advisory\*\* \(1\)\n\n- `cloudtower-vm-size` on cloudtower:Vm db-1/);
    expect(body).not.toContain("yyyyyyyy");
  });

  it("masks before measuring: a body just under the limit that masking lengthens (a short secret becomes [secret]) posts as a summary under the limit", async () => {
    const SECRET = "zq9x";
    const withSecret = (n: number) => {
      const r = bigPlan(n, 10);
      for (const x of r.resources) if (x.name.startsWith("vm-")) x.changes = x.changes.map((c) => ({ ...c, new: `${SECRET} `.repeat(8) }));
      return r;
    };
    const link = "https://github.com/acme/infra/actions/runs/9001#artifacts";
    const fits = (n: number) => !fitBody(withSecret(n), MARK, "github", link, "plan.md").overflow;
    // The most VMs whose unmasked body still fits whole.
    let lo = 1;
    let hi = 2000;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (fits(mid)) lo = mid;
      else hi = mid - 1;
    }
    const report = withSecret(lo);
    expect(fitBody(report, MARK, "github", link, "plan.md").text.length).toBeGreaterThan(65536 - 400);
    vi.stubEnv("GITOPS_MASKS", SECRET);
    const r = await post(reportDir(report));
    expect(r).toMatchObject({ code: 0, err: "" });
    expect(r.out).toMatch(/\(summary: the full report is past the forge's limit\)/);
    const body = ours()[0].body;
    expect(body.length).toBeLessThanOrEqual(65536);
    expect(body).not.toContain(SECRET);
  });

  it("cuts even the summary to fit when the replace/delete list alone passes the limit, closing its list cleanly", async () => {
    const base = bigPlan(0);
    const many = Array.from({ length: 3000 }, (_, i) => ({ ...base.resources.find((r) => r.op === "replace")!, name: `replaced-vm-with-a-long-name-${i}` }));
    await post(reportDir({ ...base, resources: many }));
    const body = ours()[0].body;
    expect(body.length).toBeLessThanOrEqual(65536);
    expect(body).toMatch(/replaced-vm-with-a-long-name-\d+\*\*\n\n_… cut to fit the comment limit: the full report has the rest._\n$/);
  });
});

describe("the drift issue on GitHub", () => {
  const drift = async (found: boolean) => post(reportDir(driftReport(found)));
  const open = () => gh.issues.filter((i) => i.state === "open" && !i.pull_request && i.body.startsWith(MARK));

  it("is opened on drift with the label, updated on more drift, then commented on and closed when the drift is gone", async () => {
    // Noise the look-up pages through: 120 open labelled pull requests and issues of other stacks.
    for (let i = 0; i < 60; i++) gh.addIssue({ title: `pr ${i}`, labels: ["pulumi-drift"], pull_request: true, body: MARK });
    for (let i = 0; i < 60; i++) gh.addIssue({ title: `other ${i}`, labels: ["pulumi-drift"], body: marker("cloudtower-fleet", `s${i}`) });
    expect((await drift(true)).out).toMatch(/: created drift issue #\d+ in GitHub repository acme\/infra https:\/\/github.com\/acme\/infra\/issues\/\d+/);
    expect(open()).toEqual([expect.objectContaining({ title: "Drift: cloudtower-fleet/e2e", labels: ["pulumi-drift"] })]);
    expect(open()[0].body).toMatch(/## Drift check of `cloudtower-fleet\/e2e`: drift found/);
    const n = open()[0].number;
    expect((await drift(true)).out).toMatch(new RegExp(`: updated drift issue #${n} in`));
    expect(gh.issues.filter((i) => i.body.startsWith(MARK) && !i.pull_request)).toHaveLength(1);
    expect((await drift(false)).out).toMatch(new RegExp(`: closed drift issue #${n} in`));
    expect(gh.issues.find((i) => i.number === n)).toMatchObject({ state: "closed", state_reason: "completed" });
    expect(gh.commentsOn(n)).toEqual([expect.objectContaining({ body: expect.stringMatching(/^## Drift check of `cloudtower-fleet\/e2e`: no drift/) })]);
    expect((await drift(false)).out).toMatch(/: nothing to close no open drift issue in GitHub repository acme\/infra/);
    expect(gh.log.filter((e) => e.operationId === "issues/list-for-repo").length).toBeGreaterThanOrEqual(8);
  });

  it("finds its issue by the marker when a person removed the label: labels it again and updates it, never a second issue", async () => {
    for (let i = 0; i < 150; i++) gh.addIssue({ title: `unrelated ${i}`, labels: i % 2 ? ["bug"] : [] });
    const mine = gh.addIssue({ title: "Drift: cloudtower-fleet/e2e", labels: ["triage"], body: `${MARK}\nold drift` });
    expect((await drift(true)).out).toMatch(new RegExp(`: updated drift issue #${mine.number} in`));
    expect(open()).toEqual([
      expect.objectContaining({ number: mine.number, labels: ["triage", "pulumi-drift"], body: expect.stringContaining("drift found") }),
    ]);
    expect(gh.log.map((e) => `${e.operationId} ${e.status}`)).toEqual([
      "issues/list-for-repo 200",
      "issues/list-for-repo 200",
      "issues/add-labels 200",
      "issues/update 200",
    ]);
    // Labelled now: the next run only updates.
    await drift(true);
    expect(gh.log.filter((e) => e.operationId === "issues/add-labels")).toHaveLength(1);
  });
});

describe("the drift issue's author on GitHub", () => {
  it("is never someone else's issue starting with the marker: that one is left as it is, the kit opens its own", async () => {
    const theirs = gh.addIssue({ title: "Drift notes", labels: ["pulumi-drift"], body: `${MARK}\nwhat I saw`, user: PERSON });
    expect((await post(reportDir(driftReport(true)))).out).toMatch(/: created drift issue #\d+ in/);
    expect(gh.issues.find((i) => i.number === theirs.number)).toMatchObject({ state: "open", body: `${MARK}\nwhat I saw` });
    expect((await post(reportDir(driftReport(false)))).out).toMatch(/: closed drift issue #\d+ in/);
    expect(gh.issues.find((i) => i.number === theirs.number)).toMatchObject({ state: "open", body: `${MARK}\nwhat I saw` });
  });
});

describe("posting's errors on GitHub", () => {
  it("names the missing variable, and never shows the token: not in output, errors, nor a refused request's message", async () => {
    const dir = reportDir(planReport());
    vi.stubEnv("GITHUB_TOKEN", "");
    const out: string[] = [];
    const err: string[] = [];
    expect(
      await main(
        ["post", "--report", dir, "--forge", "github", "--repo", gh.repo, "--pr", "7"],
        (s) => out.push(s),
        (s) => err.push(s),
      ),
    ).toBe(1);
    expect(err.join("")).toMatch(/GITHUB_TOKEN is not set: the token to post with/);
    const wrong = `${TOKEN}-revoked`;
    vi.stubEnv("GH_WRONG", wrong);
    const r = await post(dir, "--token-env", "GH_WRONG");
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/GitHub pull request acme\/infra#7: looking for the comment of cloudtower-fleet\/e2e: HTTP 401: Bad credentials/);
    expect(`${r.out}${r.err}`).not.toContain(TOKEN);
    expect(gh.received.some((x) => x.includes(`token ${wrong}`))).toBe(true);
  });

  it("with --soft, a refused post (HTTP 401) is a GitHub warning annotation naming the error, exit 0, the token not shown", async () => {
    const wrong = `${TOKEN}-expired`;
    vi.stubEnv("GH_WRONG", wrong);
    const r = await post(reportDir(planReport()), "--token-env", "GH_WRONG", "--soft");
    expect(r).toMatchObject({ code: 0, out: "" });
    expect(r.err).toMatch(
      /^::warning title=pulumi-private-cloud-gitops post::the report was not posted \(--soft: not failing the job\): GitHub pull request acme\/infra#7: looking for the comment of cloudtower-fleet\/e2e: HTTP 401: Bad credentials\b.*\n$/,
    );
    expect(r.err).not.toContain(TOKEN);
    expect(ours()).toEqual([]);
  });

  it("refuses a report folder with several reports unless --kind picks one, and a --stack that is not the report's", async () => {
    const dir = reportDir(planReport());
    writeFileSync(join(dir, "drift.json"), JSON.stringify(driftReport(true)));
    expect((await post(dir)).err).toMatch(/--report .*: it holds several reports \(plan.json, drift.json\): give --kind/);
    expect((await post(dir, "--kind", "plan", "--stack", "prod")).err).toMatch(/--stack prod: the report in .*plan.json is for stack e2e/);
    expect((await post(dir, "--kind", "plan")).code).toBe(0);
  });
});

describe("the GitHub description as the fake's judge", () => {
  it("rejects a request field the operation does not take, a bad query value, and an answer missing a required field", () => {
    const spec = githubSpec();
    const url = new URL("http://x/repos/acme/infra/issues/7/comments?per_page=100&page=2");
    expect(spec.checkRequest("POST", new URL("http://x/repos/acme/infra/issues/7/comments"), { body: "x", bdy: "y" })?.problems).toEqual([
      'request body: unknown field "bdy"',
    ]);
    expect(spec.checkRequest("GET", new URL("http://x/repos/acme/infra/issues?state=opened"), undefined)?.problems).toEqual([
      expect.stringMatching(/^query state=opened: .*allowed values/),
    ]);
    expect(spec.checkRequest("GET", url, undefined)).toMatchObject({ operationId: "issues/list-comments", problems: [] });
    expect(spec.checkRequest("PATCH", new URL("http://x/repos/acme/infra/issues/comments/5"), { body: "x" })?.operationId).toBe("issues/update-comment");
    expect(spec.checkResponse("issues/create-comment", 201, { id: 1, body: "x", user: BOT })).toEqual(
      expect.arrayContaining([expect.stringMatching(/must have required property 'node_id'/)]),
    );
  });
});
