/** Every ChimeStack resource class against the guarantees all resources share (test/helpers/conformance.ts). */
import * as chimestack from "../../../provider/chimestack";
import { DEMO, SEEDED, chimeConfig, useChime, vmReady } from "../../helpers/chimestack";
import { conformance } from "../../helpers/conformance";
import { MINIMAL } from "../../helpers/minimal";

const ctx = useChime();
const sim = () => ctx.sim;
const idOf = (o: Record<string, unknown>) => String(o.uuid);
const clusterPath = `/v1/az/${DEMO.az}/cluster`;
const networkPath = `${clusterPath}/${SEEDED.cluster}/network`;
const subnetPath = `${networkPath}/${SEEDED.network}/subnet`;

/** Reads after a create fail: every GET of one object answers 503 (retried, then a partial create). */
const readFails = (path: string) => ({ fault: { method: "GET", path: `^${path}/[^/]+$`, status: 503 } });

conformance({
  config: () => chimeConfig(ctx.sim.url),
  resource: chimestack.Cluster,
  sim,
  inputs: MINIMAL["chimestack.Cluster"],
  collection: "clusters",
  idOf,
  createPath: clusterPath,
  partial: readFails(clusterPath),
  adoptByName: true,
  stranger: async (name) => ({ id: (await ctx.api("POST", clusterPath, { name })).cluster.uuid }),
  vanish: async (id) => void (await ctx.api("DELETE", `${clusterPath}/${id}`)),
});

conformance({
  config: () => chimeConfig(ctx.sim.url),
  resource: chimestack.Network,
  sim,
  inputs: MINIMAL["chimestack.Network"],
  collection: "networks",
  idOf,
  createPath: networkPath,
  partial: readFails(networkPath),
  adoptByName: true,
  stranger: async (name) => ({ id: (await ctx.api("POST", networkPath, { name, bridge_name: "br9", interface_name: "eth9" })).network.uuid }),
  vanish: async (id) => void (await ctx.api("DELETE", `${networkPath}/${id}`)),
});

conformance({
  config: () => chimeConfig(ctx.sim.url),
  resource: chimestack.Subnet,
  sim,
  inputs: MINIMAL["chimestack.Subnet"],
  collection: "subnets",
  idOf,
  createPath: subnetPath,
  partial: readFails(subnetPath),
  adoptByName: true,
  stranger: async (name) => ({ id: (await ctx.api("POST", subnetPath, { name, cidr: "10.9.0.1/24" })).subnet.uuid }),
  vanish: async (id) => void (await ctx.api("DELETE", `${subnetPath}/${id}`)),
});

conformance({
  config: () => chimeConfig(ctx.sim.url),
  resource: chimestack.Vm,
  sim,
  inputs: MINIMAL["chimestack.Vm"],
  collection: "vms",
  idOf,
  createPath: "/v1/vm",
  // The VM stub is awaited: every poll answers 503 until a 1 s deadline passes.
  partial: { inputs: { timeoutSeconds: 1 }, fault: { method: "GET", path: "^/v1/vm/[^/]+$", status: 503 } },
  adoptByName: true,
  stranger: async (name) => {
    const body = {
      az_uuid: DEMO.az,
      cluster_uuid: SEEDED.cluster,
      instance_spec_uuid: DEMO.instanceSpec,
      name,
      nics: [{ name: "nic0", subnet_uuid: SEEDED.subnet, sg_uuid: DEMO.securityGroup, primary: 1 }],
      volumes: [{ name: "root", size: 1024 ** 3, volume_spec_uuid: DEMO.volumeSpec, root: 1 }],
    };
    const { vm } = await ctx.api("POST", "/v1/vm", body);
    await vmReady(ctx.api, vm.uuid);
    return { id: vm.uuid };
  },
  vanish: async (id) => void (await ctx.api("DELETE", `/v1/vm/${id}?force_del=true`)),
});

const volumePath = `${clusterPath}/${SEEDED.cluster}/volume`;

/** Makes an object out of band and waits, as a user would, until it is made (state 1), so that it reads the same twice. */
async function made(path: string, kind: string, body: unknown, getPath = (uuid: string) => `${path}/${uuid}`) {
  const uuid = (await ctx.api("POST", path, body))[kind].uuid as string;
  for (let tries = 0; (await ctx.api("GET", getPath(uuid)))[kind].state !== 1; tries++) {
    if (tries > 200) throw new Error(`${kind} ${uuid} is still being made`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return { id: uuid };
}
const snapshotPath = `/v1/volume/${SEEDED.volume}/snapshot`;

conformance({
  config: () => chimeConfig(ctx.sim.url),
  resource: chimestack.Volume,
  sim,
  inputs: MINIMAL["chimestack.Volume"],
  collection: "volumes",
  idOf,
  createPath: volumePath,
  // The new volume is awaited: every poll answers 503 until a 1 s deadline passes.
  partial: { inputs: { timeoutSeconds: 1 }, fault: { method: "GET", path: `^${volumePath}/[^/]+$`, status: 503 } },
  adoptByName: true,
  stranger: (name) => made(volumePath, "volume", { name, size: 1024 ** 3, volume_spec_uuid: DEMO.volumeSpec }),
  vanish: async (id) => void (await ctx.api("DELETE", `${volumePath}/${id}`)),
});

conformance({
  config: () => chimeConfig(ctx.sim.url),
  resource: chimestack.VolumeSnapshot,
  sim,
  inputs: MINIMAL["chimestack.VolumeSnapshot"],
  collection: "snapshots",
  idOf,
  createPath: snapshotPath,
  partial: { inputs: { timeoutSeconds: 1 }, fault: { method: "GET", path: `^${snapshotPath}/[^/]+$`, status: 503 } },
  adoptByName: true,
  stranger: (name) => made(snapshotPath, "snapshot", { name }),
  vanish: async (id) => void (await ctx.api("DELETE", `${snapshotPath}/${id}`)),
});

conformance({
  config: () => chimeConfig(ctx.sim.url),
  resource: chimestack.SecurityGroup,
  sim,
  inputs: MINIMAL["chimestack.SecurityGroup"],
  collection: "securitygroups",
  idOf,
  createPath: "/v1/securitygroup",
  partial: readFails("/v1/securitygroup"),
  adoptByName: true,
  stranger: async (name) => ({ id: (await ctx.api("POST", "/v1/securitygroup", { name, ingress_rules: [], egress_rules: [] })).securitygroup.uuid }),
  vanish: async (id) => void (await ctx.api("DELETE", `/v1/securitygroup/${id}`)),
});

conformance({
  config: () => chimeConfig(ctx.sim.url),
  resource: chimestack.Image,
  sim,
  inputs: MINIMAL["chimestack.Image"],
  collection: "images",
  idOf,
  createPath: "/v1/image/user",
  partial: { inputs: { timeoutSeconds: 1 }, fault: { method: "GET", path: "^/v1/image/[^/]+$", status: 503 } },
  adoptByName: true,
  stranger: (name) => made("/v1/image/user", "image", { name, install_url: "file:///root/images/other.qcow2" }, (uuid) => `/v1/image/${uuid}`),
  vanish: async (id) => void (await ctx.api("DELETE", `/v1/image/${id}`)),
});
