/**
 * chimestack.Volume, VolumeSnapshot, SecurityGroup and Image through their providers as Pulumi calls them,
 * against the simulator: each made with its required inputs, read back, changed in place (same id, no
 * replacement in the diff), replaced where ChimeStack gives no way, and deleted.
 */
import { describe, expect, it } from "vitest";
import * as chimestack from "../../../provider/chimestack";
import { CATALOGUE } from "../../../simulator/chimestack";
import { DEMO, SEEDED, useChime, vmInputs } from "../../helpers/chimestack";
import { asEngine, failedPaths } from "../../helpers/engine";
import { NOWHERE } from "../../helpers/sim";

const ctx = useChime();
const volume = asEngine(chimestack.Volume.provider);
const snapshot = asEngine(chimestack.VolumeSnapshot.provider);
const sg = asEngine(chimestack.SecurityGroup.provider);
const image = asEngine(chimestack.Image.provider);
const vm = asEngine(chimestack.Vm.provider);

const VOLUME = { azUuid: DEMO.az, clusterUuid: SEEDED.cluster, name: "data-1", sizeGb: 5, volumeSpecUuid: DEMO.volumeSpec };
const attachedTo = async (uuid: string) =>
  ((await ctx.sim.inventory("vms")).find((v) => v.uuid === uuid)?.volumes as Array<{ uuid: string }>).map((v) => v.uuid);

describe("chimestack.Volume lifecycle", () => {
  it("creates, attaches to the VM vmUuid names, moves to another VM and is renamed in place, detaches, and deletes", async () => {
    const a = await vm.create(await vm.checked(vmInputs({ name: "vm-a" })));
    const b = await vm.create(await vm.checked(vmInputs({ name: "vm-b" })));
    const { id, outs } = await volume.create(await volume.checked({ ...VOLUME, vmUuid: a.id }));
    expect(outs).toMatchObject({ state: 2, sizeBytes: 5 * 1024 ** 3, attachedVmUuids: [a.id], vmUuid: a.id });
    expect(await attachedTo(a.id)).toContain(id);
    expect((await volume.read(id, outs)).props).toEqual(outs);

    const moved = await volume.checked({ ...VOLUME, name: "data-moved", description: "now on b", vmUuid: b.id });
    expect(await volume.diff(id, outs, moved)).toMatchObject({ changes: true, replaces: [] });
    const u = await volume.update(id, outs, moved);
    expect(u.outs).toMatchObject({ uuid: id, name: "data-moved", description: "now on b", attachedVmUuids: [b.id] });
    expect(await attachedTo(a.id)).not.toContain(id);
    expect(await attachedTo(b.id)).toContain(id);

    const free = await volume.checked({ ...VOLUME, name: "data-moved", description: "now on b" });
    expect(await volume.diff(id, u.outs, free)).toMatchObject({ changes: true, replaces: [] });
    const f = await volume.update(id, u.outs, free);
    expect(f.outs).toMatchObject({ uuid: id, state: 1, attachedVmUuids: [] });
    expect(f.outs.vmUuid).toBeUndefined();
    expect(await attachedTo(b.id)).not.toContain(id);

    expect((await volume.diff(id, f.outs, await volume.checked({ ...VOLUME, sizeGb: 10 }))).replaces).toEqual(["sizeGb"]);
    await volume.delete(id, f.outs);
    expect((await ctx.sim.inventory("volumes")).map((v) => v.uuid)).toEqual([SEEDED.volume]);
  });

  it("is no change of the VM it is attached to: the VM refreshes as it was, its own volumes only", async () => {
    const a = await vm.create(await vm.checked(vmInputs({ name: "vm-a" })));
    await volume.create(await volume.checked({ ...VOLUME, vmUuid: a.id }));
    expect((await vm.read(a.id, a.outs)).props).toEqual(a.outs);
  });

  it("shows a detach made out of band at refresh, and the next update attaches it again", async () => {
    const a = await vm.create(await vm.checked(vmInputs({ name: "vm-a" })));
    const inputs = await volume.checked({ ...VOLUME, vmUuid: a.id });
    const { id, outs } = await volume.create(inputs);
    await ctx.api("PUT", `/v1/vm/${a.id}/detach_disk`, { volume_uuid: id });
    const refreshed = (await volume.read(id, outs)).props!;
    expect(refreshed.vmUuid).toBeUndefined();
    expect(await volume.diff(id, refreshed, inputs)).toMatchObject({ changes: true, replaces: [] });
    await volume.update(id, refreshed, inputs);
    expect(await attachedTo(a.id)).toContain(id);
  });

  it("detaches an attached volume before deleting it, and tolerates one already gone", async () => {
    const a = await vm.create(await vm.checked(vmInputs({ name: "vm-a" })));
    const { id, outs } = await volume.create(await volume.checked({ ...VOLUME, vmUuid: a.id }));
    await volume.delete(id, outs);
    expect(await attachedTo(a.id)).not.toContain(id);
    await expect(volume.delete(id, outs)).resolves.toBeUndefined();
  });

  it("names a missing volume spec, image or VM at check", async () => {
    const r = await volume.check({}, { ...VOLUME, volumeSpecUuid: NOWHERE, imageUuid: NOWHERE, vmUuid: NOWHERE });
    expect(failedPaths(r.failures)).toEqual(["volumeSpecUuid", "imageUuid", "vmUuid"]);
  });

  it("names a VM of another cluster at check, before any change", async () => {
    const a = await vm.create(await vm.checked(vmInputs({ name: "vm-a" })));
    const r = await volume.check({}, { ...VOLUME, clusterUuid: CATALOGUE.general1, vmUuid: a.id });
    expect(r.failures).toEqual([
      { property: "vmUuid", reason: `VM ${a.id} is in cluster ${SEEDED.cluster}, not in the volume's cluster ${CATALOGUE.general1}` },
    ]);
  });
});

describe("chimestack.VolumeSnapshot lifecycle", () => {
  it("snapshots a volume, waits until it is ready, is renamed in place, replaces on another volume, and deletes", async () => {
    const { id, outs } = await snapshot.create(await snapshot.checked({ volumeUuid: SEEDED.volume, name: "snap-1" }));
    expect(outs).toMatchObject({ state: 1, volumeUuid: SEEDED.volume, volumeName: "seeded" });
    expect((await snapshot.read(id, outs)).props).toEqual(outs);
    const renamed = await snapshot.checked({ volumeUuid: SEEDED.volume, name: "snap-renamed", description: "before the upgrade" });
    expect(await snapshot.diff(id, outs, renamed)).toMatchObject({ changes: true, replaces: [] });
    const u = await snapshot.update(id, outs, renamed);
    expect(u.outs).toMatchObject({ uuid: id, name: "snap-renamed", description: "before the upgrade" });
    expect((await snapshot.diff(id, u.outs, { ...renamed, volumeUuid: NOWHERE })).replaces).toEqual(["volumeUuid"]);
    await snapshot.delete(id, u.outs);
    expect(await ctx.sim.inventory("snapshots")).toEqual([]);
    expect(await snapshot.read(id, u.outs)).toEqual({ id: "" });
  });

  it("snapshots a VM's root volume", async () => {
    const a = await vm.create(await vm.checked(vmInputs({ name: "vm-a" })));
    const root = a.outs.volumeDetails[0].uuid;
    const { outs } = await snapshot.create(await snapshot.checked({ volumeUuid: root, name: "root-snap" }));
    expect(outs).toMatchObject({ state: 1, volumeUuid: root, volumeName: "root" });
  });

  it("names a missing volume at check", async () => {
    expect(failedPaths((await snapshot.check({}, { volumeUuid: NOWHERE, name: "s1" })).failures)).toEqual(["volumeUuid"]);
  });
});

describe("chimestack.SecurityGroup lifecycle", () => {
  const SSH = { protocol: "tcp", sourceCidr: "10.0.0.0/8", destinationPorts: "22:22" };
  it("creates with its rules, changes rules in place (same id), and deletes", async () => {
    const { id, outs } = await sg.create(await sg.checked({ name: "ops", ingressRules: [SSH] }));
    expect(outs.ingressRules).toEqual([{ ...SSH, action: "ACCEPT", destinationCidr: "0.0.0.0/0", sourcePorts: "1:65535", description: "" }]);
    expect(outs.egressRules).toEqual([]);
    expect((await sg.read(id, outs)).props).toEqual(outs);
    const more = await sg.checked({
      name: "ops",
      ingressRules: [SSH, { protocol: "tcp", destinationPorts: "443:443", description: "https" }],
      egressRules: [{ protocol: "all", action: "ACCEPT" }],
    });
    expect(await sg.diff(id, outs, more)).toMatchObject({ changes: true, replaces: [] });
    const u = await sg.update(id, outs, more);
    expect(u.outs.uuid).toBe(id);
    const atVendor = (await ctx.sim.inventory("securitygroups")).find((g) => g.uuid === id) as {
      ingress_rules: Array<{ dport: string }>;
      egress_rules: unknown[];
    };
    expect(atVendor.ingress_rules.map((r) => r.dport)).toEqual(["22:22", "443:443"]);
    expect(atVendor.egress_rules).toHaveLength(1);
    expect((await sg.read(id, u.outs)).props).toEqual(u.outs);
    await sg.delete(id, u.outs);
    expect((await ctx.sim.inventory("securitygroups")).map((g) => g.uuid)).not.toContain(id);
  });

  it("is refused its delete while a NIC uses it, naming the reason", async () => {
    const { id, outs } = await sg.create(await sg.checked({ name: "in-use" }));
    await vm.create(await vm.checked(vmInputs({ nics: [{ name: "nic0", subnetUuid: SEEDED.subnet, securityGroupUuid: id }] })));
    await expect(sg.delete(id, outs)).rejects.toThrow(/security group in-use is used by network interfaces/);
  });

  it("names a bad protocol, port range and CIDR at check, with the rule's path", async () => {
    const r = await sg.check(
      {},
      { name: "bad", ingressRules: [{ protocol: "sctp" }, { protocol: "tcp", destinationPorts: "100:22", sourceCidr: "10.0.0.0" }] },
    );
    expect(failedPaths(r.failures).sort()).toEqual(["ingressRules[0].protocol", "ingressRules[1].destinationPorts", "ingressRules[1].sourceCidr"]);
  });
});

describe("chimestack.Image lifecycle", () => {
  const URL = "sftp://images:s3cret@files.example/centos.qcow2";
  it("creates a user image from its install URL, waits until fetched, changes its details in place, replaces on a new URL, and deletes", async () => {
    const { id, outs } = await image.create(await image.checked({ name: "golden", installUrl: URL, osType: "Linux" }));
    expect(outs).toMatchObject({ state: 1, format: "qcow2", osType: "Linux", shared: false, bucketUuid: expect.not.stringMatching(/^public$/) });
    expect((await image.read(id, outs)).props).toEqual(outs);
    const news = await image.checked({ name: "golden-2", installUrl: URL, osType: "Linux", osDetail: "CentOS 8.5", shared: true });
    expect(await image.diff(id, outs, news)).toMatchObject({ changes: true, replaces: [] });
    const u = await image.update(id, outs, news);
    expect(u.outs).toMatchObject({ uuid: id, name: "golden-2", osDetail: "CentOS 8.5", shared: true });
    expect((await image.diff(id, u.outs, { ...news, installUrl: "file:///root/images/other.qcow2" })).replaces).toEqual(["installUrl"]);
    await image.delete(id, u.outs);
    expect((await ctx.sim.inventory("images")).map((x) => x.uuid)).not.toContain(id);
  });

  it("keeps the install URL, which may carry a login, secret", () => {
    expect(chimestack.Image.entry.definition.secrets).toEqual(["installUrl"]);
  });

  it("names an install URL that is neither sftp:// nor file:/// at check, without showing it", async () => {
    const r = await image.check({}, { name: "x", installUrl: "http://user:pw@host/x.qcow2" });
    expect(r.failures?.map((f) => f.property)).toEqual(["installUrl"]);
    expect(JSON.stringify(r.failures)).not.toContain("pw@host");
  });
});
