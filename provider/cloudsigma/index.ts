/** CloudSigma API 1.0: drives, servers, server groups, VLANs, static IPs, subscriptions and the profile, and look-ups (lookups.ts). */
import { Drive } from "./drive";
import { Profile } from "./profile";
import { Server } from "./server";
import { ServerGroup } from "./server-group";
import { StaticIp } from "./static-ip";
import { Subscription } from "./subscription";
import { Vlan } from "./vlan";

export { Drive, Profile, Server, ServerGroup, StaticIp, Subscription, Vlan };
export { SigmaClient } from "./client";
export type { SigmaSettings } from "./client";
export { vendor } from "./config";
export * as codec from "./codec";
export * from "./lookups";

// The provider names that stacks written by 0.1.0 load: their `__provider` requires this module by name
// and calls `<name>.create(...)` and the like. They are the same stubs new resources get.
export const driveProvider = Drive.provider;
export const serverProvider = Server.provider;
export const serverGroupProvider = ServerGroup.provider;
export const staticIpProvider = StaticIp.provider;
export const subscriptionProvider = Subscription.provider;
export const vlanProvider = Vlan.provider;
