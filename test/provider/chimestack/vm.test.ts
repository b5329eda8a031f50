/** chimestack.Vm through its provider as Pulumi calls it, against the simulator. */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import * as chimestack from "../../../provider/chimestack";
import { UNKNOWN } from "../../../provider/core";
import { CATALOGUE } from "../../../simulator/chimestack";
import { DEMO, SEEDED, useChime, vmInputs } from "../../helpers/chimestack";
import { asEngine, failedPaths } from "../../helpers/engine";

const ctx = useChime();
const vm = asEngine(chimestack.Vm.provider);
const checked = (extra: Record<string, unknown> = {}) => vm.checked(vmInputs(extra));
const MARKER = "pulumi:00000000000000bb";

const ROOT = { name: "root", sizeGb: 10, volumeSpecUuid: DEMO.volumeSpec, imageUuid: DEMO.image, root: true };
const NIC0 = { name: "nic0", subnetUuid: SEEDED.subnet, securityGroupUuid: DEMO.securityGroup };
const NIC1 = { name: "nic1", subnetUuid: SEEDED.subnet, securityGroupUuid: DEMO.securityGroup };

describe("chimestack.Vm lifecycle", () => {
  it("creates with only the required inputs, waits for the stub to fill in, and reads back", async () => {
    const { id, outs } = await vm.create(await checked());
    expect(outs).toMatchObject({ name: "vm-1", state: 1, status: "running", powerState: "running", vcpus: 1, memoryBytes: 1024 ** 3 });
    expect(outs.ips[0]).toMatch(/^192\.168\.231\.\d+$/);
    expect(outs.volumeDetails).toMatchObject([{ name: "root", sizeBytes: 10 * 1024 ** 3, root: true }]);
    const read = await vm.read(id, outs);
    expect(read.props).toEqual(outs);
    expect((await vm.diff(id, outs, await checked())).changes).toBe(false);
  });

  it("reports a create that fails on the host as a failed task, and leaves no VM behind", async () => {
    await ctx.sim.control("POST", "/_sim/chimestack/fail-operations", { count: 1, message: "no host has room" });
    const err = await vm.create(await checked({ name: "doomed" })).catch((e) => e);
    expect(err.code).toBe("task_failed");
    expect(err.message).toMatch(/ChimeStack's create of VM doomed failed: vendor says: no host has room.*the half-made object .* was deleted/);
    expect(await ctx.sim.inventory("vms")).toEqual([]);
  });

  it("reports a power change that fails on the host, naming it", async () => {
    const { id, outs } = await vm.create(await checked());
    await ctx.sim.control("POST", "/_sim/chimestack/fail-operations", { count: 1, message: "the guest would not stop" });
    await expect(vm.update(id, outs, await checked({ powerState: "stopped" }))).rejects.toThrow(
      /ChimeStack's stop of VM vm-1 failed: vendor says: the guest would not stop/,
    );
  });

  it("renames and changes the power state in place", async () => {
    const { id, outs } = await vm.create(await checked());
    const news = await checked({ name: "vm-renamed", description: "x", powerState: "stopped" });
    expect(await vm.diff(id, outs, news)).toMatchObject({ changes: true, replaces: [] });
    const u = await vm.update(id, outs, news);
    expect(u.outs).toMatchObject({ name: "vm-renamed", description: "x", state: 2, status: "stopped" });
    const back = await vm.update(id, u.outs, await checked({ name: "vm-renamed", description: "x" }));
    expect(back.outs.status).toBe("running");
  });

  it("writes its marker at the end of the description, shows the description without it, and keeps it on a rename", async () => {
    const { id, outs } = await vm.create({ ...(await checked({ description: "web" })), marker: MARKER });
    const atVendor = async () => (await ctx.sim.inventory("vms")).find((v) => v.uuid === id)?.description;
    expect(await atVendor()).toBe(`web [${MARKER}]`);
    expect(outs.description).toBe("web");
    await vm.update(id, outs, { ...(await checked({ description: "web server" })), marker: MARKER });
    expect(await atVendor()).toBe(`web server [${MARKER}]`);
  });

  it("shows a power state changed out of band at refresh, and the next update puts it back", async () => {
    const inputs = await checked();
    const { id, outs } = await vm.create(inputs);
    await ctx.api("PUT", `/v1/vm/${id}/stop`);
    await new Promise((r) => setTimeout(r, 100));
    const refreshed = await vm.read(id, outs);
    expect(refreshed.props).toMatchObject({ powerState: "stopped", status: "stopped" });
    expect((await vm.diff(id, refreshed.props!, inputs)).changes).toBe(true);
    expect((await vm.update(id, refreshed.props!, inputs)).outs.status).toBe("running");
  });

  it("replaces on a new spec or a new password, and never outputs the passwords, only a hash of them", async () => {
    const secrets = { password: "root-secret-1", vncPassword: "vnc-secret-1" };
    const { id, outs } = await vm.create(await checked(secrets));
    expect(JSON.stringify(outs)).not.toContain("root-secret-1");
    expect(JSON.stringify(outs)).not.toContain("vnc-secret-1");
    expect(outs.secretsHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(await vm.read(id, outs))).not.toContain("secret-1");
    expect((await vm.diff(id, outs, await checked(secrets))).changes).toBe(false);
    // The hash covers both passwords, so a replacement names both.
    expect((await vm.diff(id, outs, await checked({ ...secrets, password: "root-secret-2" }))).replaces).toEqual(["password", "vncPassword"]);
    expect((await vm.diff(id, outs, { ...(await checked(secrets)), instanceSpecUuid: "other" })).replaces).toEqual(["instanceSpecUuid"]);
  });

  it("hashes the passwords as 0.1.0 did (none too), so that the VMs of its states see no change", async () => {
    const sha = (text: string) => createHash("sha256").update(text).digest("hex");
    const plainVm = await vm.create(await checked({ name: "vm-a" }));
    expect(plainVm.outs.secretsHash).toBe(sha(`${plainVm.id}::`));
    const withPassword = await vm.create(await checked({ name: "vm-b", password: "root-secret-1" }));
    expect(withPassword.outs.secretsHash).toBe(sha(`${withPassword.id}:root-secret-1:`));
  });

  it("refreshes a VM with passwords without refreshed inputs (the engine keeps the stored ones), so a refresh of a refresh sees no change", async () => {
    const inputs = await checked({ password: "root-secret-1" });
    const { id, outs } = await vm.create(inputs);
    const first = await vm.read(id, outs);
    expect(first.inputs).toBeUndefined();
    const second = await vm.read(id, first.props);
    expect(second.props).toEqual(outs);
    expect((await vm.diff(id, second.props!, inputs)).changes).toBe(false);
  });

  it("adds a data volume and a second NIC in place, then removes them (the volume with its physical volume), never touching the others", async () => {
    const { id, outs } = await vm.create(await checked());
    const rootUuid = outs.volumeDetails[0].uuid;
    const more = await checked({
      volumes: [ROOT, { name: "data", sizeGb: 5, volumeSpecUuid: DEMO.volumeSpec }],
      nics: [NIC0, { name: "nic1", subnetUuid: SEEDED.subnet, securityGroupUuid: DEMO.securityGroup }],
    });
    expect(await vm.diff(id, outs, more)).toMatchObject({ changes: true, replaces: [] });
    const grown = await vm.update(id, outs, more);
    expect(grown.outs.volumeDetails.map((v: { name: string }) => v.name)).toEqual(["root", "data"]);
    expect(grown.outs.volumeDetails[0].uuid).toBe(rootUuid);
    expect(grown.outs.nicDetails.map((n: { name: string }) => n.name)).toEqual(["nic0", "nic1"]);
    const shrunk = await vm.update(id, grown.outs, await checked());
    expect(shrunk.outs.volumeDetails.map((v: { uuid: string }) => v.uuid)).toEqual([rootUuid]);
    expect(shrunk.outs.nicDetails.map((n: { name: string }) => n.name)).toEqual(["nic0"]);
    expect((await ctx.sim.inventory("volumes")).map((v) => v.uuid)).toEqual([SEEDED.volume]);
    expect(await ctx.sim.inventory("nics")).toEqual([]);
    // The removed data volume goes with its physical volume.
    const deletes = (await ctx.sim.requests()).filter((r) => r.method === "DELETE" && r.path.includes("/volume/"));
    expect(deletes.map((r) => new URLSearchParams(r.query).get("force_del"))).toEqual(["true"]);
  });

  it("swaps a secondary NIC whose security group, subnet or address changes for a new one in place: same VM, same primary NIC, the old NIC gone", async () => {
    const nic1 = { name: "nic1", subnetUuid: SEEDED.subnet, securityGroupUuid: DEMO.securityGroup };
    const nic0 = { ...NIC0, primary: true };
    const { id, outs } = await vm.create(await checked({ nics: [nic0, nic1] }));
    const [primary, old] = outs.nicDetails.map((n: { uuid: string }) => n.uuid);
    const web = await checked({ nics: [nic0, { ...nic1, securityGroupUuid: CATALOGUE.webSg, ip: "192.168.231.77" }] });
    expect(await vm.diff(id, outs, web)).toMatchObject({ changes: true, replaces: [] });
    const u = await vm.update(id, outs, web);
    expect(u.outs.uuid).toBe(id);
    expect(u.outs.nicDetails.map((n: { name: string }) => n.name)).toEqual(["nic0", "nic1"]);
    expect(u.outs.nicDetails[0].uuid).toBe(primary);
    expect(u.outs.nicDetails[1]).toMatchObject({ ip: "192.168.231.77" });
    expect(u.outs.nicDetails[1].uuid).not.toBe(old);
    expect((await ctx.sim.inventory("nics")).map((n) => [n.uuid, n.sg_uuid])).toEqual([[u.outs.nicDetails[1].uuid, CATALOGUE.webSg]]);
    expect((await ctx.sim.inventory("vms")).map((v) => v.uuid)).toEqual([id]);
    // The primary NIC cannot be detached: a change to it replaces the VM.
    const primaryMoved = await checked({ nics: [{ ...nic0, securityGroupUuid: CATALOGUE.webSg }, nic1] });
    expect((await vm.diff(id, u.outs, primaryMoved)).replaces).toEqual(["nics"]);
  });

  it("deletes a data volume and a NIC it made when their attach fails, and reports the attach's error", async () => {
    const { id, outs } = await vm.create(await checked());
    const DATA = { name: "data", sizeGb: 5, volumeSpecUuid: DEMO.volumeSpec };
    await ctx.sim.control("POST", "/_sim/faults", { method: "PUT", path: `/v1/vm/${id}/attach_disk`, status: 400, message: "no disk slot left" });
    await expect(vm.update(id, outs, await checked({ volumes: [ROOT, DATA] }))).rejects.toThrow(/no disk slot left.*volume data \(.*\) was deleted/);
    expect((await ctx.sim.inventory("volumes")).map((v) => v.uuid)).toEqual([SEEDED.volume]);
    await ctx.sim.control("POST", "/_sim/faults", { method: "PUT", path: `/v1/vm/${id}/attach_nic`, status: 400, message: "no PCI slot left" });
    await expect(vm.update(id, outs, await checked({ nics: [NIC0, NIC1] }))).rejects.toThrow(/no PCI slot left.*NIC nic1 \(.*\) was deleted/);
    expect(await ctx.sim.inventory("nics")).toEqual([]);
  });

  it("takes up the volume and the NIC (with its pinned address) that a failed update made but could not attach or delete, instead of making more", async () => {
    const { id, outs } = await vm.create(await checked());
    const more = await checked({
      volumes: [ROOT, { name: "data", sizeGb: 5, volumeSpecUuid: DEMO.volumeSpec }],
      nics: [NIC0, { ...NIC1, ip: "192.168.231.88" }],
    });
    for (const [path, method] of [
      [`/v1/vm/${id}/attach_disk`, "PUT"],
      [`/v1/az/${DEMO.az}/cluster/${SEEDED.cluster}/volume/`, "DELETE"],
    ])
      await ctx.sim.control("POST", "/_sim/faults", { method, path, status: 400, message: "refused" });
    await expect(vm.update(id, outs, more)).rejects.toThrow(/could not be deleted.*the next update takes it up/);
    const [left] = (await ctx.sim.inventory("volumes")).filter((v) => v.name === "data");
    for (const [path, method] of [
      [`/v1/vm/${id}/attach_nic`, "PUT"],
      ["/v1/nic/", "DELETE"],
    ])
      await ctx.sim.control("POST", "/_sim/faults", { method, path, status: 400, message: "refused" });
    await expect(vm.update(id, outs, more)).rejects.toThrow(/NIC nic1 .* could not be deleted/);
    const [nic] = await ctx.sim.inventory("nics");
    const done = await vm.update(id, outs, more);
    expect(done.outs.volumeDetails.map((v: { name: string; uuid: string }) => [v.name, v.uuid])).toEqual([
      ["root", outs.volumeDetails[0].uuid],
      ["data", left.uuid],
    ]);
    expect(done.outs.nicDetails[1]).toMatchObject({ name: "nic1", uuid: nic.uuid, ip: "192.168.231.88" });
    expect((await ctx.sim.inventory("volumes")).filter((v) => v.name === "data")).toHaveLength(1);
    expect(await ctx.sim.inventory("nics")).toHaveLength(1);
  });

  it("drops only the data volume it made, never a chimestack.Volume of the same name attached to it, which is no volume of its own either", async () => {
    const { id, outs } = await vm.create(await checked());
    const volume = asEngine(chimestack.Volume.provider);
    const theirs = await volume.create(
      await volume.checked({ azUuid: DEMO.az, clusterUuid: SEEDED.cluster, name: "data", sizeGb: 5, volumeSpecUuid: DEMO.volumeSpec, vmUuid: id }),
    );
    const grown = await vm.update(id, outs, await checked({ volumes: [ROOT, { name: "data", sizeGb: 5, volumeSpecUuid: DEMO.volumeSpec }] }));
    const own = grown.outs.volumeDetails.map((v: { uuid: string }) => v.uuid);
    expect(own).toHaveLength(2);
    expect(own).not.toContain(theirs.id);
    expect((await vm.read(id, grown.outs)).props).toEqual(grown.outs);
    const shrunk = await vm.update(id, grown.outs, await checked());
    expect(shrunk.outs.volumeDetails.map((v: { uuid: string }) => v.uuid)).toEqual([outs.volumeDetails[0].uuid]);
    expect((await ctx.sim.inventory("volumes")).find((v) => v.uuid === theirs.id)).toMatchObject({
      state: 2,
      attached_vms: [id],
    });
    expect((await ctx.sim.inventory("volumes")).filter((v) => v.uuid === own[1])).toEqual([]);
  });

  it("renames a data volume in place (updateVolume): same volume, its data kept, and the preview shows no replacement", async () => {
    const DATA = { name: "data", sizeGb: 5, volumeSpecUuid: DEMO.volumeSpec };
    const { id, outs } = await vm.create(await checked({ volumes: [ROOT, DATA] }));
    const data = outs.volumeDetails[1].uuid;
    const renamed = await checked({ volumes: [ROOT, { ...DATA, name: "logs" }] });
    expect(await vm.diff(id, outs, renamed)).toMatchObject({ changes: true, replaces: [] });
    const u = await vm.update(id, outs, renamed);
    expect(u.outs.volumeDetails.map((v: { name: string; uuid: string }) => [v.name, v.uuid])).toEqual([
      ["root", outs.volumeDetails[0].uuid],
      ["logs", data],
    ]);
    const requests = await ctx.sim.requests();
    expect(requests.filter((r) => r.method === "PATCH" && r.path.endsWith(`/volume/${data}`))).toHaveLength(1);
    expect(requests.filter((r) => r.method === "DELETE" || (r.method === "POST" && r.path.endsWith("/volume")))).toEqual([]);
  });

  it("replaces when a kept volume changes or the root volume moves", async () => {
    const { id, outs } = await vm.create(await checked());
    const bigger = await checked({ volumes: [{ ...ROOT, sizeGb: 20 }] });
    expect((await vm.diff(id, outs, bigger)).replaces).toEqual(["volumes"]);
    const moved = await checked({
      volumes: [
        { ...ROOT, root: false },
        { name: "boot", sizeGb: 10, volumeSpecUuid: DEMO.volumeSpec, root: true },
      ],
    });
    expect((await vm.diff(id, outs, moved)).replaces).toEqual(["volumes"]);
  });

  it("mounts a CD-ROM at creation", async () => {
    const { outs } = await vm.create(await checked({ cdrom: { name: "install-iso", imageUuid: DEMO.image, volumeSpecUuid: DEMO.volumeSpec, bootable: true } }));
    expect(outs.volumeDetails.map((v: { name: string }) => v.name)).toContain("install-iso");
  });

  it("deletes with its volumes (force_del), and tolerates a VM that is already gone", async () => {
    const { id, outs } = await vm.create(await checked());
    await vm.delete(id, outs);
    expect(await ctx.sim.inventory("vms")).toEqual([]);
    expect((await ctx.sim.requests()).some((r) => r.method === "DELETE" && r.path === `/v1/vm/${id}` && r.query === "?force_del=true")).toBe(true);
    await expect(vm.delete(id, outs)).resolves.toBeUndefined();
    expect(await vm.read(id, outs)).toEqual({ id: "" });
  });

  it("detaches a chimestack.Volume attached to it before its delete (force_del), so that volume and its snapshots outlive the VM", async () => {
    const { id, outs } = await vm.create(await checked());
    const volume = asEngine(chimestack.Volume.provider);
    const v = await volume.create(
      await volume.checked({ azUuid: DEMO.az, clusterUuid: SEEDED.cluster, name: "shared", sizeGb: 5, volumeSpecUuid: DEMO.volumeSpec, vmUuid: id }),
    );
    const snap = await ctx.api("POST", `/v1/volume/${v.id}/snapshot`, { name: "before" });
    await vm.delete(id, outs);
    expect(await ctx.sim.inventory("vms")).toEqual([]);
    expect((await ctx.sim.inventory("volumes")).find((x) => x.uuid === v.id)).toMatchObject({ state: 1, attached_vms: [] });
    expect((await ctx.sim.inventory("snapshots")).map((x) => x.uuid)).toEqual([snap.snapshot.uuid]);
  });

  it("detaches and deletes the secondary NICs it made apart before its delete, which the VM's delete would leave holding their addresses", async () => {
    const { id, outs } = await vm.create(await checked());
    const grown = await vm.update(
      id,
      outs,
      await checked({ nics: [NIC0, { name: "nic1", subnetUuid: SEEDED.subnet, securityGroupUuid: DEMO.securityGroup }] }),
    );
    expect((await ctx.sim.inventory("nics")).map((n) => n.name)).toEqual(["nic1"]);
    await vm.delete(id, grown.outs);
    expect(await ctx.sim.inventory("vms")).toEqual([]);
    expect(await ctx.sim.inventory("nics")).toEqual([]);
  });

  it("goes by the volume uuids its outputs recorded for a VM made before markers (and marks them at its next update): a chimestack.Volume of the same name is no volume of its own, and is detached before its delete", async () => {
    const DATA = { name: "data", sizeGb: 5, volumeSpecUuid: DEMO.volumeSpec };
    const { id, outs } = await vm.create(await checked({ volumes: [ROOT, DATA] }));
    const cluster = `/v1/az/${DEMO.az}/cluster/${SEEDED.cluster}/volume`;
    for (const v of outs.volumeDetails) await ctx.api("PATCH", `${cluster}/${v.uuid}`, { name: v.name, description: "" });
    const volume = asEngine(chimestack.Volume.provider);
    const theirs = await volume.create(await volume.checked({ azUuid: DEMO.az, clusterUuid: SEEDED.cluster, ...DATA, vmUuid: id }));
    // Unmarked: the volume the VM made before, but another resource's (of the same name) too.
    await ctx.api("PATCH", `${cluster}/${theirs.id}`, { name: "data", description: "" });
    const refreshed = (await vm.read(id, outs)).props!;
    expect(refreshed.volumeDetails).toEqual(outs.volumeDetails);
    // An update writes the VM's marker into its own volumes' descriptions, none into the other's.
    const u = await vm.update(id, refreshed, await checked({ volumes: [ROOT, DATA] }));
    expect(u.outs.volumeDetails).toEqual(outs.volumeDetails);
    const descriptions = new Map((await ctx.sim.inventory("volumes")).map((v) => [v.uuid, v.description]));
    expect(descriptions.get(theirs.id)).toBe("");
    await vm.delete(id, u.outs);
    expect((await ctx.sim.inventory("volumes")).find((v) => v.uuid === theirs.id)).toMatchObject({ state: 1, attached_vms: [] });
  });

  it("logs in again, once, when the token has expired", async () => {
    await vm.create(await checked({ name: "vm-a" }));
    await ctx.sim.control("DELETE", "/_sim/requests");
    await ctx.sim.control("POST", "/_sim/chimestack/expire-tokens");
    const { outs } = await vm.create(await checked({ name: "vm-b" }));
    expect(outs.status).toBe("running");
    const log = await ctx.sim.requests();
    expect(log.filter((r) => r.status === 401)).toHaveLength(1);
    expect(log.filter((r) => r.path === "/v1/login")).toHaveLength(1);
  });
});

describe("chimestack.Vm bad inputs", () => {
  it.each([
    [{ volumes: [{ name: "root", sizeGb: 0, volumeSpecUuid: DEMO.volumeSpec }] }, "volumes[0].sizeGb"],
    [{ volumes: [] }, "volumes"],
    [{ name: "x" }, "name"],
    [{ powerState: "paused" }, "powerState"],
    [{ azUuid: "" }, "azUuid"],
  ])("check of %j fails on %s", async (extra, property) => {
    const r = await vm.check({}, vmInputs(extra));
    expect(failedPaths(r.failures)).toEqual([property]);
  });

  it("names a missing AZ, cluster or instance spec before any change", async () => {
    await ctx.sim.control("DELETE", "/_sim/requests");
    expect(failedPaths((await vm.check({}, vmInputs({ clusterUuid: "nope", instanceSpecUuid: "nope" }))).failures)).toEqual([
      "clusterUuid",
      "instanceSpecUuid",
    ]);
    expect(failedPaths((await vm.check({}, vmInputs({ azUuid: "nope" }))).failures)).toEqual(["azUuid"]);
    expect((await ctx.sim.requests()).filter((r) => r.method !== "GET" && r.path !== "/v1/login")).toEqual([]);
  });

  it("passes check at preview while the cluster and subnet ids are not known yet, looking nothing up", async () => {
    await ctx.sim.control("DELETE", "/_sim/requests");
    const r = await vm.check({}, vmInputs({ clusterUuid: UNKNOWN, nics: [{ ...NIC0, subnetUuid: UNKNOWN }] }));
    expect(r).not.toHaveProperty("failures");
    expect((await ctx.sim.requests()).filter((x) => x.path.includes(UNKNOWN))).toEqual([]);
  });
});
