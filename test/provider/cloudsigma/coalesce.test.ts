/**
 * CloudSigma reads coalesced across resources: a fleet's polls, reads and marker look-ups are one read of
 * the whole collection per window; a single read keeps its own info path; check's look-ups are once per run.
 */
import { describe, expect, it } from "vitest";
import * as cloudsigma from "../../../provider/cloudsigma";
import { LIBRARY_DEBIAN, sigmaConfig, useSigma } from "../../helpers/cloudsigma";
import { asEngine } from "../../helpers/engine";

const ctx = useSigma({ imagingMs: 300 });
const drive = asEngine(cloudsigma.Drive.provider);
const server = asEngine(cloudsigma.Server.provider);
const vlan = asEngine(cloudsigma.Vlan.provider);
const marker = (n: number) => `pulumi:${String(n).padStart(16, "0")}`;

/** The requests sent since the last call, by path with uuids as `:id`. */
const sent = async () => {
  const log = await ctx.sim.requests();
  await ctx.sim.control("DELETE", "/_sim/requests");
  const by: Record<string, number> = {};
  for (const r of log) {
    const k = `${r.method} ${r.path.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, ":id")}`;
    by[k] = (by[k] ?? 0) + 1;
  }
  return by;
};

describe("CloudSigma reads, coalesced across resources", () => {
  it("clones 10 drives at once with one clone each, their marker look-up, imaging polls and reads shared by all ten", async () => {
    const inputs = await Promise.all(Array.from({ length: 10 }, (_, i) => drive.checked({ name: `d-${i}`, sizeGb: 10, cloneFrom: LIBRARY_DEBIAN })));
    await sent();
    const made = await Promise.all(inputs.map((inp, i) => drive.create({ ...inp, marker: marker(i) })));
    expect(made.map((m) => m.outs.status)).toEqual(made.map(() => "active"));
    const by = await sent();
    expect(by[`POST /drives/:id/clone`]).toBe(10);
    // The marker look-up, ~15 polls of the 300 ms imaging (20 ms apart) and the read after it, for all ten at
    // once (a window that holds one drive reads it alone): about 17 reads, 170 without coalescing.
    expect((by["GET /drives/info"] ?? 0) + (by["GET /drives/:id/info"] ?? 0)).toBeLessThanOrEqual(34);
  });

  it("reads one drive with its own info path, and several at once with one /drives/info", async () => {
    const made = await Promise.all(Array.from({ length: 3 }, async (_, i) => drive.create(await drive.checked({ name: `r-${i}`, sizeGb: 1 }))));
    await sent();
    await drive.read(made[0].id, made[0].outs);
    expect(await sent()).toEqual({ "GET /drives/:id/info": 1 });
    const reads = await Promise.all(made.map((m) => drive.read(m.id, m.outs)));
    expect(reads.map((r) => r.props!.name)).toEqual(["r-0", "r-1", "r-2"]);
    expect(await sent()).toEqual({ "GET /drives/info": 1 });
  });

  it("takes a drive missing from /drives/info (the whole collection) as gone, and only that one", async () => {
    const made = await Promise.all(Array.from({ length: 3 }, async (_, i) => drive.create(await drive.checked({ name: `g-${i}`, sizeGb: 1 }))));
    await ctx.api("POST", `/drives/${made[1].id}/destroy`);
    const reads = await Promise.all(made.map((m) => drive.read(m.id, m.outs)));
    expect(reads.map((r) => r.id)).toEqual([made[0].id, "", made[2].id]);
  });

  it("asks nothing at check about a drive this run has already read (made just before the server)", async () => {
    const d = await drive.create(await drive.checked({ name: "boot", sizeGb: 1 }));
    await sent();
    await server.checked({ name: "s", cpuMhz: 2000, memMb: 1024, drives: [{ device: "ide:0:0", driveUuid: d.id }] });
    expect(await sent()).toEqual({});
  });

  it("looks up a server's VLAN and drive once per run at check, however many servers name them", async () => {
    const { id: vlanId } = await vlan.create(await vlan.checked({ name: "back" }));
    // Other settings: a client of its own, as a new run has.
    await server.configure({ ...sigmaConfig(ctx.sim.url), "cloudsigma:pollIntervalMs": "21" });
    await sent();
    const news = (i: number) => ({
      name: `s-${i}`,
      cpuMhz: 2000,
      memMb: 1024,
      nic1: { vlanUuid: vlanId },
      drives: [{ device: "ide:0:0", driveUuid: LIBRARY_DEBIAN, media: "cdrom" }],
    });
    for (const n of [0, 10]) await Promise.all(Array.from({ length: 10 }, (_, i) => server.checked(news(n + i))));
    // The library drive is readable by its own info path, so the library list is not needed.
    expect(await sent()).toEqual({ "GET /resources/vlan/:id/info": 1, "GET /drives/:id/info": 1 });
  });
});
