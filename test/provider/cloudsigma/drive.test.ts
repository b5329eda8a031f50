import { describe, expect, it, vi } from "vitest";
import { DriveInputs, DriveOutputs, driveProvider } from "../../../provider/cloudsigma/drive";
import { LIBRARY_DEBIAN, useSigma } from "../../helpers/cloudsigma";

const ctx = useSigma();
const GIB = 1024 ** 3;

async function checked(news: Record<string, unknown>): Promise<DriveInputs> {
  const r = await driveProvider.check({} as DriveInputs, news as never);
  expect(r.failures ?? []).toEqual([]);
  return r.inputs as DriveInputs;
}

describe("cloudsigma.Drive lifecycle", () => {
  it("creates an empty drive with only the required inputs and reads it back", async () => {
    const { id, outs } = await driveProvider.create(await checked({ name: "data", sizeGb: 10 }));
    expect(outs).toMatchObject({ name: "data", sizeGb: 10, sizeBytes: 10 * GIB, status: "active", claimType: "exclusive", encryptionCipher: "aes-xts-plain", claimedBy: [] });
    const read = await driveProvider.read(id, outs as DriveOutputs);
    expect(read.props).toEqual(outs);
  });

  it("clones a library image and waits until imaging is done, reporting progress", async () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    const { id, outs } = await driveProvider.create(await checked({ name: "web-1-root", sizeGb: 20, cloneFrom: LIBRARY_DEBIAN, tags: ["affinity:ssd"] }));
    expect(log.mock.calls.some(([m]) => /imaging \d+%/.test(m))).toBe(true);
    log.mockRestore();
    expect(outs).toMatchObject({ sizeGb: 20, tags: ["affinity:ssd"] });
    const wire = ctx.sim.vendor.state.drive(id)!;
    expect(wire.imaging).toBeUndefined();
    expect(wire.claimed).toBeUndefined();
  });

  it("renames, grows and retags in place", async () => {
    const { id, outs } = await driveProvider.create(await checked({ name: "data", sizeGb: 10 }));
    const news = await checked({ name: "data-2", sizeGb: 15, tags: ["affinity:ssd"] });
    expect(await driveProvider.diff(id, outs as DriveOutputs, news)).toMatchObject({ changes: true, replaces: [] });
    const u = await driveProvider.update(id, outs as DriveOutputs, news);
    expect(u.outs).toMatchObject({ name: "data-2", sizeGb: 15, tags: ["affinity:ssd"] });
  });

  it("refuses to shrink at preview, naming the field", async () => {
    const { id, outs } = await driveProvider.create(await checked({ name: "data", sizeGb: 10 }));
    await expect(driveProvider.diff(id, outs as DriveOutputs, await checked({ name: "data", sizeGb: 5 }))).rejects.toThrow(/sizeGb: drive data cannot shrink from 10 GiB to 5 GiB/);
  });

  it("replaces on a new clone source or cipher", async () => {
    const { id, outs } = await driveProvider.create(await checked({ name: "data", sizeGb: 10 }));
    const d = await driveProvider.diff(id, outs as DriveOutputs, await checked({ name: "data", sizeGb: 10, encryptionCipher: "none" }));
    expect(d.replaces).toEqual(["encryptionCipher"]);
  });

  it("retries a change while the drive is busy imaging", async () => {
    vi.spyOn(console, "log").mockImplementation(() => {});
    const inputs = await checked({ name: "c", sizeGb: 10, cloneFrom: LIBRARY_DEBIAN, timeoutSeconds: 1 });
    // Start a clone directly, so that it is still imaging when the provider sets it.
    const a = ctx.sim.vendor.state.account;
    const res = await fetch(`${ctx.sim.url}/drives/${LIBRARY_DEBIAN}/clone`, { method: "POST", body: "name c\n", headers: { authorization: "Basic " + Buffer.from(`${a.email}:${a.password}`).toString("base64") } });
    const uuid = /drive (\S+)/.exec(await res.text())![1];
    const u = await driveProvider.update(uuid, { ...inputs, uuid } as unknown as DriveOutputs, { ...inputs, name: "renamed", timeoutSeconds: 10 });
    expect(u.outs!.name).toBe("renamed");
    const busy = (await ctx.sim.control("GET", "/_sim/requests")).filter((r: { status: number }) => r.status === 409);
    expect(busy.length).toBeGreaterThan(0);
    vi.restoreAllMocks();
  });

  it("destroys, and tolerates a drive that is already gone", async () => {
    const { id, outs } = await driveProvider.create(await checked({ name: "data", sizeGb: 1 }));
    await driveProvider.delete(id, outs as DriveOutputs);
    expect(ctx.sim.vendor.state.drives.has(id)).toBe(false);
    await expect(driveProvider.delete(id, outs as DriveOutputs)).resolves.toBeUndefined();
    expect(await driveProvider.read(id, outs as DriveOutputs)).toEqual({ id: "" });
  });

  it("refuses to destroy a drive mounted on a server, saying so", async () => {
    const { id, outs } = await driveProvider.create(await checked({ name: "data", sizeGb: 1 }));
    ctx.sim.vendor.state.drives.get(id)!.claimed = `00000000-0000-0000-0000-00000000a0a0:guest:62fe7cde-4fb9-4c63-bd8c-e757930066a0:ide:0:0`;
    await expect(driveProvider.delete(id, outs as DriveOutputs)).rejects.toThrow(/is mounted on a server; detach it/);
  });

  it.each([
    [{ name: "x", sizeGb: 0 }, "sizeGb"],
    [{ name: "x", sizeGb: 1e-12 }, "sizeGb"],
    [{ name: "", sizeGb: 1 }, "name"],
    [{ name: "x", sizeGb: 1, cloneFrom: "not-a-uuid" }, "cloneFrom"],
    [{ name: "x", sizeGb: 1, tags: ["a b"] }, "tags[0]"],
  ])("check of %j fails on %s", async (news, property) => {
    const r = await driveProvider.check({} as DriveInputs, news as never);
    expect(r.failures?.map((f) => f.property)).toEqual([property]);
  });

  it("reports a clone of a drive that does not exist as not found, with the vendor's message", async () => {
    const err = await driveProvider.create(await checked({ name: "x", sizeGb: 1, cloneFrom: "00000000-0000-4000-8000-000000000000" })).catch((e) => e);
    expect(err.code).toBe("not_found");
    expect(err.message).toMatch(/could not be found/);
  });
});
