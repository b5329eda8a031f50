import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { chimestack } from "pulumi-private-cloud";

/** The ports that manage a machine (SSH, Telnet, RDP, VNC, WinRM, databases' admin ports left out). */
export const MANAGEMENT_PORTS = [22, 23, 3389, 5900, 5985, 5986];

/** The world as a rule's source: any address. */
const WORLD = /^0\.0\.0\.0\/0$/;

/** The ports of a rule's range `a:b` that are among `ports` (every one of them for the protocol `all`). */
function managementPortsIn(rule: { protocol?: string; destinationPorts?: string }, ports: number[]): number[] {
  if (rule.protocol !== "tcp" && rule.protocol !== "all") return [];
  const [a, b] = (rule.destinationPorts ?? "1:65535").split(":").map(Number);
  return ports.filter((p) => p >= a && p <= (Number.isFinite(b) ? b : a));
}

/** Policies for ChimeStack VMs and security groups. */
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
    {
      name: "chimestack-security-group-open-management",
      description:
        "No security group lets the world (0.0.0.0/0) reach a management port (`ports`, default SSH 22, Telnet 23, RDP 3389, VNC 5900, WinRM 5985-5986) over TCP: open them to an admin network instead.",
      enforcementLevel: "mandatory",
      configSchema: { properties: { ports: { type: "array", items: { type: "number" }, default: MANAGEMENT_PORTS } } },
      validateResource: validateResourceOfType(chimestack.SecurityGroup, (g, args, report) => {
        const { ports = MANAGEMENT_PORTS } = args.getConfig<{ ports?: number[] }>();
        (g.ingressRules ?? []).forEach((r, i) => {
          if ((r.action ?? "ACCEPT") !== "ACCEPT" || !WORLD.test(r.sourceCidr ?? "0.0.0.0/0")) return;
          const open = managementPortsIn(r, ports);
          if (open.length) {
            report(
              `security group ${g.name}'s ingress rule ${i} (${r.protocol} ${r.destinationPorts ?? "1:65535"}) lets 0.0.0.0/0 reach management port${open.length > 1 ? "s" : ""} ${open.join(", ")}; give sourceCidr an admin network`,
            );
          }
        });
      }),
    },
  ];
}
