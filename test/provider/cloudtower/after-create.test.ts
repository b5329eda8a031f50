/**
 * A step after the create task (labelling, suspending, marking, attaching) that fails leaves the object made: a
 * partial create that Pulumi records and the next update converges, never a delete of what was made.
 */
import { describe, expect, it } from "vitest";
import * as cloudtower from "../../../provider/cloudtower";
import { asEngine } from "../../helpers/engine";
import { CLUSTER_A, VDS_A, useTower } from "../../helpers/cloudtower";

const ctx = useTower();
type Obj = Record<string, unknown>;
const failNext = (mutation: string) =>
  ctx.sim.control("POST", "/_sim/cloudtower/fail-tasks", { mutation, error_code: "InternalError", error_message: "label store busy" });

describe.each([
  ["Vm", cloudtower.Vm.provider, "vms", { name: "web-1", clusterId: CLUSTER_A, labels: { env: "prod" } }],
  ["Vlan", cloudtower.Vlan.provider, "vlans", { vdsId: VDS_A, name: "front", labels: { env: "prod" } }],
  ["VmVolume", cloudtower.VmVolume.provider, "vmVolumes", { name: "data-1", clusterId: CLUSTER_A, sizeGb: 1, labels: { env: "prod" } }],
] as const)("cloudtower.%s whose labelling fails after its create task", (_, provider, collection, args) => {
  const p = asEngine(provider);
  it("is kept and recorded as a partial create, and the next update attaches its labels", async () => {
    await failNext("addLabelsToResources");
    const err = await p.create(await p.checked(args as Obj)).catch((e) => e);
    expect(err.message).toMatch(/label store busy.*is recorded in the state and the next update goes on with it/);
    expect(err.message).not.toMatch(/deleted/);
    const id = err.id as string;
    expect((await ctx.sim.inventory<{ id: string }>(collection)).some((o) => o.id === id)).toBe(true);
    const news = await p.checked(args as Obj);
    expect(await p.diff(id, err.properties, news)).toMatchObject({ changes: true, replaces: [] });
    const u = await p.update(id, err.properties, news);
    expect(u.outs.labels).toEqual({ env: "prod" });
  });
});

describe("cloudtower.Vm asked SUSPENDED whose suspend fails after its create task", () => {
  const vm = asEngine(cloudtower.Vm.provider);
  it("is kept (not deleted and cloned again) and the next update suspends it", async () => {
    const args = { name: "web-2", clusterId: CLUSTER_A, powerState: "SUSPENDED" };
    await failNext("suspendVm");
    const err = await vm.create(await vm.checked(args)).catch((e) => e);
    expect(err.id).toEqual(expect.any(String));
    expect(err.properties.status).toBe("RUNNING");
    const u = await vm.update(err.id, err.properties, await vm.checked(args));
    expect(u.outs.status).toBe("SUSPENDED");
  });
});
