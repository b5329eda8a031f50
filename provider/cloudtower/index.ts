/** SmartX CloudTower: VMs, VM networks (VLANs), VM snapshots and clusters. */
import { plainResults } from "../core";
import { vmProvider as rawVmProvider } from "./vm";
import { vlanProvider as rawVlanProvider } from "./vlan";
import { vmSnapshotProvider as rawVmSnapshotProvider } from "./vm-snapshot";
import { clusterProvider as rawClusterProvider } from "./cluster";
export { Vm } from "./vm";
export type { VmArgs, VmInputs, VmOutputs, VmDiskArgs, VmNicArgs, VmTemplateArgs } from "./vm";
export { Vlan } from "./vlan";
export type { VlanArgs, VlanInputs, VlanOutputs } from "./vlan";
export { VmSnapshot } from "./vm-snapshot";
export type { VmSnapshotArgs, VmSnapshotInputs, VmSnapshotOutputs } from "./vm-snapshot";
export { Cluster } from "./cluster";
export type { ClusterArgs, ClusterInputs, ClusterOutputs } from "./cluster";
export { TowerClient } from "./client";
export type { TowerSettings, Task, WithTask } from "./client";

// Providers as the resources load them (lazyProvider): every result plain JSON.
export const vmProvider = plainResults(rawVmProvider);
export const vlanProvider = plainResults(rawVlanProvider);
export const vmSnapshotProvider = plainResults(rawVmSnapshotProvider);
export const clusterProvider = plainResults(rawClusterProvider);
