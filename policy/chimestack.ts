import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { chimestack } from "pulumi-private-cloud";

/** Policies for ChimeStack VMs. */
export function chimestackPolicies(): ResourceValidationPolicy[] {
  return [
    {
      name: "chimestack-vm-instance-spec",
      description: "VMs use the instance specs (sizes) the platform team allows: `allowed`, spec uuids; every spec when the list is empty.",
      enforcementLevel: "mandatory",
      configSchema: { properties: { allowed: { type: "array", items: { type: "string" }, default: [] } } },
      validateResource: validateResourceOfType(chimestack.Vm, (vm, args, report) => {
        const { allowed = [] } = args.getConfig<{ allowed?: string[] }>();
        if (allowed.length && typeof vm.instanceSpecUuid === "string" && !allowed.includes(vm.instanceSpecUuid)) {
          report(
            `VM ${vm.name} uses instance spec ${vm.instanceSpecUuid}, which is not among the ${allowed.length} allowed; pick one of ${allowed.join(", ")}`,
          );
        }
      }),
    },
    {
      name: "chimestack-vm-volume-size",
      description: "No VM volume is larger than `maxVolumeGb` (default 2048), so that one VM cannot take a pool.",
      enforcementLevel: "advisory",
      configSchema: { properties: { maxVolumeGb: { type: "number", default: 2048 } } },
      validateResource: validateResourceOfType(chimestack.Vm, (vm, args, report) => {
        const { maxVolumeGb = 2048 } = args.getConfig<{ maxVolumeGb?: number }>();
        for (const v of vm.volumes ?? []) {
          if ((v.sizeGb ?? 0) > maxVolumeGb) report(`VM ${vm.name}'s volume ${v.name} is ${v.sizeGb} GB, above the ${maxVolumeGb} GB allowed`);
        }
      }),
    },
  ];
}
