/**
 * The command line without a stack to run: bad input names its option, the exit codes; the masker; lock
 * errors as the CLI words them and what the kit decides about them; prices in the stack config.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { main } from "../../gitops/cli";
import { lockDecision, lockHolders, parseDuration } from "../../gitops/lock";
import { Masker } from "../../gitops/mask";
import { parsePrices } from "../../gitops/price";

async function cli(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(
    args,
    (s) => out.push(s),
    (s) => err.push(s),
  );
  return { code, out: out.join(""), err: err.join("") };
}

describe("the command line", () => {
  it("prints its usage with the exit codes on --help, and fails without a command", async () => {
    expect(await cli("--help")).toMatchObject({
      code: 0,
      out: expect.stringMatching(/plan {4}--stack S[\s\S]*exit codes: 0 no changes.*2 changes, 5 mandatory policy, 7 drift/),
    });
    expect((await cli()).code).toBe(1);
  });

  it.each<[string[], RegExp]>([
    [["deploy"], /unknown command "deploy": one of plan, apply, drift, changed/],
    [["plan"], /plan: --stack is required/],
    [["plan", "--stack", "dev", "--frobnicate"], /plan: Unknown option '--frobnicate'/],
    [["apply", "--stack", "dev"], /apply: --manifest is required/],
    [["apply", "--stack", "dev", "--manifest", "m.json", "--lock-wait", "soon"], /--lock-wait "soon": give a duration such as 30s, 10m or 1h/],
    [["changed"], /changed: --base is required/],
    [["plan", "--stack", "no spaces"], /--stack "no spaces": a stack name has letters, digits/],
    [["plan", "--stack", "dev", "--cwd", "/nowhere"], /--cwd \/nowhere: no Pulumi.yaml there/],
    [["post"], /post: --report is required/],
    [["post", "--report", "r", "--kind", "preview"], /post: --kind "preview": one of plan, apply, drift/],
    [["post", "--report", "/nowhere", "--forge", "github", "--repo", "a/b"], /--report \/nowhere: no plan.json or apply.json or drift.json there/],
  ])("rejects %j, naming what is wrong, with exit 1", async (args, message) => {
    const r = await cli(...args, ...(args[0] === "changed" || args[0] === "post" || args.length < 2 ? [] : ["--out", mkdtempSync(join(tmpdir(), "ppc-cli-"))]));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(message);
  });

  it("post --soft turns a failed post into a warning naming the error, with exit 0; without it the same failure exits 1", async () => {
    vi.stubEnv("GITHUB_ACTIONS", "");
    const args = ["post", "--report", "/nowhere", "--forge", "github", "--repo", "a/b"];
    expect(await cli(...args)).toMatchObject({ code: 1, err: expect.stringMatching(/--report \/nowhere: no plan.json/) });
    const soft = await cli(...args, "--soft");
    expect(soft).toMatchObject({ code: 0, out: "" });
    expect(soft.err).toMatch(
      /^pulumi-private-cloud-gitops: warning: the report was not posted \(--soft: not failing the job\): --report \/nowhere: no plan.json/,
    );
    vi.unstubAllEnvs();
  });

  it("still writes plan.md saying why when the command fails once it knows the stack", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ppc-cli-"));
    const r = await cli("plan", "--stack", "dev", "--cwd", "/nowhere", "--out", dir);
    expect(r.code).toBe(1);
    expect(r.out).toContain(join(dir, "plan.md"));
    expect(readFileSync(join(dir, "plan.md"), "utf8")).toMatch(
      /^## Plan of `\(unknown project\)\/dev`: failed[\s\S]*### Why it failed[\s\S]*no Pulumi.yaml there/,
    );
    expect(JSON.parse(readFileSync(join(dir, "plan.json"), "utf8"))).toMatchObject({ outcome: "failed", exitCode: 1 });
  });
});

describe("the masker", () => {
  it("masks a secret raw, JSON-escaped and URL-encoded, and each leaf of a structured one", () => {
    const m = new Masker().add('pa"ss word').add('{"token":"tok-123456"}');
    expect(m.mask('a pa"ss word b')).toBe("a [secret] b");
    expect(m.mask(JSON.stringify({ x: 'pa"ss word' }))).toBe('{"x":"[secret]"}');
    expect(m.mask("u=pa%22ss%20word")).toBe("u=[secret]");
    expect(m.mask("t=tok-123456")).toBe("t=[secret]");
  });

  it("takes credentials from the environment by name, a backend URL's password and GITOPS_MASKS, not short values", () => {
    const m = new Masker().addFromEnv({
      CLOUDTOWER_PASSWORD: "tower-pw-1",
      PULUMI_CONFIG_PASSPHRASE: "phrase-1",
      PULUMI_BACKEND_URL: "postgres://u:pg%40pw@localhost/db",
      GITOPS_MASKS: "extra-1, extra-2",
      HOME: "/root",
      GITHUB_TOKEN: "abc",
    });
    expect(m.mask("tower-pw-1 phrase-1 pg@pw extra-1 extra-2 /root abc")).toBe("[secret] [secret] [secret] [secret] [secret] /root abc");
  });
});

describe("locks", () => {
  const ERROR = `error: the stack is currently locked by 1 lock(s). Either wait for the other process(es) to end or delete the lock file with \`pulumi cancel\`.
  postgres://****:****@127.0.0.1:5432/pulumi/.pulumi/locks/organization/fleet/prod/3f0c.json: created by runner@ci-7 (pid 4242) at 2026-11-26T03:00:00Z`;

  it("reads the holders from the CLI's lock error, and nothing from other errors", () => {
    expect(lockHolders(ERROR)).toEqual([
      {
        where: "postgres://****:****@127.0.0.1:5432/pulumi/.pulumi/locks/organization/fleet/prod/3f0c.json",
        who: "runner@ci-7",
        pid: 4242,
        since: new Date("2026-11-26T03:00:00Z"),
      },
    ]);
    expect(lockHolders("error: preview failed")).toBeUndefined();
  });

  it("removes a lock older than the expiry, waits for a younger one, then gives up naming the holder", () => {
    const holders = lockHolders(ERROR)!;
    const at = (iso: string) => () => new Date(iso).getTime();
    expect(lockDecision(holders, { waitMs: 0, expiryMs: 60_000, now: at("2026-11-26T03:02:00Z") }, 0)).toMatchObject({
      action: "remove",
      reason: expect.stringMatching(/removed the stack's lock held by runner@ci-7 \(pid 4242\).*older than the lock expiry of 60s/),
    });
    expect(lockDecision(holders, { waitMs: 30_000, expiryMs: 600_000, now: at("2026-11-26T03:02:00Z") }, 10_000)).toMatchObject({ action: "wait" });
    expect(lockDecision(holders, { waitMs: 30_000, now: at("2026-11-26T03:02:00Z") }, 31_000)).toMatchObject({
      action: "give-up",
      reason: expect.stringMatching(
        /locked by runner@ci-7 \(pid 4242\) since 2026-11-26T03:00:00.000Z: another run is applying it \(waited 31s\).*--lock-expiry/,
      ),
    });
  });

  it("reads durations", () => {
    expect([parseDuration("x", "90"), parseDuration("x", "2m"), parseDuration("x", "1.5h"), parseDuration("x", "250ms")]).toEqual([
      90_000, 120_000, 5_400_000, 250,
    ]);
  });
});

describe("prices in the stack config", () => {
  it("reads JSON unit prices and names the field that is wrong", () => {
    expect(parsePrices('{"currency":"EUR","cloudtower":{"perVcpu":10}}')).toEqual({ currency: "EUR", cloudtower: { perVcpu: 10 } });
    expect(() => parsePrices('{"cloudtower":{"perVcpu":"ten"}}')).toThrow(/^pulumi-private-cloud:prices\.cloudtower\.perVcpu: Invalid input: expected number/);
    expect(() => parsePrices('{"cloudtower":{"perCpu":1}}')).toThrow(/^pulumi-private-cloud:prices\.cloudtower: Unrecognized key: "perCpu"/);
    expect(() => parsePrices("{")).toThrow(/^pulumi-private-cloud:prices: not JSON/);
  });
});
