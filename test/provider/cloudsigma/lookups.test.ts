/**
 * CloudSigma look-ups against the simulator through its HTTP routes: each by its filters, names that
 * repeat (several found, then narrowed), the newest version of a library image, a free address, none
 * found, bad filters, the profile, balance and prices that need no filter, one list request per kind
 * however many look-ups ask, Outputs in and out, and named endpoints.
 */
import * as pulumi from "@pulumi/pulumi";
import { beforeEach, describe, expect, it } from "vitest";
import { cloudsigma } from "../../../provider";
import { DEMO_ACCOUNT } from "../../../simulator/cloudsigma";
import { LIBRARY_DEBIAN, sigmaConfig, useSigma } from "../../helpers/cloudsigma";
import { asEngine } from "../../helpers/engine";

const ctx = useSigma();
const sent = () => ctx.sim.sent();
const valueOf = <T>(o: pulumi.Output<T>) => new Promise<T>((resolve) => o.apply(resolve));
const isSecret = (o: unknown) => (o as { isSecret: Promise<boolean> }).isSecret;

const GIB = 1024 ** 3;
const OWNER = DEMO_ACCOUNT.uuid;
const DEBIAN_12_9 = "a1b2c3d4-0000-4000-8000-0000de120009";
const DEBIAN_12_10 = "a1b2c3d4-0000-4000-8000-0000de120010";
const WINDOWS_CD = ["0e1f2a3b-0000-4000-8000-000000002008", "0e1f2a3b-0000-4000-8000-000000012008"];
const [DATA_SSD, DATA_HDD, ROOT] = ["5d1e0000-0000-4000-8000-0000000000a1", "5d1e0000-0000-4000-8000-0000000000a2", "5d1e0000-0000-4000-8000-0000000000a3"];
const [PRIVATE_1, PRIVATE_2, DMZ] = ["7a1a0000-0000-4000-8000-000000000001", "7a1a0000-0000-4000-8000-000000000002", "7a1a0000-0000-4000-8000-000000000003"];
const [WEB, CONSOLE] = ["5e7e0000-0000-4000-8000-000000000001", "5e7e0000-0000-4000-8000-000000000002"];
const [CPU_OLD, CPU, IP_SUB, MEM] = [
  "5b5c0000-0000-4000-8000-000000000001",
  "5b5c0000-0000-4000-8000-000000000002",
  "5b5c0000-0000-4000-8000-000000000003",
  "5b5c0000-0000-4000-8000-000000000004",
];

const drive = (id: string, name: string, extra: Record<string, string> = {}) => ({
  drive: id,
  name,
  size: String(10 * GIB),
  status: "active",
  user: OWNER,
  type: "disk",
  "claim:type": "exclusive",
  "encryption:cipher": "aes-xts-plain",
  ...extra,
});
const ip = (address: string) => ({
  resource: address,
  netmask: "255.255.255.0",
  nameserver: "185.12.5.1 185.12.5.2",
  user: OWNER,
  type: "ip",
  gateway: "185.12.5.1",
});
const item = (id: string, type: string, start: string, end: string, extra: Record<string, string> = {}) => ({
  subscription: id,
  type,
  type_str: type.toUpperCase(),
  unit: "core MHz",
  quantity: "2000",
  start_time: start,
  end_time: end,
  months: "1",
  ...extra,
});

/** The account's objects: drives and VLANs whose names repeat, addresses free and in use, subscriptions past, present and to come. */
beforeEach(async () => {
  await ctx.sim.control("POST", "/_sim/seed", {
    drives: [drive(DATA_SSD, "data", { tags: "affinity:ssd backup" }), drive(DATA_HDD, "data", { size: String(100 * GIB) }), drive(ROOT, "web-root")],
    vlans: [PRIVATE_1, PRIVATE_2, DMZ].map((id, i) => ({ resource: id, type: "vlan", user: OWNER, name: i < 2 ? "private" : "dmz" })),
    // Seeded out of order: .10 comes before .9 as text, after it as an address.
    ips: ["185.12.5.10", "185.12.5.9", "185.12.5.30", "185.12.5.2"].map(ip),
    servers: [
      { server: WEB, name: "web-1", status: "stopped", user: OWNER, cpu: "2000", mem: "2048", "nic:0:dhcp": "185.12.5.30" },
      { server: CONSOLE, name: "console", status: "stopped", user: OWNER, cpu: "1000", mem: "1024", "nic:0:dhcp": "auto", "vnc:ip": "185.12.5.2" },
    ],
    subscriptions: [
      item(CPU_OLD, "cpu", "2010-03-08 21:15:18", "2010-04-08 21:15:18"),
      item(CPU, "cpu", "2020-01-01 00:00", "2099-01-01 00:00"),
      item(IP_SUB, "ip", "2020-01-01 00:00", "2099-01-01 00:00", { unit: "IPs", quantity: "1", resource: "185.12.5.30" }),
      item(MEM, "mem", "2098-01-01 00:00", "2099-01-01 00:00", { unit: "MB" }),
    ],
  });
  await sent();
});

describe("cloudsigma look-ups", () => {
  it.each([
    ["getLibraryDrive", { name: "Debian 12 Server 64bit Preinstalled System" }, LIBRARY_DEBIAN],
    ["getLibraryDrive", { distribution: "debian", version: "11" }, "a1b2c3d4-0000-4000-8000-00000000de11"],
    ["getLibraryDrive", { distribution: "Ubuntu", media: "cdrom" }, "0e1f2a3b-0000-4000-8000-0000000000cd"],
    ["getLibraryDrive", { distribution: "Windows", imageType: "preinstalled", os: "windows", bits: 64 }, "a1b2c3d4-0000-4000-8000-000000002008"],
    ["getDrive", { name: "web-root" }, ROOT],
    ["getDrive", { tags: ["backup"] }, DATA_SSD],
    ["getVlan", { name: "dmz" }, DMZ],
    ["getVlan", { uuid: PRIVATE_2 }, PRIVATE_2],
    ["getSubscription", { resource: "185.12.5.30" }, IP_SUB],
    ["getSubscription", { type: "mem" }, MEM],
  ] as const)("%s(%j) finds the one object with those filters", async (fn, args, id) => {
    const r = await (cloudsigma[fn] as (a: unknown) => Promise<{ id: string }>)(args);
    expect(r.id).toBe(id);
  });

  it("returns typed results read from the vendor: a library drive with what its name carries, a drive, an address with its server", async () => {
    expect(await cloudsigma.getLibraryDrive({ uuid: LIBRARY_DEBIAN })).toEqual({
      id: LIBRARY_DEBIAN,
      name: "Debian 12 Server 64bit Preinstalled System",
      distribution: "Debian",
      version: "12",
      media: "disk",
      imageTypes: ["preinstalled"],
      os: "linux",
      bits: 64,
      sizeGb: 10,
      licences: [],
      description: "",
    });
    expect((await cloudsigma.getLibraryDrive({ name: "Windows Server Standard 2008 R2 64bit English" })).licences).toEqual(["msft_p73_04837"]);
    expect(await cloudsigma.getDrive({ name: "data", tags: ["affinity:ssd"] })).toEqual({
      id: DATA_SSD,
      name: "data",
      sizeGb: 10,
      status: "active",
      media: "disk",
      tags: ["affinity:ssd", "backup"],
      claimType: "exclusive",
      readers: [],
      encryptionCipher: "aes-xts-plain",
      claimedBy: [],
      owner: OWNER,
    });
    expect(await cloudsigma.getIp({ address: "185.12.5.30" })).toEqual({
      address: "185.12.5.30",
      netmask: "255.255.255.0",
      gateway: "185.12.5.1",
      nameservers: ["185.12.5.1", "185.12.5.2"],
      owner: OWNER,
      free: false,
      serverId: WEB,
      serverName: "web-1",
    });
    expect(await cloudsigma.getSubscription({ type: "cpu", status: "active" })).toEqual({
      id: CPU,
      type: "cpu",
      label: "CPU",
      unit: "core MHz",
      quantity: 2000,
      startTime: "2020-01-01 00:00",
      endTime: "2099-01-01 00:00",
      months: 1,
      resource: "",
      status: "active",
    });
  });

  it("takes the newest version of one library image, comparing versions as numbers (12.10 after 12.9)", async () => {
    expect((await cloudsigma.getLibraryDrive({ distribution: "Debian", version: "12", media: "disk" })).id).toBe(DEBIAN_12_10);
    expect((await cloudsigma.getLibraryDrive({ distribution: "Debian", media: "disk" })).version).toBe("12.10");
    expect((await cloudsigma.getLibraryDrive({ distribution: "Debian", version: "12.9" })).id).toBe(DEBIAN_12_9);
  });

  it("reports several library drives when they are different images, or the same image at the same version, and narrows them", async () => {
    await expect(cloudsigma.getLibraryDrive({ distribution: "Debian", version: "12" })).rejects.toThrow(
      `cloudsigma.getLibraryDrive: 4 library drives have distribution "Debian", version "12" at the cloudsigma endpoint: ` +
        `Debian 12 Server 64bit Preinstalled System (id ${LIBRARY_DEBIAN}, disk preinstalled); Debian 12.9 Server 64bit Preinstalled System (id ${DEBIAN_12_9}, disk preinstalled); ` +
        `Debian 12.10 Server 64bit Preinstalled System (id ${DEBIAN_12_10}, disk preinstalled); Debian 12 Linux 64bit Install CD (id 0e1f2a3b-0000-4000-8000-00000000de12, cdrom installcd); ` +
        "narrow it with name, version, media, imageType, os, bits or uuid",
    );
    const tie = cloudsigma.getLibraryDrive({ name: "Windows Server 2008 Trial Install CD" });
    await expect(tie).rejects.toThrow(
      new RegExp(
        `2 library drives have name "Windows Server 2008 Trial Install CD" .*: .*id ${WINDOWS_CD[0]}.*; .*id ${WINDOWS_CD[1]}.*; narrow it with .* or uuid`,
      ),
    );
    expect((await cloudsigma.getLibraryDrive({ name: "Windows Server 2008 Trial Install CD", uuid: WINDOWS_CD[1] })).id).toBe(WINDOWS_CD[1]);
  });

  it("lists every match when a name repeats among the account's drives, VLANs, subscriptions or used addresses, says which filter narrows it, and narrows with it", async () => {
    await expect(cloudsigma.getDrive({ name: "data" })).rejects.toThrow(
      `cloudsigma.getDrive: 2 drives have name "data" at the cloudsigma endpoint: data (id ${DATA_SSD}, 10 GiB, active, tags affinity:ssd backup); ` +
        `data (id ${DATA_HDD}, 100 GiB, active); narrow it with tags, status, media or uuid`,
    );
    await expect(cloudsigma.getVlan({ name: "private" })).rejects.toThrow(
      `2 VLANs have name "private" at the cloudsigma endpoint: private (id ${PRIVATE_1}); private (id ${PRIVATE_2}); narrow it with uuid`,
    );
    await expect(cloudsigma.getSubscription({ type: "cpu" })).rejects.toThrow(
      /2 subscriptions have type "cpu" .*cpu 2000 core MHz \(id 5b5c.*0001, ended until 2010-04-08 21:15:18\); .*active until 2099.*narrow it with id, resource or status/,
    );
    await expect(cloudsigma.getIp({ free: false })).rejects.toThrow(
      `2 static IPs have free false at the cloudsigma endpoint: 185.12.5.2 (used by console ${CONSOLE}); 185.12.5.30 (used by web-1 ${WEB}); narrow it with address`,
    );
    expect((await cloudsigma.getDrive({ name: "data", status: "active", uuid: DATA_HDD })).sizeGb).toBe(100);
    expect((await cloudsigma.getVlan({ name: "private", uuid: PRIVATE_1 })).id).toBe(PRIVATE_1);
    expect((await cloudsigma.getSubscription({ type: "cpu", status: "ended" })).id).toBe(CPU_OLD);
  });

  it("takes the first free address in address order (185.12.5.9 before 185.12.5.10), and says what there is when none is free", async () => {
    expect(await cloudsigma.getIp({ free: true })).toMatchObject({ address: "185.12.5.9", free: true, serverId: "", serverName: "" });
    await asEngine(cloudsigma.Drive.provider).configure(sigmaConfig(ctx.sim.url));
    await ctx.sim.control("POST", "/_sim/seed", {
      servers: [
        { server: WEB, name: "web-1", status: "stopped", user: OWNER, "nic:0:dhcp": "185.12.5.9", "vnc:ip": "185.12.5.10" },
        { server: CONSOLE, name: "console", status: "stopped", user: OWNER, "nic:0:dhcp": "185.12.5.30", "vnc:ip": "185.12.5.2" },
      ],
    });
    await expect(cloudsigma.getIp({ free: true })).rejects.toThrow(
      `cloudsigma.getIp: no static IP has free true at the cloudsigma endpoint; the 4 there: 185.12.5.2 (used by console ${CONSOLE}); 185.12.5.9 (used by web-1 ${WEB}); ` +
        `185.12.5.10 (used by web-1 ${WEB}); 185.12.5.30 (used by console ${CONSOLE})`,
    );
  });

  it("says what was searched and what exists when nothing matches", async () => {
    await expect(cloudsigma.getVlan({ name: "backend" })).rejects.toThrow(
      `cloudsigma.getVlan: no VLAN has name "backend" at the cloudsigma endpoint; the 3 there: private (id ${PRIVATE_1}); private (id ${PRIVATE_2}); dmz (id ${DMZ})`,
    );
    await expect(cloudsigma.getLibraryDrive({ distribution: "Gentoo" })).rejects.toThrow(
      /no library drive has distribution "Gentoo" at the cloudsigma endpoint; the 10 there: CentOS 5\.5 Linux 64bit Preinstalled System \(id d18119ce/,
    );
    await expect(cloudsigma.getDrive({ name: "data", media: "cdrom" })).rejects.toThrow(/no drive has name "data", media "cdrom"/);
    await ctx.sim.control("POST", "/_sim/reset");
    await expect(cloudsigma.getSubscription({ type: "ip" })).rejects.toThrow(
      'cloudsigma.getSubscription: no subscription has type "ip" at the cloudsigma endpoint; there are none',
    );
  });

  it("refuses a misspelt filter, a filter of the wrong form, and a look-up that names nothing, naming the filter, before any request", async () => {
    await expect(cloudsigma.getDrive({ nmae: "data" } as never)).rejects.toThrow(
      /cloudsigma\.getDrive: nmae: unknown filter \(the filters are name, tags, status, media, uuid, endpoint\)/,
    );
    await expect(cloudsigma.getLibraryDrive({ distribution: "Debian", version: "twelve" })).rejects.toThrow(
      /cloudsigma\.getLibraryDrive: version: must be a version such as 12 or 12\.10/,
    );
    await expect(cloudsigma.getLibraryDrive({ distribution: "Debian", bits: 16 as never })).rejects.toThrow(/cloudsigma\.getLibraryDrive: bits: /);
    await expect(cloudsigma.getIp({ address: "185.12.5" })).rejects.toThrow(/cloudsigma\.getIp: address: must be an IPv4 address/);
    await expect(cloudsigma.getVlan({ uuid: "dmz" })).rejects.toThrow(/cloudsigma\.getVlan: uuid: must be the uuid of a VLAN/);
    await expect(cloudsigma.getSubscription({ type: "gpu" })).rejects.toThrow(
      /cloudsigma\.getSubscription: type: must be cpu, mem, disk, xfer, ip, vlan or a licence code/,
    );
    await expect(cloudsigma.getPrices({ level: "peak" as never })).rejects.toThrow(/cloudsigma\.getPrices: level: /);
    await expect(cloudsigma.getLibraryDrive({ os: "linux" })).rejects.toThrow(
      "cloudsigma.getLibraryDrive: give name, distribution or uuid to say which library drive is meant",
    );
    await expect(cloudsigma.getIp({})).rejects.toThrow("cloudsigma.getIp: give address or free to say which static IP is meant");
    expect(await sent()).toEqual({});
  });

  it("reads the account's profile, balance and prices with no filter, the profile's secret key as a secret", async () => {
    const profile = await cloudsigma.getProfile();
    expect(profile).toMatchObject({ id: OWNER, email: DEMO_ACCOUNT.email, firstName: "Demo", currency: "EUR", company: "Example Ltd." });
    expect(await isSecret(profile.secretKey)).toBe(true);
    expect(await valueOf(profile.secretKey)).toMatch(/^\w{40}$/);
    expect(await cloudsigma.getBalance()).toEqual({ balance: 5000, currency: "EUR" });
    const all = await cloudsigma.getPrices();
    expect(all.currency).toBe("EUR");
    expect(all.start).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/);
    expect(all.prices).toContainEqual({ resource: "ip", level: "", price: 8 });
    expect((await cloudsigma.getPrices({ resource: "cpu" })).prices).toEqual([
      { resource: "cpu", level: "sub", price: 0.01 },
      { resource: "cpu", level: "burst", price: 0.03 },
    ]);
    expect((await cloudsigma.getPrices({ level: "burst" })).prices.map((p) => p.resource)).toEqual(["cpu", "mem", "xfer", "disk"]);
    await expect(cloudsigma.getPrices({ resource: "gpu" })).rejects.toThrow(
      /cloudsigma\.getPrices: no price list has resource "gpu" at the cloudsigma endpoint; the 1 there: prices in EUR from .* of cpu:sub, cpu:burst, .*ip, vlan, msft_lwa_00135/,
    );
    await expect(cloudsigma.getPrices({ currency: "USD" })).rejects.toThrow(/no price list has currency "USD" .*prices in EUR/);
  });

  it("answers the balance and the subscription price in the profile's currency, the balance less what was bought", async () => {
    await ctx.sim.control("POST", "/_sim/seed", { profile: { currency: "CHF" }, balance: "100.00" });
    await ctx.api("POST", "/subscriptions/network/ip/create", { quantity: "2", start_time: "2026-12-01 00:00", months: "1" });
    const ipPrice = (await cloudsigma.getPrices({ resource: "ip", currency: "CHF" })).prices[0].price;
    expect(await cloudsigma.getBalance()).toEqual({ balance: 100 - 2 * ipPrice, currency: "CHF" });
  });

  it("sends one list request per kind for every look-up of the program, at once or later", async () => {
    await Promise.all([
      cloudsigma.getLibraryDrive({ distribution: "Debian", media: "disk" }),
      cloudsigma.getLibraryDrive({ distribution: "Ubuntu" }),
      cloudsigma.getDrive({ name: "web-root" }),
      cloudsigma.getDrive({ tags: ["backup"] }),
      cloudsigma.getIp({ free: true }),
      cloudsigma.getIp({ address: "185.12.5.30" }),
      cloudsigma.getPrices({ resource: "vlan" }),
      cloudsigma.getBalance(),
    ]);
    await cloudsigma.getLibraryDrive({ name: "Debian 11 Server 64bit Preinstalled System" });
    await cloudsigma.getPrices({ level: "sub" });
    expect(await sent()).toEqual({
      "/drives/standard/info": 1,
      "/drives/info": 1,
      "/resources/ip/info": 1,
      "/servers/info": 1,
      "/pricing/info": 1,
      "/balance/info": 1,
    });
  });

  it("getXOutput takes Outputs and answers an Output of the same result (a secret one when a field is secret)", async () => {
    const dmz = cloudsigma.getVlanOutput({ name: pulumi.output("dmz") });
    expect(await valueOf(cloudsigma.getVlanOutput({ uuid: dmz.id }).name)).toBe("dmz");
    const image = cloudsigma.getLibraryDriveOutput({ distribution: pulumi.output("Debian"), version: pulumi.output("12"), media: "disk" });
    expect(await valueOf(image.id)).toBe(DEBIAN_12_10);
    const profile = cloudsigma.getProfileOutput();
    expect(await isSecret(profile)).toBe(true);
    expect(await valueOf(profile.email)).toBe(DEMO_ACCOUNT.email);
  });

  it("reads a named endpoint's settings, and names the settings to set when they are missing", async () => {
    await asEngine(cloudsigma.Drive.provider).configure({ ...sigmaConfig(ctx.sim.url), ...sigmaConfig(ctx.sim.url, "cloudsigma-site-b") });
    expect((await cloudsigma.getVlan({ name: "dmz", endpoint: "site-b" })).id).toBe(DMZ);
    await expect(cloudsigma.getVlan({ name: "dmz", endpoint: "site-c" })).rejects.toThrow(/cloudsigma-site-c:endpoint is not set.*CLOUDSIGMA_SITE_C_ENDPOINT/);
    await expect(cloudsigma.getVlan({ name: "backend", endpoint: "site-b" })).rejects.toThrow(/no VLAN has name "backend" at the cloudsigma-site-b endpoint/);
  });

  it("keeps the password out of the error when the credentials are refused", async () => {
    await asEngine(cloudsigma.Drive.provider).configure({ ...sigmaConfig(ctx.sim.url), "cloudsigma:password": "wrong-pass-123" });
    const e = await cloudsigma.getProfile().catch((x: Error) => x);
    expect(String(e)).toMatch(/CloudSigma rejected the credentials \(check cloudsigma:username and cloudsigma:password\)/);
    expect(String(e)).not.toContain("wrong-pass-123");
  });
});
