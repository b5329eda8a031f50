import { describe, expect, it, vi } from "vitest";
import * as cloudsigma from "../../../provider/cloudsigma";
import { asEngine, failedPaths } from "../../helpers/engine";
import { sigmaConfig, useSigma } from "../../helpers/cloudsigma";
import { NOWHERE } from "../../helpers/sim";

const ctx = useSigma();
const server = asEngine(cloudsigma.Server.provider);
const drive = asEngine(cloudsigma.Drive.provider);
const vlan = asEngine(cloudsigma.Vlan.provider);
const MARKER = "pulumi:000000000000005e";
const wire = async (collection: string, key: string, id: string) => (await ctx.sim.inventory(collection)).find((o) => o[key] === id);
/** The changes the provider asked for (no reads). */
const changes = async () => (await ctx.sim.requests()).filter((r) => r.method === "POST").map((r) => r.path);

async function newDrive(name = "root", sizeGb = 10): Promise<string> {
  return (await drive.create(await drive.checked({ name, sizeGb }))).id;
}

describe("cloudsigma.Server lifecycle", () => {
  it("creates with only the required inputs, starts it, writes its marker in user:pulumi, and reads back its address", async () => {
    const { id, outs } = await server.create({ ...(await server.checked({ name: "web-1", cpuMhz: 2000, memMb: 1024 })), marker: MARKER });
    expect(outs).toMatchObject({ name: "web-1", status: "active", cpuMhz: 2000, memMb: 1024, powerState: "running", nic0: { model: "virtio", dhcp: "auto" } });
    expect(outs.ip).toMatch(/^185\.12\.6\.\d+$/);
    expect(outs.vncAddress).toBe(outs.ip);
    expect(await wire("servers", "server", id)).toMatchObject({ status: "active", "user:pulumi": MARKER });
    const read = await server.read(id, outs);
    expect(read.props).toEqual(outs);
    expect((await server.diff(id, outs, read.inputs!)).changes).toBe(false);
  });

  it("creates a stopped server: the API boots it as it creates it, and the create stops it at once", async () => {
    await ctx.sim.control("DELETE", "/_sim/requests");
    const { id, outs } = await server.create(await server.checked({ name: "cold", cpuMhz: 2000, memMb: 1024, powerState: "stopped" }));
    expect(outs).toMatchObject({ status: "stopped", powerState: "stopped" });
    expect(outs.ip).toBeUndefined();
    expect(await changes()).toEqual(["/servers/create", `/servers/${id}/stop`]);
    expect((await server.diff(id, outs, await server.checked({ name: "cold", cpuMhz: 2000, memMb: 1024, powerState: "stopped" }))).changes).toBe(false);
  });

  it("mounts drives, boots from the first, joins a VLAN on NIC 1 and claims the drives", async () => {
    const root = await newDrive("root");
    const data = await newDrive("data");
    const { id: net } = await vlan.create(await vlan.checked({ name: "private" }));
    const { id, outs } = await server.create(
      await server.checked({
        name: "db",
        cpuMhz: 4000,
        memMb: 4096,
        drives: [
          { device: "ide:0:1", driveUuid: data },
          { device: "ide:0:0", driveUuid: root },
        ],
        nic1: { vlanUuid: net },
      }),
    );
    // The drives in their declared order (not the API's), booting from the first.
    expect(outs).toMatchObject({
      drives: [
        { device: "ide:0:1", driveUuid: data, media: "disk" },
        { device: "ide:0:0", driveUuid: root, media: "disk" },
      ],
      boot: ["ide:0:1"],
      nic1: { vlanUuid: net, model: "virtio" },
    });
    expect((await wire("drives", "drive", data))?.claimed).toContain(`:guest:${id}:ide:0:1`);
    expect((await server.read(id, outs)).props).toEqual(outs);
  });

  it("renames and changes CPU live, without a restart", async () => {
    const { id, outs } = await server.create(await server.checked({ name: "web-1", cpuMhz: 2000, memMb: 1024 }));
    await ctx.sim.control("DELETE", "/_sim/requests");
    const u = await server.update(id, outs, await server.checked({ name: "web-one", cpuMhz: 3000, memMb: 1024 }));
    expect(u.outs).toMatchObject({ name: "web-one", cpuMhz: 3000, status: "active", startedAt: outs.startedAt });
    expect(await changes()).toEqual([`/servers/${id}/set`]);
  });

  it("refuses at preview a change that needs the server stopped unless allowRestart", async () => {
    const { id, outs } = await server.create(await server.checked({ name: "web-1", cpuMhz: 2000, memMb: 1024 }));
    await expect(server.diff(id, outs, await server.checked({ name: "web-1", cpuMhz: 2000, memMb: 2048 }))).rejects.toThrow(
      /^memMb: the server web-1 must be stopped for this change; set allowRestart/,
    );
    expect(await server.diff(id, outs, await server.checked({ name: "web-1", cpuMhz: 2000, memMb: 2048, allowRestart: true }))).toMatchObject({
      changes: true,
      replaces: [],
    });
  });

  it("stops (ACPI), sets and starts again when allowed", async () => {
    const { id, outs } = await server.create(await server.checked({ name: "web-1", cpuMhz: 2000, memMb: 1024 }));
    await ctx.sim.control("DELETE", "/_sim/requests");
    const u = await server.update(id, outs, await server.checked({ name: "web-1", cpuMhz: 2000, memMb: 2048, allowRestart: true }));
    expect(u.outs).toMatchObject({ memMb: 2048, status: "active" });
    expect(await changes()).toEqual([`/servers/${id}/shutdown`, `/servers/${id}/set`, `/servers/${id}/start`]);
  });

  it("falls back to a hard stop when the guest ignores the ACPI shutdown", async () => {
    const { id, outs } = await server.create(await server.checked({ name: "web-1", cpuMhz: 2000, memMb: 1024 }));
    await ctx.sim.control("POST", "/_sim/cloudsigma/ignore-shutdown", { server: id });
    await ctx.sim.control("DELETE", "/_sim/requests");
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const u = await server.update(
      id,
      outs,
      await server.checked({ name: "web-1", cpuMhz: 2000, memMb: 1024, powerState: "stopped", shutdownTimeoutSeconds: 1 }),
    );
    expect(warn.mock.calls[0][0]).toMatch(/web-1 ignored the ACPI shutdown for 1s; stopping it/);
    warn.mockRestore();
    expect(u.outs).toMatchObject({ status: "stopped", powerState: "stopped" });
    expect(await changes()).toEqual([`/servers/${id}/shutdown`, `/servers/${id}/stop`]);
  });

  it("shows a power change made out of band at refresh, and the next update puts it back", async () => {
    const { id, outs } = await server.create(await server.checked({ name: "web-1", cpuMhz: 2000, memMb: 1024 }));
    await ctx.api("POST", `/servers/${id}/stop`);
    const read = await server.read(id, outs);
    expect(read.props).toMatchObject({ status: "stopped", powerState: "stopped" });
    const news = await server.checked({ name: "web-1", cpuMhz: 2000, memMb: 1024 });
    expect(await server.diff(id, read.props!, news)).toMatchObject({ changes: true, replaces: [] });
    expect((await server.update(id, read.props!, news)).outs).toMatchObject({ status: "active", powerState: "running" });
  });

  it("destroys a running server by stopping it first, releasing its drives, and tolerates a vanished one", async () => {
    const root = await newDrive("root");
    const { id, outs } = await server.create(
      await server.checked({ name: "web-1", cpuMhz: 2000, memMb: 1024, drives: [{ device: "ide:0:0", driveUuid: root }] }),
    );
    await server.delete(id, outs);
    expect(await wire("servers", "server", id)).toBeUndefined();
    expect((await wire("drives", "drive", root))?.claimed).toBeUndefined();
    await expect(server.delete(id, outs)).resolves.toBeUndefined();
    expect(await server.read(id, outs)).toEqual({ id: "" });
  });
});

describe("cloudsigma.Server's VNC password", () => {
  it("declares vnc a secret (the class marks what its definition declares; the e2e test proves it in the state)", () => {
    expect(cloudsigma.Server.entry.definition.secrets).toEqual(["vnc"]);
  });

  it("never appears in the message of a change refused at preview", async () => {
    const { id, outs } = await server.create(await server.checked({ name: "v", cpuMhz: 2000, memMb: 1024, vnc: { password: "old-pw" } }));
    const err = await server.diff(id, outs, await server.checked({ name: "v", cpuMhz: 2000, memMb: 1024, vnc: { password: "new-pw" } })).catch((e) => e);
    expect(err.message).toMatch(/^vnc: the server v must be stopped/);
    expect(err.message).not.toMatch(/old-pw|new-pw/);
  });

  it("never appears in a check failure", async () => {
    const r = await server.check({}, { name: "v", cpuMhz: 2000, memMb: 1024, vnc: { password: "too-long-pw" } });
    expect(r.failures).toEqual([{ property: "vnc", reason: "vnc.password: must be at most 8 characters" }]);
  });
});

describe("cloudsigma.Server bad inputs", () => {
  it.each([
    [
      {
        name: "x",
        cpuMhz: 2000,
        memMb: 1024,
        drives: [
          { device: "ide:0:0", driveUuid: NOWHERE },
          { device: "ide:0:1", driveUuid: NOWHERE },
        ],
      },
      "drives[1].driveUuid",
    ],
    [{ name: "x", cpuMhz: 2000, memMb: 1024, boot: ["ide:0:1"] }, "boot[0]"],
    [{ name: "x", cpuMhz: 2000, memMb: 1024, vnc: { password: "123456789" } }, "vnc.password"],
    [{ name: "x", cpuMhz: 2000, memMb: 1024, drives: [{ device: "sata:0", driveUuid: NOWHERE }] }, "drives[0].device"],
    [{ name: "x", cpuMhz: 2000, memMb: 1024, powerState: "paused" }, "powerState"],
    [{ name: "x", cpuMhz: 0, memMb: 1024 }, "cpuMhz"],
    [{ name: "x", cpuMhz: 2000, memMb: 1024, endpoint: "Site B" }, "endpoint"],
  ])("check of %j fails on %s", async (news, property) => {
    const r = await server.check({}, news);
    expect(failedPaths(r.failures)).toEqual([property]);
  });

  it("names an unknown VLAN and an unknown drive before any request that changes anything", async () => {
    await ctx.sim.control("DELETE", "/_sim/requests");
    const r = await server.check(
      {},
      { name: "x", cpuMhz: 2000, memMb: 1024, nic1: { vlanUuid: NOWHERE }, drives: [{ device: "ide:0:0", driveUuid: NOWHERE }] },
    );
    expect(failedPaths(r.failures)).toEqual(["nic1.vlanUuid", "drives[0].driveUuid"]);
    expect(await changes()).toEqual([]);
  });

  it("names an endpoint that is not configured", async () => {
    const r = await server.check({}, { name: "x", cpuMhz: 2000, memMb: 1024, nic1: { vlanUuid: NOWHERE }, endpoint: "site-z" });
    expect(r.failures).toEqual([{ property: "endpoint", reason: expect.stringMatching(/cloudsigma-site-z:endpoint is not set/) }]);
  });
});

describe("cloudsigma.Server cloned from another server (cloneOf)", () => {
  /** A source server with a root drive of its own, a library CD and NIC 1 on a VLAN. */
  async function source() {
    const root = await newDrive("src-root");
    const { id: net } = await vlan.create(await vlan.checked({ name: "private" }));
    const { id } = await server.create(
      await server.checked({
        name: "src",
        cpuMhz: 2000,
        memMb: 1024,
        drives: [
          { device: "ide:0:0", driveUuid: root },
          { device: "ide:1:0", driveUuid: "0e1f2a3b-0000-4000-8000-0000000000cd", media: "cdrom" },
        ],
        nic1: { vlanUuid: net },
      }),
    );
    return { id, root };
  }

  it("clones through /servers/<uuid>/clone, copies the drive the source holds, records it, and sets the clone to its inputs", async () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    const src = await source();
    await ctx.sim.control("DELETE", "/_sim/requests");
    const inputs = await server.checked({ name: "copy", cpuMhz: 3000, memMb: 2048, cloneOf: src.id });
    const { id, outs } = await server.create({ ...inputs, marker: MARKER });
    log.mockRestore();
    expect((await changes())[0]).toBe(`/servers/${src.id}/clone`);
    expect(outs).toMatchObject({ name: "copy", cpuMhz: 3000, memMb: 2048, status: "active", drives: [], cloneOf: src.id });
    expect(outs.clonedDrives).toHaveLength(1);
    const [copy] = outs.clonedDrives;
    expect(copy).not.toBe(src.root);
    const w = await wire("servers", "server", id);
    // The copy boots in the source's place, the library CD is mounted as it is, and the inputs' (no NIC 1) cleared the source's VLAN.
    expect(w).toMatchObject({ "ide:0:0": copy, "ide:1:0": "0e1f2a3b-0000-4000-8000-0000000000cd", "user:pulumi": MARKER, "user:pulumi-clones": copy });
    expect(w?.["nic:1:vlan"]).toBeUndefined();
    expect(await wire("drives", "drive", copy)).toMatchObject({ "user:pulumi": MARKER, claimed: expect.stringContaining(`:guest:${id}:ide:0:0`) });
    const read = await server.read(id, outs);
    expect(read.props).toEqual(outs);
    expect((await server.diff(id, outs, read.inputs!)).changes).toBe(false);
  });

  it("changes a clone in place (same id, no replacement) and replaces it when cloneOf changes", async () => {
    vi.spyOn(console, "log").mockImplementation(() => {});
    const src = await source();
    const { id, outs } = await server.create(await server.checked({ name: "copy", cpuMhz: 2000, memMb: 1024, cloneOf: src.id }));
    const news = await server.checked({ name: "copy-2", cpuMhz: 2500, memMb: 1024, cloneOf: src.id, tags: ["web"] });
    expect(await server.diff(id, outs, news)).toMatchObject({ changes: true, replaces: [] });
    expect((await server.update(id, outs, news)).outs).toMatchObject({
      name: "copy-2",
      cpuMhz: 2500,
      tags: ["web"],
      uuid: id,
      clonedDrives: outs.clonedDrives,
    });
    const other = await source();
    expect((await server.diff(id, outs, await server.checked({ name: "copy", cpuMhz: 2000, memMb: 1024, cloneOf: other.id }))).replaces).toEqual(["cloneOf"]);
    vi.restoreAllMocks();
  });

  it("deletes the clone's copies with it and leaves the source and its drive alone", async () => {
    vi.spyOn(console, "log").mockImplementation(() => {});
    const src = await source();
    const { id, outs } = await server.create(await server.checked({ name: "copy", cpuMhz: 2000, memMb: 1024, cloneOf: src.id }));
    vi.restoreAllMocks();
    await server.delete(id, outs);
    expect(await wire("servers", "server", id)).toBeUndefined();
    expect(await wire("drives", "drive", outs.clonedDrives[0])).toBeUndefined();
    expect(await wire("servers", "server", src.id)).toBeDefined();
    expect(await wire("drives", "drive", src.root)).toBeDefined();
    // A clone that vanished out of band: its recorded copies are still deleted, and nothing fails.
    await expect(server.delete(id, outs)).resolves.toBeUndefined();
  });

  it("takes up the one new server of its name when the clone's answer is lost, and clones once", async () => {
    vi.spyOn(console, "log").mockImplementation(() => {});
    const src = await source();
    await ctx.sim.control("POST", "/_sim/faults", { method: "POST", path: `/servers/${src.id}/clone`, lostResponse: true });
    const { id, outs } = await server.create({ ...(await server.checked({ name: "copy", cpuMhz: 2000, memMb: 1024, cloneOf: src.id })), marker: MARKER });
    vi.restoreAllMocks();
    const copies = (await ctx.sim.inventory<{ name: string; server: string }>("servers")).filter((s) => s.name === "copy");
    expect(copies.map((s) => s.server)).toEqual([id]);
    expect(outs).toMatchObject({ status: "active", clonedDrives: [expect.any(String)] });
    expect(await wire("servers", "server", id)).toMatchObject({ "user:pulumi": MARKER });
  });

  it("records a clone whose marker cannot be written as a partial create (one clone, never a second), and the next update records its marker and copies", async () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    const src = await source();
    await ctx.sim.control("POST", "/_sim/faults", { method: "POST", path: "^/servers/[0-9a-f-]{36}/set$", status: 500, count: 1000 });
    const inputs = { ...(await server.checked({ name: "copy", cpuMhz: 2000, memMb: 1024, cloneOf: src.id })), marker: MARKER };
    const err = await server.create(inputs).then(
      () => undefined,
      (e) => e,
    );
    await ctx.sim.control("DELETE", "/_sim/faults");
    expect(err?.id, `a partial create: ${err?.message}`).toMatch(/^[0-9a-f-]{36}$/);
    expect((await ctx.sim.inventory<{ name: string; server: string }>("servers")).filter((s) => s.name === "copy").map((s) => s.server)).toEqual([err.id]);
    expect((await ctx.sim.requests()).filter((r) => r.path === `/servers/${src.id}/clone`)).toHaveLength(1);
    const u = await server.update(err.id, err.properties, { ...inputs, allowRestart: true });
    log.mockRestore();
    expect(await wire("servers", "server", err.id)).toMatchObject({ "user:pulumi": MARKER, "user:pulumi-clones": expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(u.outs.clonedDrives).toHaveLength(1);
    await server.delete(err.id, u.outs);
    expect(await wire("drives", "drive", u.outs.clonedDrives[0])).toBeUndefined();
  });

  it("finds a clone that appears seconds after its request timed out, and clones once", async () => {
    vi.spyOn(console, "log").mockImplementation(() => {});
    const src = await source();
    await server.configure({ ...sigmaConfig(ctx.sim.url), "cloudsigma:requestTimeoutMs": "1000" });
    await ctx.sim.control("POST", "/_sim/faults", { method: "POST", path: `/servers/${src.id}/clone`, delayMs: 2200 });
    const { id } = await server.create({ ...(await server.checked({ name: "copy", cpuMhz: 2000, memMb: 1024, cloneOf: src.id })), marker: MARKER });
    vi.restoreAllMocks();
    expect((await ctx.sim.inventory<{ name: string; server: string }>("servers")).filter((s) => s.name === "copy").map((s) => s.server)).toEqual([id]);
    expect((await ctx.sim.requests()).filter((r) => r.path === `/servers/${src.id}/clone`)).toHaveLength(1);
    expect(await wire("servers", "server", id)).toMatchObject({ "user:pulumi": MARKER });
  });

  it("fails without cloning again when a timed-out clone never appears", async () => {
    const src = await source();
    await server.configure({ ...sigmaConfig(ctx.sim.url), "cloudsigma:requestTimeoutMs": "500" });
    await ctx.sim.control("POST", "/_sim/faults", { method: "POST", path: `/servers/${src.id}/clone`, delayMs: 2500, drop: true });
    const err = await server.create(await server.checked({ name: "copy", cpuMhz: 2000, memMb: 1024, cloneOf: src.id })).then(
      () => undefined,
      (e) => e,
    );
    expect(err?.code).toBe("wait_timeout");
    expect(err.message).toMatch(/no new server named "copy" appeared/);
    // The simulator handles the delayed request (and drops it) after the create gave up: it was sent once.
    await new Promise((r) => setTimeout(r, 1500));
    expect((await ctx.sim.requests()).filter((r) => r.path === `/servers/${src.id}/clone`)).toHaveLength(1);
  });

  it("stops a clone and clears its source's static IP before it waits for its copies", async () => {
    vi.spyOn(console, "log").mockImplementation(() => {});
    const root = await newDrive("src-root");
    const { id: srcId } = await server.create(
      await server.checked({ name: "src", cpuMhz: 2000, memMb: 1024, drives: [{ device: "ide:0:0", driveUuid: root }], nic0: { dhcp: "185.12.9.9" } }),
    );
    await ctx.sim.control("DELETE", "/_sim/requests");
    const { id, outs } = await server.create({ ...(await server.checked({ name: "copy", cpuMhz: 2000, memMb: 1024, cloneOf: srcId })), marker: MARKER });
    vi.restoreAllMocks();
    const posts = (await ctx.sim.requests()).filter((r) => r.method === "POST");
    const at = (pred: (r: { path: string; body?: string }) => boolean) => posts.findIndex(pred);
    const copyMarked = at((r) => r.path === `/drives/${outs.clonedDrives[0]}/set`);
    expect(at((r) => r.path === `/servers/${id}/stop`)).toBeGreaterThan(-1);
    expect(at((r) => r.path === `/servers/${id}/stop`)).toBeLessThan(copyMarked);
    const cleared = at((r) => r.path === `/servers/${id}/set` && /^nic:0:dhcp\s*$/m.test(r.body ?? ""));
    expect(cleared).toBeGreaterThan(-1);
    expect(cleared).toBeLessThan(copyMarked);
    expect(await wire("servers", "server", id)).toMatchObject({ "nic:0:dhcp": "auto" });
  });

  it("records the clone when the wait for its copies passes its deadline (a partial create), and the next update finishes it", async () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    const src = await source();
    await ctx.sim.control("POST", "/_sim/faults", { path: "^/drives/[0-9a-f-]{36}/info$", status: 503, retryAfter: 0, count: 1000 });
    const inputs = await server.checked({ name: "copy", cpuMhz: 2000, memMb: 1024, cloneOf: src.id, cloneTimeoutSeconds: 1 });
    const err = await server.create(inputs).then(
      () => undefined,
      (e) => e,
    );
    await ctx.sim.control("DELETE", "/_sim/faults");
    log.mockRestore();
    expect(err?.id, `a partial create: ${err?.message}`).toMatch(/^[0-9a-f-]{36}$/);
    expect(err.message).toMatch(/recorded in the state/);
    expect(err.properties.clonedDrives).toHaveLength(1);
    // The clone was stopped before its copies' wait; it still has its source's configuration (NIC 1 on the VLAN).
    expect(err.properties.status).toBe("stopped");
    expect(await server.diff(err.id, err.properties, inputs)).toMatchObject({ changes: true, replaces: [] });
    const u = await server.update(err.id, err.properties, inputs);
    expect(u.outs).toMatchObject({ status: "active", clonedDrives: err.properties.clonedDrives });
    expect(u.outs.nic1).toBeUndefined();
    expect((await wire("servers", "server", err.id))?.["nic:1:vlan"]).toBeUndefined();
  });

  it("names a source that does not exist, and drives given beside cloneOf, at preview", async () => {
    const r = await server.check({}, { name: "x", cpuMhz: 2000, memMb: 1024, cloneOf: NOWHERE });
    expect(r.failures).toEqual([{ property: "cloneOf", reason: `no server ${NOWHERE} in this CloudSigma account to clone` }]);
    const d = await server.check({}, { name: "x", cpuMhz: 2000, memMb: 1024, cloneOf: NOWHERE, drives: [{ device: "ide:0:0", driveUuid: NOWHERE }] });
    expect(failedPaths(d.failures)).toEqual(["drives"]);
  });

  it("lets a clone name its boot devices (its drives, copies of its source's, are not inputs)", async () => {
    const r = await server.check({}, { name: "x", cpuMhz: 2000, memMb: 1024, cloneOf: NOWHERE, boot: ["ide:0:0"] });
    expect(failedPaths(r.failures)).toEqual(["cloneOf"]);
    vi.spyOn(console, "log").mockImplementation(() => {});
    const src = await source();
    const { id } = await server.create(await server.checked({ name: "copy", cpuMhz: 2000, memMb: 1024, cloneOf: src.id, boot: ["ide:1:0", "ide:0:0"] }));
    vi.restoreAllMocks();
    expect((await wire("servers", "server", id))?.boot).toBe("ide:1:0 ide:0:0");
  });
});
