/** Stacks written by 0.1.0 keep working: their `__provider` loads a provider of this module by name. */
import { describe, expect, it } from "vitest";
import * as cloudsigma from "../../../provider/cloudsigma";
import { asEngine } from "../../helpers/engine";
import { useSigma } from "../../helpers/cloudsigma";

const ctx = useSigma();

describe("CloudSigma resources recorded by 0.1.0", () => {
  it("find their provider under the name their state loads: the stub of their type", () => {
    expect(cloudsigma.driveProvider).toBe(cloudsigma.Drive.provider);
    expect(cloudsigma.serverProvider).toBe(cloudsigma.Server.provider);
    expect(cloudsigma.serverGroupProvider).toBe(cloudsigma.ServerGroup.provider);
    expect(cloudsigma.staticIpProvider).toBe(cloudsigma.StaticIp.provider);
    expect(cloudsigma.subscriptionProvider).toBe(cloudsigma.Subscription.provider);
    expect(cloudsigma.vlanProvider).toBe(cloudsigma.Vlan.provider);
  });

  it("refresh with no change and destroy, from outputs as 0.1.0 stored them (no marker, no endpoint)", async () => {
    const [d] = await ctx.api("POST", "/drives/create", { name: "old", size: String(1024 ** 3) });
    const stored = {
      name: "old",
      sizeGb: 1,
      claimType: "exclusive",
      readers: [],
      encryptionCipher: "aes-xts-plain",
      tags: [],
      timeoutSeconds: 1800,
      uuid: d.drive,
      status: "active",
      sizeBytes: 1024 ** 3,
      owner: d.user,
      claimedBy: [],
    };
    const old = asEngine(cloudsigma.driveProvider);
    const read = await old.read(d.drive, stored);
    // What they stored, and the storage the tags say (an output 0.1.0 did not have).
    expect(read.props).toEqual({ ...stored, storage: "hdd" });
    expect((await old.diff(d.drive, read.props!, await old.checked({ name: "old", sizeGb: 1 }))).changes).toBe(false);
    await old.delete(d.drive, read.props!);
    expect(await ctx.sim.inventory("drives")).toEqual([]);
  });

  it("a Drive stored before storage existed is no replacement when storage is first given as its tags say", async () => {
    const old = asEngine(cloudsigma.driveProvider);
    const stored = {
      name: "d",
      sizeGb: 1,
      claimType: "exclusive",
      readers: [],
      encryptionCipher: "aes-xts-plain",
      timeoutSeconds: 1800,
      uuid: "u",
      status: "active",
    };
    const hdd = await old.diff("u", { ...stored, tags: [] }, await old.checked({ name: "d", sizeGb: 1, storage: "hdd" }));
    expect(hdd).toMatchObject({ changes: false, replaces: [] });
    const ssd = await old.diff("u", { ...stored, tags: ["affinity:ssd"] }, await old.checked({ name: "d", sizeGb: 1, storage: "ssd" }));
    expect(ssd.replaces).toEqual([]);
    // Another storage than the tags say is still a move, which only a clone makes.
    const moved = await old.diff("u", { ...stored, tags: [] }, await old.checked({ name: "d", sizeGb: 1, storage: "ssd" }));
    expect(moved.replaces).toEqual(["storage"]);
  });

  it("a Server stored before cloneTimeoutSeconds (and its other local settings) existed shows no change", async () => {
    const server = asEngine(cloudsigma.serverProvider);
    const { id, outs } = await server.create(await server.checked({ name: "old", cpuMhz: 2000, memMb: 1024 }));
    const { cloneTimeoutSeconds, allowRestart, forceStop, shutdownTimeoutSeconds, ...stored } = outs;
    expect([cloneTimeoutSeconds, allowRestart, forceStop, shutdownTimeoutSeconds]).toEqual([1800, false, true, 120]);
    expect(await server.diff(id, stored, await server.checked({ name: "old", cpuMhz: 2000, memMb: 1024 }))).toMatchObject({ changes: false, replaces: [] });
    expect((await server.diff(id, outs, await server.checked({ name: "old", cpuMhz: 2000, memMb: 1024, cloneTimeoutSeconds: 60 }))).changes).toBe(true);
  });
});
