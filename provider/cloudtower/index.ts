/** SmartX CloudTower: VMs, VM networks (VLANs), VM snapshots and clusters. */
export { Vm, vmProvider } from "./vm";
export type { VmArgs, VmInputs, VmOutputs, VmDiskArgs, VmNicArgs, VmTemplateArgs } from "./vm";
export { Vlan, vlanProvider } from "./vlan";
export type { VlanArgs, VlanInputs, VlanOutputs } from "./vlan";
export { TowerClient } from "./client";
export type { TowerSettings, Task, WithTask } from "./client";
