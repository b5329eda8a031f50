import { describe, expect, it, vi } from "vitest";
import * as cloudtower from "../../../provider/cloudtower";
import { FREE_VOLUME } from "../../../simulator/cloudtower";
import { asEngine, failedPaths } from "../../helpers/engine";
import { CLUSTER_A, CLUSTER_B, DEFAULT_VLAN_A, LEGACY_VM, TEMPLATE, VDS_A, towerConfig, useTower } from "../../helpers/cloudtower";

const ctx = useTower();
const vm = asEngine(cloudtower.Vm.provider);
const vms = () => ctx.sim.inventory<{ id: string; name: string; status: string; memory: number; description: string; entityAsyncStatus: string | null }>("vms");
const vmById = async (id: string) => (await vms()).find((v) => v.id === id);
const scratch = (extra: Record<string, unknown> = {}) => ({ name: "web-1", clusterId: CLUSTER_A, ...extra });
const mutations = async () => (await ctx.sim.requests()).map((r) => r.path).filter((p) => !/\/(get-[a-z-]+|login)$/.test(p));

describe("cloudtower.Vm lifecycle", () => {
  it("creates from scratch with only the required inputs and reads back", async () => {
    const inputs = await vm.checked(scratch());
    const { id, outs } = await vm.create(inputs);
    expect(outs).toMatchObject({
      name: "web-1",
      status: "RUNNING",
      vcpu: 1,
      memoryMb: 1024,
      cpuSockets: 1,
      cpuCores: 1,
      clusterName: "cluster-a",
      firmware: "BIOS",
      ha: true,
    });
    expect(await vmById(id)).toMatchObject({ status: "RUNNING", entityAsyncStatus: null });
    expect((await vm.read(id, outs)).props).toEqual(outs);
    expect((await vm.diff(id, outs, inputs)).changes).toBe(false);
  });

  it("writes its ownership marker at the end of the description and shows the description without it", async () => {
    const { id, outs } = await vm.create({ ...(await vm.checked(scratch({ description: "front end" }))), marker: "pulumi:00000000000000aa" });
    expect((await vmById(id))!.description).toBe("front end [pulumi:00000000000000aa]");
    expect(outs.description).toBe("front end");
    const u = await vm.update(id, outs, { ...(await vm.checked(scratch({ description: "front" }))), marker: "pulumi:00000000000000aa" });
    expect(u.outs.description).toBe("front");
    expect((await vmById(id))!.description).toBe("front [pulumi:00000000000000aa]");
  });

  it("creates with disks and NICs and reports their ids, MACs and sizes", async () => {
    const inputs = await vm.checked(
      scratch({
        cpuSockets: 2,
        cpuCores: 2,
        memoryMb: 4096,
        disks: [{ sizeGb: 20 }, { name: "data", sizeGb: 100, bus: "SCSI" }],
        nics: [{ vlanId: DEFAULT_VLAN_A, macAddress: "52:54:00:aa:bb:cc" }],
      }),
    );
    const { outs } = await vm.create(inputs);
    expect(outs.vcpu).toBe(4);
    expect(outs.diskDetails.map((d: { name: string; sizeGb: number; bus: string }) => [d.name, d.sizeGb, d.bus])).toEqual([
      ["web-1-disk-0", 20, "VIRTIO"],
      ["data", 100, "SCSI"],
    ]);
    expect(outs.nicDetails).toMatchObject([{ index: 0, macAddress: "52:54:00:aa:bb:cc", vlanId: DEFAULT_VLAN_A, vlanName: "default" }]);
  });

  it("mounts an existing volume and an empty CD-ROM at creation", async () => {
    const { outs } = await vm.create(await vm.checked(scratch({ disks: [{ sizeGb: 5 }], volumes: [{ volumeId: FREE_VOLUME }], cdRoms: [{}] })));
    expect(outs.diskDetails.map((d: { type: string; volumeId: string }) => [d.type, d.volumeId || "-"])).toEqual([
      ["DISK", expect.any(String)],
      ["DISK", FREE_VOLUME],
      ["CD_ROM", "-"],
    ]);
    expect((await ctx.sim.inventory("vmVolumes")).find((v) => v.id === FREE_VOLUME)!.mounting).toBe(true);
  });

  it("creates from a template with overrides", async () => {
    const { id, outs } = await vm.create(
      await vm.checked({
        name: "tpl-1",
        template: { templateId: TEMPLATE, cloudInit: { hostname: "tpl-1", defaultUserPassword: "s3cret" } },
        memoryMb: 8192,
        cpuSockets: 1,
        cpuCores: 4,
      }),
    );
    expect(outs).toMatchObject({ memoryMb: 8192, vcpu: 4, clusterName: "cluster-a" });
    expect(outs.diskDetails).toHaveLength(1);
    expect((await vmById(id))!.status).toBe("RUNNING");
  });

  it("declares the template and the source (with their cloud-init password) secrets (the e2e test proves it in the state)", () => {
    expect(cloudtower.Vm.entry.definition.secrets).toEqual(["template", "source"]);
  });

  it("updates name, description and HA in place while running", async () => {
    const { id, outs } = await vm.create(await vm.checked(scratch()));
    const news = await vm.checked(scratch({ name: "web-one", description: "front end", ha: false }));
    expect(await vm.diff(id, outs, news)).toMatchObject({ changes: true, replaces: [] });
    const u = await vm.update(id, outs, news);
    expect(u.outs).toMatchObject({ name: "web-one", description: "front end", ha: false, status: "RUNNING" });
  });

  it("refuses a CPU or memory change of a running VM at preview unless restartOnChange, naming the field", async () => {
    const { id, outs } = await vm.create(await vm.checked(scratch()));
    await expect(vm.diff(id, outs, await vm.checked(scratch({ memoryMb: 2048 })))).rejects.toThrow(
      /memoryMb: changing the CPU or memory of VM web-1 needs it powered off, and it is running; set restartOnChange: true/,
    );
    expect(await vm.diff(id, outs, await vm.checked(scratch({ memoryMb: 2048, restartOnChange: true })))).toMatchObject({ changes: true, replaces: [] });
  });

  it("resizes a running VM by stopping it, changing it and starting it again when allowed", async () => {
    const { id, outs } = await vm.create(await vm.checked(scratch()));
    await ctx.sim.control("DELETE", "/_sim/requests");
    const u = await vm.update(id, outs, await vm.checked(scratch({ memoryMb: 2048, cpuCores: 2, allowRestart: true })));
    expect(u.outs).toMatchObject({ memoryMb: 2048, vcpu: 2, status: "RUNNING" });
    expect(await mutations()).toEqual(["/v2/api/shutdown-vm", "/v2/api/update-vm-basic-info", "/v2/api/start-vm"]);
  });

  it("adds, grows and removes disks one by one", async () => {
    const { id, outs } = await vm.create(
      await vm.checked(
        scratch({
          disks: [
            { name: "a", sizeGb: 10 },
            { name: "b", sizeGb: 10 },
          ],
        }),
      ),
    );
    const u = await vm.update(
      id,
      outs,
      await vm.checked(
        scratch({
          disks: [
            { name: "a", sizeGb: 30 },
            { name: "c", sizeGb: 5 },
          ],
        }),
      ),
    );
    expect(u.outs.diskDetails.map((d: { name: string; sizeGb: number }) => [d.name, d.sizeGb])).toEqual([
      ["a", 30],
      ["c", 5],
    ]);
  });

  it("refuses to shrink a disk at preview", async () => {
    const { id, outs } = await vm.create(await vm.checked(scratch({ disks: [{ name: "a", sizeGb: 10 }] })));
    await expect(vm.diff(id, outs, await vm.checked(scratch({ disks: [{ name: "a", sizeGb: 5 }] })))).rejects.toThrow(/cannot shrink from 10 GiB to 5 GiB/);
  });

  it("reconnects, adds and removes NICs one by one, never recreating the others", async () => {
    const vlan = asEngine(cloudtower.Vlan.provider);
    const { id: vlanB } = await vlan.create(await vlan.checked({ vdsId: VDS_A, name: "back", vlanId: 20 }));
    const { id, outs } = await vm.create(await vm.checked(scratch({ nics: [{ vlanId: DEFAULT_VLAN_A }, { vlanId: DEFAULT_VLAN_A }] })));
    const macs = outs.nicDetails.map((n: { macAddress: string }) => n.macAddress);
    await ctx.sim.control("DELETE", "/_sim/requests");
    const u = await vm.update(id, outs, await vm.checked(scratch({ nics: [{ vlanId: vlanB }] })));
    expect(u.outs.nicDetails.map((n: { macAddress: string; vlanId: string }) => [n.macAddress, n.vlanId])).toEqual([[macs[0], vlanB]]);
    expect((await mutations()).filter((p) => /nic/.test(p))).toEqual(["/v2/api/update-vm-nic", "/v2/api/remove-vm-nic-by-where"]);
  });

  it("changes the power state in place, falling back to power off when the guest ignores shutdown", async () => {
    const { id, outs } = await vm.create(await vm.checked(scratch()));
    await ctx.sim.control("POST", "/_sim/cloudtower/ignore-shutdown", { vmId: id });
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const u = await vm.update(id, outs, await vm.checked(scratch({ powerState: "STOPPED" })));
    expect(warn.mock.calls[0][0]).toMatch(/did not shut down gracefully.*powering it off/);
    warn.mockRestore();
    expect(u.outs.status).toBe("STOPPED");
  });

  it("live-migrates a running VM when hostId changes", async () => {
    const hosts = (await ctx.sim.inventory("clusters")).find((c) => c.id === CLUSTER_A)!.hosts as Array<{ id: string; name: string }>;
    const { id, outs } = await vm.create(await vm.checked(scratch({ hostId: hosts[0].id })));
    expect(outs.hostName).toBe(hosts[0].name);
    const news = await vm.checked(scratch({ hostId: hosts[1].id }));
    expect(await vm.diff(id, outs, news)).toMatchObject({ changes: true, replaces: [] });
    expect((await vm.update(id, outs, news)).outs.hostName).toBe(hosts[1].name);
  });

  it("replaces on a cluster, firmware or endpoint change, delete-first unless renamed (CloudTower refuses two VMs of one name)", async () => {
    const { id, outs } = await vm.create(await vm.checked(scratch()));
    expect(await vm.diff(id, outs, await vm.checked(scratch({ clusterId: CLUSTER_B, firmware: "UEFI" })))).toMatchObject({
      replaces: ["clusterId", "firmware"],
      deleteBeforeReplace: true,
    });
    expect(await vm.diff(id, outs, await vm.checked(scratch({ name: "web-1b", firmware: "UEFI" })))).toMatchObject({
      replaces: ["firmware"],
      deleteBeforeReplace: false,
    });
    expect((await vm.diff(id, outs, { ...(await vm.checked(scratch())), endpoint: "site-b" })).replaces).toEqual(["endpoint"]);
  });

  it("deletes, and tolerates a VM that is already gone", async () => {
    const { id, outs } = await vm.create(await vm.checked(scratch()));
    await vm.delete(id, outs);
    expect(await vmById(id)).toBeUndefined();
    await expect(vm.delete(id, outs)).resolves.toBeUndefined();
    expect(await vm.read(id, outs)).toEqual({ id: "" });
  });

  it.each([
    ["keeps a volume mounted at creation (volumes)", scratch({ disks: [{ sizeGb: 5 }], volumes: [{ volumeId: FREE_VOLUME }] }), undefined, true],
    ["keeps an unmarked volume attached out of band to a VM that declares its disks", scratch({ disks: [{ sizeGb: 5 }] }), "", true],
    [
      "keeps a volume an ownership marker claims, on a VM made from a template",
      { name: "tpl-1", template: { templateId: TEMPLATE } },
      "[pulumi:00000000000000cc]",
      true,
    ],
    [
      "deletes an unmarked volume attached out of band to a VM made from a template (its volumes are its own)",
      { name: "tpl-1", template: { templateId: TEMPLATE } },
      "",
      false,
    ],
  ] as const)("on delete %s, detached first, and deletes the VM's own disks with it", async (_, args, description, kept) => {
    const { id, outs } = await vm.create(await vm.checked(args));
    if (description !== undefined) {
      await ctx.done("/update-vm-volume", { where: { id: FREE_VOLUME }, data: { description } });
      await ctx.done("/add-vm-disk", { where: { id }, data: { vm_disks: { mount_disks: [{ vm_volume_id: FREE_VOLUME, bus: "VIRTIO", boot: 9 }] } } });
    }
    const own = ((await vm.read(id, outs)).props!.diskDetails as Array<{ volumeId: string }>).map((d) => d.volumeId).filter((v) => v && v !== FREE_VOLUME);
    expect(own.length).toBeGreaterThan(0);
    await ctx.sim.control("DELETE", "/_sim/requests");
    await vm.delete(id, outs);
    expect(await mutations()).toEqual([...(kept ? ["/v2/api/remove-vm-disk"] : []), "/v2/api/delete-vm"]);
    const volumes = await ctx.sim.inventory<{ id: string; mounting: boolean }>("vmVolumes");
    expect(volumes.filter((v) => own.includes(v.id))).toEqual([]);
    expect(volumes.find((v) => v.id === FREE_VOLUME)).toEqual(kept ? expect.objectContaining({ mounting: false }) : undefined);
  });

  it("shows an out-of-band change at refresh and puts a drifted power state back", async () => {
    const inputs = await vm.checked(scratch());
    const { id, outs } = await vm.create(inputs);
    await ctx.done("/update-vm-basic-info", { where: { id }, data: { name: "renamed-by-hand" } });
    await ctx.done("/poweroff-vm", { where: { id } });
    const read = await vm.read(id, outs);
    expect(read.props).toMatchObject({ name: "renamed-by-hand", status: "STOPPED", powerState: "STOPPED" });
    expect(read.inputs).toMatchObject({ name: "renamed-by-hand", powerState: "STOPPED" });
    expect((await vm.diff(id, read.props!, inputs)).changes).toBe(true);
    expect((await vm.update(id, read.props!, inputs)).outs).toMatchObject({ name: "web-1", status: "RUNNING" });
  });
});

describe("cloudtower.Vm adoption", () => {
  it("adopts an existing VM without changing it and shows the differences at the next preview", async () => {
    const inputs = await vm.checked({ name: "legacy-app", adopt: { id: LEGACY_VM }, cpuSockets: 2, memoryMb: 2048, nics: [{ vlanId: DEFAULT_VLAN_A }] });
    const { id, outs } = await vm.create(inputs);
    expect(id).toBe(LEGACY_VM);
    expect(outs).toMatchObject({ name: "legacy-app", cpuSockets: 2, cpuCores: 1, memoryMb: 2048, description: "adopt me", status: "RUNNING" });
    const d = await vm.diff(id, outs, inputs);
    expect(d.changes).toBe(true); // the description differs: "adopt me" vs ""
    expect(d.replaces).toEqual([]);
  });

  it("keeps an adopted VM when adopt is dropped from the inputs, and replaces it when adopt names another", async () => {
    const { id, outs } = await vm.create(
      await vm.checked({
        name: "legacy-app",
        adopt: { id: LEGACY_VM },
        cpuSockets: 2,
        memoryMb: 2048,
        description: "adopt me",
        nics: [{ vlanId: DEFAULT_VLAN_A }],
      }),
    );
    expect(
      await vm.diff(
        id,
        outs,
        await vm.checked({
          name: "legacy-app",
          clusterId: CLUSTER_A,
          cpuSockets: 2,
          memoryMb: 2048,
          description: "adopt me",
          nics: [{ vlanId: DEFAULT_VLAN_A }],
        }),
      ),
    ).toMatchObject({ replaces: [] });
    expect(await vm.diff(id, outs, await vm.checked({ name: "legacy-app", adopt: { name: "other" } }))).toMatchObject({
      replaces: ["adopt"],
      deleteBeforeReplace: true,
    });
  });

  it("names a VM to adopt that does not exist", async () => {
    await expect(vm.create(await vm.checked({ name: "x", adopt: { name: "nope" } }))).rejects.toThrow(/adopt.name: no Vm named "nope"/);
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
    [{ name: "x", adopt: {} }, "adopt"],
    [
      {
        name: "x",
        clusterId: CLUSTER_A,
        disks: [
          { name: "d", sizeGb: 1 },
          { name: "d", sizeGb: 2 },
        ],
      },
      "disks[1].name",
    ],
    [{ name: "x", template: { templateId: TEMPLATE }, disks: [{ sizeGb: 10 }] }, "disks"],
    [{ name: "x", clusterId: CLUSTER_A, disks: [{ sizeGb: -1 }] }, "disks[0].sizeGb"],
  ])("check of %j fails on %s before any request that changes anything", async (news, property) => {
    await ctx.sim.control("DELETE", "/_sim/requests");
    const r = await vm.check({}, news);
    expect(failedPaths(r.failures)).toEqual([property]);
    expect(await mutations()).toEqual([]);
  });

  it("names an endpoint that is not configured at check", async () => {
    const r = await vm.check({}, scratch({ endpoint: "site-z" }));
    expect(r.failures).toEqual([
      {
        property: "endpoint",
        reason: expect.stringMatching(
          /^cloudtower-site-z:endpoint is not set: run `pulumi config set cloudtower-site-z:endpoint <value>` or set the environment variable CLOUDTOWER_SITE_Z_ENDPOINT/,
        ),
      },
    ]);
  });

  it("turns a FAILED create task into a clear error and leaves no VM behind", async () => {
    await ctx.sim.control("POST", "/_sim/cloudtower/fail-tasks", {
      mutation: "createVm",
      error_code: "HostAvailableMemoryFilter",
      error_message: "no host has 64 GiB free",
      leaveOrphan: true,
    });
    const err = await vm.create(await vm.checked(scratch())).catch((e) => e);
    expect(err.code).toBe("task_failed");
    expect(err.message).toMatch(
      /failed with HostAvailableMemoryFilter: vendor says: no host has 64 GiB free.*task c[a-z0-9]{24}.*half-made object .* was deleted/,
    );
    expect((await vms()).map((v) => v.name)).toEqual(["legacy-app"]);
  });

  it("logs in again once when the token is rejected", async () => {
    const { outs, id } = await vm.create(await vm.checked(scratch()));
    await ctx.sim.control("POST", "/_sim/cloudtower/expire-tokens");
    await ctx.sim.control("DELETE", "/_sim/requests");
    await expect(vm.read(id, outs)).resolves.toMatchObject({ id });
    expect((await ctx.sim.requests()).filter((r) => r.path === "/v2/api/login")).toHaveLength(1);
  });

  it("retries a mutation on a locked VM once the lock clears", async () => {
    const { id, outs } = await vm.create(await vm.checked(scratch()));
    await ctx.sim.control("POST", "/_sim/cloudtower/lock", { collection: "vms", id, ms: 300 });
    const u = await vm.update(id, outs, await vm.checked(scratch({ description: "after the lock" })));
    expect(u.outs.description).toBe("after the lock");
    const locked = (await ctx.sim.requests()).filter((r) => r.status === 400 && r.path.endsWith("update-vm-basic-info"));
    expect(locked).toHaveLength(1);
  });

  it("never puts the password in an error message", async () => {
    const inputs = await vm.checked(scratch());
    await vm.configure({ ...towerConfig(ctx.sim.url), "cloudtower:password": "wrong-pass-xyz" });
    await ctx.sim.control("POST", "/_sim/cloudtower/expire-tokens");
    const err = await vm.create(inputs).catch((e) => e);
    expect(err.code).toBe("auth");
    expect(err.message).not.toContain("wrong-pass-xyz");
  });
});
