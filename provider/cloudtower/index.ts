/** SmartX CloudTower: VMs, VM volumes, VM placement groups, VM networks (VLANs), VM snapshots and clusters. */
import { Cluster } from "./cluster";
import { Vlan } from "./vlan";
import { Vm } from "./vm";
import { VmSnapshot } from "./vm-snapshot";
import { VmPlacementGroup } from "./vm-placement-group";
import { VmVolume } from "./vm-volume";

export { Cluster, Vlan, Vm, VmPlacementGroup, VmSnapshot, VmVolume };
export type { VmInputs, VmOutputs } from "./vm";
export { TowerClient } from "./client";
export type { TowerSettings, Task, WithTask } from "./client";
export { vendor } from "./config";

// The provider names that stacks written by 0.1.0 load: their `__provider` requires this module by name
// and calls `<name>.create(...)` and the like. They are the same stubs new resources get.
export const vmProvider = Vm.provider;
export const vlanProvider = Vlan.provider;
export const vmSnapshotProvider = VmSnapshot.provider;
export const clusterProvider = Cluster.provider;
export * from "./lookups";
