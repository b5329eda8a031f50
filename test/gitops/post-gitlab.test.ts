/**
 * Posting to GitLab through `@gitbeaker/rest` against a fake GitLab checked against the documented shapes of
 * the notes and issues endpoints (GitLab publishes no offline OpenAPI description of them): one sticky note per
 * merge request and stack, found on any page and edited in place; GitLab's 1,000,000-character limit; one
 * drift issue per stack; the token never shown.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { main } from "../../gitops/cli";
import { marker } from "../../gitops/post";
import { renderMarkdown } from "../../gitops/report";
import { GitLabFake, PERSON } from "./forges/gitlab-fake";
import { bigPlan, driftReport, planReport, reportDir } from "./forges/reports";

const TOKEN = "glpat-Q7xV3nT9kLm2pR8sW4yZ";
const MARK = marker("cloudtower-fleet", "e2e");
let gl: GitLabFake;

beforeAll(async () => {
  gl = await new GitLabFake(TOKEN).start();
});
afterAll(() => gl.stop());
afterEach(() => {
  const violations = gl.violations.splice(0);
  gl.notes.length = 0;
  gl.issues.length = 0;
  gl.log.length = 0;
  vi.unstubAllEnvs();
  expect(violations).toEqual([]);
});

/** The CLI's `post` as a GitLab merge request pipeline for !7 would run it (`env` changes that). */
async function post(dir: string, ...extra: string[]) {
  return postWith({}, dir, ...extra);
}

async function postWith(env: Record<string, string>, dir: string, ...extra: string[]) {
  vi.stubEnv("GITLAB_CI", "true");
  vi.stubEnv("GITLAB_TOKEN", TOKEN);
  vi.stubEnv("CI_API_V4_URL", gl.apiUrl);
  vi.stubEnv("CI_PROJECT_ID", "42");
  vi.stubEnv("CI_MERGE_REQUEST_IID", "7");
  for (const [k, v] of Object.entries(env)) vi.stubEnv(k, v);
  vi.stubEnv("CI_PROJECT_DIR", dir.replace(/\/[^/]+$/, ""));
  vi.stubEnv("CI_JOB_URL", "https://gitlab.example.com/acme/infra/-/jobs/555");
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(
    ["post", "--report", dir, ...extra],
    (s) => out.push(s),
    (s) => err.push(s),
  );
  return { code, out: out.join(""), err: err.join("") };
}

const ours = () => gl.notesOn("MergeRequest", 7).filter((n) => n.body.startsWith(MARK));

describe("the sticky merge request note on GitLab", () => {
  it("is created with the marker, the plan and a link to the job's artifacts, then edited in place", async () => {
    const dir = reportDir(planReport());
    const first = await post(dir);
    expect(first).toMatchObject({ code: 0, err: "" });
    expect(first.out).toMatch(/^post plan cloudtower-fleet\/e2e: created comment on GitLab merge request 42!7\n/);
    const folder = dir.split("/").pop();
    expect(ours()).toEqual([
      expect.objectContaining({
        body: `${MARK}\n${renderMarkdown(planReport())}\n---\n[The report as a pipeline artifact](https://gitlab.example.com/acme/infra/-/jobs/555/artifacts/browse/${folder}) (\`plan.md\`)\n`,
      }),
    ]);
    const id = ours()[0].id;
    expect((await post(reportDir(planReport("preview-failed")))).out).toMatch(/: updated comment on GitLab merge request 42!7/);
    expect(gl.notesOn("MergeRequest", 7)).toHaveLength(1);
    expect(ours()[0]).toMatchObject({ id, updated: 1, body: expect.stringMatching(/: failed[\s\S]*### Why it failed/) });
  });

  it("finds its note on page 3 of a busy merge request (system notes and people's notes before it) and edits it", async () => {
    for (let i = 0; i < 150; i++) gl.addNote("MergeRequest", 7, `added ${i} commits`, true);
    const mine = gl.addNote("MergeRequest", 7, `${MARK}\nold`);
    for (let i = 0; i < 80; i++) gl.addNote("MergeRequest", 7, `review ${i}`);
    // A system note that happens to start with the marker (a quoted description) is not the kit's.
    gl.addNote("MergeRequest", 7, `${MARK} in a system note`, true);
    expect((await post(reportDir(planReport()))).code).toBe(0);
    expect(gl.notesOn("MergeRequest", 7)).toHaveLength(232);
    expect(ours().filter((n) => !n.system)).toEqual([expect.objectContaining({ id: mine.id, updated: 1 })]);
    const pages = gl.log.filter((e) => e.method === "GET" && e.path.includes("/notes")).map((e) => new URL(e.path, gl.url).searchParams.get("page") ?? "1");
    expect(pages).toEqual(["1", "2", "3"]);
  });

  it("deletes the duplicates that two jobs posting at once created, keeping the oldest, edited", async () => {
    const first = gl.addNote("MergeRequest", 7, `${MARK}\nplan from job 1`);
    gl.addNote("MergeRequest", 7, "lgtm");
    const second = gl.addNote("MergeRequest", 7, `${MARK}\nplan from job 2`);
    const r = await post(reportDir(planReport()));
    expect(r.out).toMatch(/: updated comment on GitLab merge request 42!7 \(1 duplicate\(s\) from concurrent jobs deleted\)/);
    expect(ours()).toEqual([expect.objectContaining({ id: first.id, updated: 1 })]);
    expect(gl.notes.some((n) => n.id === second.id)).toBe(false);
    expect(gl.notesOn("MergeRequest", 7)).toHaveLength(2);
  });

  it("never edits nor deletes a note someone else wrote that starts with the marker: only the token's own user's (GET /user)", async () => {
    const theirs = gl.addNote("MergeRequest", 7, `${MARK}\nmy notes`, false, PERSON);
    await post(reportDir(planReport()));
    await post(reportDir(planReport()));
    expect(gl.notes.find((n) => n.id === theirs.id)).toMatchObject({ updated: 0, body: `${MARK}\nmy notes` });
    expect(ours().map((n) => [n.author.username, n.updated])).toEqual([
      ["alice", 0],
      ["project_42_bot", 1],
    ]);
    expect(gl.log.filter((e) => e.method === "DELETE")).toEqual([]);
    expect(gl.log.filter((e) => e.path === "/api/v4/user" || e.path === "/user")).toHaveLength(2);
  });

  it("keeps the whole report up to GitLab's 1,000,000 characters (past GitHub's limit), and summarises past it", async () => {
    const mid = bigPlan(600, 120);
    expect(renderMarkdown(mid).length).toBeGreaterThan(65536);
    expect((await post(reportDir(mid))).out).not.toMatch(/summary/);
    expect(ours()[0].body).toContain(renderMarkdown(mid));
    const huge = bigPlan(1200, 400);
    expect(renderMarkdown(huge).length).toBeGreaterThan(1_000_000);
    expect((await post(reportDir(huge))).out).toMatch(/summary: the full report is past the forge's limit/);
    expect(ours()[0].body.length).toBeLessThan(1_000_000);
    expect(ours()[0].body).toMatch(
      /> The full report \([\d,]+ characters\) is past GitLab's limit of 1,000,000: read it in \[the pipeline artifact\]\(https:\/\/gitlab.example.com\/acme\/infra\/-\/jobs\/555\/artifacts\/browse\/[^)]+\)/,
    );
  });
});

describe("the drift issue on GitLab", () => {
  it("is opened with the label on drift, updated on more drift, then commented on and closed when the drift is gone", async () => {
    for (let i = 0; i < 120; i++) gl.addIssue({ title: `other ${i}`, labels: ["pulumi-drift"], description: marker("cloudtower-fleet", `s${i}`) });
    expect((await post(reportDir(driftReport(true)))).out).toMatch(
      /: created drift issue #\d+ in GitLab project 42 https:\/\/gitlab.example.com\/acme\/infra\/-\/issues\/\d+/,
    );
    const mine = () => gl.issues.filter((i) => i.description?.startsWith(MARK));
    expect(mine()).toEqual([expect.objectContaining({ title: "Drift: cloudtower-fleet/e2e", labels: ["pulumi-drift"], state: "opened" })]);
    const iid = mine()[0].iid;
    expect((await post(reportDir(driftReport(true)))).out).toMatch(new RegExp(`: updated drift issue #${iid} in`));
    expect((await post(reportDir(driftReport(false)))).out).toMatch(new RegExp(`: closed drift issue #${iid} in`));
    expect(mine()).toEqual([expect.objectContaining({ iid, state: "closed" })]);
    expect(gl.notesOn("Issue", iid)).toEqual([
      expect.objectContaining({ body: expect.stringMatching(/^## Drift check of `cloudtower-fleet\/e2e`: no drift/) }),
    ]);
    expect(gl.log.filter((e) => e.method === "GET" && e.path.startsWith("/projects/42/issues")).length).toBeGreaterThanOrEqual(6);
  });

  it("finds its issue by the marker when a person removed the label: labels it again and updates it, never a second issue", async () => {
    for (let i = 0; i < 150; i++) gl.addIssue({ title: `unrelated ${i}` });
    const mine = gl.addIssue({ title: "Drift: cloudtower-fleet/e2e", labels: ["triage"], description: `${MARK}\nold drift` });
    expect((await post(reportDir(driftReport(true)))).out).toMatch(new RegExp(`: updated drift issue #${mine.iid} in`));
    expect(gl.issues.filter((i) => i.description?.startsWith(MARK))).toEqual([
      expect.objectContaining({ iid: mine.iid, state: "opened", labels: ["triage", "pulumi-drift"], description: expect.stringContaining("drift found") }),
    ]);
    expect(gl.log.filter((e) => e.method === "PUT").map((e) => e.path)).toEqual([`/projects/42/issues/${mine.iid}`, `/projects/42/issues/${mine.iid}`]);
  });
});

describe("posting's errors on GitLab", () => {
  it("names the missing variable, refuses a merge request pipeline's absence, and never shows the token", async () => {
    const dir = reportDir(planReport());
    vi.stubEnv("GITLAB_TOKEN", "");
    vi.stubEnv("CI_API_V4_URL", gl.apiUrl);
    const err: string[] = [];
    expect(
      await main(
        ["post", "--report", dir, "--forge", "gitlab"],
        () => {},
        (s) => err.push(s),
      ),
    ).toBe(1);
    expect(err.join("")).toMatch(/GITLAB_TOKEN is not set: a project or group access token with the api scope/);
    const noMr = await postWith({ CI_MERGE_REQUEST_IID: "" }, dir);
    expect(noMr.err).toMatch(/no merge request to comment on: CI_MERGE_REQUEST_IID is not set/);
    vi.stubEnv("GL_OLD", `${TOKEN}x`);
    const r = await post(dir, "--token-env", "GL_OLD");
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      /GitLab merge request 42!7: finding out whom the token posts as \(GET \/user; give --author LOGIN when the token cannot read it\): HTTP 401: 401 Unauthorized/,
    );
    expect(`${r.out}${r.err}${noMr.err}`).not.toContain(TOKEN);
  });
});
