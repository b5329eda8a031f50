#!/usr/bin/env node
/**
 * pulumi-private-cloud-gitops: plan on the merge request, apply exactly what was reviewed, catch drift.
 *
 *   plan    --stack S [--cwd DIR] [--policy-pack DIR]... [--policy-pack-config FILE] [--out DIR]
 *   apply   --stack S --manifest FILE [--cwd DIR] [--policy-pack DIR]... [--policy-pack-config FILE] [--out DIR]
 *           [--lock-wait 10m] [--lock-expiry 2h]
 *   drift   --stack S [--remediate] [--cwd DIR] [--policy-pack DIR]... [--policy-pack-config FILE] [--out DIR]
 *   changed (--base REV | --all) [--head REV] [--cwd DIR] [--json]
 *   post    --report DIR [--stack S] [--kind plan|apply|drift] [--forge github|gitlab] [--repo R] [--pr N]
 *           [--api-url URL] [--artifact-url URL] [--token-env NAME] [--label L] [--author LOGIN] [--cwd DIR] [--soft]
 *           (--soft: a failed post is a warning on stderr and exit 0, so that it never fails the pipeline's job)
 *
 * Exit codes: 0 no changes / applied / no drift, 1 error or refused, 2 changes, 5 a mandatory policy fired,
 * 7 drift. See gitops/README.md.
 */
import { parseArgs } from "node:util";
import { EXIT, Written, apply, changed, drift, plan, writeFailure } from "./commands";
import { parseDuration } from "./lock";
import { TargetFlags, targetFrom } from "./forge";
import { Masker } from "./mask";
import { KINDS, post } from "./post";
import type { Kind } from "./report";

const USAGE = `usage: pulumi-private-cloud-gitops <command> [options]
  plan    --stack S [--cwd DIR] [--policy-pack DIR]... [--policy-pack-config FILE] [--out DIR]
  apply   --stack S --manifest FILE [--cwd DIR] [--policy-pack DIR]... [--policy-pack-config FILE] [--out DIR] [--lock-wait 10m] [--lock-expiry 2h]
  drift   --stack S [--remediate] [--cwd DIR] [--policy-pack DIR]... [--policy-pack-config FILE] [--out DIR]
  changed (--base REV | --all) [--head REV] [--cwd DIR] [--json]
  post    --report DIR [--stack S] [--kind plan|apply|drift] [--forge github|gitlab] [--repo R] [--pr N] [--api-url URL] [--artifact-url URL] [--token-env NAME] [--label L] [--author LOGIN] [--soft]
exit codes: 0 no changes / applied / no drift, 1 error or refused, 2 changes, 5 mandatory policy, 7 drift`;

const STACK_OPTIONS = {
  stack: { type: "string" },
  cwd: { type: "string", default: "." },
  "policy-pack": { type: "string", multiple: true },
  "policy-pack-config": { type: "string" },
  out: { type: "string" },
} as const;

const OPTIONS = {
  plan: STACK_OPTIONS,
  apply: { ...STACK_OPTIONS, manifest: { type: "string" }, "lock-wait": { type: "string", default: "0" }, "lock-expiry": { type: "string" } },
  drift: { ...STACK_OPTIONS, remediate: { type: "boolean", default: false } },
  changed: {
    base: { type: "string" },
    all: { type: "boolean", default: false },
    head: { type: "string", default: "HEAD" },
    cwd: { type: "string", default: "." },
    json: { type: "boolean", default: false },
  },
  post: {
    report: { type: "string" },
    stack: { type: "string" },
    kind: { type: "string" },
    cwd: { type: "string", default: "." },
    forge: { type: "string" },
    repo: { type: "string" },
    pr: { type: "string" },
    "api-url": { type: "string" },
    "artifact-url": { type: "string" },
    "token-env": { type: "string" },
    label: { type: "string" },
    author: { type: "string" },
    soft: { type: "boolean", default: false },
  },
} as const;

type Command = keyof typeof OPTIONS;

function need(command: string, values: Record<string, unknown>, name: string): string {
  const v = values[name];
  if (typeof v !== "string" || !v) throw new Error(`${command}: --${name} is required`);
  return v;
}

/** Runs the command line; returns the exit code. Output goes through `print` (stdout) and `warn` (stderr). */
type Write = (s: string) => unknown;

export async function main(argv: string[], print: Write = (s) => process.stdout.write(s), warn: Write = (s) => process.stderr.write(s)): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === "--help" || command === "-h" || command === "help") {
    print(`${USAGE}\n`);
    return command ? EXIT.ok : EXIT.error;
  }
  const fallback = new Masker().addFromEnv();
  /** Set once the arguments name a stack: a failure then still writes its report. */
  let failure: { kind: "plan" | "apply" | "drift"; stack: string; cwd: string; out: string } | undefined;
  try {
    if (!(command in OPTIONS)) throw new Error(`unknown command ${JSON.stringify(command)}: one of plan, apply, drift, changed, post`);
    const cmd = command as Command;
    let values: Record<string, unknown>;
    try {
      values = parseArgs({ args: rest, options: OPTIONS[cmd], strict: true, allowPositionals: false }).values;
    } catch (e) {
      throw new Error(`${cmd}: ${(e as Error).message}`, { cause: e });
    }
    if (cmd === "changed") {
      const all = values.all as boolean;
      const stacks = changed({ all, base: all ? undefined : need(cmd, values, "base"), head: values.head as string, cwd: values.cwd as string }, (w) =>
        warn(`${w}\n`),
      );
      print(values.json ? `${JSON.stringify(stacks)}\n` : stacks.map((s) => `${s.dir}\t${s.stack}\n`).join(""));
      return EXIT.ok;
    }
    if (cmd === "post") {
      const dir = need(cmd, values, "report");
      const kind = values.kind as string | undefined;
      if (kind !== undefined && !KINDS.includes(kind as Kind)) throw new Error(`post: --kind ${JSON.stringify(kind)}: one of ${KINDS.join(", ")}`);
      const flags: TargetFlags = {
        forge: values.forge as string | undefined,
        repo: values.repo as string | undefined,
        number: values.pr as string | undefined,
        apiUrl: values["api-url"] as string | undefined,
        artifactUrl: values["artifact-url"] as string | undefined,
        tokenEnv: values["token-env"] as string | undefined,
        author: values.author as string | undefined,
      };
      let r: Awaited<ReturnType<typeof post>>;
      try {
        r = await post({
          report: dir,
          cwd: values.cwd as string,
          target: () => targetFrom(flags, process.env, dir),
          ...(kind ? { kind: kind as Kind } : {}),
          ...(values.stack ? { stack: values.stack as string } : {}),
          ...(values.label ? { label: values.label as string } : {}),
        });
      } catch (e) {
        if (!values.soft) throw e;
        // A report that could not be posted must not fail the job whose outcome it reports (nor hide its artifacts).
        const line = fallback.mask(`the report was not posted (--soft: not failing the job): ${(e as Error).message}`);
        warn(
          `${process.env.GITHUB_ACTIONS === "true" ? "::warning title=pulumi-private-cloud-gitops post::" : "pulumi-private-cloud-gitops: warning: "}${line}\n`,
        );
        return EXIT.ok;
      }
      print(
        fallback.mask(
          `post ${r.kind} ${r.project}/${r.stack}: ${r.action} ${r.where}${r.url ? ` ${r.url}` : ""}${r.overflow ? " (summary: the full report is past the forge's limit)" : ""}\n`,
        ),
      );
      return EXIT.ok;
    }
    const stack = need(cmd, values, "stack");
    const base = {
      stack,
      cwd: values.cwd as string,
      policyPacks: values["policy-pack"] as string[] | undefined,
      policyPackConfig: values["policy-pack-config"] as string | undefined,
      out: (values.out as string | undefined) ?? `.pulumi-gitops/${stack.replace(/\//g, "_")}`,
      log: warn,
    };
    failure = { kind: cmd, stack, cwd: base.cwd, out: base.out };
    let done: Written;
    if (cmd === "plan") done = await plan(base);
    else if (cmd === "apply") {
      done = await apply({
        ...base,
        manifest: need(cmd, values, "manifest"),
        waitMs: parseDuration("--lock-wait", values["lock-wait"] as string),
        ...(values["lock-expiry"] !== undefined ? { expiryMs: parseDuration("--lock-expiry", values["lock-expiry"] as string) } : {}),
      });
    } else done = await drift({ ...base, remediate: values.remediate as boolean });
    const { report, files } = done;
    print(
      fallback.mask(`${report.kind} ${report.project}/${report.stack}: ${report.outcome} (exit ${report.exitCode})\n${files.map((f) => `  ${f}\n`).join("")}`),
    );
    for (const e of report.errors) warn(fallback.mask(`${e.split("\n")[0]}\n`));
    return report.exitCode;
  } catch (e) {
    const message = (e as Error).message;
    warn(fallback.mask(`pulumi-private-cloud-gitops: ${message}\n`));
    if (failure) {
      try {
        const files = writeFailure(failure.kind, failure.stack, failure.cwd, failure.out, message, fallback);
        print(files.map((f) => `  ${f}\n`).join(""));
      } catch (w) {
        warn(fallback.mask(`pulumi-private-cloud-gitops: could not write the report: ${(w as Error).message}\n`));
      }
    }
    return EXIT.error;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (e) => {
      process.stderr.write(`pulumi-private-cloud-gitops: ${e instanceof Error ? e.message : e}\n`);
      process.exitCode = EXIT.error;
    },
  );
}
