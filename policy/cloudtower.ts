import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { cloudtower } from "pulumi-private-cloud";
import { tagSet } from "./common";

/** Policies for SmartX CloudTower VMs and networks. */
export function cloudtowerPolicies(): ResourceValidationPolicy[] {
  return [
    {
      name: "cloudtower-vm-size",
      description: "VMs stay within the sizes the platform team allows (vCPUs and memory).",
      enforcementLevel: "mandatory",
      configSchema: {
        properties: {
          maxVcpu: { type: "number", default: 32 },
          maxMemoryMb: { type: "number", default: 256 * 1024 },
        },
      },
      validateResource: validateResourceOfType(cloudtower.Vm, (vm, args, report) => {
        const { maxVcpu = 32, maxMemoryMb = 256 * 1024 } = args.getConfig<{ maxVcpu?: number; maxMemoryMb?: number }>();
        const vcpu = (vm.cpuSockets ?? 1) * (vm.cpuCores ?? 1);
        if (vcpu > maxVcpu) report(`VM ${vm.name} asks for ${vcpu} vCPUs; at most ${maxVcpu} are allowed`);
        if ((vm.memoryMb ?? 0) > maxMemoryMb) report(`VM ${vm.name} asks for ${vm.memoryMb} MiB; at most ${maxMemoryMb} MiB are allowed`);
      }),
    },
    {
      name: "cloudtower-vm-ha",
      description: "VMs keep high availability on, so that a host failure restarts them elsewhere.",
      enforcementLevel: "advisory",
      validateResource: validateResourceOfType(cloudtower.Vm, (vm, _args, report) => {
        if (vm.ha === false) report(`VM ${vm.name} has HA off`);
      }),
    },
    {
      name: "cloudtower-vlan-tagged",
      description:
        "VM networks carry a VLAN tag: an untagged (0) network shares the management segment, so it is allowed only with the label `allowLabel` (default untagged; `key`, `key:value` or `key=value`).",
      enforcementLevel: "advisory",
      configSchema: { properties: { allowLabel: { type: "string", default: "untagged" } } },
      validateResource: validateResourceOfType(cloudtower.Vlan, (vlan, args, report) => {
        const { allowLabel = "untagged" } = args.getConfig<{ allowLabel?: string }>();
        if ((vlan.vlanId ?? 0) === 0 && !tagSet(vlan.labels).has(allowLabel))
          report(`VM network ${vlan.name} is untagged (vlanId 0) without the label ${allowLabel}; give it a VLAN id, or the label if it must be untagged`);
      }),
    },
  ];
}
