/** CloudSigma API 1.0: drives, VLANs and static IPs (servers, subscriptions and server groups to come). */
export { Drive, driveProvider } from "./drive";
export type { DriveArgs, DriveInputs, DriveOutputs } from "./drive";
export { Vlan, vlanProvider } from "./vlan";
export type { VlanArgs, VlanInputs, VlanOutputs } from "./vlan";
export { StaticIp, staticIpProvider } from "./static-ip";
export type { StaticIpArgs, StaticIpOutputs } from "./static-ip";
export { SigmaClient } from "./client";
export type { SigmaSettings } from "./client";
export * as codec from "./codec";
