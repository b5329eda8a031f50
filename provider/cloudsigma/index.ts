/** CloudSigma API 1.0: drives, servers, server groups, VLANs, static IPs and subscriptions. */
export { Drive, driveProvider } from "./drive";
export type { DriveArgs, DriveInputs, DriveOutputs } from "./drive";
export { Vlan, vlanProvider } from "./vlan";
export type { VlanArgs, VlanInputs, VlanOutputs } from "./vlan";
export { Server, serverProvider } from "./server";
export type { ServerArgs, ServerInputs, ServerOutputs } from "./server";
export { ServerGroup, serverGroupProvider } from "./server-group";
export type { ServerGroupArgs, ServerGroupInputs, ServerGroupOutputs } from "./server-group";
export { Subscription, subscriptionProvider } from "./subscription";
export type { SubscriptionArgs, SubscriptionInputs, SubscriptionOutputs } from "./subscription";
export { StaticIp, staticIpProvider } from "./static-ip";
export type { StaticIpArgs, StaticIpOutputs } from "./static-ip";
export { SigmaClient } from "./client";
export type { SigmaSettings } from "./client";
export * as codec from "./codec";
