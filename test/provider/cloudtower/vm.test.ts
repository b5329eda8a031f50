import { describe, expect, it, vi } from "vitest";
import { configureTower } from "../../../provider/cloudtower/config";
import { VmInputs, VmOutputs, vmProvider, vmSchema } from "../../../provider/cloudtower/vm";
import { configFrom } from "../../../provider/core";
import { FREE_VOLUME } from "../../../simulator/cloudtower";
import { CLUSTER_A, DEFAULT_VLAN_A, LEGACY_VM, TEMPLATE, useTower } from "../../helpers/cloudtower";

const ctx = useTower();
const state = () => ctx.sim.vendor.state;

async function checked(news: Record<string, unknown>): Promise<VmInputs> {
  const r = await vmProvider.check({} as VmInputs, news as never);
  expect(r.failures ?? []).toEqual([]);
  return r.inputs as VmInputs;
}

const scratch = (extra: Record<string, unknown> = {}) => ({ name: "web-1", clusterId: CLUSTER_A, ...extra });

describe("cloudtower.Vm lifecycle", () => {
  it("creates from scratch with only the required inputs and reads back", async () => {
    const inputs = await checked(scratch());
    const { id, outs } = await vmProvider.create(inputs);
    expect(outs).toMatchObject({ name: "web-1", status: "RUNNING", vcpu: 1, memoryMb: 1024, cpuSockets: 1, cpuCores: 1, clusterName: "cluster-a", firmware: "BIOS", ha: true });
    expect(state().get("vms", id)).toMatchObject({ status: "RUNNING", entityAsyncStatus: null });
    const read = await vmProvider.read(id, outs as VmOutputs);
    expect(read.props).toEqual(outs);
    expect((await vmProvider.diff(id, outs as VmOutputs, inputs)).changes).toBe(false);
  });

  it("creates with disks and NICs and reports their ids, MACs and sizes", async () => {
    const inputs = await checked(scratch({ cpuSockets: 2, cpuCores: 2, memoryMb: 4096, disks: [{ sizeGb: 20 }, { name: "data", sizeGb: 100, bus: "SCSI" }], nics: [{ vlanId: DEFAULT_VLAN_A, macAddress: "52:54:00:aa:bb:cc" }] }));
    const { outs } = await vmProvider.create(inputs);
    expect(outs!.vcpu).toBe(4);
    expect(outs!.diskDetails.map((d) => [d.name, d.sizeGb, d.bus])).toEqual([["web-1-disk-0", 20, "VIRTIO"], ["data", 100, "SCSI"]]);
    expect(outs!.nicDetails).toMatchObject([{ index: 0, macAddress: "52:54:00:aa:bb:cc", vlanId: DEFAULT_VLAN_A, vlanName: "default" }]);
  });

  it("mounts an existing volume and an empty CD-ROM at creation", async () => {
    const { outs } = await vmProvider.create(await checked(scratch({ disks: [{ sizeGb: 5 }], volumes: [{ volumeId: FREE_VOLUME }], cdRoms: [{}] })));
    expect(outs!.diskDetails.map((d) => [d.type, d.volumeId || "-"])).toEqual([["DISK", expect.any(String)], ["DISK", FREE_VOLUME], ["CD_ROM", "-"]]);
    expect(state().get("vmVolumes", FREE_VOLUME)!.mounting).toBe(true);
  });

  it("creates from a template with overrides", async () => {
    const { id, outs } = await vmProvider.create(await checked({ name: "tpl-1", template: { templateId: TEMPLATE, cloudInit: { hostname: "tpl-1", defaultUserPassword: "s3cret" } }, memoryMb: 8192, cpuSockets: 1, cpuCores: 4 }));
    expect(outs).toMatchObject({ memoryMb: 8192, vcpu: 4, clusterName: "cluster-a" });
    expect(outs!.diskDetails).toHaveLength(1);
    expect(state().get("vms", id)!.status).toBe("RUNNING");
  });

  it("updates name, description and HA in place while running", async () => {
    const { id, outs } = await vmProvider.create(await checked(scratch()));
    const news = await checked(scratch({ name: "web-one", description: "front end", ha: false }));
    expect(await vmProvider.diff(id, outs as VmOutputs, news)).toMatchObject({ changes: true, replaces: [] });
    const u = await vmProvider.update(id, outs as VmOutputs, news);
    expect(u.outs).toMatchObject({ name: "web-one", description: "front end", ha: false, status: "RUNNING" });
  });

  it("refuses a CPU or memory change of a running VM at preview unless allowRestart", async () => {
    const { id, outs } = await vmProvider.create(await checked(scratch()));
    await expect(vmProvider.diff(id, outs as VmOutputs, await checked(scratch({ memoryMb: 2048 })))).rejects.toThrow(/memoryMb: changing the CPU or memory of VM web-1 needs it powered off.*allowRestart/);
  });

  it("resizes a running VM by stopping it, changing it and starting it again when allowed", async () => {
    const { id, outs } = await vmProvider.create(await checked(scratch()));
    const news = await checked(scratch({ memoryMb: 2048, cpuCores: 2, allowRestart: true }));
    const u = await vmProvider.update(id, outs as VmOutputs, news);
    expect(u.outs).toMatchObject({ memoryMb: 2048, vcpu: 2, status: "RUNNING" });
    const log = (await ctx.sim.control("GET", "/_sim/requests")).map((r: { path: string }) => r.path);
    expect(log).toEqual(expect.arrayContaining(["/v2/api/shutdown-vm", "/v2/api/update-vm-basic-info", "/v2/api/start-vm"]));
  });

  it("adds, grows and removes disks one by one", async () => {
    const { id, outs } = await vmProvider.create(await checked(scratch({ disks: [{ name: "a", sizeGb: 10 }, { name: "b", sizeGb: 10 }] })));
    const news = await checked(scratch({ disks: [{ name: "a", sizeGb: 30 }, { name: "c", sizeGb: 5 }] }));
    const u = await vmProvider.update(id, outs as VmOutputs, news);
    expect(u.outs!.diskDetails.map((d) => [d.name, d.sizeGb])).toEqual([["a", 30], ["c", 5]]);
  });

  it("refuses to shrink a disk at preview", async () => {
    const { id, outs } = await vmProvider.create(await checked(scratch({ disks: [{ name: "a", sizeGb: 10 }] })));
    await expect(vmProvider.diff(id, outs as VmOutputs, await checked(scratch({ disks: [{ name: "a", sizeGb: 5 }] })))).rejects.toThrow(/cannot shrink from 10 GiB to 5 GiB/);
  });

  it("reconnects, adds and removes NICs one by one, never recreating the others", async () => {
    const { id: vlanB } = await (await import("../../../provider/cloudtower/vlan")).vlanProvider.create({ vdsId: "cvd" + CLUSTER_A.slice(-22), name: "back", vlanId: 20, modeType: "VLAN_ACCESS", networkIds: [], timeoutSeconds: 60 });
    const { id, outs } = await vmProvider.create(await checked(scratch({ nics: [{ vlanId: DEFAULT_VLAN_A }, { vlanId: DEFAULT_VLAN_A }] })));
    const macs = outs!.nicDetails.map((n) => n.macAddress);
    await ctx.sim.control("DELETE", "/_sim/requests");
    const u = await vmProvider.update(id, outs as VmOutputs, await checked(scratch({ nics: [{ vlanId: vlanB }] })));
    expect(u.outs!.nicDetails.map((n) => [n.macAddress, n.vlanId])).toEqual([[macs[0], vlanB]]);
    const paths = (await ctx.sim.control("GET", "/_sim/requests")).map((r: { path: string }) => r.path).filter((p: string) => /nic/.test(p) && !/get-/.test(p));
    expect(paths).toEqual(["/v2/api/update-vm-nic", "/v2/api/remove-vm-nic"]);
  });

  it("changes the power state in place, falling back to power off when the guest ignores shutdown", async () => {
    const { id, outs } = await vmProvider.create(await checked(scratch()));
    await ctx.sim.control("POST", "/_sim/cloudtower/ignore-shutdown", { vmId: id });
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const u = await vmProvider.update(id, outs as VmOutputs, await checked(scratch({ powerState: "STOPPED" })));
    expect(warn.mock.calls[0][0]).toMatch(/did not shut down gracefully.*powering it off/);
    warn.mockRestore();
    expect(u.outs!.status).toBe("STOPPED");
  });

  it("live-migrates a running VM when hostId changes", async () => {
    const hosts = (state().get("clusters", CLUSTER_A)!.hosts as Array<{ id: string; name: string }>);
    const { id, outs } = await vmProvider.create(await checked(scratch({ hostId: hosts[0].id })));
    expect(outs!.hostName).toBe(hosts[0].name);
    const news = await checked(scratch({ hostId: hosts[1].id }));
    expect(await vmProvider.diff(id, outs as VmOutputs, news)).toMatchObject({ changes: true, replaces: [] });
    const u = await vmProvider.update(id, outs as VmOutputs, news);
    expect(u.outs!.hostName).toBe(hosts[1].name);
  });

  it("replaces on a cluster, firmware or template change", async () => {
    const { id, outs } = await vmProvider.create(await checked(scratch()));
    const d = await vmProvider.diff(id, outs as VmOutputs, await checked(scratch({ clusterId: "cl0c1uster00000000000000b", firmware: "UEFI" })));
    expect(d.replaces).toEqual(["clusterId", "firmware"]);
  });

  it("deletes, and tolerates a VM that is already gone", async () => {
    const { id, outs } = await vmProvider.create(await checked(scratch()));
    await vmProvider.delete(id, outs as VmOutputs);
    expect(state().get("vms", id)).toBeUndefined();
    await expect(vmProvider.delete(id, outs as VmOutputs)).resolves.toBeUndefined();
    expect(await vmProvider.read(id, outs as VmOutputs)).toEqual({ id: "" });
  });

  it("shows an out-of-band change at refresh and puts a drifted power state back", async () => {
    const inputs = await checked(scratch());
    const { id, outs } = await vmProvider.create(inputs);
    Object.assign(state().get("vms", id)!, { name: "renamed-by-hand", status: "STOPPED" });
    const read = await vmProvider.read(id, outs as VmOutputs);
    expect(read.props).toMatchObject({ name: "renamed-by-hand", status: "STOPPED", powerState: "STOPPED" });
    const d = await vmProvider.diff(id, read.props as VmOutputs, inputs);
    expect(d.changes).toBe(true);
    const u = await vmProvider.update(id, read.props as VmOutputs, inputs);
    expect(u.outs).toMatchObject({ name: "web-1", status: "RUNNING" });
  });
});

describe("cloudtower.Vm adoption", () => {
  it("adopts an existing VM without changing it and shows the differences at the next preview", async () => {
    const inputs = await checked({ name: "legacy-app", adopt: { id: LEGACY_VM }, cpuSockets: 2, memoryMb: 2048, nics: [{ vlanId: DEFAULT_VLAN_A }] });
    const { id, outs } = await vmProvider.create(inputs);
    expect(id).toBe(LEGACY_VM);
    expect(outs).toMatchObject({ name: "legacy-app", cpuSockets: 2, cpuCores: 1, memoryMb: 2048, description: "adopt me", status: "RUNNING" });
    const d = await vmProvider.diff(id, outs as VmOutputs, inputs);
    expect(d.changes).toBe(true); // the description differs: "adopt me" vs ""
    expect(d.replaces).toEqual([]);
  });

  it("names a VM to adopt that does not exist", async () => {
    await expect(vmProvider.create(await checked({ name: "x", adopt: { name: "nope" } }))).rejects.toThrow(/adopt: no VM named "nope"/);
  });
});

describe("cloudtower.Vm failures", () => {
  it.each([
    [{ name: "x", clusterId: CLUSTER_A, memoryMb: 0 }, "memoryMb"],
    [{ name: "x", clusterId: CLUSTER_A, cpuSockets: 8, cpuCores: 16 }, "cpuCores"],
    [{ name: "", clusterId: CLUSTER_A }, "name"],
    [{ name: "x" }, "clusterId"],
    [{ name: "x", clusterId: "cl0nope" }, "clusterId"],
    [{ name: "x", clusterId: CLUSTER_A, nics: [{ vlanId: "cl0nope" }] }, "nics[0].vlanId"],
    [{ name: "x", clusterId: CLUSTER_A, powerState: "PAUSED" }, "powerState"],
    [{ name: "x", adopt: { id: LEGACY_VM }, template: { templateId: TEMPLATE } }, "template"],
    [{ name: "x", clusterId: CLUSTER_A, disks: [{ name: "d", sizeGb: 1 }, { name: "d", sizeGb: 2 }] }, "disks[1].name"],
    [{ name: "x", template: { templateId: TEMPLATE }, disks: [{ sizeGb: 10 }] }, "disks"],
    [{ name: "x", clusterId: CLUSTER_A, disks: [{ sizeGb: -1 }] }, "disks[0].sizeGb"],
  ])("check of %j fails on %s before any request that changes anything", async (news, property) => {
    await ctx.sim.control("DELETE", "/_sim/requests");
    const r = await vmProvider.check({} as VmInputs, news as never);
    expect(r.failures?.map((f) => f.property)).toEqual([property]);
    const log = await ctx.sim.control("GET", "/_sim/requests");
    expect(log.filter((x: { path: string }) => !/\/(get-|login)/.test(x.path))).toEqual([]);
  });

  it("turns a FAILED create task into a clear error and leaves no VM behind", async () => {
    await ctx.sim.control("POST", "/_sim/cloudtower/fail-tasks", { mutation: "createVm", error_code: "HostAvailableMemoryFilter", error_message: "no host has 64 GiB free", leaveOrphan: true });
    const err = await vmProvider.create(await checked(scratch())).catch((e) => e);
    expect(err.code).toBe("task_failed");
    expect(err.message).toMatch(/failed with HostAvailableMemoryFilter: vendor says: no host has 64 GiB free.*task c[a-z0-9]{24}.*half-created VM .* was deleted/);
    expect(state().list("vms").map((v) => v.name)).toEqual(["legacy-app"]);
  });

  it("does not make a duplicate VM when the create's answer is lost", async () => {
    await ctx.sim.control("POST", "/_sim/faults", { path: "/v2/api/create-vm", lostResponse: true });
    const { id, outs } = await vmProvider.create(await checked(scratch()));
    expect(outs!.status).toBe("RUNNING");
    expect(state().list("vms").filter((v) => v.name === "web-1").map((v) => v.id)).toEqual([id]);
  });

  it("logs in again once when the token is rejected", async () => {
    const { outs, id } = await vmProvider.create(await checked(scratch()));
    await ctx.sim.control("POST", "/_sim/cloudtower/expire-tokens");
    await expect(vmProvider.read(id, outs as VmOutputs)).resolves.toMatchObject({ id });
    const logins = (await ctx.sim.control("GET", "/_sim/requests")).filter((r: { path: string }) => r.path === "/v2/api/login");
    expect(logins.length).toBeGreaterThanOrEqual(1);
  });

  it("retries a mutation on a locked VM once the lock clears", async () => {
    const { id, outs } = await vmProvider.create(await checked(scratch()));
    await ctx.sim.control("POST", "/_sim/cloudtower/lock", { collection: "vms", id, ms: 300 });
    const u = await vmProvider.update(id, outs as VmOutputs, await checked(scratch({ description: "after the lock" })));
    expect(u.outs!.description).toBe("after the lock");
    const locked = (await ctx.sim.control("GET", "/_sim/requests")).filter((r: { status: number; path: string }) => r.status === 400 && r.path.endsWith("update-vm-basic-info"));
    expect(locked.length).toBe(1);
  });

  it("never puts the password in an error message", async () => {
    configureWrongPassword();
    const err = await vmProvider.create(await checkedNoApi(scratch())).catch((e) => e);
    expect(err.code).toBe("auth");
    expect(err.message).not.toContain("wrong-pass-xyz");
  });
});

function configureWrongPassword() {
  configureTower(configFrom({ "cloudtower:endpoint": ctx.sim.url, "cloudtower:username": "admin", "cloudtower:password": "wrong-pass-xyz", "cloudtower:pollIntervalMs": "20" }));
}
/** Inputs parsed without the API (check would already fail to log in). */
async function checkedNoApi(news: Record<string, unknown>): Promise<VmInputs> {
  return vmSchema().parse(news) as unknown as VmInputs;
}
