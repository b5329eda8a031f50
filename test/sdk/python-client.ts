/**
 * A vendor's third-party Python client, installed by scripts/env.sh into .cache/<venv>/, running one of
 * this folder's conformance scripts: each prints JSON lines (a header, then one `{step, ok, detail}` per
 * step). Fails in CI when the client is not installed; skips elsewhere, saying how to install it.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";

export interface Line {
  step?: string;
  ok?: boolean;
  detail?: Record<string, any>;
  error?: string;
  trace?: string;
  [header: string]: unknown;
}

export interface PythonClient {
  /** Whether the venv is there; false skips the suite (outside CI). */
  installed: boolean;
  /** Runs `script` (in test/sdk/) with `args`: its exit code, its JSON lines, its stderr. */
  run(script: string, args: string[]): Promise<{ code: number; lines: Line[]; stderr: string }>;
}

/** The client in .cache/<venv>/ that `ensure` (a scripts/env.sh function) installs; `what` names it in messages. */
export function pythonClient(venv: string, ensure: string, what: string): PythonClient {
  const python = join(process.env.PPC_CACHE ?? join(__dirname, "../../.cache"), venv, "bin", "python");
  const installed = existsSync(python);
  const reason = `${what} is not installed at ${python} (source scripts/env.sh && ${ensure})`;
  if (!installed && process.env.CI) throw new Error(`the ${what} conformance suite must run in CI: ${reason}`);
  if (!installed) console.warn(`skipping the ${what} conformance suite: ${reason}`);
  return {
    installed,
    run: (script, args) =>
      new Promise((resolve) => {
        execFile(python, [join(__dirname, script), ...args], { timeout: 120_000 }, (err, stdout, stderr) => {
          const lines = stdout
            .split("\n")
            .filter((l) => l.trim())
            .map((l) => JSON.parse(l) as Line);
          resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, lines, stderr });
        });
      }),
  };
}
