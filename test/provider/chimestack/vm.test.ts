import { describe, expect, it } from "vitest";
import { clusterProvider, ClusterInputs } from "../../../provider/chimestack/cluster";
import { networkProvider, NetworkInputs } from "../../../provider/chimestack/network";
import { subnetProvider, SubnetInputs } from "../../../provider/chimestack/subnet";
import { VmInputs, VmOutputs, vmProvider, vmSchema } from "../../../provider/chimestack/vm";
import { DEMO, useChime } from "../../helpers/chimestack";

const ctx = useChime();

/** A cluster with a network and a subnet, as VMs need. */
async function place() {
  const cluster = (await clusterProvider.create(clusterSchemaParse({ azUuid: DEMO.az, name: "c1" }))).id;
  const network = (await networkProvider.create({ azUuid: DEMO.az, clusterUuid: cluster, name: "n1", bridgeName: "br1", interfaceName: "eth1", type: "classical", description: "" } as NetworkInputs)).id;
  const subnet = (await subnetProvider.create({ azUuid: DEMO.az, clusterUuid: cluster, networkUuid: network, name: "s1", cidr: "192.168.231.1/24", gateway: "192.168.231.1", reservedIps: "", description: "" } as SubnetInputs)).id;
  return { cluster, subnet };
}
function clusterSchemaParse(v: Record<string, unknown>): ClusterInputs {
  return { description: "", hypervisorType: "kvm", arch: "x86_64", type: "hyperconverged", enabled: true, ...v } as ClusterInputs;
}

function vmInputs(p: { cluster: string; subnet: string }, extra: Record<string, unknown> = {}): VmInputs {
  return vmSchema().parse({
    azUuid: DEMO.az,
    clusterUuid: p.cluster,
    instanceSpecUuid: DEMO.instanceSpec,
    name: "vm-1",
    volumes: [{ name: "root", sizeGb: 10, volumeSpecUuid: DEMO.volumeSpec, imageUuid: DEMO.image, root: true }],
    nics: [{ name: "nic0", subnetUuid: p.subnet, securityGroupUuid: DEMO.securityGroup }],
    ...extra,
  }) as unknown as VmInputs;
}

describe("chimestack.Vm lifecycle", () => {
  it("creates with only the required inputs, waits for the stub to fill in, and reads back", async () => {
    const p = await place();
    const { id, outs } = await vmProvider.create(vmInputs(p));
    expect(outs).toMatchObject({ name: "vm-1", state: 1, status: "running", vcpus: 1, memoryBytes: 1024 ** 3 });
    expect(outs!.ips[0]).toMatch(/^192\.168\.231\.\d+$/);
    expect(outs!.volumeDetails).toMatchObject([{ name: "root", sizeBytes: 10 * 1024 ** 3, root: true }]);
    const read = await vmProvider.read(id, outs as VmOutputs);
    expect(read.props).toEqual(outs);
    expect((await vmProvider.diff(id, outs as VmOutputs, vmInputs(p))).changes).toBe(false);
  });

  it("renames and changes the power state in place", async () => {
    const p = await place();
    const { id, outs } = await vmProvider.create(vmInputs(p));
    const news = vmInputs(p, { name: "vm-renamed", description: "x", powerState: "stopped" });
    expect(await vmProvider.diff(id, outs as VmOutputs, news)).toMatchObject({ changes: true, replaces: [] });
    const u = await vmProvider.update(id, outs as VmOutputs, news);
    expect(u.outs).toMatchObject({ name: "vm-renamed", description: "x", state: 2, status: "stopped" });
    const back = await vmProvider.update(id, u.outs as VmOutputs, vmInputs(p, { name: "vm-renamed", description: "x" }));
    expect(back.outs!.status).toBe("running");
  });

  it("replaces on a new spec, new volumes or a new password, and never outputs the passwords", async () => {
    const p = await place();
    const { id, outs } = await vmProvider.create(vmInputs(p, { password: "root-secret-1", vncPassword: "vnc-secret-1" }));
    expect(JSON.stringify(outs)).not.toContain("root-secret-1");
    expect(JSON.stringify(outs)).not.toContain("vnc-secret-1");
    expect((await vmProvider.diff(id, outs as VmOutputs, vmInputs(p, { password: "root-secret-1", vncPassword: "vnc-secret-1" }))).changes).toBe(false);
    expect((await vmProvider.diff(id, outs as VmOutputs, vmInputs(p, { password: "root-secret-2", vncPassword: "vnc-secret-1" }))).replaces).toEqual(["password"]);
    expect((await vmProvider.diff(id, outs as VmOutputs, vmInputs(p, { instanceSpecUuid: "other", password: "root-secret-1", vncPassword: "vnc-secret-1" }))).replaces).toEqual(["instanceSpecUuid"]);
  });

  it("adds a data volume and a second NIC in place, then removes them, never touching the others", async () => {
    const p = await place();
    const { id, outs } = await vmProvider.create(vmInputs(p));
    const rootUuid = outs!.volumeDetails[0].uuid;
    const more = vmInputs(p, {
      volumes: [{ name: "root", sizeGb: 10, volumeSpecUuid: DEMO.volumeSpec, imageUuid: DEMO.image, root: true }, { name: "data", sizeGb: 5, volumeSpecUuid: DEMO.volumeSpec }],
      nics: [{ name: "nic0", subnetUuid: p.subnet, securityGroupUuid: DEMO.securityGroup }, { name: "nic1", subnetUuid: p.subnet, securityGroupUuid: DEMO.securityGroup }],
    });
    expect(await vmProvider.diff(id, outs as VmOutputs, more)).toMatchObject({ changes: true, replaces: [] });
    const grown = await vmProvider.update(id, outs as VmOutputs, more);
    expect(grown.outs!.volumeDetails.map((v) => v.name)).toEqual(["root", "data"]);
    expect(grown.outs!.volumeDetails[0].uuid).toBe(rootUuid);
    expect(grown.outs!.nicDetails.map((n) => n.name)).toEqual(["nic0", "nic1"]);
    const shrunk = await vmProvider.update(id, grown.outs as VmOutputs, vmInputs(p));
    expect(shrunk.outs!.volumeDetails.map((v) => v.uuid)).toEqual([rootUuid]);
    expect(shrunk.outs!.nicDetails.map((n) => n.name)).toEqual(["nic0"]);
    const inv = await ctx.sim.control("GET", "/_sim/inventory");
    expect(inv.volumes).toEqual([]);
    expect(inv.nics).toEqual([]);
  });

  it("replaces when a kept volume changes or the root volume moves", async () => {
    const p = await place();
    const { id, outs } = await vmProvider.create(vmInputs(p));
    const bigger = vmInputs(p, { volumes: [{ name: "root", sizeGb: 20, volumeSpecUuid: DEMO.volumeSpec, imageUuid: DEMO.image, root: true }] });
    expect((await vmProvider.diff(id, outs as VmOutputs, bigger)).replaces).toEqual(["volumes"]);
  });

  it("mounts a CD-ROM at creation", async () => {
    const p = await place();
    const { outs } = await vmProvider.create(vmInputs(p, { cdrom: { name: "install-iso", imageUuid: DEMO.image, volumeSpecUuid: DEMO.volumeSpec, bootable: true } }));
    expect(outs!.volumeDetails.map((v) => v.name)).toContain("install-iso");
  });

  it("deletes with its volumes, and tolerates a VM that is already gone", async () => {
    const p = await place();
    const { id, outs } = await vmProvider.create(vmInputs(p));
    await vmProvider.delete(id, outs as VmOutputs);
    expect((await ctx.sim.control("GET", "/_sim/inventory")).vms).toEqual([]);
    await expect(vmProvider.delete(id, outs as VmOutputs)).resolves.toBeUndefined();
    expect(await vmProvider.read(id, outs as VmOutputs)).toEqual({ id: "" });
  });

  it("logs in again when the token has expired", async () => {
    const p = await place();
    await ctx.sim.control("POST", "/_sim/chimestack/expire-tokens");
    const { outs } = await vmProvider.create(vmInputs(p));
    expect(outs!.status).toBe("running");
    const logins = (await ctx.sim.control("GET", "/_sim/requests")).filter((r: { path: string }) => r.path === "/v1/login");
    expect(logins.length).toBeGreaterThanOrEqual(2);
  });
});

describe("chimestack.Vm bad inputs", () => {
  it.each([
    [{ volumes: [{ name: "root", sizeGb: 0, volumeSpecUuid: "v" }] }, "volumes[0].sizeGb"],
    [{ volumes: [] }, "volumes"],
    [{ name: "x" }, "name"],
    [{ powerState: "paused" }, "powerState"],
    [{ azUuid: "" }, "azUuid"],
  ])("check of %j fails on %s", async (extra, property) => {
    const base = { azUuid: DEMO.az, clusterUuid: "c", instanceSpecUuid: "s", name: "vm-1", volumes: [{ name: "root", sizeGb: 1, volumeSpecUuid: "v" }], nics: [{ name: "nic0", subnetUuid: "s", securityGroupUuid: "g" }] };
    const r = await vmProvider.check({} as VmInputs, { ...base, ...extra } as never);
    expect(r.failures?.map((f) => f.property)).toEqual([property]);
  });

  it("names a missing AZ, cluster or instance spec before any change", async () => {
    const base = { azUuid: DEMO.az, clusterUuid: "nope", instanceSpecUuid: "nope", name: "vm-1", volumes: [{ name: "root", sizeGb: 1, volumeSpecUuid: "v" }], nics: [{ name: "nic0", subnetUuid: "s", securityGroupUuid: "g" }] };
    await ctx.sim.control("DELETE", "/_sim/requests");
    expect((await vmProvider.check({} as VmInputs, base as never)).failures?.map((f) => f.property)).toEqual(["clusterUuid", "instanceSpecUuid"]);
    expect((await vmProvider.check({} as VmInputs, { ...base, azUuid: "nope" } as never)).failures?.map((f) => f.property)).toEqual(["azUuid"]);
    expect((await ctx.sim.control("GET", "/_sim/requests")).filter((r: { method: string; path: string }) => r.method !== "GET" && r.path !== "/v1/login")).toEqual([]);
  });
});
