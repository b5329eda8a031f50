/** The few git facts the kit needs, read with the `git` command. */
import { execFileSync } from "node:child_process";
import { relative, resolve } from "node:path";

export function git(cwd: string, args: string[]): string {
  try {
    return execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 64 << 20 }).trim();
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`git ${args.join(" ")} failed in ${cwd}: ${(err.stderr || err.message).trim()}`, { cause: e });
  }
}

export interface GitFacts {
  /** The work tree's top folder. */
  root: string;
  /** The project folder relative to it (`.` for the top). */
  dir: string;
  commit: string;
  /** The commit's tree: a merge that brings exactly the planned files has the same tree. */
  tree: string;
  /** Tracked files of the project folder with changes not committed. */
  dirty: string[];
}

export function gitFacts(projectDir: string): GitFacts {
  let root: string;
  try {
    root = git(projectDir, ["rev-parse", "--show-toplevel"]);
  } catch (e) {
    throw new Error(`--cwd ${projectDir} is not in a git work tree: the kit pins what it plans to a commit`, { cause: e });
  }
  const dir = relative(root, resolve(projectDir)) || ".";
  const commit = git(root, ["rev-parse", "HEAD"]);
  const tree = git(root, ["rev-parse", "HEAD^{tree}"]);
  const dirty = git(root, ["status", "--porcelain", "--untracked-files=no", "--", dir])
    .split("\n")
    .filter(Boolean)
    .map((l) => l.slice(3));
  return { root, dir, commit, tree, dirty };
}

/** Files that differ between the merge base of `base` and `head`, and `head` (what `head` brings; both sides of a rename). */
export function changedFiles(root: string, base: string, head: string): string[] {
  for (const [name, rev] of [
    ["--base", base],
    ["--head", head],
  ]) {
    try {
      git(root, ["rev-parse", "--verify", "--quiet", `${rev}^{commit}`]);
    } catch (e) {
      throw new Error(`${name} ${rev}: not a commit of ${root}`, { cause: e });
    }
  }
  const mergeBase = git(root, ["merge-base", base, head]);
  return git(root, ["diff", "--name-only", "--no-renames", mergeBase, head]).split("\n").filter(Boolean);
}

/** Every file of a commit. */
export function filesAt(root: string, rev: string): string[] {
  return git(root, ["ls-tree", "-r", "--name-only", rev]).split("\n").filter(Boolean);
}
