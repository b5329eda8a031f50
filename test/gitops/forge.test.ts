/**
 * Where `post` posts, from the CI environment and the flags: GitHub Actions (the pull request from the event
 * file, GHES's API URL, the run's artifacts), GitLab CI (the merge request iid, the API root, the job's artifacts
 * browsed to the report folder); flags override; a missing variable is named.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { TargetFlags, targetFrom } from "../../gitops/forge";
import { GitLabFake, ROUTES } from "./forges/gitlab-fake";

const event = (e: unknown) => {
  const f = join(mkdtempSync(join(tmpdir(), "ppc-event-")), "event.json");
  writeFileSync(f, JSON.stringify(e));
  return f;
};

const GH = {
  GITHUB_ACTIONS: "true",
  GITHUB_TOKEN: "ghs_x",
  GITHUB_REPOSITORY: "acme/infra",
  GITHUB_SERVER_URL: "https://github.com",
  GITHUB_RUN_ID: "42",
};
const GL = {
  GITLAB_CI: "true",
  GITLAB_TOKEN: "glpat-x",
  CI_API_V4_URL: "https://gitlab.example.com/api/v4",
  CI_PROJECT_ID: "7",
  CI_PROJECT_DIR: "/builds/acme/infra",
  CI_JOB_URL: "https://gitlab.example.com/acme/infra/-/jobs/9",
};

describe("the post target", () => {
  it.each<[string, Record<string, string>, TargetFlags, string, object]>([
    [
      "a pull_request event on github.com",
      { ...GH, GITHUB_EVENT_PATH: event({ pull_request: { number: 12 } }) },
      {},
      "/tmp/plan",
      {
        forge: "github",
        apiUrl: "https://api.github.com",
        repo: "acme/infra",
        number: 12,
        artifactUrl: "https://github.com/acme/infra/actions/runs/42#artifacts",
      },
    ],
    [
      "a comment on a pull request, on GHES",
      { ...GH, GITHUB_API_URL: "https://ghe.corp/api/v3/", GITHUB_EVENT_PATH: event({ issue: { number: 5, pull_request: {} } }) },
      {},
      "/tmp/plan",
      { apiUrl: "https://ghe.corp/api/v3", number: 5 },
    ],
    ["a push (apply), the pull request given", { ...GH, GITHUB_EVENT_PATH: event({ ref: "refs/heads/main" }) }, { number: "31" }, "/tmp/x", { number: 31 }],
    ["a schedule (drift): no pull request", { ...GH, GITHUB_EVENT_PATH: event({ schedule: "17 5 * * *" }) }, {}, "/tmp/x", { number: undefined }],
    [
      "a GitLab merge request pipeline",
      { ...GL, CI_MERGE_REQUEST_IID: "3" },
      {},
      "/builds/acme/infra/plans/dev",
      {
        forge: "gitlab",
        apiUrl: "https://gitlab.example.com/api/v4",
        repo: "7",
        number: 3,
        artifactUrl: "https://gitlab.example.com/acme/infra/-/jobs/9/artifacts/browse/plans/dev",
      },
    ],
    [
      "flags over the environment",
      GL,
      { forge: "gitlab", repo: "acme/infra", artifactUrl: "https://x/y", number: "8" },
      "/elsewhere",
      { repo: "acme/infra", number: 8, artifactUrl: "https://x/y" },
    ],
    ["a report outside the project folder has no GitLab link", GL, {}, "/tmp/drift", { artifactUrl: undefined }],
    ["GitHub Actions' token posts as github-actions[bot]", GH, {}, "/tmp/x", { author: "github-actions[bot]" }],
    ["another token in Actions: --author says whom it posts as", GH, { author: "deploy-app[bot]" }, "/tmp/x", { author: "deploy-app[bot]" }],
    ["outside Actions the forge is asked (GET /user)", { ...GH, GITHUB_ACTIONS: "" }, { forge: "github" }, "/tmp/x", { author: undefined }],
    ["GitLab asks GET /user unless --author is given", GL, {}, "/tmp/x", { author: undefined }],
  ])("%s", (_name, env, flags, dir, want) => {
    const t = targetFrom(flags, env, dir);
    const entries = Object.entries(want);
    for (const [k] of entries.filter(([, v]) => v === undefined)) expect(t).not.toHaveProperty(k);
    expect(t).toMatchObject(Object.fromEntries(entries.filter(([, v]) => v !== undefined)));
  });

  it.each<[Record<string, string>, TargetFlags, RegExp]>([
    [{}, {}, /cannot tell the forge: neither GITHUB_ACTIONS nor GITLAB_CI is set \(give --forge github or --forge gitlab\)/],
    [GH, { forge: "bitbucket" }, /--forge "bitbucket": one of github, gitlab/],
    [{ ...GH, GITHUB_TOKEN: "" }, {}, /GITHUB_TOKEN is not set/],
    [{ ...GH, MY_TOKEN: "" }, { tokenEnv: "MY_TOKEN" }, /MY_TOKEN is not set/],
    [{ ...GH, GITHUB_REPOSITORY: "" }, {}, /GITHUB_REPOSITORY is not set: the repository \(owner\/name\) to post to; or give --repo/],
    [GH, { repo: "infra" }, /--repo "infra": expected owner\/name/],
    [GH, { number: "7a" }, /--pr "7a": expected a positive whole number/],
    [{ ...GH, GITHUB_EVENT_PATH: "/nowhere.json" }, {}, /GITHUB_EVENT_PATH \/nowhere.json: cannot read the event/],
    [{ ...GL, CI_API_V4_URL: "" }, {}, /CI_API_V4_URL is not set: the GitLab API root; or give --api-url/],
    [GL, { apiUrl: "https://gitlab.example.com" }, /--api-url https:\/\/gitlab.example.com: a GitLab API root ends in \/api\/v4/],
    [{ ...GL, CI_PROJECT_ID: "" }, {}, /CI_PROJECT_ID is not set/],
    [{ ...GL, CI_MERGE_REQUEST_IID: "0" }, {}, /CI_MERGE_REQUEST_IID "0": expected a positive whole number/],
  ])("refuses %j %j, naming what is missing or wrong", (env, flags, message) => {
    expect(() => targetFrom(flags, env, "/tmp/r")).toThrow(message);
  });
});

describe("the GitLab fake's judge (the documented shapes)", () => {
  it("rejects an undocumented body field, a bad state, and an answer missing a documented field", () => {
    const gl = new GitLabFake("t");
    const route = (m: string, p: string) => ROUTES.find((r) => r.method === m && r.path === p)!;
    expect(gl.check(route("POST", "/projects/:id/merge_requests/:merge_request_iid/notes").body!, { body: "x", note: "y" })).toEqual([
      '(top): unknown field "note"',
    ]);
    expect(gl.check(route("GET", "/projects/:id/issues").query, { state: "open" })).toEqual(["/state: must be equal to one of the allowed values"]);
    expect(gl.check(route("PUT", "/projects/:id/issues/:issue_iid").ok.schema, { id: 1, iid: 2 })).toEqual(
      expect.arrayContaining(["(top): must have required property 'web_url'"]),
    );
  });
});
