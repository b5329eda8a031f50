import type { Policies } from "@pulumi/policy";
import { chimestackPolicies } from "./chimestack";
import { cloudsigmaPolicies } from "./cloudsigma";
import { cloudtowerPolicies } from "./cloudtower";
import { commonPolicies } from "./common";
import { cvmPolicies } from "./cvm";

/** Every policy of the pack, one factory per topic (kept apart from index.ts so tests can load it). */
export function allPolicies(): Policies {
  return [...commonPolicies(), ...cloudtowerPolicies(), ...cloudsigmaPolicies(), ...chimestackPolicies(), ...cvmPolicies()];
}
