import type { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { core, cost } from "pulumi-private-cloud";
import { DECISIONS, Decision } from "./decisions";

/** The decision of a Pulumi type token, with its `<vendor>:<type>` key; undefined for types not of this package. */
const BY_TOKEN = new Map(Object.entries(DECISIONS).map(([key, d]) => [core.typeToken(...(key.split(":") as [string, string])), { key, ...d }]));
const decisionOf = (token: string): (Decision & { key: string }) | undefined => BY_TOKEN.get(token);

/** `urn:pulumi:<stack>::<project>::<type>::<name>` -> its stack. */
const stackOf = (urn: string) => urn.split("::")[0].split(":").slice(2).join(":");
/** `cloudtower:Vm` and a resource name -> `cloudtower.Vm "db-1"`. */
const what = (key: string, name: string) => `${key.replace(":", ".")} "${name}"`;
/** A glob (`*` any run, `?` one character) as an anchored pattern. */
const glob = (g: string) =>
  new RegExp(
    `^${g
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".")}$`,
  );

export const DNS_LABEL = "^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$";

/**
 * The tags a resource carries: a list as given, or labels (key to value, CloudTower's), which carry
 * `key`, `key:value` and `key=value`.
 */
export function tagSet(v: unknown): Set<string> {
  if (Array.isArray(v)) return new Set(v as string[]);
  if (!v || typeof v !== "object") return new Set();
  return new Set(Object.entries(v as Record<string, string>).flatMap(([k, x]) => [k, `${k}:${x}`, `${k}=${x}`]));
}

/** Policies that hold across vendors: names, tags, deletion protection, the stack's budget. */
export function commonPolicies(): Array<ResourceValidationPolicy | StackValidationPolicy> {
  return [
    {
      name: "name-pattern",
      description: "Names follow the team's pattern (default: a DNS label, so that a name can be a hostname); per vendor with `patterns`.",
      enforcementLevel: "advisory",
      configSchema: {
        properties: {
          pattern: { type: "string", default: DNS_LABEL },
          patterns: { type: "object", additionalProperties: { type: "string" }, default: {} },
        },
      },
      validateResource: (args, report) => {
        const d = decisionOf(args.type);
        if (!d || typeof d.name !== "string") return;
        const { pattern = DNS_LABEL, patterns = {} } = args.getConfig<{ pattern?: string; patterns?: Record<string, string> }>();
        const p = patterns[d.key.split(":")[0]] ?? pattern;
        const value = args.props[d.name];
        if (typeof value === "string" && !new RegExp(p).test(value)) {
          report(`${what(d.key, args.name)}: ${d.name} "${value}" does not match ${p}; rename it or change the policy's pattern`);
        }
      },
    },
    {
      name: "required-tags",
      description: "Resources that carry tags carry each of the tags the team requires (`tags`, none by default).",
      enforcementLevel: "advisory",
      configSchema: { properties: { tags: { type: "array", items: { type: "string" }, default: [] } } },
      validateResource: (args, report) => {
        const d = decisionOf(args.type);
        if (!d || typeof d.tags !== "string") return;
        const { tags = [] } = args.getConfig<{ tags?: string[] }>();
        const has = tagSet(args.props[d.tags]);
        const missing = tags.filter((t) => !has.has(t));
        if (missing.length) report(`${what(d.key, args.name)} lacks the required tag(s) ${missing.join(", ")}; add them to its ${d.tags}`);
      },
    },
    {
      name: "deletion-protection",
      description:
        "In stacks whose name matches `stacks` (default prod*), resources that hold data (VMs, drives, snapshots) are `protect`ed, so that no change or destroy deletes them unnoticed.",
      enforcementLevel: "mandatory",
      configSchema: { properties: { stacks: { type: "array", items: { type: "string" }, default: ["prod*"] } } },
      validateStack: (args, report) => {
        const { stacks = ["prod*"] } = args.getConfig<{ stacks?: string[] }>();
        for (const r of args.resources) {
          const d = decisionOf(r.type);
          if (!d?.stateful || r.opts.protect) continue;
          const stack = stackOf(r.urn);
          if (!stacks.some((s) => glob(s).test(stack))) continue;
          report(`${what(d.key, r.name)} holds data but is not protected in stack ${stack}: give it the resource option { protect: true }`, r.urn);
        }
      },
    },
    {
      name: "stack-budget",
      description:
        "The monthly cost of what the stack declares stays within `monthlyLimit`, reckoned from the per-unit `prices` (and CloudSigma subscriptions' own prices); nothing is checked without a limit.",
      enforcementLevel: "mandatory",
      configSchema: {
        properties: {
          monthlyLimit: { type: "number" },
          prices: { type: "object", default: {} },
        },
      },
      validateStack: (args, report) => {
        const { monthlyLimit, prices = {} } = args.getConfig<{ monthlyLimit?: number; prices?: cost.UnitPrices }>();
        if (monthlyLimit === undefined) return;
        const costs = args.resources
          .map((r: PolicyResource) => ({ r, c: cost.monthlyCost(r.type, r.props, prices) }))
          .filter((x): x is { r: PolicyResource; c: cost.Cost } => x.c !== undefined && x.c.monthly > 0)
          .sort((a, b) => b.c.monthly - a.c.monthly);
        const total = Math.round(costs.reduce((n, x) => n + x.c.monthly, 0) * 100) / 100;
        if (total <= monthlyLimit) return;
        const currency = prices.currency ? ` ${prices.currency}` : "";
        const top = costs.slice(0, 5).map((x) => `${what(decisionOf(x.r.type)!.key, x.r.name)} ${x.c.monthly}${currency} (${x.c.basis})`);
        report(`the stack costs ${total}${currency} a month, above its limit of ${monthlyLimit}${currency}; the largest: ${top.join("; ")}`);
      },
    },
  ];
}
