import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { cvm } from "pulumi-private-cloud";

/** Policies for CVM VPSes. */
export function cvmPolicies(): ResourceValidationPolicy[] {
  return [
    {
      name: "cvm-adopt-by-id",
      description: "Adopt CVM VPSes by vpsId: a hostname can be changed or shared, an id cannot.",
      enforcementLevel: "advisory",
      validateResource: validateResourceOfType(cvm.Vm, (vps, _args, report) => {
        if (!vps.vpsId && vps.hostname) {
          report(`VPS "${vps.hostname}" is adopted by hostname; set vpsId so that a renamed VPS is never confused with another`);
        }
      }),
    },
    {
      name: "cvm-release-keeps-running",
      description: "Releasing a VPS with stopOnRelease stops a machine that may be serving; require an explicit opt-in via policy config.",
      enforcementLevel: "mandatory",
      configSchema: { properties: { allowStopOnRelease: { type: "boolean", default: false } } },
      validateResource: validateResourceOfType(cvm.Vm, (vps, args, report) => {
        if (vps.stopOnRelease !== true) return;
        const { allowStopOnRelease = false } = args.getConfig<{ allowStopOnRelease?: boolean }>();
        if (!allowStopOnRelease) {
          report("stopOnRelease is true: removing this resource from the stack would stop the VPS; set the policy's allowStopOnRelease to allow it");
        }
      }),
    },
  ];
}
