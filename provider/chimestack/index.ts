/** ChimeStack: clusters, networks, subnets, VMs, volumes and their snapshots, security groups and user images. */
import { Cluster } from "./cluster";
import { Image } from "./image";
import { Network } from "./network";
import { SecurityGroup } from "./security-group";
import { Subnet } from "./subnet";
import { Vm } from "./vm";
import { Volume } from "./volume";
import { VolumeSnapshot } from "./volume-snapshot";

export { Cluster, Image, Network, SecurityGroup, Subnet, Vm, Volume, VolumeSnapshot };
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
