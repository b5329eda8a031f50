/** CloudSigma API 1.0: drives, servers, server groups, VLANs, static IPs and subscriptions. */
import { plainResults } from "../core";
import { driveProvider as rawDriveProvider } from "./drive";
import { vlanProvider as rawVlanProvider } from "./vlan";
import { serverProvider as rawServerProvider } from "./server";
import { serverGroupProvider as rawServerGroupProvider } from "./server-group";
import { subscriptionProvider as rawSubscriptionProvider } from "./subscription";
import { staticIpProvider as rawStaticIpProvider } from "./static-ip";
export { Drive } from "./drive";
export type { DriveArgs, DriveInputs, DriveOutputs } from "./drive";
export { Vlan } from "./vlan";
export type { VlanArgs, VlanInputs, VlanOutputs } from "./vlan";
export { Server } from "./server";
export type { ServerArgs, ServerInputs, ServerOutputs } from "./server";
export { ServerGroup } from "./server-group";
export type { ServerGroupArgs, ServerGroupInputs, ServerGroupOutputs } from "./server-group";
export { Subscription } from "./subscription";
export type { SubscriptionArgs, SubscriptionInputs, SubscriptionOutputs } from "./subscription";
export { StaticIp } from "./static-ip";
export type { StaticIpArgs, StaticIpOutputs } from "./static-ip";
export { SigmaClient } from "./client";
export type { SigmaSettings } from "./client";
export * as codec from "./codec";

// Providers as the resources load them (lazyProvider): every result plain JSON.
export const driveProvider = plainResults(rawDriveProvider);
export const vlanProvider = plainResults(rawVlanProvider);
export const serverProvider = plainResults(rawServerProvider);
export const serverGroupProvider = plainResults(rawServerGroupProvider);
export const subscriptionProvider = plainResults(rawSubscriptionProvider);
export const staticIpProvider = plainResults(rawStaticIpProvider);
