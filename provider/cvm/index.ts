/** CVM VPS control panel: adopt existing VPSes and own their power state. */
export { Vm, vmProvider } from "./vm";
export type { VmArgs, VmInputs, VmOutputs } from "./vm";
export { CvmClient } from "./client";
export type { CvmSettings, Vps, VpsState, VpsStatus } from "./client";
