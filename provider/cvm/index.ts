/** CVM VPS control panel: adopt existing VPSes and own their power state. */
import { Vm } from "./vm";

export { Vm };
export { CvmClient } from "./client";
export type { CvmSettings, Vps, VpsState, VpsStatus } from "./client";
export { vendor } from "./config";

// The provider name that stacks written by 0.1.0 load: their `__provider` requires this module by name
// and calls `vmProvider.create(...)` and the like. It is the same stub new resources get.
export const vmProvider = Vm.provider;
export * from "./lookups";
