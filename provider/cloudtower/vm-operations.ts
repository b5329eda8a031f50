/**
 * What cloudtower.Vm does at the vendor: the wire shapes it reads, the view of a VM with its disks, NICs
 * and volumes, the create request (from scratch, an ISO, a template, a content-library template, a clone),
 * power changes, and `converge`, which brings a VM to the inputs one change at a time (basic info, CPU and
 * memory, disks, NICs, labels, power, placement).
 */
import { Found, ProviderError, hasCode, plain, splitMarker, withMarker } from "../core";
import { Task, TowerClient } from "./client";
import { WireLabel, syncLabels } from "./labels";
import type { VmDisk, VmInputs, VmNic } from "./vm";

export const GIB = 1024 ** 3;
export const MIB = 1024 ** 2;

export interface WireVm {
  host?: { id: string; name: string } | null;
  id: string;
  name: string;
  status: string;
  vcpu: number;
  memory: number;
  cpu: { cores: number; sockets: number };
  description: string;
  firmware: "BIOS" | "UEFI";
  ha: boolean;
  ips: string;
  local_id: string;
  guest_os_type?: string;
  cluster?: { id: string; name: string };
  entityAsyncStatus?: string | null;
  labels?: WireLabel[] | null;
  hostname?: string | null;
  dns_servers?: string | null;
}
export interface WireDisk {
  id: string;
  vm: { id: string };
  boot: number;
  bus: string;
  type: string;
  key?: number;
  vm_volume?: { id: string; name: string } | null;
  elf_image?: { id: string; name: string } | null;
}
export interface WireVolume {
  id: string;
  name: string;
  size: number;
  elf_storage_policy: string;
  description?: string | null;
}
export interface WireNic {
  id: string;
  vm: { id: string };
  order?: number;
  mac_address?: string;
  ip_address?: string;
  model?: string;
  enabled?: boolean;
  vlan?: { id: string; name: string } | null;
}

export interface VmView {
  vm: WireVm;
  disks: Array<WireDisk & { volume?: WireVolume }>;
  nics: WireNic[];
}

/** A VM with its disks, NICs and volumes: reads coalesced with every other VM's read at the same time. */
export async function view(t: TowerClient, id: string): Promise<VmView | undefined> {
  const [vm, disks, nics] = await Promise.all([
    t.one<WireVm>("/get-vms", id),
    t.children<WireDisk>("/get-vm-disks", "vm", id),
    t.children<WireNic>("/get-vm-nics", "vm", id),
  ]);
  if (!vm) return undefined;
  const volIds = disks.map((d) => d.vm_volume?.id).filter((x): x is string => !!x);
  const volumes = (await Promise.all(volIds.map((v) => t.one<WireVolume>("/get-vm-volumes", v)))).filter((v) => v !== undefined);
  return {
    vm,
    disks: disks.sort((a, b) => (a.key ?? a.boot) - (b.key ?? b.boot)).map((d) => ({ ...d, volume: volumes.find((v) => v.id === d.vm_volume?.id) })),
    nics: nics.sort((a, b) => (a.order ?? 0) - (b.order ?? 0)),
  };
}

export const newDisk = (d: VmDisk, boot: number) => ({
  boot,
  bus: d.bus,
  vm_volume: { name: d.name, size: Math.round(d.sizeGb * GIB), elf_storage_policy: d.storagePolicy },
});
export const nicParams = (n: VmNic) => ({
  connect_vlan_id: n.vlanId,
  model: n.model,
  enabled: n.enabled,
  ...(n.macAddress ? { mac_address: n.macAddress } : {}),
});

/** cloud-init as TemplateCloudInit: a static network's gateway is its default route (`0.0.0.0/0.0.0.0`). */
export function cloudInitBody(ci: CloudInit) {
  return plain({
    hostname: ci.hostname,
    default_user_password: ci.defaultUserPassword,
    public_keys: ci.publicKeys,
    nameservers: ci.nameservers,
    user_data: ci.userData,
    networks: ci.networks?.map((n) =>
      n.dhcp
        ? { nic_index: n.nicIndex, type: "IPV4_DHCP" }
        : plain({
            nic_index: n.nicIndex,
            type: "IPV4",
            ip_address: n.ipAddress,
            netmask: n.netmask,
            routes: [
              ...(n.gateway ? [{ network: "0.0.0.0", netmask: "0.0.0.0", gateway: n.gateway }] : []),
              ...n.routes.map((r) => ({ network: r.network, netmask: r.netmask, gateway: r.gateway })),
            ],
          }),
    ),
  });
}
type CloudInit = NonNullable<NonNullable<VmInputs["template"]>["cloudInit"]>;

/** The create request: its path and body, with the ownership marker at the end of the description. */
export function createBody(i: VmInputs, marker: string): [string, unknown] {
  const description = withMarker(i.description, marker);
  const cpu = { cpu_sockets: i.cpuSockets, cpu_cores: i.cpuCores, vcpu: i.cpuSockets * i.cpuCores };
  // A VM asked SUSPENDED is made running, then suspended (afterCreate).
  const status = i.powerState === "SUSPENDED" ? "RUNNING" : i.powerState;
  // What every way of making a VM from something takes as overrides.
  const common = {
    name: i.name,
    host_id: i.hostId,
    description,
    ...cpu,
    memory: i.memoryMb * MIB,
    ha: i.ha,
    status,
    ...(i.nics.length ? { vm_nics: i.nics.map(nicParams) } : {}),
  };
  const made = i.template ?? i.source?.contentLibraryTemplate;
  if (made) {
    const ci = made.cloudInit;
    return [
      i.template ? "/create-vm-from-template" : "/create-vm-from-content-library-template",
      [
        plain({
          template_id: made.templateId,
          is_full_copy: made.fullCopy,
          // No cluster_id from a VM template (deprecated there): the template's cluster is the VM's, which check verifies.
          ...(i.template ? {} : { cluster_id: i.clusterId }),
          ...common,
          ...(ci ? { cloud_init: cloudInitBody(ci) } : {}),
        }),
      ],
    ];
  }
  if (i.source?.cloneOf) {
    return ["/clone-vm", [plain({ src_vm_id: i.source.cloneOf.vmId, is_full_copy: i.source.cloneOf.fullCopy, cluster_id: i.clusterId, ...common })]];
  }
  // From scratch; from an ISO, its CD-ROM boots first and the disks after it.
  const iso = i.source?.iso;
  const first = iso ? 1 : 0;
  return [
    "/create-vm",
    [
      plain({
        cluster_id: i.clusterId,
        ...common,
        firmware: i.firmware,
        guest_os_type: i.guestOsType,
        vm_nics: i.nics.map(nicParams),
        vm_disks: {
          mount_new_create_disks: i.disks.map((d, n) => newDisk(d, first + n)),
          ...(i.volumes.length ? { mount_disks: i.volumes.map((v, n) => ({ vm_volume_id: v.volumeId, bus: v.bus, boot: first + i.disks.length + n })) } : {}),
          ...(i.cdRoms.length || iso
            ? {
                mount_cd_roms: [
                  ...(iso ? [plain({ boot: 0, elf_image_id: iso.imageId, content_library_image_id: iso.contentLibraryImageId })] : []),
                  ...i.cdRoms.map((c, n) => plain({ boot: first + i.disks.length + i.volumes.length + n, elf_image_id: c.imageId })),
                ],
              }
            : {}),
        },
      }),
    ],
  ];
}

/** Ejects the ISO images from the VM's CD-ROMs (the drives stay), when asked and when any holds one. */
async function ejectIsos(t: TowerClient, v: VmView, i: VmInputs): Promise<void> {
  const loaded = v.disks.filter((d) => d.type === "CD_ROM" && d.elf_image).map((d) => d.id);
  if (!i.ejectIso || !loaded.length) return;
  const o = { id: v.vm.id, lockOf: "/get-vms", timeoutMs: i.timeoutSeconds * 1000, what: `the ISO of VM ${i.name} to be ejected` };
  await t.change("/eject-iso-from-vm-cd-rom", { where: { id_in: loaded } }, o);
}

/** After the create task: a VM asked SUSPENDED is suspended, and the labels are attached. */
export async function afterCreate(t: TowerClient, id: string, i: VmInputs): Promise<void> {
  if (i.ejectIso) await ejectIsos(t, (await view(t, id))!, i);
  if (i.powerState === "SUSPENDED") await power(t, (await view(t, id))!, "SUSPENDED", i);
  await syncLabels(t, "vms", id, [], i.labels, i.timeoutSeconds * 1000, `VM ${i.name}`);
}

const found = (vms: WireVm[]): Found[] => vms.map((v) => ({ id: v.id, marker: splitMarker(v.description).marker }));

/** The VMs of this name (CloudTower refuses a second VM of a name, so at most one). */
export async function findByName(t: TowerClient, name: string): Promise<Found[]> {
  return found(await t.get<WireVm>("/get-vms", { where: { name } }));
}

/** The VMs whose description carries this marker (`earlier`: those made before this run). */
export async function findOwned(t: TowerClient, marker: string | undefined, earlier?: boolean): Promise<Found[]> {
  if (!marker) return found(await t.getAll<WireVm>("/get-vms"));
  return found(earlier ? await t.markedEarlier<WireVm>("/get-vms", marker) : await t.marked<WireVm>("/get-vms", marker));
}

/** Waits for the create task of a VM found after a lost answer or a killed run (if it still runs). */
export async function settleCreate(t: TowerClient, id: string, timeoutMs: number, what: string): Promise<void> {
  const [task] = await t.get<Task>("/get-tasks", { where: { resource_id: id, resource_mutation: "createVm" }, orderBy: "local_created_at_DESC", first: 1 });
  if (task) await t.waitTasks([{ task_id: task.id, data: undefined }], timeoutMs, what);
}

/**
 * The disks of a VM whose volumes it did not make: the volumes `volumes` mounted at creation, those an
 * ownership marker in their description claims (a cloudtower.VmVolume's), and, on a VM that declares its
 * disks (made from scratch or an ISO, not adopted), every volume that is not one of them (attached by
 * someone else). A VM made from a template, a clone or adopted declares none: its other volumes are its own.
 */
export function foreignDisks(v: VmView, i: Pick<VmInputs, "disks" | "volumes" | "template" | "source" | "adopt">): VmView["disks"] {
  const mounted = new Set((i.volumes ?? []).map((x) => x.volumeId));
  const declares = !(i.template || i.source?.cloneOf || i.source?.contentLibraryTemplate || i.adopt);
  const declared = new Set((i.disks ?? []).map((d) => d.name));
  return v.disks.filter(
    (d) =>
      d.volume &&
      (mounted.has(d.volume.id) || splitMarker(d.volume.description ?? undefined).marker !== undefined || (declares && !declared.has(d.volume.name))),
  );
}

/**
 * Deletes a VM. CloudTower deletes a VM's non-shared volumes with it, so the disks whose volumes belong to
 * something else (see foreignDisks) are detached first, their volumes and data kept.
 */
export async function deleteVm(t: TowerClient, id: string, i: VmInputs) {
  const timeoutMs = (i.timeoutSeconds ?? 600) * 1000;
  const o = { id, lockOf: "/get-vms", timeoutMs };
  const v = await view(t, id);
  if (!v) return;
  const foreign = foreignDisks(v, i);
  if (foreign.length) {
    const names = foreign.map((d) => d.volume!.name).join(", ");
    await t.change(
      "/remove-vm-disk",
      { where: { id }, data: { disk_ids: foreign.map((d) => d.id) } },
      { ...o, what: `volumes ${names} to be detached from VM ${i.name}` },
    );
  }
  await t.change("/delete-vm", { where: { id }, effect: { include_snapshots: i.deleteSnapshots ?? false } }, { ...o, what: `VM ${i.name} to be deleted` });
}

/**
 * Brings a VM to a power state: start or resume to run; shut down (powering off when the guest ignores it
 * and `forceStop`) to stop, a suspended VM resumed first; suspend a running VM (a stopped one is started first).
 */
export async function power(t: TowerClient, v: VmView, want: VmInputs["powerState"], i: VmInputs) {
  if (v.vm.status === want) return;
  const id = v.vm.id;
  const o = { id, lockOf: "/get-vms", timeoutMs: i.timeoutSeconds * 1000 };
  // A power change sent again after its answer was lost is refused (the VM is already there: 4.7's
  // preconditions): the VM's status then says whether it is done.
  const change = async (path: string, body: unknown, what: string, reached: string) => {
    try {
      await t.change(path, body, { ...o, what });
    } catch (e) {
      if (!hasCode(e, "validation") || (await t.one<WireVm>("/get-vms", id))?.status !== reached) throw e;
    }
  };
  const start = () => change("/start-vm", i.hostId ? { where: { id }, data: { host_id: i.hostId } } : { where: { id } }, `VM ${i.name} to start`, "RUNNING");
  if (want === "RUNNING") return v.vm.status === "SUSPENDED" ? change("/resume-vm", { where: { id } }, `VM ${i.name} to resume`, "RUNNING") : start();
  if (want === "SUSPENDED") {
    if (v.vm.status !== "RUNNING") await start();
    return change("/suspend-vm", { where: { id } }, `VM ${i.name} to suspend`, "SUSPENDED");
  }
  // A suspended VM's guest is resumed first, to be shut down like a running one (powered off only as forceStop's fallback).
  if (v.vm.status === "SUSPENDED") await change("/resume-vm", { where: { id } }, `VM ${i.name} to resume`, "RUNNING");
  try {
    await change("/shutdown-vm", { where: { id } }, `VM ${i.name} to shut down`, "STOPPED");
  } catch (e) {
    if (!i.forceStop || !hasCode(e, "task_failed", "wait_timeout")) throw e;
    console.warn(`cloudtower.Vm: VM ${i.name} did not shut down gracefully (${(e as Error).message}); powering it off`);
    await change("/poweroff-vm", { where: { id } }, `VM ${i.name} to power off`, "STOPPED");
  }
}

/**
 * Whether the inputs manage the VM's NICs: always, but for a VM made from a template, a content-library
 * template or a clone without `nics`, which keeps the NICs it was made with (and leaves them alone).
 */
export function nicsManaged(i: Pick<VmInputs, "nics" | "template" | "source">): boolean {
  return (i.nics?.length ?? 0) > 0 || !(i.template || i.source?.cloneOf || i.source?.contentLibraryTemplate);
}

export function cpuOrMemoryChanges(olds: VmInputs, news: VmInputs): Array<"cpuSockets" | "cpuCores" | "memoryMb"> {
  return (["cpuSockets", "cpuCores", "memoryMb"] as const).filter((k) => olds[k] !== news[k]);
}

export async function converge(t: TowerClient, id: string, olds: VmInputs, news: VmInputs): Promise<void> {
  const o = { id, lockOf: "/get-vms", timeoutMs: news.timeoutSeconds * 1000 };
  let v = (await view(t, id))!;
  const basic: Record<string, unknown> = {};
  if (news.name !== v.vm.name) basic.name = news.name;
  const description = splitMarker(v.vm.description);
  if (news.description !== description.text) basic.description = withMarker(news.description, description.marker ?? news.marker);
  if (news.ha !== v.vm.ha) basic.ha = news.ha;
  const sizing: Record<string, unknown> = {};
  if (news.cpuSockets !== v.vm.cpu.sockets || news.cpuCores !== v.vm.cpu.cores) {
    Object.assign(sizing, { cpu_sockets: news.cpuSockets, cpu_cores: news.cpuCores, vcpu: news.cpuSockets * news.cpuCores });
  }
  if (news.memoryMb * MIB !== v.vm.memory) sizing.memory = news.memoryMb * MIB;
  if (Object.keys(basic).length) await t.change("/update-vm-basic-info", { where: { id }, data: basic }, { ...o, what: `VM ${news.name} to be updated` });
  if (Object.keys(sizing).length) {
    if (v.vm.status !== "STOPPED") {
      if (!news.restartOnChange && !news.allowRestart) throw restartNeeded(news.name, cpuOrMemoryChanges(olds, news), v.vm.status);
      await power(t, v, "STOPPED", news);
      v = (await view(t, id))!;
    }
    await t.change("/update-vm-basic-info", { where: { id }, data: sizing }, { ...o, what: `VM ${news.name} to be resized` });
  }

  // Disks, matched by volume name: removed, added, grown (never shrunk: check refuses it).
  const byName = new Map(v.disks.filter((d) => d.volume).map((d) => [d.volume!.name, d]));
  const wanted = new Set(news.disks.map((d) => d.name));
  const removed = olds.disks
    .filter((d) => !wanted.has(d.name))
    .map((d) => byName.get(d.name)?.id)
    .filter((x): x is string => !!x);
  if (removed.length)
    await t.change("/remove-vm-disk", { where: { id }, data: { disk_ids: removed } }, { ...o, what: `disks of VM ${news.name} to be removed` });
  const added = news.disks.filter((d) => !byName.has(d.name));
  if (added.length) {
    const boot = v.disks.length;
    await t.change(
      "/add-vm-disk",
      { where: { id }, data: { vm_disks: { mount_new_create_disks: added.map((d, n) => newDisk(d, boot + n)) } } },
      { ...o, what: `disks of VM ${news.name} to be added` },
    );
  }
  for (const d of news.disks) {
    const have = byName.get(d.name);
    if (have?.volume && Math.round(d.sizeGb * GIB) > have.volume.size) {
      const current = (await view(t, id))!.disks.find((x) => x.volume?.name === d.name)!;
      await t.change(
        "/expand-vm-disk",
        { where: { id: current.id }, size: Math.round(d.sizeGb * GIB) },
        { ...o, what: `disk ${d.name} of VM ${news.name} to grow` },
      );
    }
  }

  // NICs one by one: reconnect or edit by index, add the new ones, remove the extra ones.
  v = (await view(t, id))!;
  if (!nicsManaged(news)) v.nics = [];
  for (let i = 0; i < Math.min(v.nics.length, news.nics.length); i++) {
    const have = v.nics[i];
    const want = news.nics[i];
    const data: Record<string, unknown> = {};
    if ((have.vlan?.id ?? "") !== want.vlanId) data.connect_vlan_id = want.vlanId;
    if ((have.model ?? "VIRTIO") !== want.model) data.model = want.model;
    if ((have.enabled ?? true) !== want.enabled) data.enabled = want.enabled;
    if (want.macAddress && have.mac_address !== want.macAddress) data.mac_address = want.macAddress;
    if (Object.keys(data).length)
      await t.change("/update-vm-nic", { where: { id }, data: { nic_index: i, ...data } }, { ...o, what: `NIC ${i} of VM ${news.name} to be updated` });
  }
  if (news.nics.length > v.nics.length) {
    await t.change(
      "/add-vm-nic",
      { where: { id }, data: { vm_nics: news.nics.slice(v.nics.length).map(nicParams) } },
      { ...o, what: `NICs of VM ${news.name} to be added` },
    );
  }
  if (v.nics.length > news.nics.length) {
    // By `where` on the NICs' MACs, which outlive the edits above (NIC ids do not; removal by index is deprecated).
    const extra = v.nics.slice(news.nics.length).map((n) => n.mac_address ?? "");
    if (extra.some((m) => !m))
      throw new ProviderError("server", `CloudTower shows a NIC of VM ${news.name} without a MAC address; cannot name it to remove it`);
    const where = { vm: { id }, mac_address_in: extra };
    await t.change("/remove-vm-nic-by-where", { where, effect: { vm_ids: [id] } }, { ...o, what: `NICs of VM ${news.name} to be removed` });
  }

  await ejectIsos(t, (await view(t, id))!, news);
  const now = (await view(t, id))!;
  await syncLabels(t, "vms", id, now.vm.labels, news.labels, news.timeoutSeconds * 1000, `VM ${news.name}`);
  await power(t, now, news.powerState, news);
  // Placement: a running VM on another host than asked is live-migrated.
  if (news.hostId && news.powerState === "RUNNING" && (await t.one<WireVm>("/get-vms", id))?.host?.id !== news.hostId) {
    await t.change("/migrate-vm", { where: { id }, data: { host_id: news.hostId } }, { ...o, what: `VM ${news.name} to migrate` });
  }
}

export function restartNeeded(name: string, fields: string[], status: string): ProviderError {
  const state = status === "SUSPENDED" ? "suspended" : "running";
  return new ProviderError(
    "validation",
    `${fields.join(", ")}: changing the CPU or memory of VM ${name} needs it powered off, and it is ${state}; set restartOnChange: true to let the provider power it off and bring it back`,
    { property: fields[0] },
  );
}
