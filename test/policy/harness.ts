import type { ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";

/**
 * Runs one policy on one resource of a class (its type token is what the engine gives the pack) as the
 * engine would, collecting the violations.
 */
export function violations(policy: ResourceValidationPolicy, cls: { __pulumiType: string }, props: Record<string, unknown>, config: object = {}): string[] {
  const out: string[] = [];
  const type = cls.__pulumiType;
  const args = {
    type,
    props,
    urn: `urn:pulumi:s::p::${type}::r`,
    name: "r",
    getConfig: () => config,
    isType: (c: { __pulumiType?: string }) => c.__pulumiType === type,
    notApplicable: () => undefined,
  } as unknown as ResourceValidationArgs;
  const validations = Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource!];
  for (const v of validations) void v(args, (m) => out.push(m));
  return out;
}
