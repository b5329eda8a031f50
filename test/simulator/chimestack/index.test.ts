import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CATALOGUE, DEMO, createChimeStackSimulator } from "../../../simulator/chimestack";
import { NOWHERE, Sim, startSim } from "../../helpers/sim";

let now = 1_000_000;
let sim: Sim;
beforeAll(async () => {
  sim = await startSim(createChimeStackSimulator({ tokenTtlMs: 10_000, createMs: 100, now: () => now }));
});
afterAll(() => sim.stop());
beforeEach(() => sim.control("POST", "/_sim/reset"));

async function call(method: string, path: string, body?: unknown, token?: string) {
  const res = await fetch(sim.url + path, {
    method,
    body: body === undefined ? undefined : JSON.stringify(body),
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  return { status: res.status, body: (await res.json()) as any };
}
async function login() {
  return (await call("POST", "/v1/login", { user_name: DEMO.user, password: DEMO.password })).body.result.user.uuid as string;
}

describe("ChimeStack simulator", () => {
  it("logs in with user_name and password, the token being result.user.uuid with an expiry", async () => {
    const r = await call("POST", "/v1/login", { user_name: DEMO.user, password: DEMO.password });
    expect(r.body).toMatchObject({
      error: null,
      requestId: expect.any(String),
      result: { user: { uuid: expect.any(String), expired_at: expect.any(String) } },
    });
  });

  it("answers errors in the envelope, with the request id", async () => {
    const r = await call("GET", "/v1/az");
    expect(r.status).toBe(401);
    expect(r.body).toMatchObject({ error: { code: 401, status: "Unauthorized" }, requestId: expect.any(String), result: null });
  });

  it("expires tokens after their lifetime and honours logout", async () => {
    const token = await login();
    expect((await call("GET", "/v1/az", undefined, token)).status).toBe(200);
    now += 10_001;
    expect((await call("GET", "/v1/az", undefined, token)).status).toBe(401);
    const t2 = await login();
    await call("POST", "/v1/logout", { token: t2 });
    expect((await call("GET", "/v1/az", undefined, t2)).status).toBe(401);
  });

  it("lists as {elements, size, total} with paging", async () => {
    const token = await login();
    // Compute clusters (type 1): the seeded ones are hyperconverged.
    for (const n of ["a", "b", "c"]) await call("POST", `/v1/az/${DEMO.az}/cluster`, { name: n, type: 1 }, token);
    const r = await call("GET", `/v1/az/${DEMO.az}/cluster?type=1&page=2&size=2`, undefined, token);
    expect(r.body.result).toMatchObject({ size: 1, total: 3 });
    expect(r.body.result.elements).toHaveLength(1);
  });

  it("seeds clusters, networks and subnets through /_sim/seed, filling in what the seed leaves out", async () => {
    const cluster = "5eed0000-0000-4000-8000-0000000000c1";
    await sim.control("POST", "/_sim/seed", {
      clusters: [{ uuid: cluster, name: "seeded" }],
      networks: [{ name: "net", cluster_uuid: cluster }],
    });
    const token = await login();
    const c = (await call("GET", `/v1/az/${DEMO.az}/cluster/${cluster}`, undefined, token)).body.result.cluster;
    expect(c).toMatchObject({ uuid: cluster, name: "seeded", az_uuid: DEMO.az, az_name: "az-1", state: 1, type: 0 });
    const nets = (await call("GET", `/v1/az/${DEMO.az}/cluster/${cluster}/network`, undefined, token)).body.result;
    expect(nets).toMatchObject({ total: 1, elements: [{ name: "net", cluster_uuid: cluster, az_uuid: DEMO.az, state: 1 }] });
  });

  it("filters lists by the fields the API reference documents (a VM list by cluster)", async () => {
    const token = await login();
    const clusters = [];
    for (const n of ["a", "b"]) clusters.push((await call("POST", `/v1/az/${DEMO.az}/cluster`, { name: n }, token)).body.result.cluster.uuid);
    const b = (await call("GET", `/v1/az/${DEMO.az}/cluster?name=b`, undefined, token)).body.result;
    expect(b.elements.map((c: { uuid: string }) => c.uuid)).toEqual([clusters[1]]);
    const n = (await call("POST", `/v1/az/${DEMO.az}/cluster/${clusters[0]}/network`, { name: "n", bridge_name: "br1", interface_name: "eth1" }, token)).body
      .result.network;
    const s = (await call("POST", `/v1/az/${DEMO.az}/cluster/${clusters[0]}/network/${n.uuid}/subnet`, { name: "s", cidr: "192.168.231.1/24" }, token)).body
      .result.subnet;
    const body = {
      az_uuid: DEMO.az,
      cluster_uuid: clusters[0],
      instance_spec_uuid: DEMO.instanceSpec,
      name: "vm-1",
      nics: [{ name: "nic0", subnet_uuid: s.uuid, sg_uuid: DEMO.securityGroup }],
      volumes: [{ name: "root", size: 1024 ** 3, volume_spec_uuid: DEMO.volumeSpec, root: 1 }],
    };
    await call("POST", "/v1/vm", body, token);
    expect((await call("GET", `/v1/vm?cluster_uuid=${clusters[0]}`, undefined, token)).body.result.total).toBe(1);
    expect((await call("GET", `/v1/vm?cluster_uuid=${clusters[1]}`, undefined, token)).body.result.total).toBe(0);
  });

  it("lists the hosts of a cluster with their cluster's name, filtered by management IP, and hides a host of another cluster", async () => {
    const token = await login();
    const hosts = `/v1/az/${DEMO.az}/cluster/${CATALOGUE.general1}/host`;
    const all = (await call("GET", hosts, undefined, token)).body.result;
    expect(all).toMatchObject({ total: 2, elements: [{ name: "node-1", cluster_name: "general", manage_ip: "192.168.1.10" }, { name: "node-2" }] });
    expect((await call("GET", `${hosts}?manage_ip=192.168.2.10`, undefined, token)).body.result.elements.map((h: { uuid: string }) => h.uuid)).toEqual([
      CATALOGUE.host2a,
    ]);
    expect((await call("GET", `${hosts}/${CATALOGUE.host1b}`, undefined, token)).status).toBe(404);
    expect(
      (await call("GET", `/v1/az/${CATALOGUE.az2}/cluster/${CATALOGUE.general2}/host/${CATALOGUE.host1b}`, undefined, token)).body.result.host,
    ).toMatchObject({ name: "node-1", cluster_name: "general" });
  });

  it("filters each list by the filters documented for it, ignoring others, and answers the catalogue's objects by uuid", async () => {
    const token = await login();
    const names = async (path: string) => (await call("GET", path, undefined, token)).body.result.elements.map((x: { name: string }) => x.name);
    expect(await names("/v1/image?format=iso")).toEqual(["debian-12"]);
    expect(await names("/v1/instance_spec?type=1")).toEqual(["large"]);
    expect(await names("/v1/volume_spec?storage_pool_uuid=9f000000-0000-4000-8000-000000000003")).toEqual(["standard"]); // the Ceph pool
    expect(await names("/v1/az?format=iso")).toEqual(["az-1", "az-2"]);
    expect((await call("GET", `/v1/image/${CATALOGUE.debian12Iso}`, undefined, token)).body.result.image).toMatchObject({
      name: "debian-12",
      format: "iso",
      state: 1,
    });
    expect((await call("GET", `/v1/securitygroup/${CATALOGUE.webSg}`, undefined, token)).body.result.securitygroup).toMatchObject({ name: "web" });
  });

  it("shows a subnet's network name and a network's cluster name as they are now", async () => {
    const token = await login();
    const net = `/v1/az/${DEMO.az}/cluster/${CATALOGUE.general1}/network`;
    await call("PATCH", `${net}/${CATALOGUE.backupNet1}`, { name: "backup" }, token);
    const subnets = (await call("GET", `${net}/${CATALOGUE.backupNet1}/subnet`, undefined, token)).body.result.elements;
    expect(subnets).toMatchObject([{ name: "default", network_name: "backup", network_uuid: CATALOGUE.backupNet1 }]);
    expect((await call("GET", `${net}/${CATALOGUE.backupNet1}`, undefined, token)).body.result.network).toMatchObject({
      name: "backup",
      cluster_name: "general",
    });
  });

  it("answers a VM create with a stub that fills in over time", async () => {
    const token = await login();
    const c = (await call("POST", `/v1/az/${DEMO.az}/cluster`, { name: "c" }, token)).body.result.cluster;
    const n = (await call("POST", `/v1/az/${DEMO.az}/cluster/${c.uuid}/network`, { name: "n", bridge_name: "br1", interface_name: "eth1" }, token)).body.result
      .network;
    const s = (await call("POST", `/v1/az/${DEMO.az}/cluster/${c.uuid}/network/${n.uuid}/subnet`, { name: "s", cidr: "192.168.231.1/24" }, token)).body.result
      .subnet;
    const body = {
      az_uuid: DEMO.az,
      cluster_uuid: c.uuid,
      instance_spec_uuid: DEMO.instanceSpec,
      name: "vm-1",
      nics: [{ name: "nic0", subnet_uuid: s.uuid, sg_uuid: DEMO.securityGroup }],
      volumes: [{ name: "root", size: 1024 ** 3, volume_spec_uuid: DEMO.volumeSpec, root: 1 }],
    };
    const vm = (await call("POST", "/v1/vm", body, token)).body.result.vm;
    expect(vm).toMatchObject({ state: 0, created_at: "0001-01-01T00:00:00Z", operation: "create" });
    expect(vm.volumes[0].operation).not.toBe("");
    now += 101;
    const later = (await call("GET", `/v1/vm/${vm.uuid}`, undefined, token)).body.result.vm;
    expect(later).toMatchObject({ state: 1, operation: "" });
    expect(later.volumes[0]).toMatchObject({ state: 2, operation: "" });
    expect(later.nics[0].ip).toMatch(/^192\.168\.231\./);
  });
});

describe("ChimeStack simulator: volumes, snapshots, images and security groups", () => {
  const volumes = `/v1/az/${DEMO.az}/cluster/${CATALOGUE.general1}/volume`;
  const GIB = 1024 ** 3;
  /** A VM in the catalogue's general cluster, made: its uuid and its root volume's. */
  async function vm(token: string, sg = DEMO.securityGroup) {
    const body = {
      az_uuid: DEMO.az,
      cluster_uuid: CATALOGUE.general1,
      instance_spec_uuid: DEMO.instanceSpec,
      name: "vm-1",
      nics: [{ name: "nic0", subnet_uuid: CATALOGUE.default1, sg_uuid: sg, primary: 1 }],
      volumes: [{ name: "root", size: GIB, volume_spec_uuid: DEMO.volumeSpec, image_uuid: DEMO.image, root: 1 }],
    };
    const made = (await call("POST", "/v1/vm", body, token)).body.result.vm;
    now += 1000;
    return { uuid: made.uuid as string, root: made.volumes[0].uuid as string };
  }
  const volume = async (token: string, name = "data") => {
    const v = (await call("POST", volumes, { name, size: GIB, volume_spec_uuid: DEMO.volumeSpec }, token)).body.result.volume;
    now += 1000;
    return v.uuid as string;
  };

  it("lists NICs, those made apart and those of VMs, filtered by name and subnet_uuid, with the description they were made with", async () => {
    const token = await login();
    await vm(token);
    const made = (await call("POST", "/v1/nic", { name: "nic1", description: "mine", subnet_uuid: CATALOGUE.default1, sg_uuid: DEMO.securityGroup }, token))
      .body.result.nic;
    const all = (await call("GET", "/v1/nic", undefined, token)).body.result;
    expect(all.elements.map((n: { name: string }) => n.name).sort()).toEqual(["nic0", "nic1"]);
    const byName = (await call("GET", "/v1/nic?name=nic1", undefined, token)).body.result;
    expect(byName).toMatchObject({ total: 1, elements: [{ uuid: made.uuid, description: "mine", attached_vms: [] }] });
    expect((await call("GET", `/v1/nic?subnet_uuid=${CATALOGUE.default1}&name=nic0`, undefined, token)).body.result.total).toBe(1);
    expect((await call("GET", "/v1/nic?subnet_uuid=none", undefined, token)).body.result.total).toBe(0);
  });

  it("lists a cluster's volumes, those made apart and its VMs', and renames one in place", async () => {
    const token = await login();
    const { root } = await vm(token);
    const data = await volume(token);
    const listed = (await call("GET", volumes, undefined, token)).body.result;
    expect(listed.elements.map((v: { uuid: string }) => v.uuid).sort()).toEqual([root, data].sort());
    expect((await call("GET", `${volumes}?name=data`, undefined, token)).body.result.total).toBe(1);
    expect((await call("PATCH", `${volumes}/${data}`, { name: "renamed", description: "d" }, token)).body.result).toEqual({ vm: "ok" });
    expect((await call("GET", `${volumes}/${data}`, undefined, token)).body.result.volume).toMatchObject({ uuid: data, name: "renamed", description: "d" });
    expect((await call("PATCH", `${volumes}/${data}`, { size: 1 }, token)).body.error.message).toBe("size cannot be updated");
  });

  it("makes a snapshot that is ready after the create time, keeps its volume while it exists, and renames and deletes it", async () => {
    const token = await login();
    const data = await volume(token);
    const snaps = `/v1/volume/${data}/snapshot`;
    const made = (await call("POST", snaps, { name: "s1" }, token)).body.result.snapshot;
    expect(made).toMatchObject({ state: 0, volume_uuid: data, operation: expect.stringMatching(/^Creating#/) });
    expect((await call("DELETE", `${snaps}/${made.uuid}`, undefined, token)).status).toBe(400);
    now += 1000;
    expect((await call("GET", `${snaps}/${made.uuid}`, undefined, token)).body.result.snapshot).toMatchObject({
      state: 1,
      operation: "",
      volume_name: "data",
      last_operation_name: "create",
    });
    expect((await call("GET", `${volumes}/${data}`, undefined, token)).body.result.volume.snapshot_count).toBe(1);
    expect((await call("DELETE", `${volumes}/${data}`, undefined, token)).body.error.message).toBe("volume data still has snapshots");
    await call("PATCH", `${snaps}/${made.uuid}`, { name: "s2" }, token);
    expect((await call("GET", "/v1/snapshot?name=s2", undefined, token)).body.result.total).toBe(1);
    expect((await call("DELETE", `${snaps}/${made.uuid}`, undefined, token)).body.result).toBe("ok");
    expect((await call("DELETE", `${volumes}/${data}`, undefined, token)).status).toBe(200);
    expect((await call("GET", `/v1/volume/${NOWHERE}/snapshot`, undefined, token)).status).toBe(404);
  });

  it("fetches a user image over the create time, changes it, and refuses changes to public images and the delete of one volumes use", async () => {
    const token = await login();
    expect((await call("POST", "/v1/image/user", { name: "x", install_url: "http://host/x.qcow2" }, token)).body.error.message).toMatch(/install_url must be/);
    const made = (await call("POST", "/v1/image/user", { name: "mine", install_url: "file:///root/images/mine.qcow2" }, token)).body.result.image;
    expect(made).toMatchObject({ state: 0, bucket_uuid: expect.not.stringMatching(/^public$/) });
    now += 1000;
    await call("PATCH", `/v1/image/${made.uuid}`, { name: "mine", os_detail: "CentOS 8.5" }, token);
    expect((await call("GET", `/v1/image/${made.uuid}`, undefined, token)).body.result.image).toMatchObject({ state: 1, os_detail: "CentOS 8.5" });
    expect((await call("PATCH", `/v1/image/${made.uuid}`, { name: "mine", install_url: "file:///x" }, token)).body.error.message).toBe(
      "install_url cannot be updated",
    );
    expect((await call("PATCH", `/v1/image/${DEMO.image}`, { name: "mine" }, token)).body.error.message).toMatch(/is public/);
    await vm(token);
    expect((await call("DELETE", `/v1/image/${DEMO.image}`, undefined, token)).status).toBe(400);
    expect((await call("DELETE", `/v1/image/${made.uuid}`, undefined, token)).body.result).toBe(0);
  });

  it("checks a security group's rules naming the rule, replaces them on update, and refuses the delete of a group a NIC uses", async () => {
    const token = await login();
    const bad = { name: "g", ingress_rules: [{ action: "ACCEPT", protocol: "tcp", direction: 0, dport: "22" }], egress_rules: [] };
    expect((await call("POST", "/v1/securitygroup", bad, token)).body.error.message).toBe("ingress_rules[0].dport must be a port range such as 1:100");
    expect((await call("POST", "/v1/securitygroup", { name: "g", ingress_rules: [] }, token)).body.error.message).toBe("egress_rules is required");
    const g = (await call("POST", "/v1/securitygroup", { name: "g", ingress_rules: [], egress_rules: [] }, token)).body.result.securitygroup;
    const ssh = { action: "ACCEPT", protocol: "tcp", direction: 0, sip: "10.0.0.0/8", dport: "22:22" };
    expect((await call("PATCH", `/v1/securitygroup/${g.uuid}`, { name: "g2", ingress_rules: [ssh], egress_rules: [] }, token)).body.result).toEqual({
      securitygroup: "ok",
    });
    expect((await call("GET", `/v1/securitygroup/${g.uuid}`, undefined, token)).body.result.securitygroup).toMatchObject({
      name: "g2",
      ingress_rules: [{ ...ssh, sport: "1:65535", dip: "0.0.0.0/0" }],
    });
    const { uuid } = await vm(token, g.uuid);
    expect((await call("DELETE", `/v1/securitygroup/${g.uuid}`, undefined, token)).body.error.message).toBe("security group g2 is used by network interfaces");
    await call("DELETE", `/v1/vm/${uuid}`, undefined, token);
    expect((await call("DELETE", `/v1/securitygroup/${g.uuid}`, undefined, token)).status).toBe(200);
  });

  it("deletes the volumes attached to a VM with it when force_del=true and frees its NICs made apart (the reference says nothing of NICs); frees both without", async () => {
    const token = await login();
    for (const force of [true, false]) {
      const { uuid } = await vm(token);
      const data = await volume(token);
      const nic = (await call("POST", "/v1/nic", { name: "nic1", subnet_uuid: CATALOGUE.default1, sg_uuid: DEMO.securityGroup }, token)).body.result.nic.uuid;
      await call("PUT", `/v1/vm/${uuid}/attach_disk`, { volume_uuid: data }, token);
      await call("PUT", `/v1/vm/${uuid}/attach_nic`, { nic_uuid: nic }, token);
      await call("DELETE", `/v1/vm/${uuid}${force ? "?force_del=true" : ""}`, undefined, token);
      const inventory = (await sim.control("GET", "/_sim/inventory")) as Record<string, Array<{ uuid: string; state: number; attached_vms: unknown[] }>>;
      const left = [...inventory.volumes, ...inventory.nics].filter((x) => x.uuid === data || x.uuid === nic);
      expect(left.map((x) => [x.state, x.attached_vms])).toEqual(
        force
          ? [[1, []]]
          : [
              [1, []],
              [1, []],
            ],
      );
    }
  });
});
