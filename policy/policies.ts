import type { Policies } from "@pulumi/policy";
import { cloudsigmaPolicies } from "./cloudsigma";
import { cloudtowerPolicies } from "./cloudtower";
import { cvmPolicies } from "./cvm";

/** Every policy of the pack, one factory per topic (kept apart from index.ts so tests can load it). */
export function allPolicies(): Policies {
  return [...cloudtowerPolicies(), ...cloudsigmaPolicies(), ...cvmPolicies()];
}
