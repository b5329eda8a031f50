import type { ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";

/** Runs one policy on one resource as the engine would, collecting the violations. */
export function violations(policy: ResourceValidationPolicy, type: string, props: Record<string, unknown>, config: object = {}): string[] {
  const out: string[] = [];
  const args = { type, props, urn: `urn:pulumi:s::p::${type}::r`, name: "r", getConfig: () => config } as unknown as ResourceValidationArgs;
  const validations = Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource!];
  for (const v of validations) void v(args, (m) => out.push(m));
  return out;
}
