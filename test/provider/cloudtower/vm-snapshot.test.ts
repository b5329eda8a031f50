import { describe, expect, it } from "vitest";
import { VmSnapshotInputs, VmSnapshotOutputs, vmSnapshotProvider } from "../../../provider/cloudtower/vm-snapshot";
import { LEGACY_VM, useTower } from "../../helpers/cloudtower";

const ctx = useTower();

async function checked(news: Record<string, unknown>): Promise<VmSnapshotInputs> {
  const r = await vmSnapshotProvider.check({} as VmSnapshotInputs, news as never);
  expect(r.failures ?? []).toEqual([]);
  return r.inputs as VmSnapshotInputs;
}

describe("cloudtower.VmSnapshot lifecycle", () => {
  it("creates with only the required inputs and lists the LUN snapshot of each disk", async () => {
    const { id, outs } = await vmSnapshotProvider.create(await checked({ vmId: LEGACY_VM, name: "nightly" }));
    expect(outs).toMatchObject({ name: "nightly", consistentType: "CRASH_CONSISTENT", vmId: LEGACY_VM, sizeBytes: 10 * 1024 ** 3 });
    expect(outs!.disks).toHaveLength(1);
    expect(outs!.disks[0].lunSnapshotName).toMatch(/-snapshot-/);
    const read = await vmSnapshotProvider.read(id, outs as VmSnapshotOutputs);
    expect(read.props).toEqual(outs);
  });

  it("replaces on every input change that reaches the vendor", async () => {
    const { id, outs } = await vmSnapshotProvider.create(await checked({ vmId: LEGACY_VM, name: "nightly" }));
    const d = await vmSnapshotProvider.diff(id, outs as VmSnapshotOutputs, await checked({ vmId: LEGACY_VM, name: "weekly", consistentType: "FILE_SYSTEM_CONSISTENT" }));
    expect(d.replaces).toEqual(["name", "consistentType"]);
  });

  it("deletes, and tolerates a snapshot that is already gone", async () => {
    const { id, outs } = await vmSnapshotProvider.create(await checked({ vmId: LEGACY_VM, name: "nightly" }));
    await vmSnapshotProvider.delete(id, outs as VmSnapshotOutputs);
    expect(ctx.sim.vendor.state.get("vmSnapshots", id)).toBeUndefined();
    await expect(vmSnapshotProvider.delete(id, outs as VmSnapshotOutputs)).resolves.toBeUndefined();
    expect(await vmSnapshotProvider.read(id, outs as VmSnapshotOutputs)).toEqual({ id: "" });
  });

  it("reports a file-system consistent snapshot of a VM without VMTools as a failed task", async () => {
    const err = await vmSnapshotProvider.create(await checked({ vmId: LEGACY_VM, name: "fs", consistentType: "FILE_SYSTEM_CONSISTENT" })).catch((e) => e);
    expect(err.code).toBe("task_failed");
    expect(err.message).toMatch(/VM_TOOLS_NOT_RUNNING/);
  });

  it("names a VM that does not exist at check", async () => {
    const r = await vmSnapshotProvider.check({} as VmSnapshotInputs, { vmId: "cl0nope", name: "x" } as never);
    expect(r.failures).toEqual([{ property: "vmId", reason: "no VM with id cl0nope in CloudTower" }]);
  });
});
