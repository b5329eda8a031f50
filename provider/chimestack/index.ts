/** ChimeStack: clusters, networks, subnets and VMs. */
import { plainResults } from "../core";
import { clusterProvider as rawClusterProvider } from "./cluster";
import { networkProvider as rawNetworkProvider } from "./network";
import { subnetProvider as rawSubnetProvider } from "./subnet";
import { vmProvider as rawVmProvider } from "./vm";
export { Cluster } from "./cluster";
export type { ClusterArgs, ClusterInputs, ClusterOutputs } from "./cluster";
export { Network } from "./network";
export type { NetworkArgs, NetworkInputs, NetworkOutputs } from "./network";
export { Subnet } from "./subnet";
export type { SubnetArgs, SubnetInputs, SubnetOutputs } from "./subnet";
export { Vm } from "./vm";
export type { VmArgs, VmInputs, VmOutputs } from "./vm";
export { ChimeClient } from "./client";
export type { ChimeSettings } from "./client";

// Providers as the resources load them (lazyProvider): every result plain JSON.
export const clusterProvider = plainResults(rawClusterProvider);
export const networkProvider = plainResults(rawNetworkProvider);
export const subnetProvider = plainResults(rawSubnetProvider);
export const vmProvider = plainResults(rawVmProvider);
