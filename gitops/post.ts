/**
 * Posting a report to the forge. A plan or an apply goes to one sticky comment per merge request and stack:
 * its body starts with a hidden marker, found by paging through all the comments, edited in place when found,
 * created otherwise (duplicates that concurrent jobs created are deleted); it is posted whatever the outcome
 * (no change, failed, refused). A drift check keeps one open issue per stack (labelled, found by its marker):
 * created on drift (or a failed check), updated while the drift lasts, commented on and closed when it is gone. Past the forge's body limit, a summary links to the
 * full report uploaded as a pipeline artifact. Every byte sent or printed passes through the masker.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { failureReport } from "./commands";
import { Forge, ForgeKind, LIMIT, Target, forgeError, forgeFor } from "./forge";
import { Masker } from "./mask";
import { Kind, Report, renderMarkdown, renderSummary } from "./report";

export const KINDS: Kind[] = ["plan", "apply", "drift"];
export const DRIFT_LABEL = "pulumi-drift";

/** The hidden first line of the kit's comment and drift issue for a stack. */
export const marker = (project: string, stack: string) => `<!-- pulumi-private-cloud-gitops:stack=${project}/${stack} -->`;

const FORGE_NAME: Record<ForgeKind, string> = { github: "GitHub", gitlab: "GitLab" };

/**
 * The report a command wrote into `dir` (`plan.json`, `apply.json` or `drift.json`; `kind` picks one when
 * several are there). No report there but a stack named: the command failed before it could write one, and
 * that failure is what gets posted.
 */
export function readReport(dir: string, opts: { kind?: Kind; stack?: string; cwd: string }): { report: Report; file: string } {
  const kinds = opts.kind ? [opts.kind] : KINDS;
  const present = kinds.filter((k) => existsSync(join(dir, `${k}.json`)));
  if (present.length > 1) throw new Error(`--report ${dir}: it holds several reports (${present.map((k) => `${k}.json`).join(", ")}): give --kind`);
  if (!present.length) {
    const what = kinds.map((k) => `${k}.json`).join(" or ");
    if (!opts.stack) throw new Error(`--report ${dir}: no ${what} there (give the --out folder of plan, apply or drift)`);
    const kind = opts.kind ?? "plan";
    return { report: failureReport(kind, opts.stack, opts.cwd, `the ${kind} command wrote no report in ${dir}: see the job's log`), file: `${kind}.md` };
  }
  const file = join(dir, `${present[0]}.json`);
  let report: Report;
  try {
    report = JSON.parse(readFileSync(file, "utf8")) as Report;
  } catch (e) {
    throw new Error(`--report ${file}: not JSON (${(e as Error).message})`, { cause: e });
  }
  for (const [field, ok] of [
    ["kind", KINDS.includes(report.kind)],
    ["project", typeof report.project === "string"],
    ["stack", typeof report.stack === "string"],
    ["outcome", typeof report.outcome === "string"],
    ["resources", Array.isArray(report.resources)],
    ["errors", Array.isArray(report.errors)],
  ] as const)
    if (!ok) throw new Error(`--report ${file}: ${field} is missing or wrong: not a report of this kit`);
  const short = report.stack.split("/").pop();
  if (opts.stack && opts.stack !== report.stack && opts.stack.split("/").pop() !== short)
    throw new Error(`--stack ${opts.stack}: the report in ${file} is for stack ${report.stack}`);
  return { report, file: `${present[0]}.md` };
}

const FENCE = /^```/;

/** `text` cut at a line end so that it and the notice fit `max`, an open code fence closed. */
function cutToFit(text: string, max: number, size: (s: string) => number): string {
  const notice = "\n\n_… cut to fit the comment limit: the full report has the rest._\n";
  const lines = text.split("\n");
  let total = size(text);
  const room = max - size(notice) - size("\n```");
  while (lines.length && total > room) total -= size(lines.pop()!) + 1;
  const open = lines.filter((l) => FENCE.test(l)).length % 2 === 1;
  return `${lines.join("\n")}${open ? "\n```" : ""}${notice}`;
}

/**
 * The body to post: `prefix` (the marker), the full Markdown and a link to the artifact; past the forge's limit,
 * the summary with the link instead (cut further if even that is too long). `mask` is applied before measuring.
 */
export function fitBody(
  report: Report,
  prefix: string,
  forge: ForgeKind,
  link: string | undefined,
  file: string,
  mask: (s: string) => string = (s) => s,
): { text: string; overflow: boolean } {
  const { max, size } = LIMIT[forge];
  const head = prefix ? `${prefix}\n` : "";
  const markdown = renderMarkdown(report);
  // Masked before it is measured: a masked secret can be longer than the secret (`[secret]` for a short one).
  const full = mask(`${head}${markdown}${link ? `\n---\n[The report as a pipeline artifact](${link}) (\`${file}\`)\n` : ""}`);
  if (size(full) <= max) return { text: full, overflow: false };
  const pointer =
    `The full report (${markdown.length.toLocaleString("en-US")} characters) is past ${FORGE_NAME[forge]}'s limit of ${max.toLocaleString("en-US")}: ` +
    (link ? `read it in [the pipeline artifact](${link}) (\`${file}\`).` : `it is in the job's artifacts (\`${file}\`).`);
  const text = mask(`${head}${renderSummary(report, pointer)}\n`);
  return { text: size(text) <= max ? text : cutToFit(text, max, size), overflow: true };
}

export interface PostOptions {
  /** The folder plan/apply/drift wrote (their --out). */
  report: string;
  kind?: Kind;
  stack?: string;
  cwd: string;
  label?: string;
  /** Where to post; a function is called once the report is read (its errors come second). */
  target: Target | (() => Target);
  /** The forge client (default: the forge's own client for the target). */
  forge?: Forge;
}

export interface Posted {
  kind: Kind;
  project: string;
  stack: string;
  action: "created" | "updated" | "closed" | "nothing to close";
  /** `comment on GitHub pull request o/r#7`, `issue o/r#12`. */
  where: string;
  url?: string;
  overflow: boolean;
}

/** Posts the report; errors name the forge and the step, masked. */
export async function post(opts: PostOptions): Promise<Posted> {
  const { report, file } = readReport(opts.report, opts);
  const t = typeof opts.target === "function" ? opts.target() : opts.target;
  const masker = new Masker().addFromEnv().add(t.token);
  const forge = opts.forge ?? forgeFor(t);
  const m = marker(report.project, report.stack);
  const body = (prefix: string) => fitBody(report, prefix, t.forge, t.artifactUrl, file, (s) => masker.mask(s));
  const base = { kind: report.kind, project: report.project, stack: report.stack };
  let step = "";
  const at = async <T>(what: string, f: () => Promise<T>): Promise<T> => {
    step = what;
    return f();
  };
  try {
    // Only the token's own comments and issues are the kit's: someone else's is never edited nor deleted.
    await at("finding out whom the token posts as (GET /user; give --author LOGIN when the token cannot read it)", () => forge.author());
    if (report.kind === "drift") {
      const label = opts.label ?? DRIFT_LABEL;
      const found = await at("looking for the open drift issue", () => forge.findIssue(m, label));
      const where = (id?: number) => `drift issue${id ? ` #${id}` : ""} in ${forge.describe()}`;
      if (found && !found.labelled) await at(`labelling ${where(found.id)} ${label} again`, () => forge.labelIssue(found.id, label));
      if (report.outcome === "drift" || report.outcome === "failed") {
        const b = body(m);
        const title = `Drift: ${report.project}/${report.stack}`;
        const r = found
          ? await at(`updating ${where(found.id)}`, () => forge.updateIssue(found.id, b.text))
          : await at(`creating the ${where()}`, () => forge.createIssue(title, b.text, label));
        return { ...base, action: found ? "updated" : "created", where: where(r.id), ...(r.url ? { url: r.url } : {}), overflow: b.overflow };
      }
      if (!found) return { ...base, action: "nothing to close", where: `no open drift issue in ${forge.describe()}`, overflow: false };
      const b = body("");
      const r = await at(`closing ${where(found.id)}`, () => forge.closeIssue(found.id, b.text));
      return { ...base, action: "closed", where: where(r.id), ...(r.url ? { url: r.url } : {}), overflow: b.overflow };
    }
    const n = t.number;
    if (!n)
      throw new Error(
        t.forge === "github"
          ? "no pull request to comment on: GITHUB_EVENT_PATH's event is not a pull request's (give --pr NUMBER)"
          : "no merge request to comment on: CI_MERGE_REQUEST_IID is not set (a merge request pipeline sets it; or give --pr IID)",
      );
    const b = body(m);
    const [found, ...twins] = await at(`looking for the comment of ${report.project}/${report.stack}`, () => forge.findComments(n, m));
    const r = found
      ? await at(`editing comment ${found.id}`, () => forge.updateComment(n, found.id, b.text))
      : await at("creating the comment", () => forge.createComment(n, b.text));
    // Two jobs that posted at once (before either comment existed) each created one: the later ones go.
    for (const t of twins) await at(`deleting the duplicate comment ${t.id}`, () => forge.deleteComment(n, t.id));
    return {
      ...base,
      action: found ? "updated" : "created",
      where: `comment on ${forge.describe(n)}${twins.length ? ` (${twins.length} duplicate(s) from concurrent jobs deleted)` : ""}`,
      ...(r.url ? { url: r.url } : {}),
      overflow: b.overflow,
    };
  } catch (e) {
    const reason = step ? `${forge.describe(t.number)}: ${step}: ${forgeError(e)}` : (e as Error).message;
    // Not chained: the clients' errors carry the request, whose headers hold the token.
    // eslint-disable-next-line preserve-caught-error
    throw new Error(masker.mask(reason));
  }
}
