/** ChimeStack: clusters, networks, subnets and VMs. */
import { Cluster } from "./cluster";
import { Network } from "./network";
import { Subnet } from "./subnet";
import { Vm } from "./vm";

export { Cluster, Network, Subnet, Vm };
export { ChimeClient } from "./client";
export type { ChimeSettings } from "./client";
export { vendor } from "./config";

// The provider names that stacks written by 0.1.0 load: their `__provider` requires this module by name
// and calls `<name>.create(...)` and the like. They are the same stubs new resources get.
export const clusterProvider = Cluster.provider;
export const networkProvider = Network.provider;
export const subnetProvider = Subnet.provider;
export const vmProvider = Vm.provider;
export * from "./lookups";
