/**
 * The plan manifest: what a reviewed plan was made from (the commit and its tree, the stack's config file,
 * the policy packs and their config, the state) and the steps it approves. `apply` recomputes the same facts
 * and refuses on any difference, then checks that a fresh preview's steps are exactly the approved ones.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { z } from "zod";

export const MANIFEST_FORMAT = "pulumi-private-cloud-gitops/manifest@1";

const sha = z.string().regex(/^[0-9a-f]{64}$/, "expected a sha256 in hex");
const step = z.strictObject({ urn: z.string().startsWith("urn:pulumi:"), op: z.string().min(1) });

/** The facts a plan is pinned to, recomputed at apply. */
const FACTS = z.strictObject({
  project: z.string().min(1),
  stack: z.string().min(1),
  git: z.strictObject({
    dir: z.string(),
    commit: z.string().regex(/^[0-9a-f]{40,64}$/),
    tree: z.string().regex(/^[0-9a-f]{40,64}$/),
    dirty: z.array(z.string()),
  }),
  config: z.strictObject({ file: z.string(), sha256: sha.nullable() }),
  policy: z.strictObject({
    packs: z.array(z.strictObject({ path: z.string(), sha256: sha })),
    config: z.strictObject({ path: z.string(), sha256: sha }).nullable(),
  }),
  state: z.strictObject({ sha256: sha, resources: z.number().int().nonnegative(), lastUpdate: z.string().optional() }),
});

const MANIFEST = FACTS.extend({
  format: z.literal(MANIFEST_FORMAT),
  createdAt: z.string(),
  /** The plan's outcome: only a plan that succeeded (changes or none) approves anything. */
  outcome: z.string(),
  steps: z.array(step),
});

export type Facts = z.infer<typeof FACTS>;
export type Manifest = z.infer<typeof MANIFEST>;
export type Step = z.infer<typeof step>;

/** Reads and checks a manifest file; an error names the file and the field. */
export function readManifest(path: string): Manifest {
  if (!existsSync(path)) throw new Error(`--manifest ${path}: no such file (plan writes manifest.json into its --out folder)`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new Error(`--manifest ${path}: not JSON (${(e as Error).message})`, { cause: e });
  }
  const r = MANIFEST.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new Error(`--manifest ${path}: ${i.path.join(".") || "(top)"}: ${i.message}`);
  }
  return r.data;
}

export const sha256 = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");

/** The files of a folder (node_modules and .git left out), relative, sorted. */
function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      if (name === "node_modules" || name === ".git") continue;
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(p);
    }
  };
  walk(dir);
  return out;
}

/** A hash of every file under the folders given (names and contents). */
export function hashFolders(dirs: string[]): string {
  const h = createHash("sha256");
  for (const dir of dirs) {
    if (!existsSync(dir)) throw new Error(`${dir}: no such folder`);
    for (const f of filesUnder(dir)) h.update(`${relative(dir, f)}\u0000${sha256(readFileSync(f))}\n`);
  }
  return h.digest("hex");
}

const short = (s: string | null) => (s ? s.slice(0, 12) : "absent");

/**
 * How the facts now differ from the planned ones, one clear sentence each (none: they match). A different
 * commit with the same tree (the planned commit merged as it was) matches, and says so in `notes`.
 */
export function compareFacts(planned: Facts, now: Facts, notes: string[] = []): string[] {
  const out: string[] = [];
  if (planned.project !== now.project || planned.stack !== now.stack) {
    out.push(`the manifest is for ${planned.project}/${planned.stack}, not ${now.project}/${now.stack}`);
  }
  if (planned.git.commit !== now.git.commit) {
    if (planned.git.tree === now.git.tree)
      notes.push(`commit ${short(now.git.commit)} is not the planned ${short(planned.git.commit)} but has its files (same tree ${short(now.git.tree)})`);
    else
      out.push(
        `the commit differs: planned ${short(planned.git.commit)} (tree ${short(planned.git.tree)}), now ${short(now.git.commit)} (tree ${short(now.git.tree)}); the files changed since the plan: plan again`,
      );
  }
  if (now.git.dirty.length) out.push(`the project folder has changes not committed: ${now.git.dirty.join(", ")}`);
  if (planned.config.sha256 !== now.config.sha256) {
    out.push(`the stack's config file ${now.config.file} changed since the plan (sha256 ${short(planned.config.sha256)} → ${short(now.config.sha256)})`);
  }
  const packs = (f: Facts) => f.policy.packs.map((p) => p.sha256).join(",");
  if (packs(planned) !== packs(now)) {
    out.push(
      `the policy packs differ from the planned ones (${planned.policy.packs.map((p) => `${p.path} ${short(p.sha256)}`).join(", ") || "none"} → ${now.policy.packs.map((p) => `${p.path} ${short(p.sha256)}`).join(", ") || "none"})`,
    );
  }
  if ((planned.policy.config?.sha256 ?? null) !== (now.policy.config?.sha256 ?? null)) {
    out.push(
      `the policy pack config differs from the planned one (${planned.policy.config ? `${planned.policy.config.path} ${short(planned.policy.config.sha256)}` : "none"} → ${now.policy.config ? `${now.policy.config.path} ${short(now.policy.config.sha256)}` : "none"})`,
    );
  }
  if (planned.state.sha256 !== now.state.sha256) {
    out.push(
      `the stack's state changed since the plan (sha256 ${short(planned.state.sha256)} → ${short(now.state.sha256)}, ${planned.state.resources} → ${now.state.resources} resources${now.state.lastUpdate ? `; last: ${now.state.lastUpdate}` : ""}): plan again`,
    );
  }
  return out;
}

/** How a fresh preview's steps differ from the approved ones (none: the same set). */
export function compareSteps(approved: Step[], fresh: Step[]): string[] {
  const key = (s: Step) => `${s.op} ${s.urn}`;
  const a = new Set(approved.map(key));
  const f = new Set(fresh.map(key));
  const added = [...f].filter((k) => !a.has(k)).sort();
  const gone = [...a].filter((k) => !f.has(k)).sort();
  const out: string[] = [];
  if (added.length) out.push(`a fresh preview has steps that were not approved: ${added.join("; ")}`);
  if (gone.length) out.push(`approved steps that a fresh preview no longer has: ${gone.join("; ")}`);
  return out;
}
