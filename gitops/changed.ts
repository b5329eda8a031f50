/**
 * Which stacks a change touches, for a pipeline to iterate: a project is a folder with a Pulumi.yaml; a
 * changed `Pulumi.<stack>.yaml` touches that stack, any other changed file of a project every stack of it
 * (the deepest project holding the file); a changed package manifest or lock file at the top of the
 * repository (the package version, the Pulumi SDK) touches every stack. Files outside every project touch none.
 */
import { posix } from "node:path";

export interface StackRef {
  /** The project folder, relative to the repository's top (`.` for the top). */
  dir: string;
  stack: string;
}

/** Top-level files whose change touches every stack. */
export const SHARED_FILES = ["package.json", "package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml"];

const PROJECT_FILE = /^Pulumi\.ya?ml$/;
const STACK_FILE = /^Pulumi\.(.+)\.ya?ml$/;

/** The stacks that `changed` touches, given every file of the head commit; sorted, each once. */
export function changedStacks(changed: string[], files: string[]): StackRef[] {
  const projects = files.filter((f) => PROJECT_FILE.test(posix.basename(f))).map((f) => posix.dirname(f));
  const stacksOf = new Map(projects.map((p) => [p, [] as string[]]));
  for (const f of files) {
    const m = STACK_FILE.exec(posix.basename(f));
    const dir = posix.dirname(f);
    if (m && stacksOf.has(dir)) stacksOf.get(dir)!.push(m[1]);
  }
  const inProject = (f: string, p: string) => p === "." || f.startsWith(`${p}/`);
  const owner = (f: string) => projects.filter((p) => inProject(f, p)).sort((a, b) => b.length - a.length)[0];
  const out = new Map<string, StackRef>();
  const add = (dir: string, stack: string) => out.set(`${dir}\u0000${stack}`, { dir, stack });
  for (const f of changed) {
    if (SHARED_FILES.includes(f)) {
      for (const [dir, stacks] of stacksOf) stacks.forEach((s) => add(dir, s));
      continue;
    }
    const dir = owner(f);
    if (dir === undefined) continue;
    const m = posix.dirname(f) === dir ? STACK_FILE.exec(posix.basename(f)) : null;
    if (m) {
      // A stack whose config file is gone at head is not planned.
      if (stacksOf.get(dir)!.includes(m[1])) add(dir, m[1]);
    } else stacksOf.get(dir)!.forEach((s) => add(dir, s));
  }
  return [...out.values()].sort((a, b) => a.dir.localeCompare(b.dir) || a.stack.localeCompare(b.stack));
}

/** Projects that have no stack config file (a pipeline cannot tell which stack to plan). */
export function projectsWithoutStacks(files: string[]): string[] {
  const projects = files.filter((f) => PROJECT_FILE.test(posix.basename(f))).map((f) => posix.dirname(f));
  return projects.filter((p) => !files.some((f) => posix.dirname(f) === p && STACK_FILE.test(posix.basename(f))));
}
