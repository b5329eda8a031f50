import type { ResourceValidationPolicy } from "@pulumi/policy";
import { TYPES } from "./types";

/** Policies for CVM VPSes. */
export function cvmPolicies(): ResourceValidationPolicy[] {
  return [
    {
      name: "cvm-adopt-by-id",
      description: "Adopt CVM VPSes by vpsId: a hostname can be changed or shared, an id cannot.",
      enforcementLevel: "advisory",
      validateResource: (args, report) => {
        if (args.type !== TYPES.cvm.Vm) return;
        if (!args.props.vpsId && args.props.hostname) {
          report(`VPS "${args.props.hostname}" is adopted by hostname; set vpsId so that a renamed VPS is never confused with another`);
        }
      },
    },
    {
      name: "cvm-release-keeps-running",
      description: "Releasing a VPS with stopOnRelease stops a machine that may be serving; require an explicit opt-in via policy config.",
      enforcementLevel: "mandatory",
      configSchema: { properties: { allowStopOnRelease: { type: "boolean", default: false } } },
      validateResource: (args, report) => {
        if (args.type !== TYPES.cvm.Vm || args.props.stopOnRelease !== true) return;
        const { allowStopOnRelease = false } = args.getConfig<{ allowStopOnRelease?: boolean }>();
        if (!allowStopOnRelease) {
          report("stopOnRelease is true: removing this resource from the stack would stop the VPS; set the policy's allowStopOnRelease to allow it");
        }
      },
    },
  ];
}
