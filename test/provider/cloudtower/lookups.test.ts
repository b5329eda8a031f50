/**
 * CloudTower look-ups against the simulator through its HTTP routes: each by name, names that repeat
 * across clusters (several found, then narrowed), none found, labels, bad filters, one list request per
 * kind however many look-ups ask, Outputs in and out, and named endpoints.
 */
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { cloudtower } from "../../../provider";
import { CLUSTER_A, CLUSTER_B, DEFAULT_VLAN_A, LEGACY_VM, TEMPLATE, VDS_A, towerConfig, useTower } from "../../helpers/cloudtower";
import { asEngine } from "../../helpers/engine";

const ctx = useTower(20);
const sent = () => ctx.sim.sent();
const valueOf = <T>(o: pulumi.Output<T>) => new Promise<T>((resolve) => o.apply(resolve));

describe("cloudtower look-ups", () => {
  it.each([
    ["getDatacenter", { name: "dc-1" }, "cl0dc00000000000000000dc1"],
    ["getCluster", { name: "cluster-b" }, CLUSTER_B],
    ["getHost", { name: "cluster-a-node-1" }, "ch1" + CLUSTER_A.slice(-22)],
    ["getHost", { managementIp: "10.0.0.22" }, "ch2" + CLUSTER_B.slice(-22)],
    ["getVds", { name: "cluster-a-vds-vm" }, VDS_A],
    ["getVlan", { name: "default", vdsName: "cluster-a-vds-vm" }, DEFAULT_VLAN_A],
    ["getVm", { name: "legacy-app" }, LEGACY_VM],
    ["getVmTemplate", { name: "rocky-9-uefi" }, "cl0temp1ate0000000000uef1"],
    ["getContentLibraryVmTemplate", { name: "debian-12-library" }, "cl0c1vmtemp1ate00000deb12"],
    ["getIsoImage", { name: "virtio-win-0.1.240.iso" }, "cl0e1fimage000000virtiowin"],
    ["getContentLibraryImage", { name: "ubuntu-24.04-live-server-amd64.iso" }, "cl0c1image000000000ubuntu"],
  ] as const)("%s(%j) finds the one object with that name", async (fn, args, id) => {
    const r = await (cloudtower[fn] as (a: unknown) => Promise<{ id: string }>)(args);
    expect(r.id).toBe(id);
  });

  it("returns a typed result read from the vendor: a VLAN with its VDS and cluster, a template with its size", async () => {
    expect(await cloudtower.getVlan({ name: "default", clusterName: "cluster-a" })).toEqual({
      id: DEFAULT_VLAN_A,
      name: "default",
      vlanId: 0,
      vdsId: VDS_A,
      vdsName: "cluster-a-vds-vm",
      clusterId: CLUSTER_A,
      clusterName: "cluster-a",
      labels: {},
    });
    expect(await cloudtower.getVmTemplate({ name: "debian-12", clusterId: CLUSTER_A })).toMatchObject({
      id: TEMPLATE,
      vcpu: 2,
      memoryMb: 2048,
      cloudInitSupported: true,
      clusterName: "cluster-a",
    });
    expect(await cloudtower.getStoragePolicy({ name: "replica-3-thick", clusterName: "cluster-b" })).toMatchObject({
      replicas: 3,
      thinProvision: false,
      clusterId: CLUSTER_B,
    });
  });

  it("lists every match when a name repeats across clusters, says which filter narrows it, and narrows with it", async () => {
    const several = cloudtower.getVmTemplate({ name: "debian-12" });
    await expect(several).rejects.toThrow(
      /cloudtower\.getVmTemplate: 2 VM templates have name "debian-12" at the cloudtower endpoint: debian-12 \(id cl0temp1ate0000000000deb1 in cluster-a\); debian-12 \(id cl0temp1ate0000000000deb2 in cluster-b\); narrow it with clusterName \(or clusterId\) or labels/,
    );
    await expect(cloudtower.getVlan({ name: "default" })).rejects.toThrow(/2 VLANs have name "default".*narrow it with vdsName/);
    await expect(cloudtower.getStoragePolicy({ name: "default" })).rejects.toThrow(/2 storage policies have name "default"/);
    expect((await cloudtower.getVmTemplate({ name: "debian-12", clusterName: "cluster-b" })).id).toBe("cl0temp1ate0000000000deb2");
  });

  it("says what was searched and what exists when nothing matches", async () => {
    await expect(cloudtower.getCluster({ name: "cluster-z" })).rejects.toThrow(
      `cloudtower.getCluster: no cluster has name "cluster-z" at the cloudtower endpoint; the 2 there: cluster-a (id ${CLUSTER_A}); cluster-b (id ${CLUSTER_B})`,
    );
    await expect(cloudtower.getVm({ name: "legacy-app", clusterName: "cluster-b" })).rejects.toThrow(/no VM has name "legacy-app", clusterName "cluster-b"/);
  });

  it("filters by labels: every label given must be on the object", async () => {
    expect((await cloudtower.getCluster({ labels: { env: "prod" } })).id).toBe(CLUSTER_A);
    expect(await cloudtower.getCluster({ labels: { env: "dev" } })).toMatchObject({ id: CLUSTER_B, labels: { env: "dev" } });
    await expect(cloudtower.getCluster({ name: "cluster-a", labels: { env: "dev" } })).rejects.toThrow(
      /no cluster has name "cluster-a", labels \{"env":"dev"\}/,
    );
  });

  it("refuses a misspelt filter, a filter of the wrong type, and a look-up that names nothing, naming the filter", async () => {
    await expect(cloudtower.getCluster({ nme: "cluster-a" } as never)).rejects.toThrow(
      /cloudtower\.getCluster: nme: unknown filter \(the filters are name, labels, datacenterName, endpoint\)/,
    );
    await expect(cloudtower.getVlan({ vlanId: 5000 })).rejects.toThrow(/cloudtower\.getVlan: vlanId: .*4094/);
    await expect(cloudtower.getVm({ clusterName: "cluster-a" })).rejects.toThrow(/cloudtower\.getVm: give name or labels to say which VM is meant/);
    expect(await sent()).toEqual({});
  });

  it("sends one list request per kind for every look-up of the program, at once or later", async () => {
    await sent();
    await Promise.all([
      cloudtower.getVlan({ name: "default", clusterName: "cluster-a" }),
      cloudtower.getVlan({ name: "default", clusterName: "cluster-b" }),
      cloudtower.getVds({ name: "cluster-a-vds-vm" }),
      cloudtower.getVmTemplate({ name: "rocky-9-uefi" }),
      cloudtower.getVmTemplate({ name: "debian-12", clusterName: "cluster-a" }),
    ]);
    await cloudtower.getVds({ name: "cluster-b-vds-vm" });
    expect(await sent()).toEqual({ "/v2/api/get-vlans": 1, "/v2/api/get-vdses": 1, "/v2/api/get-vm-templates": 1 });
  });

  it("getXOutput takes Outputs and answers an Output of the same result", async () => {
    const cluster = cloudtower.getClusterOutput({ name: pulumi.output("cluster-a") });
    const vlan = cloudtower.getVlanOutput({ name: "default", clusterId: cluster.id });
    expect(await valueOf(vlan.id)).toBe(DEFAULT_VLAN_A);
  });

  it("reads a named endpoint's settings, and names the settings to set when they are missing", async () => {
    await asEngine(cloudtower.Vm.provider).configure({ ...towerConfig(ctx.sim.url), ...towerConfig(ctx.sim.url, "cloudtower-site-b") });
    expect((await cloudtower.getCluster({ name: "cluster-a", endpoint: "site-b" })).id).toBe(CLUSTER_A);
    await expect(cloudtower.getCluster({ name: "cluster-a", endpoint: "site-c" })).rejects.toThrow(
      /cloudtower-site-c:endpoint is not set.*CLOUDTOWER_SITE_C_ENDPOINT/,
    );
  });

  it("keeps the password out of the error when the login is refused", async () => {
    await asEngine(cloudtower.Vm.provider).configure({ ...towerConfig(ctx.sim.url), "cloudtower:password": "wrong-pass-123" });
    const e = await cloudtower.getCluster({ name: "cluster-a" }).catch((x: Error) => x);
    expect(String(e)).toMatch(/auth|password|credentials/i);
    expect(String(e)).not.toContain("wrong-pass-123");
  });

  it("refuses a wrong password even after the same user logged in with the right one (no shared token)", async () => {
    await asEngine(cloudtower.Vm.provider).configure(towerConfig(ctx.sim.url));
    expect((await cloudtower.getCluster({ name: "cluster-a" })).id).toBe(CLUSTER_A);
    await asEngine(cloudtower.Vm.provider).configure({ ...towerConfig(ctx.sim.url), "cloudtower:password": "wrong-pass-456" });
    await expect(cloudtower.getCluster({ name: "cluster-a" })).rejects.toThrow(/auth|password|credentials/i);
  });
});
