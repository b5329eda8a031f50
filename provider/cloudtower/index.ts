/** SmartX CloudTower: VMs, VM networks (VLANs), VM snapshots and clusters. */
export { Vm } from "./vm";
export type { VmInputs, VmOutputs } from "./vm";
export { Vlan } from "./vlan";
export { VmSnapshot } from "./vm-snapshot";
export { Cluster } from "./cluster";
export { TowerClient } from "./client";
export type { TowerSettings, Task, WithTask } from "./client";
export { vendor } from "./config";
