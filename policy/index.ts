import { PolicyPack } from "@pulumi/policy";
import { allPolicies } from "./policies";

new PolicyPack("pulumi-private-cloud", { policies: allPolicies() });
