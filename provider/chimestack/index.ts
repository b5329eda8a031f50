/** ChimeStack: clusters, networks, subnets and VMs. */
export { Cluster, clusterProvider } from "./cluster";
export type { ClusterArgs, ClusterInputs, ClusterOutputs } from "./cluster";
export { Network, networkProvider } from "./network";
export type { NetworkArgs, NetworkInputs, NetworkOutputs } from "./network";
export { Subnet, subnetProvider } from "./subnet";
export type { SubnetArgs, SubnetInputs, SubnetOutputs } from "./subnet";
export { Vm, vmProvider } from "./vm";
export type { VmArgs, VmInputs, VmOutputs } from "./vm";
export { ChimeClient } from "./client";
export type { ChimeSettings } from "./client";
