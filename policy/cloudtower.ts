import type { ResourceValidationPolicy } from "@pulumi/policy";
import { TYPES } from "./types";

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
      validateResource: (args, report) => {
        if (args.type !== TYPES.cloudtower.Vm) return;
        const { maxVcpu = 32, maxMemoryMb = 256 * 1024 } = args.getConfig<{ maxVcpu?: number; maxMemoryMb?: number }>();
        const vcpu = (args.props.cpuSockets ?? 1) * (args.props.cpuCores ?? 1);
        if (vcpu > maxVcpu) report(`VM ${args.props.name} asks for ${vcpu} vCPUs; at most ${maxVcpu} are allowed`);
        if ((args.props.memoryMb ?? 0) > maxMemoryMb) report(`VM ${args.props.name} asks for ${args.props.memoryMb} MiB; at most ${maxMemoryMb} MiB are allowed`);
      },
    },
    {
      name: "cloudtower-vm-name",
      description: "VM names are DNS labels (lowercase letters, digits and hyphens), so that they can be hostnames.",
      enforcementLevel: "mandatory",
      validateResource: (args, report) => {
        if (args.type !== TYPES.cloudtower.Vm || typeof args.props.name !== "string") return;
        if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(args.props.name)) {
          report(`VM name "${args.props.name}" is not a DNS label (lowercase letters, digits and hyphens, at most 63)`);
        }
      },
    },
    {
      name: "cloudtower-vm-ha",
      description: "VMs keep high availability on, so that a host failure restarts them elsewhere.",
      enforcementLevel: "advisory",
      validateResource: (args, report) => {
        if (args.type === TYPES.cloudtower.Vm && args.props.ha === false) report(`VM ${args.props.name} has HA off`);
      },
    },
    {
      name: "cloudtower-vlan-tagged",
      description: "VM networks carry a VLAN tag: an untagged (0) network shares the management segment.",
      enforcementLevel: "advisory",
      validateResource: (args, report) => {
        if (args.type === TYPES.cloudtower.Vlan && (args.props.vlanId ?? 0) === 0) report(`VM network ${args.props.name} is untagged (vlanId 0)`);
      },
    },
  ];
}
