/**
 * cloudtower.Vm beyond scratch and templates: a clone of a VM, a content-library template, an ISO that
 * boots first; cloud-init networking; the SUSPENDED power state and `restartOnChange`; labels in place.
 */
import { describe, expect, it } from "vitest";
import * as cloudtower from "../../../provider/cloudtower";
import { asEngine, failedPaths } from "../../helpers/engine";
import { CLUSTER_A, CLUSTER_B, DEFAULT_VLAN_A, LEGACY_VM, TEMPLATE, towerConfig, useTower } from "../../helpers/cloudtower";

const ctx = useTower();
const vm = asEngine(cloudtower.Vm.provider);
const LIBRARY_TEMPLATE = "cl0c1vmtemp1ate00000deb12";
const LIBRARY_ISO = "cl0c1image000000000ubuntu";
const ISO_A = "cl0e1fimage0000000000ubu1";
const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB0c0mMlvlmo2HhWqBKx0Y0M6y5x8PbS8mH7mXo0Dq2k ops@example";
const scratch = (extra: Record<string, unknown> = {}) => ({ name: "web-1", clusterId: CLUSTER_A, ...extra });
type Req = { path: string; body: string };
const sent = async (path: string) => (await ctx.sim.requests()).filter((r: Req) => r.path === `/v2/api${path}`).map((r: Req) => JSON.parse(r.body));
const mutations = async () => (await ctx.sim.requests()).map((r: Req) => r.path).filter((p: string) => !/\/(get-[a-z-]+|login)$/.test(p));
const disksOf = async (vmId: string) =>
  (await ctx.sim.inventory<{ vm: { id: string }; type: string; boot: number; elf_image?: { id: string } | null }>("vmDisks"))
    .filter((d) => d.vm.id === vmId)
    .sort((a, b) => a.boot - b.boot);

describe("cloudtower.Vm sources", () => {
  it("clones an existing VM with /clone-vm: its disks and NICs, on its cluster, with the sizes asked", async () => {
    const legacy = (await ctx.sim.inventory<{ id: string; vm_disks: unknown[]; cluster: { id: string } }>("vms")).find((v) => v.id === LEGACY_VM)!;
    const { id, outs } = await vm.create(await vm.checked({ name: "clone-1", source: { cloneOf: { vmId: LEGACY_VM } }, memoryMb: 2048 }));
    expect((await sent("/clone-vm"))[0]).toMatchObject([{ src_vm_id: LEGACY_VM, is_full_copy: false, name: "clone-1", memory: 2048 * 1024 ** 2 }]);
    expect(outs).toMatchObject({ name: "clone-1", clusterId: legacy.cluster.id, memoryMb: 2048, status: "RUNNING" });
    expect((await disksOf(id)).filter((d) => d.type === "DISK")).toHaveLength(legacy.vm_disks.length);
    expect((await vm.read(id, outs)).props).toEqual(outs);
    expect((await vm.diff(id, outs, await vm.checked({ name: "clone-1", source: { cloneOf: { vmId: LEGACY_VM } }, memoryMb: 2048 }))).changes).toBe(false);
  });

  it("a clone whose source VM was deleted since previews without failure; a changed or new source is still checked", async () => {
    const golden = await vm.create(await vm.checked({ name: "golden", clusterId: CLUSTER_A, powerState: "STOPPED" }));
    const args = { name: "clone-2", source: { cloneOf: { vmId: golden.id } } };
    const olds = await vm.checked(args);
    const clone = await vm.create(olds);
    await vm.delete(golden.id, golden.outs);
    await vm.configure(towerConfig(ctx.sim.url)); // a later run: nothing seen is remembered
    expect((await vm.check(olds, args)).failures).toBeUndefined();
    expect(await vm.diff(clone.id, clone.outs, (await vm.check(olds, args)).inputs)).toMatchObject({ changes: false, replaces: [] });
    expect(failedPaths((await vm.check({}, args)).failures)).toEqual(["source.cloneOf.vmId"]);
    const other = { ...args, source: { cloneOf: { vmId: golden.id, fullCopy: true } } };
    expect(failedPaths((await vm.check(olds, other)).failures)).toEqual(["source.cloneOf.vmId"]);
  });

  it("creates from a content-library template on the cluster asked, with static IPv4, DNS, SSH keys and user data by cloud-init", async () => {
    const cloudInit = {
      hostname: "lib-1",
      publicKeys: [KEY],
      nameservers: ["10.0.0.2", "10.0.0.3"],
      userData: "#cloud-config\npackages: [nginx]\n",
      networks: [
        {
          nicIndex: 0,
          ipAddress: "10.0.0.21",
          netmask: "255.255.255.0",
          gateway: "10.0.0.1",
          routes: [{ network: "10.9.0.0", netmask: "255.255.0.0", gateway: "10.0.0.254" }],
        },
      ],
    };
    const { id, outs } = await vm.create(
      await vm.checked({ name: "lib-1", clusterId: CLUSTER_B, source: { contentLibraryTemplate: { templateId: LIBRARY_TEMPLATE, cloudInit } } }),
    );
    const [body] = (await sent("/create-vm-from-content-library-template"))[0];
    expect(body).toMatchObject({ template_id: LIBRARY_TEMPLATE, cluster_id: CLUSTER_B, is_full_copy: false });
    expect(body.cloud_init).toEqual({
      hostname: "lib-1",
      public_keys: [KEY],
      nameservers: ["10.0.0.2", "10.0.0.3"],
      user_data: "#cloud-config\npackages: [nginx]\n",
      networks: [
        {
          nic_index: 0,
          type: "IPV4",
          ip_address: "10.0.0.21",
          netmask: "255.255.255.0",
          routes: [
            { network: "0.0.0.0", netmask: "0.0.0.0", gateway: "10.0.0.1" },
            { network: "10.9.0.0", netmask: "255.255.0.0", gateway: "10.0.0.254" },
          ],
        },
      ],
    });
    // The template's own NIC is kept (no `nics` given), with the static address on it.
    expect(outs).toMatchObject({ clusterName: "cluster-b", hostname: "lib-1", dnsServers: ["10.0.0.2", "10.0.0.3"], ips: "10.0.0.21" });
    expect(outs.nicDetails).toMatchObject([{ index: 0, ipAddress: "10.0.0.21" }]);
    expect((await vm.read(id, outs)).props).toEqual(outs);
  });

  it("keeps the template's own network config when cloud-init names no networks, and asks DHCP when told", async () => {
    await vm.create(await vm.checked({ name: "tpl-2", template: { templateId: TEMPLATE, cloudInit: { hostname: "tpl-2" } } }));
    await vm.create(await vm.checked({ name: "tpl-3", template: { templateId: TEMPLATE, cloudInit: { networks: [{ nicIndex: 0, dhcp: true }] } } }));
    const bodies = (await sent("/create-vm-from-template")).map((b) => b[0]);
    expect(bodies[0].cloud_init).toEqual({ hostname: "tpl-2" });
    expect(bodies[0].vm_nics).toBeUndefined();
    expect(bodies[1].cloud_init).toEqual({ networks: [{ nic_index: 0, type: "IPV4_DHCP" }] });
  });

  it.each([
    ["a content-library ISO", { contentLibraryImageId: LIBRARY_ISO }],
    ["an ISO image of the cluster", { imageId: ISO_A }],
  ])("creates from %s: a CD-ROM with it boots first, the disks after", async (_what, iso) => {
    const { id, outs } = await vm.create(await vm.checked(scratch({ name: "iso-1", source: { iso }, disks: [{ sizeGb: 20 }] })));
    const disks = await disksOf(id);
    expect(disks.map((d) => [d.type, d.boot])).toEqual([
      ["CD_ROM", 0],
      ["DISK", 1],
    ]);
    expect(disks[0].elf_image?.id).toBe(ISO_A);
    expect(outs.diskDetails.map((d: { type: string }) => d.type).sort()).toEqual(["CD_ROM", "DISK"]);
  });

  it("replaces when the source changes", async () => {
    const { id, outs } = await vm.create(await vm.checked({ name: "clone-2", source: { cloneOf: { vmId: LEGACY_VM } } }));
    const d = await vm.diff(id, outs, await vm.checked({ name: "clone-2", source: { cloneOf: { vmId: LEGACY_VM, fullCopy: true } } }));
    expect(d.replaces).toEqual(["source"]);
  });

  it.each([
    [{ name: "x", clusterId: CLUSTER_A, source: { cloneOf: { vmId: LEGACY_VM }, iso: { imageId: ISO_A } } }, "source"],
    [{ name: "x", clusterId: CLUSTER_A, source: {} }, "source"],
    [{ name: "x", template: { templateId: TEMPLATE }, source: { cloneOf: { vmId: LEGACY_VM } } }, "source"],
    [{ name: "x", source: { contentLibraryTemplate: { templateId: LIBRARY_TEMPLATE } } }, "clusterId"],
    [{ name: "x", source: { iso: { imageId: ISO_A } } }, "clusterId"],
    [{ name: "x", clusterId: CLUSTER_A, source: { iso: {} } }, "source.iso"],
    [{ name: "x", source: { cloneOf: { vmId: "cl0nope" } } }, "source.cloneOf.vmId"],
    [{ name: "x", clusterId: CLUSTER_A, source: { contentLibraryTemplate: { templateId: "cl0nope" } } }, "source.contentLibraryTemplate.templateId"],
    [{ name: "x", clusterId: CLUSTER_A, source: { iso: { contentLibraryImageId: "cl0nope" } } }, "source.iso.contentLibraryImageId"],
    [{ name: "x", source: { cloneOf: { vmId: LEGACY_VM } }, disks: [{ sizeGb: 1 }] }, "disks"],
    [
      { name: "x", template: { templateId: TEMPLATE, cloudInit: { networks: [{ nicIndex: 0, ipAddress: "10.0.0.5" }] } } },
      "template.cloudInit.networks[0].netmask",
    ],
    [
      { name: "x", template: { templateId: TEMPLATE, cloudInit: { networks: [{ nicIndex: 0, dhcp: true, ipAddress: "10.0.0.5" }] } } },
      "template.cloudInit.networks[0].ipAddress",
    ],
    [
      { name: "x", template: { templateId: TEMPLATE, cloudInit: { networks: [{ nicIndex: 0, ipAddress: "10.0.0.300", netmask: "255.255.255.0" }] } } },
      "template.cloudInit.networks[0].ipAddress",
    ],
    [{ name: "x", template: { templateId: TEMPLATE, cloudInit: { nameservers: ["dns.example"] } } }, "template.cloudInit.nameservers[0]"],
    [{ name: "x", template: { templateId: TEMPLATE, cloudInit: { publicKeys: ["not a key"] } } }, "template.cloudInit.publicKeys[0]"],
    [
      { name: "x", template: { templateId: TEMPLATE, cloudInit: { networks: [{ nicIndex: 1, dhcp: true }] } }, nics: [{ vlanId: DEFAULT_VLAN_A }] },
      "template.cloudInit.networks[0].nicIndex",
    ],
    [{ name: "x", clusterId: CLUSTER_A, labels: { "": "x" } }, "labels"],
  ])("check of %j fails on %s before anything changes", async (news, property) => {
    await ctx.sim.control("DELETE", "/_sim/requests");
    const r = await vm.check({}, news);
    expect(failedPaths(r.failures)).toEqual([property]);
    expect(await mutations()).toEqual([]);
  });
});

describe("cloudtower.Vm power states and restartOnChange", () => {
  it("creates a VM suspended, resumes, suspends and stops it in place", async () => {
    const { id, outs } = await vm.create(await vm.checked(scratch({ powerState: "SUSPENDED" })));
    expect(outs).toMatchObject({ status: "SUSPENDED", powerState: "SUSPENDED" });
    let prior = outs;
    for (const [want, path] of [
      ["RUNNING", "/resume-vm"],
      ["SUSPENDED", "/suspend-vm"],
      ["STOPPED", "/shutdown-vm"],
      ["SUSPENDED", "/suspend-vm"],
    ] as const) {
      await ctx.sim.control("DELETE", "/_sim/requests");
      const news = await vm.checked(scratch({ powerState: want }));
      expect(await vm.diff(id, prior, news)).toMatchObject({ changes: true, replaces: [] });
      prior = (await vm.update(id, prior, news)).outs;
      expect(prior.status).toBe(want);
      expect(await mutations()).toContain(`/v2/api${path}`);
    }
  });

  it("refuses to resize a suspended VM at preview without restartOnChange, and with it resumes, shuts down, resizes and suspends again", async () => {
    const { id, outs } = await vm.create(await vm.checked(scratch({ powerState: "SUSPENDED" })));
    await expect(vm.diff(id, outs, await vm.checked(scratch({ powerState: "SUSPENDED", cpuCores: 2 })))).rejects.toThrow(
      /cpuCores: .*needs it powered off, and it is suspended; set restartOnChange: true/,
    );
    await ctx.sim.control("DELETE", "/_sim/requests");
    const u = await vm.update(id, outs, await vm.checked(scratch({ powerState: "SUSPENDED", cpuCores: 2, restartOnChange: true })));
    expect(u.outs).toMatchObject({ vcpu: 2, status: "SUSPENDED" });
    expect(await mutations()).toEqual(["/v2/api/resume-vm", "/v2/api/shutdown-vm", "/v2/api/update-vm-basic-info", "/v2/api/start-vm", "/v2/api/suspend-vm"]);
  });

  it("stops a suspended VM by resuming it and shutting it down gracefully, never powering it off with forceStop: false", async () => {
    const args = scratch({ powerState: "SUSPENDED", forceStop: false });
    const { id, outs } = await vm.create(await vm.checked(args));
    await ctx.sim.control("DELETE", "/_sim/requests");
    const u = await vm.update(id, outs, await vm.checked({ ...args, powerState: "STOPPED" }));
    expect(u.outs.status).toBe("STOPPED");
    expect(await mutations()).toEqual(["/v2/api/resume-vm", "/v2/api/shutdown-vm"]);
  });
});

describe("cloudtower.Vm labels", () => {
  it("attaches labels at creation, changes them in place (value, added, removed) and keeps shared labels", async () => {
    const { id, outs } = await vm.create(await vm.checked(scratch({ labels: { env: "prod", team: "web" } })));
    expect(outs.labels).toEqual({ env: "prod", team: "web" });
    const second = await vm.create(await vm.checked(scratch({ name: "web-2", labels: { env: "prod" } })));
    expect(second.outs.labels).toEqual({ env: "prod" });
    const news = await vm.checked(scratch({ labels: { env: "staging", tier: "1" } }));
    expect(await vm.diff(id, outs, news)).toMatchObject({ changes: true, replaces: [] });
    await ctx.sim.control("DELETE", "/_sim/requests");
    const u = await vm.update(id, outs, news);
    expect(u.outs.labels).toEqual({ env: "staging", tier: "1" });
    expect(await mutations()).not.toContain("/v2/api/delete-label");
    const labels = await ctx.sim.inventory<{ key: string; value: string; vms?: Array<{ id: string }> }>("labels");
    expect(labels.find((l) => l.key === "env" && l.value === "prod")?.vms?.map((v) => v.id)).toEqual([second.id]);
    expect((await vm.read(id, u.outs)).props!.labels).toEqual({ env: "staging", tier: "1" });
  });

  it("shows a label added out of band at refresh, and takes it off at the next update", async () => {
    const { id, outs } = await vm.create(await vm.checked(scratch({ labels: { env: "prod" } })));
    const [label] = await ctx.done("/create-label", [{ key: "owner", value: "someone" }]);
    await ctx.done("/add-labels-to-resources", { where: { id: label.data.id }, data: { vms: { id } } });
    const props = (await vm.read(id, outs)).props!;
    expect(props.labels).toEqual({ env: "prod", owner: "someone" });
    const news = await vm.checked(scratch({ labels: { env: "prod" } }));
    expect((await vm.diff(id, props, news)).changes).toBe(true);
    expect((await vm.update(id, props, news)).outs.labels).toEqual({ env: "prod" });
  });
});

describe("cloudtower.Vm clone of a busy VM", () => {
  it("waits out a task that holds the source VM, then clones it", async () => {
    await ctx.sim.control("POST", "/_sim/cloudtower/lock", { collection: "vms", id: LEGACY_VM, ms: 400 });
    const { outs } = await vm.create(await vm.checked({ name: "clone-busy", source: { cloneOf: { vmId: LEGACY_VM } } }));
    expect(outs.status).toBe("RUNNING");
    const locked = (await ctx.sim.requests())
      .filter((r: { path: string; status: number }) => r.path === "/v2/api/clone-vm")
      .map((r: { status: number }) => r.status);
    expect(locked[0]).toBe(400);
    expect(locked.at(-1)).toBe(200);
  });
});

describe("cloudtower.Vm ISO eject", () => {
  it("ejects the ISO of a VM made from one in place once asked: same VM, the CD-ROM kept and empty", async () => {
    const inputs = await vm.checked(scratch({ name: "iso-2", source: { iso: { imageId: ISO_A } }, disks: [{ sizeGb: 20 }] }));
    const { id, outs } = await vm.create(inputs);
    const news = await vm.checked(scratch({ name: "iso-2", source: { iso: { imageId: ISO_A } }, disks: [{ sizeGb: 20 }], ejectIso: true }));
    expect(await vm.diff(id, outs, news)).toMatchObject({ changes: true, replaces: [] });
    await ctx.sim.control("DELETE", "/_sim/requests");
    await vm.update(id, outs, news);
    expect(await mutations()).toEqual(["/v2/api/eject-iso-from-vm-cd-rom"]);
    const drives = (await disksOf(id)).filter((d) => d.type === "CD_ROM");
    expect(drives).toHaveLength(1);
    expect(drives[0].elf_image ?? null).toBeNull();
  });
});
