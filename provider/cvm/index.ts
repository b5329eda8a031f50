/** CVM VPS control panel: adopt existing VPSes and own their power state. */
import { plainResults } from "../core";
import { vmProvider as rawVmProvider } from "./vm";
export { Vm } from "./vm";
export type { VmArgs, VmInputs, VmOutputs } from "./vm";
export { CvmClient } from "./client";
export type { CvmSettings, Vps, VpsState, VpsStatus } from "./client";

// Providers as the resources load them (lazyProvider): every result plain JSON.
export const vmProvider = plainResults(rawVmProvider);
