/**
 * States written before Vm had source, restartOnChange, ejectIso and labels (and Vlan labels): an upgrade
 * shows no change, and labels an operator set in CloudTower stay.
 */
import { describe, expect, it } from "vitest";
import * as cloudtower from "../../../provider/cloudtower";
import { asEngine } from "../../helpers/engine";
import { CLUSTER_A, DEFAULT_VLAN_A, TEMPLATE, VDS_A, useTower } from "../../helpers/cloudtower";

const ctx = useTower();
const vm = asEngine(cloudtower.Vm.provider);
const vlan = asEngine(cloudtower.Vlan.provider);
type Obj = Record<string, unknown>;

/** Outputs as the previous version stored them: without the inputs it did not have. */
const older = (outs: Obj, fields: string[]) => Object.fromEntries(Object.entries(outs).filter(([k]) => !fields.includes(k)));
const VM_FIELDS = ["restartOnChange", "ejectIso", "labels", "source"];

/** A label set in the CloudTower UI on an object of this kind. */
async function labelOutOfBand(kind: "vms" | "vlans", id: string) {
  const [label] = await ctx.done("/create-label", [{ key: "owner", value: "ops" }]);
  await ctx.done("/add-labels-to-resources", { where: { id: label.data.id }, data: { [kind]: { id } } });
}
const labelled = async (kind: "vms" | "vlans", id: string) =>
  (await ctx.sim.inventory<{ key: string; vms?: Array<{ id: string }>; vlans?: Array<{ id: string }> }>("labels")).some(
    (l) => l.key === "owner" && (l[kind] ?? []).some((x) => x.id === id),
  );

describe("CloudTower resources stored by the version before labels and restartOnChange", () => {
  it.each([
    ["a VM made from scratch", { name: "old-1", clusterId: CLUSTER_A, nics: [{ vlanId: DEFAULT_VLAN_A }], allowRestart: true }],
    ["a VM made from a template (whose state stored the template's NICs)", { name: "old-2", template: { templateId: TEMPLATE } }],
  ])("%s shows no change at the next preview, and a refresh and update keep labels set in CloudTower", async (_, args) => {
    const { id, outs } = await vm.create(await vm.checked(args));
    const nics = (outs.nicDetails as Array<{ vlanId: string; model: string; enabled: boolean }>).map((n) => ({
      vlanId: n.vlanId,
      model: n.model,
      enabled: n.enabled,
    }));
    // The previous version stored every NIC the VM has, a template's too.
    const stored = { ...older(outs, VM_FIELDS), nics };
    await labelOutOfBand("vms", id);
    const news = await vm.checked(args);
    expect(await vm.diff(id, stored, news)).toMatchObject({ changes: false, replaces: [] });
    const read = await vm.read(id, stored);
    expect(read.props).not.toHaveProperty("labels");
    expect(await vm.diff(id, read.props!, news)).toMatchObject({ changes: false, replaces: [] });
    // A real change (the description) updates in place and leaves the operator's label alone.
    await vm.update(id, read.props!, await vm.checked({ ...args, description: "changed" }));
    expect(await labelled("vms", id)).toBe(true);
  });

  it("a VM with ejectIso given for the first time on an old state is a change (it acts on the VM)", async () => {
    const args = { name: "old-3", clusterId: CLUSTER_A };
    const { id, outs } = await vm.create(await vm.checked(args));
    expect((await vm.diff(id, older(outs, VM_FIELDS), await vm.checked({ ...args, ejectIso: true }))).changes).toBe(true);
  });

  it("a Vlan stored without labels shows no change, and its update keeps labels set in CloudTower", async () => {
    const args = { vdsId: VDS_A, name: "old-net", vlanId: 10 };
    const { id, outs } = await vlan.create(await vlan.checked(args));
    const stored = older(outs, ["labels"]);
    await labelOutOfBand("vlans", id);
    expect(await vlan.diff(id, stored, await vlan.checked(args))).toMatchObject({ changes: false, replaces: [] });
    const read = await vlan.read(id, stored);
    expect(read.props).not.toHaveProperty("labels");
    await vlan.update(id, read.props!, await vlan.checked({ ...args, vlanId: 11 }));
    expect(await labelled("vlans", id)).toBe(true);
  });

  it("labels given later are managed from then on: those not given are taken off", async () => {
    const args = { vdsId: VDS_A, name: "net-2" };
    const { id, outs } = await vlan.create(await vlan.checked(args));
    await labelOutOfBand("vlans", id);
    const news = await vlan.checked({ ...args, labels: { env: "prod" } });
    expect((await vlan.diff(id, outs, news)).changes).toBe(true);
    const u = await vlan.update(id, outs, news);
    expect(u.outs.labels).toEqual({ env: "prod" });
    expect(await labelled("vlans", id)).toBe(false);
  });
});
