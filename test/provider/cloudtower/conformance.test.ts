/** Every CloudTower resource class against the guarantees all resources share (test/helpers/conformance.ts). */
import * as cloudtower from "../../../provider/cloudtower";
import { CLUSTER_A, CLUSTER_B, LEGACY_VM, VDS_A, towerConfig, useTower } from "../../helpers/cloudtower";
import { conformance } from "../../helpers/conformance";
import { MINIMAL } from "../../helpers/minimal";

const ctx = useTower(40);
const sim = () => ctx.sim;
/** The wait of a create fails: every task poll answers 503 until a 1 s deadline passes. */
const partial = { inputs: { timeoutSeconds: 1 }, fault: { path: "/v2/api/get-tasks", status: 503 } };

const done = (path: string, body: unknown) => ctx.done(path, body);

conformance({
  config: () => towerConfig(ctx.sim.url),
  resource: cloudtower.Vm,
  sim,
  inputs: MINIMAL["cloudtower.Vm"],
  collection: "vms",
  createPath: "/v2/api/create-vm",
  partial,
  adoptByName: true,
  stranger: async (name) => {
    const body = {
      cluster_id: CLUSTER_A,
      name,
      cpu_cores: 1,
      cpu_sockets: 1,
      memory: 1024 ** 3,
      ha: true,
      firmware: "BIOS",
      status: "STOPPED",
      vm_nics: [],
      vm_disks: {},
    };
    return { id: (await done("/create-vm", [body]))[0].data.id };
  },
  vanish: async (id) => void (await done("/delete-vm", { where: { id } })),
});

conformance({
  config: () => towerConfig(ctx.sim.url),
  resource: cloudtower.Vlan,
  sim,
  inputs: MINIMAL["cloudtower.Vlan"],
  collection: "vlans",
  createPath: "/v2/api/create-vm-vlan",
  partial,
  adoptByName: true,
  noMarker: true,
  stranger: async (name) => ({ id: (await done("/create-vm-vlan", [{ vds_id: VDS_A, name, vlan_id: 7 }]))[0].data.id }),
  vanish: async (id) => void (await done("/delete-vm-vlan", { where: { id } })),
});

conformance({
  config: () => towerConfig(ctx.sim.url),
  resource: cloudtower.VmSnapshot,
  sim,
  inputs: MINIMAL["cloudtower.VmSnapshot"],
  collection: "vmSnapshots",
  createPath: "/v2/api/create-vm-snapshot",
  partial,
  adoptByName: true,
  noMarker: true,
  stranger: async (name) => ({ id: (await done("/create-vm-snapshot", { data: [{ vm_id: LEGACY_VM, name }] }))[0].data.id }),
  vanish: async (id) => void (await done("/delete-vm-snapshot", { where: { id } })),
});

conformance({
  config: () => towerConfig(ctx.sim.url),
  resource: cloudtower.VmVolume,
  sim,
  inputs: MINIMAL["cloudtower.VmVolume"],
  collection: "vmVolumes",
  createPath: "/v2/api/create-vm-volume",
  partial,
  adoptByName: true,
  noMarker: true,
  stranger: async (name) => ({
    id: (await done("/create-vm-volume", [{ cluster_id: CLUSTER_A, name, size: 1024 ** 3, sharing: false, elf_storage_policy: "REPLICA_2_THIN_PROVISION" }]))[0]
      .data.id,
  }),
  vanish: async (id) => void (await done("/delete-vm-volume", { where: { id } })),
});

conformance({
  config: () => towerConfig(ctx.sim.url),
  resource: cloudtower.VmPlacementGroup,
  sim,
  inputs: MINIMAL["cloudtower.VmPlacementGroup"],
  collection: "vmPlacementGroups",
  createPath: "/v2/api/create-vm-placement-group",
  partial,
  adoptByName: true,
  stranger: async (name) => ({ id: (await done("/create-vm-placement-group", [{ cluster_id: CLUSTER_A, name, enabled: true }]))[0].data.id }),
  vanish: async (id) => void (await done("/delete-vm-placement-group", { where: { id } })),
});

conformance({
  config: () => towerConfig(ctx.sim.url),
  resource: cloudtower.Cluster,
  sim,
  inputs: MINIMAL["cloudtower.Cluster"],
  collection: "clusters",
  createPath: "/v2/api/connect-cluster",
  partial,
  nameKey: null,
  adoptByName: true,
  noMarker: true,
  // The seed's clusters were connected by someone else: cluster-b is the stranger to adopt.
  stranger: async () => ({ id: CLUSTER_B, name: "cluster-b" }),
  vanish: async (id) => void (await done("/delete-cluster", { where: { id } })),
});
