import { describe, expect, it, vi } from "vitest";
import * as cloudsigma from "../../../provider/cloudsigma";
import { asEngine, failedPaths } from "../../helpers/engine";
import { LIBRARY_DEBIAN, useSigma } from "../../helpers/cloudsigma";

const ctx = useSigma();
const drive = asEngine(cloudsigma.Drive.provider);
const GIB = 1024 ** 3;
const MARKER = "pulumi:00000000000000d1";
const wire = async (id: string) => (await ctx.sim.inventory("drives")).find((d) => d.drive === id);

describe("cloudsigma.Drive lifecycle", () => {
  it("creates an empty drive with only the required inputs, writes its marker in user:pulumi, and reads it back", async () => {
    const { id, outs } = await drive.create({ ...(await drive.checked({ name: "data", sizeGb: 10 })), marker: MARKER });
    expect(outs).toMatchObject({
      name: "data",
      sizeGb: 10,
      sizeBytes: 10 * GIB,
      status: "active",
      claimType: "exclusive",
      encryptionCipher: "aes-xts-plain",
      claimedBy: [],
      uuid: id,
    });
    expect(await wire(id)).toMatchObject({ name: "data", "user:pulumi": MARKER });
    expect((await drive.read(id, outs)).props).toEqual(outs);
  });

  it("reports a clone whose imaging fails as a failed task, and leaves no drive behind", async () => {
    vi.spyOn(console, "log").mockImplementation(() => {});
    await ctx.sim.control("POST", "/_sim/cloudsigma/fail-imaging", { count: 1 });
    const err = await drive.create(await drive.checked({ name: "doomed", sizeGb: 20, cloneFrom: LIBRARY_DEBIAN })).catch((e) => e);
    vi.restoreAllMocks();
    expect(err.code).toBe("task_failed");
    expect(err.message).toMatch(/imaging of drive doomed \(.*\) failed: the drive is inactive.*the half-made object .* was deleted/);
    expect((await ctx.sim.inventory<{ name: string }>("drives")).map((d) => d.name)).not.toContain("doomed");
  });

  it("clones a library image and waits until imaging is done, printing the progress", async () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    const { id, outs } = await drive.create(await drive.checked({ name: "web-1-root", sizeGb: 20, cloneFrom: LIBRARY_DEBIAN, tags: ["affinity:ssd"] }));
    expect(log.mock.calls.some(([m]) => /^cloudsigma\.Drive web-1-root: imaging \d+%$/.test(m))).toBe(true);
    log.mockRestore();
    expect(outs).toMatchObject({ sizeGb: 20, tags: ["affinity:ssd"], cloneFrom: LIBRARY_DEBIAN });
    const d = await wire(id);
    expect(d?.imaging).toBeUndefined();
    expect(d?.claimed).toBeUndefined();
  });

  it("renames, grows and retags in place", async () => {
    const { id, outs } = await drive.create(await drive.checked({ name: "data", sizeGb: 10 }));
    const news = await drive.checked({ name: "data-2", sizeGb: 15, tags: ["affinity:ssd"] });
    expect(await drive.diff(id, outs, news)).toMatchObject({ changes: true, replaces: [] });
    const u = await drive.update(id, outs, news);
    expect(u.outs).toMatchObject({ name: "data-2", sizeGb: 15, tags: ["affinity:ssd"] });
    expect(await wire(id)).toMatchObject({ name: "data-2", size: String(15 * GIB), tags: "affinity:ssd" });
  });

  it("shows a rename and a growth made out of band at refresh, as inputs the next update puts back", async () => {
    const { id, outs } = await drive.create(await drive.checked({ name: "data", sizeGb: 10 }));
    await ctx.api("POST", `/drives/${id}/set`, { name: "renamed", size: String(12 * GIB) });
    const read = await drive.read(id, outs);
    expect(read.inputs).toMatchObject({ name: "renamed", sizeGb: 12 });
    // Going back to 10 GiB would shrink the drive: refused at preview.
    await expect(drive.diff(id, read.props!, await drive.checked({ name: "data", sizeGb: 10 }))).rejects.toThrow(
      /sizeGb: drive data cannot shrink from 12 GiB to 10 GiB/,
    );
    expect(await drive.diff(id, read.props!, await drive.checked({ name: "data", sizeGb: 12 }))).toMatchObject({ changes: true, replaces: [] });
  });

  it("refuses to shrink at preview, naming the field", async () => {
    const { id, outs } = await drive.create(await drive.checked({ name: "data", sizeGb: 10 }));
    await expect(drive.diff(id, outs, await drive.checked({ name: "data", sizeGb: 5 }))).rejects.toThrow(
      /sizeGb: drive data cannot shrink from 10 GiB to 5 GiB/,
    );
  });

  it("replaces on a new clone source or cipher", async () => {
    const { id, outs } = await drive.create(await drive.checked({ name: "data", sizeGb: 10 }));
    expect((await drive.diff(id, outs, await drive.checked({ name: "data", sizeGb: 10, encryptionCipher: "none" }))).replaces).toEqual(["encryptionCipher"]);
    expect((await drive.diff(id, outs, await drive.checked({ name: "data", sizeGb: 10, cloneFrom: LIBRARY_DEBIAN }))).replaces).toEqual(["cloneFrom"]);
  });

  it("retries a change while the drive is busy imaging (409), until it is done", async () => {
    // A clone made out of band, still imaging when the provider sets it.
    const [clone] = await ctx.api("POST", `/drives/${LIBRARY_DEBIAN}/clone`, { name: "c" });
    const inputs = await drive.checked({ name: "c", sizeGb: 10, cloneFrom: LIBRARY_DEBIAN, timeoutSeconds: 10 });
    const u = await drive.update(clone.drive, { ...inputs, uuid: clone.drive }, { ...inputs, name: "renamed" });
    expect(u.outs.name).toBe("renamed");
    expect((await ctx.sim.requests()).filter((r) => r.path === `/drives/${clone.drive}/set` && r.status === 409).length).toBeGreaterThan(0);
  });

  it("destroys, and tolerates a drive that is already gone", async () => {
    const { id, outs } = await drive.create(await drive.checked({ name: "data", sizeGb: 1 }));
    await drive.delete(id, outs);
    expect(await wire(id)).toBeUndefined();
    await expect(drive.delete(id, outs)).resolves.toBeUndefined();
    expect(await drive.read(id, outs)).toEqual({ id: "" });
  });

  it("refuses to destroy a drive that a server outside the stack mounts, saying so", async () => {
    const { id, outs } = await drive.create(await drive.checked({ name: "data", sizeGb: 1 }));
    await ctx.api("POST", "/servers/create", { name: "not-ours", cpu: "1000", mem: "512", "ide:0:0": id });
    await expect(drive.delete(id, outs)).rejects.toThrow(/drive data \(.*\) is mounted on a server; detach it/);
    expect(await wire(id)).toBeDefined();
    expect((await drive.read(id, outs)).props?.claimedBy).toEqual([expect.stringMatching(/:guest:.*:ide:0:0$/)]);
  });

  it.each([
    [{ name: "x", sizeGb: 0 }, "sizeGb"],
    [{ name: "x", sizeGb: 1e-12 }, "sizeGb"],
    [{ name: "", sizeGb: 1 }, "name"],
    [{ name: "x", sizeGb: 1, cloneFrom: "not-a-uuid" }, "cloneFrom"],
    [{ name: "x", sizeGb: 1, tags: ["a b"] }, "tags[0]"],
    [{ name: "x", sizeGb: 1, sizeTb: 1 }, "sizeTb"],
  ])("check of %j fails on %s", async (news, property) => {
    const r = await drive.check({}, news);
    expect(failedPaths(r.failures)).toEqual([property]);
  });

  it("reports a clone of a drive that no longer exists (gone since the preview) as not found, with the vendor's message", async () => {
    const inputs = { ...(await drive.checked({ name: "x", sizeGb: 1 })), cloneFrom: "00000000-0000-4000-8000-000000000000" };
    const err = await drive.create(inputs).catch((e) => e);
    expect(err.code).toBe("not_found");
    expect(err.message).toMatch(/could not be found/);
  });
});

describe("cloudsigma.Drive storage (SSD or HDD, moved only by a clone)", () => {
  const tagsOf = async (id: string) => (await wire(id))?.tags ?? "";

  it("puts a drive on SSD with the manual's affinity:ssd tag, reads it back without drift, and replaces it when storage changes", async () => {
    const { id, outs } = await drive.create(await drive.checked({ name: "fast", sizeGb: 1, storage: "ssd", tags: ["db"] }));
    expect(await tagsOf(id)).toBe("db affinity:ssd");
    expect(outs).toMatchObject({ storage: "ssd", tags: ["db"] });
    const read = await drive.read(id, outs);
    expect(read.props).toEqual(outs);
    expect((await drive.diff(id, outs, read.inputs!)).changes).toBe(false);
    expect(await drive.diff(id, outs, await drive.checked({ name: "fast", sizeGb: 1, storage: "hdd", tags: ["db"] }))).toMatchObject({ replaces: ["storage"] });
    // Tags change in place beside the storage.
    const u = await drive.update(id, outs, await drive.checked({ name: "fast", sizeGb: 1, storage: "ssd", tags: ["db", "prod"] }));
    expect(u.outs).toMatchObject({ storage: "ssd", tags: ["db", "prod"], uuid: id });
    expect(await tagsOf(id)).toBe("db prod affinity:ssd");
  });

  it("clones an SSD drive onto HDD and an HDD drive onto SSD (the manual's ssd-to-hdd and hdd-to-ssd)", async () => {
    vi.spyOn(console, "log").mockImplementation(() => {});
    const { id: ssd } = await drive.create(await drive.checked({ name: "ssd", sizeGb: 1, storage: "ssd" }));
    const toHdd = await drive.create(await drive.checked({ name: "ssd-to-hdd", sizeGb: 1, cloneFrom: ssd, storage: "hdd" }));
    const toSsd = await drive.create(await drive.checked({ name: "hdd-to-ssd", sizeGb: 1, cloneFrom: toHdd.id, storage: "ssd" }));
    vi.restoreAllMocks();
    expect(toHdd.outs).toMatchObject({ storage: "hdd", tags: [] });
    expect(await tagsOf(toHdd.id)).toBe("");
    expect(toSsd.outs).toMatchObject({ storage: "ssd", tags: [] });
    expect(await tagsOf(toSsd.id)).toBe("affinity:ssd");
  });

  it("keeps a drive tagged affinity:ssd without storage as it was (storage only shown)", async () => {
    const { id, outs } = await drive.create(await drive.checked({ name: "legacy", sizeGb: 1, tags: ["affinity:ssd"] }));
    expect(outs).toMatchObject({ storage: "ssd", tags: ["affinity:ssd"] });
    const read = await drive.read(id, outs);
    expect(read.props).toEqual(outs);
    expect((await drive.diff(id, read.props!, await drive.checked({ name: "legacy", sizeGb: 1, tags: ["affinity:ssd"] }))).changes).toBe(false);
  });

  it.each([
    [{ name: "x", sizeGb: 1, storage: "hdd", tags: ["affinity:ssd"] }, "tags"],
    [{ name: "x", sizeGb: 1, storage: "nvme" }, "storage"],
    [{ name: "x", sizeGb: 1, cloneFrom: "00000000-0000-4000-8000-000000000000" }, "cloneFrom"],
    [{ name: "x", sizeGb: 5, cloneFrom: LIBRARY_DEBIAN }, "sizeGb"],
  ])("check of %j fails on %s before anything is made", async (news, property) => {
    const r = await drive.check({}, news);
    expect(failedPaths(r.failures)).toEqual([property]);
  });
});
