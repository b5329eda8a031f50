/** The pure wire -> outputs models, as tables. */
import { describe, expect, it } from "vitest";
import { model as driveModel } from "../../../provider/cloudsigma/drive";
import { model as serverModel } from "../../../provider/cloudsigma/server";
import { termOf } from "../../../provider/cloudsigma/subscription";

const UUID = "0d9d4a39-5c37-4b4c-9f4e-6f2e4c8f3a11";

describe("cloudsigma.Drive's model", () => {
  it("shows the inputs as CloudSigma keeps them, and leaves the imaging claim out of claimedBy", () => {
    const d = {
      drive: UUID,
      name: "it&#39;s\\nroot",
      size: String(3 * 1024 ** 3),
      status: "active",
      user: "u",
      "claim:type": "shared",
      tags: "a b",
      claimed: "h:imaging:x h:guest:s:ide:0:0",
    };
    expect(driveModel(d)).toEqual({
      name: "it's\nroot",
      sizeGb: 3,
      claimType: "shared",
      readers: [],
      tags: ["a", "b"],
      storage: "hdd",
      uuid: UUID,
      status: "active",
      sizeBytes: 3 * 1024 ** 3,
      owner: "u",
      claimedBy: ["h:guest:s:ide:0:0"],
    });
  });

  it("leaves out a claim type or cipher it does not know, so that the input stays", () => {
    const out = driveModel({ drive: UUID, size: "1", status: "active", user: "u", "claim:type": "weird", "encryption:cipher": "rot13" });
    expect(out).not.toHaveProperty("claimType");
    expect(out).not.toHaveProperty("encryptionCipher");
  });
});

describe("cloudsigma.Server's model", () => {
  const stopped = {
    server: UUID,
    name: "web",
    status: "stopped",
    cpu: "2000",
    mem: "1024",
    smp: "1",
    persistent: "true",
    boot: "ide:0:0",
    "nic:0:model": "virtio",
    "nic:0:dhcp": "auto",
    "vnc:ip": "auto",
    "ide:0:0": "d0",
    "ide:0:1": "d1",
    "ide:0:1:media": "cdrom",
  };
  const running = { ...stopped, status: "active", started: "1700000000", "nic:0:dhcp": "185.12.6.100", "vnc:ip": "185.12.6.100" };

  it.each([
    [
      "stopped",
      stopped,
      {},
      {
        powerState: "stopped",
        nic0: { model: "virtio", dhcp: "auto" },
        vnc: { ip: "auto", tls: false },
        ip: undefined,
        vncAddress: undefined,
        startedAt: undefined,
      },
    ],
    ["paused: not running, so a server that should run shows drift", { ...stopped, status: "paused" }, {}, { powerState: "stopped", status: "paused" }],
    [
      "running, inputs keep auto",
      running,
      { nic0: { model: "virtio", dhcp: "auto" }, vnc: { ip: "auto", tls: false } },
      {
        powerState: "running",
        nic0: { model: "virtio", dhcp: "auto" },
        vnc: { ip: "auto", tls: false },
        ip: "185.12.6.100",
        vncAddress: "185.12.6.100",
        startedAt: 1700000000,
      },
    ],
  ] as const)("%s", (_what, wire, prior, expected) => {
    expect(serverModel(wire, prior)).toMatchObject(expected);
  });

  it("keeps smp auto as the input while the API shows the derived number", () => {
    expect(serverModel(stopped, { smp: "auto" })).not.toHaveProperty("smp");
    expect(serverModel(stopped, { smp: 2 }).smp).toBe(1);
  });

  it("lists the drives in their declared order, then the others by device", () => {
    expect(serverModel({ ...stopped, "block:0": "d2" }, { drives: [{ device: "ide:0:1", driveUuid: "d1", media: "cdrom" }] }).drives).toEqual([
      { device: "ide:0:1", driveUuid: "d1", media: "cdrom" },
      { device: "block:0", driveUuid: "d2", media: "disk" },
      { device: "ide:0:0", driveUuid: "d0", media: "disk" },
    ]);
  });

  it("says there is no NIC 1 when the API shows no VLAN (it overrides the stored input)", () => {
    expect(serverModel(stopped, { nic1: { vlanUuid: "v", model: "virtio" } })).toHaveProperty("nic1", undefined);
  });
});

describe("cloudsigma.Subscription's term", () => {
  const item = (type: string, quantity: string, months = "1") => ({ subscription: `${type}-1`, type, quantity, end_time: "2027-01-01 00:00", months });
  it.each([
    ["resources", [item("cpu", "4000"), item("mem", "4096", "3")], { kind: "resources", cpuMhz: 4000, memMb: 4096, months: 1 }],
    ["addresses", [item("ip", "2"), item("ip", "2")], { kind: "ip", quantity: 2, months: 1 }],
    ["VLANs", [item("vlan", "1")], { kind: "vlan", quantity: 1, months: 1 }],
    ["licences", [item("msft_lwa_00135", "2")], { kind: "software", licences: { msft_lwa_00135: 2 }, months: 1 }],
    [
      "a mix it cannot name, and no months shown",
      [{ ...item("ip", "1"), months: undefined }, item("cpu", "2000")].map((s) => ({ ...s, months: undefined })),
      {},
    ],
  ])("of %s", (_what, items, term) => {
    expect(termOf(items)).toEqual(term);
  });
});
