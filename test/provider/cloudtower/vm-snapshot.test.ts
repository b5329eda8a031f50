import { describe, expect, it } from "vitest";
import * as cloudtower from "../../../provider/cloudtower";
import { asEngine } from "../../helpers/engine";
import { LEGACY_VM, useTower } from "../../helpers/cloudtower";

const ctx = useTower();
const snapshot = asEngine(cloudtower.VmSnapshot.provider);

describe("cloudtower.VmSnapshot lifecycle", () => {
  it("creates with only the required inputs and lists the LUN snapshot of each disk", async () => {
    const { id, outs } = await snapshot.create(await snapshot.checked({ vmId: LEGACY_VM, name: "nightly" }));
    expect(outs).toMatchObject({ name: "nightly", consistentType: "CRASH_CONSISTENT", vmId: LEGACY_VM, sizeBytes: 10 * 1024 ** 3 });
    expect(outs.disks).toHaveLength(1);
    expect(outs.disks[0].lunSnapshotName).toMatch(/-snapshot-/);
    expect((await snapshot.read(id, outs)).props).toEqual(outs);
  });

  it("replaces on every input change that reaches the vendor, and changes only the deadline in place", async () => {
    const { id, outs } = await snapshot.create(await snapshot.checked({ vmId: LEGACY_VM, name: "nightly" }));
    const d = await snapshot.diff(id, outs, await snapshot.checked({ vmId: LEGACY_VM, name: "weekly", consistentType: "FILE_SYSTEM_CONSISTENT" }));
    expect(d.replaces).toEqual(["name", "consistentType"]);
    const longer = await snapshot.checked({ vmId: LEGACY_VM, name: "nightly", timeoutSeconds: 900 });
    expect(await snapshot.diff(id, outs, longer)).toMatchObject({ changes: true, replaces: [] });
    expect((await snapshot.update(id, outs, longer)).outs).toMatchObject({ timeoutSeconds: 900, localId: outs.localId });
  });

  it("deletes, and tolerates a snapshot that is already gone", async () => {
    const { id, outs } = await snapshot.create(await snapshot.checked({ vmId: LEGACY_VM, name: "nightly" }));
    await snapshot.delete(id, outs);
    expect((await ctx.sim.inventory("vmSnapshots")).map((s) => s.id)).not.toContain(id);
    await expect(snapshot.delete(id, outs)).resolves.toBeUndefined();
    expect(await snapshot.read(id, outs)).toEqual({ id: "" });
  });

  it("reports a file-system consistent snapshot of a VM without VMTools as a failed task", async () => {
    const err = await snapshot.create(await snapshot.checked({ vmId: LEGACY_VM, name: "fs", consistentType: "FILE_SYSTEM_CONSISTENT" })).catch((e) => e);
    expect(err.code).toBe("task_failed");
    expect(err.message).toMatch(/VM_TOOLS_NOT_RUNNING/);
    expect(await ctx.sim.inventory("vmSnapshots")).toEqual([]);
  });

  it("names a VM that does not exist at check", async () => {
    const r = await snapshot.check({}, { vmId: "cl0nope", name: "x" });
    expect(r.failures).toEqual([{ property: "vmId", reason: "no VM with id cl0nope in CloudTower" }]);
  });
});
