import type { PolicyResource, ResourceValidationArgs, ResourceValidationPolicy, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";

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

/** A resource of a stack as a stack policy sees it. */
export interface StackResource {
  cls: { __pulumiType: string };
  name: string;
  props: Record<string, unknown>;
  protect?: boolean;
}

/** Runs one stack policy on resources of stack `stack` as the engine would, collecting the violations. */
export function stackViolations(policy: StackValidationPolicy, resources: StackResource[], config: object = {}, stack = "dev"): string[] {
  const out: string[] = [];
  const args = {
    resources: resources.map(
      (r) =>
        ({
          type: r.cls.__pulumiType,
          props: r.props,
          urn: `urn:pulumi:${stack}::p::${r.cls.__pulumiType}::${r.name}`,
          name: r.name,
          opts: {
            protect: r.protect ?? false,
            ignoreChanges: [],
            aliases: [],
            additionalSecretOutputs: [],
            customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
          },
          dependencies: [],
          propertyDependencies: {},
          isType: (c: { __pulumiType?: string }) => c.__pulumiType === r.cls.__pulumiType,
        }) as unknown as PolicyResource,
    ),
    stackTags: new Map(),
    getConfig: () => config,
    notApplicable: () => undefined,
  } as unknown as StackValidationArgs;
  void policy.validateStack(args, (m) => out.push(m));
  return out;
}
