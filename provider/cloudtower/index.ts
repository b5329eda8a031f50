/** SmartX CloudTower: VMs, VM networks (VLANs), VM snapshots and clusters. */
export { Vm, vmProvider } from "./vm";
export type { VmArgs, VmInputs, VmOutputs, VmDiskArgs, VmNicArgs, VmTemplateArgs } from "./vm";
export { Vlan, vlanProvider } from "./vlan";
export type { VlanArgs, VlanInputs, VlanOutputs } from "./vlan";
export { VmSnapshot, vmSnapshotProvider } from "./vm-snapshot";
export type { VmSnapshotArgs, VmSnapshotInputs, VmSnapshotOutputs } from "./vm-snapshot";
export { Cluster, clusterProvider } from "./cluster";
export type { ClusterArgs, ClusterInputs, ClusterOutputs } from "./cluster";
export { TowerClient } from "./client";
export type { TowerSettings, Task, WithTask } from "./client";
