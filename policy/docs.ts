import type { Policies } from "@pulumi/policy";

type Schema = { type?: string; default?: unknown; items?: Schema; additionalProperties?: Schema };

/** The pack's reference: each policy with its enforcement level and the configuration keys it takes. */
export function policyDoc(policies: Policies): string {
  const lines = [
    "# Policy pack reference",
    "",
    "Generated from the policies (`policy/docs.ts`); do not edit by hand: `PPC_WRITE_DOCS=1 npx vitest run test/policy/docs.test.ts`.",
    "",
    "Set a policy's keys, or its enforcement level (`advisory`, `mandatory`, `disabled`), per stack in a JSON file passed with",
    '`pulumi preview --policy-pack <pack> --policy-pack-config <file>`: `{"stack-budget": {"monthlyLimit": 500}, "name-pattern": "mandatory"}`.',
    "",
    "| policy | level | what it checks | configuration (default) |",
    "|---|---|---|---|",
  ];
  for (const p of policies) {
    const props = (p.configSchema?.properties ?? {}) as Record<string, Schema>;
    const keys = Object.entries(props).map(
      ([k, s]) => `\`${k}\` ${s.type === "array" ? `list of ${s.items?.type}` : s.type}${s.default === undefined ? "" : ` (\`${JSON.stringify(s.default)}\`)`}`,
    );
    lines.push(`| \`${p.name}\` | ${p.enforcementLevel ?? "advisory"} | ${p.description.replace(/\|/g, "\\|")} | ${keys.join("<br>") || "none"} |`);
  }
  lines.push(
    "",
    "`stack-budget`'s `prices` are monthly prices per unit in one currency (the package's `cost.UnitPrices`; absent prices count as 0):",
    '`{"currency": "EUR", "cloudtower": {"perVcpu", "perGbMemory", "perGbDisk"}, "cloudsigma": {"perGhz", "perGbMemory", "perGbDisk", "perIp", "perVlan"},',
    '"chimestack": {"perInstanceSpec": {"<spec uuid>": price}, "perGbVolume"}, "cvm": {"perVps"}}`. A CloudSigma subscription counts at its own price over its months.',
    "",
    "`retainOnDelete` is not shown to policy packs (`@pulumi/policy` 1.21 passes `protect` only), so `deletion-protection` asks for `protect`.",
  );
  return lines.join("\n") + "\n";
}
