/**
 * ChimeStack look-ups against the simulator through its HTTP routes: each by its filters, names that repeat
 * across AZs, clusters and networks (several found, then narrowed), none found, bad filters, one request
 * per list however many look-ups ask, every page of a long list, Outputs in and out, and named endpoints.
 */
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { chimestack } from "../../../provider";
import { CATALOGUE as CAT } from "../../../simulator/chimestack";
import { DEMO, SEEDED, chimeConfig, useChime, vmReady } from "../../helpers/chimestack";
import { asEngine } from "../../helpers/engine";

const ctx = useChime();
const sent = () => ctx.sim.sent();
const valueOf = <T>(o: pulumi.Output<T>) => new Promise<T>((resolve) => o.apply(resolve));
const AZ1 = `/v1/az/${DEMO.az}/cluster`;
const AZ2 = `/v1/az/${CAT.az2}/cluster`;

describe("chimestack look-ups", () => {
  it.each([
    ["getAz", { name: "az-2" }, CAT.az2],
    ["getAz", { name: "az-1", uuid: DEMO.az }, DEMO.az],
    ["getCluster", { name: "general", azName: "az-2" }, CAT.general2],
    ["getCluster", { name: "general", azUuid: DEMO.az }, CAT.general1],
    ["getHost", { name: "node-2" }, CAT.host2a],
    ["getHost", { manageIp: "192.168.3.10" }, CAT.host1b],
    ["getHost", { name: "node-1", clusterUuid: CAT.general1 }, CAT.host1a],
    ["getNetwork", { name: "backup-net" }, CAT.backupNet1],
    ["getNetwork", { name: "vm-net", azName: "az-2" }, CAT.vmNet2],
    ["getSubnet", { name: "dmz" }, CAT.dmz1],
    ["getSubnet", { name: "default", networkName: "backup-net" }, CAT.backupDefault1],
    ["getSubnet", { cidr: "10.20.0.1/24" }, CAT.default2],
    ["getSubnet", { name: "seeded", clusterName: "seeded" }, SEEDED.subnet],
    ["getInstanceSpec", { name: "small" }, DEMO.instanceSpec],
    ["getInstanceSpec", { vcpus: 1, memoryGb: 1 }, DEMO.instanceSpec],
    ["getInstanceSpec", { vcpus: 4, memoryGb: 8, type: "dedicated" }, CAT.largeDedicated],
    ["getVolumeSpec", { name: "ssd" }, DEMO.volumeSpec],
    ["getVolumeSpec", { name: "standard", storagePoolName: "ceph" }, CAT.standardCeph],
    ["getImage", { name: "ubuntu-22.04" }, DEMO.image],
    ["getImage", { name: "debian-12", format: "iso" }, CAT.debian12Iso],
    ["getSecurityGroup", { name: "default" }, DEMO.securityGroup],
    ["getSecurityGroup", { name: "web" }, CAT.webSg],
    ["getVolume", { name: "seeded" }, SEEDED.volume],
    ["getVolume", { name: "seeded", clusterName: "seeded", azName: "az-1" }, SEEDED.volume],
  ] as const)("%s(%j) finds the one object those filters name", async (fn, args, id) => {
    const r = await (chimestack[fn] as (a: unknown) => Promise<{ id: string }>)(args);
    expect(r.id).toBe(id);
  });

  it("returns a typed result read from the vendor: a subnet with its network, cluster and AZ, a spec with its size, a host with its addresses", async () => {
    expect(await chimestack.getSubnet({ name: "default", networkName: "vm-net", azName: "az-2" })).toEqual({
      id: CAT.default2,
      name: "default",
      cidr: "10.20.0.1/24",
      gateway: "10.20.0.254",
      reservedIps: "",
      state: 1,
      description: "",
      networkUuid: CAT.vmNet2,
      networkName: "vm-net",
      clusterUuid: CAT.general2,
      clusterName: "general",
      azUuid: CAT.az2,
      azName: "az-2",
    });
    expect(await chimestack.getInstanceSpec({ name: "medium" })).toMatchObject({ vcpus: 2, memoryGb: 4, memoryBytes: 4 * 1024 ** 3, type: "shared" });
    expect(await chimestack.getHost({ name: "node-2" })).toMatchObject({
      manageIp: "192.168.2.10",
      storageIp: "172.28.2.10",
      clusterName: "general",
      azName: "az-1",
      vcpus: 32,
    });
    expect(await chimestack.getVolumeSpec({ name: "hdd" })).toMatchObject({ storagePoolName: "local-hdd", maxIops: 1000 });
    expect(await chimestack.getCluster({ name: "seeded" })).toMatchObject({ id: SEEDED.cluster, type: "hyperconverged", azUuid: DEMO.az, azName: "az-1" });
  });

  it("lists every match when a name repeats across AZs, clusters and networks, says which filter narrows it, and narrows with it", async () => {
    await expect(chimestack.getSubnet({ name: "default" })).rejects.toThrow(
      `chimestack.getSubnet: 3 subnets have name "default" at the chimestack endpoint: default (uuid ${CAT.default1}, 10.1.0.1/24, in az-1/general/vm-net); ` +
        `default (uuid ${CAT.backupDefault1}, 10.2.0.1/24, in az-1/general/backup-net); default (uuid ${CAT.default2}, 10.20.0.1/24, in az-2/general/vm-net); ` +
        "narrow it with networkName (or networkUuid), clusterName (or clusterUuid) or azName (or azUuid)",
    );
    await expect(chimestack.getSubnet({ name: "default", networkName: "vm-net" })).rejects.toThrow(/2 subnets have name "default", networkName "vm-net"/);
    expect((await chimestack.getSubnet({ name: "default", networkName: "vm-net", azName: "az-1" })).id).toBe(CAT.default1);
    await expect(chimestack.getHost({ name: "node-1", clusterName: "general" })).rejects.toThrow(
      `2 hosts have name "node-1", clusterName "general" at the chimestack endpoint: node-1 (uuid ${CAT.host1a}, management IP 192.168.1.10, in az-1/general); ` +
        `node-1 (uuid ${CAT.host1b}, management IP 192.168.3.10, in az-2/general); narrow it with clusterName (or clusterUuid) or azName (or azUuid)`,
    );
    await expect(chimestack.getCluster({ name: "general" })).rejects.toThrow(/2 clusters have name "general".*narrow it with azName \(or azUuid\)$/);
    await expect(chimestack.getVolumeSpec({ name: "standard" })).rejects.toThrow(
      /2 volume specs have name "standard".*storage pool local-ssd.*storage pool ceph.*narrow it with storagePoolName or storagePoolUuid$/,
    );
    await expect(chimestack.getImage({ name: "debian-12" })).rejects.toThrow(
      /2 images have name "debian-12" at the chimestack endpoint: debian-12 \(uuid \S+, qcow2, Debian 12\); debian-12 \(uuid \S+, iso, Debian 12\); narrow it with format or osType$/,
    );
  });

  it("tells instance specs apart by name and type when a name or a vCPU and memory pair matches several", async () => {
    await expect(chimestack.getInstanceSpec({ vcpus: 2, memoryGb: 4 })).rejects.toThrow(
      `chimestack.getInstanceSpec: 2 instance specs have vcpus 2, memoryGb 4 at the chimestack endpoint: medium (uuid ${CAT.medium}, 2 vCPUs, 4 GiB, shared); ` +
        `general-2c4g (uuid ${CAT.general2c4g}, 2 vCPUs, 4 GiB, shared); narrow it with type or name`,
    );
    await expect(chimestack.getInstanceSpec({ name: "large" })).rejects.toThrow(
      /2 instance specs have name "large".*4 vCPUs, 8 GiB, shared.*4 vCPUs, 8 GiB, dedicated/,
    );
    expect((await chimestack.getInstanceSpec({ name: "large", type: "shared" })).id).toBe(CAT.largeShared);
    expect((await chimestack.getInstanceSpec({ vcpus: 2, memoryGb: 4, name: "general-2c4g" })).id).toBe(CAT.general2c4g);
  });

  it("says what was searched and what exists when nothing matches", async () => {
    await expect(chimestack.getCluster({ name: "prod" })).rejects.toThrow(
      `chimestack.getCluster: no cluster has name "prod" at the chimestack endpoint; the 3 there: general (uuid ${CAT.general1}, in az-1); ` +
        `seeded (uuid ${SEEDED.cluster}, in az-1); general (uuid ${CAT.general2}, in az-2)`,
    );
    await expect(chimestack.getSubnet({ name: "dmz", azName: "az-2" })).rejects.toThrow(
      /no subnet has name "dmz", azName "az-2" at the chimestack endpoint; the 5 there: default/,
    );
    await expect(chimestack.getInstanceSpec({ vcpus: 64 })).rejects.toThrow(/no instance spec has vcpus 64 .*small \(uuid \S+, 1 vCPUs, 1 GiB, shared\)/);
  });

  it("refuses a misspelt filter, a filter of the wrong type or form, and a look-up that names nothing, naming the filter, before any request", async () => {
    await sent();
    await expect(chimestack.getHost({ nme: "node-1" } as never)).rejects.toThrow(
      "chimestack.getHost: nme: unknown filter (the filters are name, manageIp, clusterName, clusterUuid, azName, azUuid, endpoint)",
    );
    await expect(chimestack.getInstanceSpec({ vcpus: 1.5 })).rejects.toThrow("chimestack.getInstanceSpec: vcpus: must be a whole number");
    await expect(chimestack.getInstanceSpec({ memoryGb: -1 })).rejects.toThrow("chimestack.getInstanceSpec: memoryGb: must be positive");
    await expect(chimestack.getInstanceSpec({ name: "large", type: "burst" as never })).rejects.toThrow(
      /chimestack\.getInstanceSpec: type: .*"shared"\|"dedicated"/,
    );
    await expect(chimestack.getSubnet({ name: "default", networkUuid: "vm-net" })).rejects.toThrow(
      "chimestack.getSubnet: networkUuid: must be the uuid of a network (8-4-4-4-12 hexadecimal digits)",
    );
    await expect(chimestack.getNetwork({ clusterName: "general" })).rejects.toThrow("chimestack.getNetwork: give name to say which network is meant");
    await expect(chimestack.getInstanceSpec({ type: "dedicated" })).rejects.toThrow(
      "chimestack.getInstanceSpec: give name, vcpus or memoryGb to say which instance spec is meant",
    );
    expect(await sent()).toEqual({});
  });

  it("sends one request per list for every look-up of the program, at once or later: the AZs, the clusters of each AZ, the networks and hosts of each cluster, the subnets of each network", async () => {
    await sent();
    await Promise.all([
      chimestack.getSubnet({ name: "dmz" }),
      chimestack.getSubnet({ name: "default", networkName: "backup-net" }),
      chimestack.getNetwork({ name: "vm-net", azName: "az-2" }),
      chimestack.getCluster({ name: "seeded" }),
      chimestack.getAz({ name: "az-1" }),
      chimestack.getHost({ name: "node-2" }),
      chimestack.getHost({ name: "node-1", azName: "az-2" }),
      chimestack.getImage({ name: "centos-7" }),
    ]);
    await chimestack.getSubnet({ cidr: "10.20.0.1/24" });
    await chimestack.getImage({ name: "ubuntu-22.04" });
    const c1 = `${AZ1}/${CAT.general1}`;
    const c2 = `${AZ2}/${CAT.general2}`;
    const seeded = `${AZ1}/${SEEDED.cluster}`;
    expect(await sent()).toEqual({
      "/v1/az": 1,
      [AZ1]: 1,
      [AZ2]: 1,
      [`${c1}/network`]: 1,
      [`${seeded}/network`]: 1,
      [`${c2}/network`]: 1,
      [`${c1}/network/${CAT.vmNet1}/subnet`]: 1,
      [`${c1}/network/${CAT.backupNet1}/subnet`]: 1,
      [`${seeded}/network/${SEEDED.network}/subnet`]: 1,
      [`${c2}/network/${CAT.vmNet2}/subnet`]: 1,
      [`${c1}/host`]: 1,
      [`${seeded}/host`]: 1,
      [`${c2}/host`]: 1,
      "/v1/image": 1,
    });
  });

  it("reads every page of a list longer than a page", async () => {
    await ctx.sim.control("POST", "/_sim/seed", { clusters: Array.from({ length: 130 }, (_, i) => ({ name: `filler-${i}`, az_uuid: CAT.az2 })) });
    await sent();
    expect(await chimestack.getCluster({ name: "filler-129" })).toMatchObject({ azName: "az-2" });
    const pages = (await ctx.sim.requests()).filter((r) => r.path === AZ2 && r.status === 200).map((r) => new URLSearchParams(r.query).get("page"));
    expect(pages).toEqual(["1", "2"]);
  });

  it("getXOutput takes Outputs and answers an Output of the same result", async () => {
    const az = chimestack.getAzOutput({ name: pulumi.output("az-2") });
    const cluster = chimestack.getClusterOutput({ name: "general", azUuid: az.id });
    const network = chimestack.getNetworkOutput({ name: "vm-net", clusterUuid: cluster.id });
    const subnet = chimestack.getSubnetOutput({ name: "default", networkUuid: network.id });
    expect(await valueOf(subnet.id)).toBe(CAT.default2);
    expect(await valueOf(chimestack.getInstanceSpecOutput({ vcpus: pulumi.output(4), memoryGb: 8, type: "dedicated" }).name)).toBe("large");
  });

  it("reads a named endpoint's settings, and names the settings to set when they are missing", async () => {
    await asEngine(chimestack.Vm.provider).configure({ ...chimeConfig(ctx.sim.url), ...chimeConfig(ctx.sim.url, "chimestack-site-b") });
    expect((await chimestack.getAz({ name: "az-2", endpoint: "site-b" })).id).toBe(CAT.az2);
    await expect(chimestack.getAz({ name: "az-2", endpoint: "site-c" })).rejects.toThrow(/chimestack-site-c:endpoint is not set.*CHIMESTACK_SITE_C_ENDPOINT/);
  });

  it("keeps the password out of the error when the login is refused", async () => {
    await asEngine(chimestack.Vm.provider).configure({ ...chimeConfig(ctx.sim.url), "chimestack:password": "wrong-pass-123" });
    const e = await chimestack.getAz({ name: "az-1" }).catch((x: Error) => x);
    expect(String(e)).toMatch(/check chimestack:username and chimestack:password/);
    expect(String(e)).not.toContain("wrong-pass-123");
  });

  it("refuses a wrong password even after the same user logged in with the right one (no shared session)", async () => {
    await asEngine(chimestack.Vm.provider).configure(chimeConfig(ctx.sim.url));
    expect((await chimestack.getAz({ name: "az-2" })).id).toBe(CAT.az2);
    await asEngine(chimestack.Vm.provider).configure({ ...chimeConfig(ctx.sim.url), "chimestack:password": "wrong-pass-456" });
    await expect(chimestack.getAz({ name: "az-2" })).rejects.toThrow(/check chimestack:username and chimestack:password/);
  });
});

describe("chimestack look-ups of what users make", () => {
  it("finds a VM's root volume by the VM it is attached to, and names the VMs when several volumes share a name", async () => {
    const made = [];
    for (const name of ["vm-a", "vm-b"]) {
      const { vm } = await ctx.api("POST", "/v1/vm", {
        az_uuid: DEMO.az,
        cluster_uuid: SEEDED.cluster,
        instance_spec_uuid: DEMO.instanceSpec,
        name,
        nics: [{ name: "nic0", subnet_uuid: SEEDED.subnet, sg_uuid: DEMO.securityGroup, primary: 1 }],
        volumes: [{ name: "root", size: 1024 ** 3, volume_spec_uuid: DEMO.volumeSpec, root: 1 }],
      });
      await vmReady(ctx.api, vm.uuid);
      made.push(vm.uuid as string);
    }
    const r = await chimestack.getVolume({ name: "root", vmUuid: made[1] });
    expect(r).toMatchObject({ name: "root", root: true, sizeGb: 1, attachedVmUuids: [made[1]], clusterUuid: SEEDED.cluster, azName: "az-1" });
    await expect(chimestack.getVolume({ name: "root" })).rejects.toThrow(
      /2 volumes have name "root" .*on VM .*; narrow it with clusterName \(or clusterUuid\), azName \(or azUuid\), vmUuid or uuid$/,
    );
  });

  it("shows a security group's rules, and a user image's description without its ownership marker", async () => {
    expect((await chimestack.getSecurityGroup({ name: "web" })).ingressRules.map((r) => r.destinationPorts)).toEqual(["80:80", "443:443"]);
    await ctx.api("POST", "/v1/image/user", { name: "mine", install_url: "file:///root/images/mine.qcow2", description: "golden [pulumi:00000000000000cc]" });
    expect((await chimestack.getImage({ name: "mine" })).description).toBe("golden");
  });
});
