import { describe, expect, it, vi } from "vitest";
import { driveProvider, driveSchema, DriveInputs } from "../../../provider/cloudsigma/drive";
import { ServerInputs, ServerOutputs, serverProvider } from "../../../provider/cloudsigma/server";
import { vlanProvider } from "../../../provider/cloudsigma/vlan";
import { useSigma } from "../../helpers/cloudsigma";

const ctx = useSigma();

async function drive(name = "root", sizeGb = 10): Promise<string> {
  return (await driveProvider.create(driveSchema().parse({ name, sizeGb }) as DriveInputs)).id;
}

async function checked(news: Record<string, unknown>): Promise<ServerInputs> {
  const r = await serverProvider.check({} as ServerInputs, news as never);
  expect(r.failures ?? []).toEqual([]);
  return r.inputs as ServerInputs;
}

describe("cloudsigma.Server lifecycle", () => {
  it("creates with only the required inputs, starts it, and reads back its address", async () => {
    const { id, outs } = await serverProvider.create(await checked({ name: "web-1", cpuMhz: 2000, memMb: 1024 }));
    expect(outs).toMatchObject({ name: "web-1", status: "active", cpuMhz: 2000, memMb: 1024, powerState: "running", nic0: { model: "virtio", dhcp: "auto" } });
    expect(outs!.ip).toMatch(/^185\.12\.6\.\d+$/);
    expect(outs!.vncAddress).toBe(outs!.ip);
    const read = await serverProvider.read(id, outs as ServerOutputs);
    expect(read.props).toEqual(outs);
    expect((await serverProvider.diff(id, outs as ServerOutputs, read.inputs as ServerInputs)).changes).toBe(false);
  });

  it("mounts drives, boots from the first, joins a VLAN on NIC 1 and claims the drives", async () => {
    const root = await drive("root");
    const data = await drive("data");
    const { id: vlan } = await vlanProvider.create({ name: "private" });
    const { id, outs } = await serverProvider.create(await checked({ name: "db", cpuMhz: 4000, memMb: 4096, drives: [{ device: "ide:0:0", driveUuid: root }, { device: "ide:0:1", driveUuid: data }], nic1: { vlanUuid: vlan } }));
    expect(outs).toMatchObject({ boot: ["ide:0:0"], nic1: { vlanUuid: vlan, model: "virtio" } });
    expect(ctx.sim.vendor.state.drive(data)!.claimed).toContain(`:guest:${id}:ide:0:1`);
  });

  it("renames and changes CPU live, without a restart", async () => {
    const { id, outs } = await serverProvider.create(await checked({ name: "web-1", cpuMhz: 2000, memMb: 1024 }));
    const news = await checked({ name: "web-one", cpuMhz: 3000, memMb: 1024 });
    const u = await serverProvider.update(id, outs as ServerOutputs, news);
    expect(u.outs).toMatchObject({ name: "web-one", cpuMhz: 3000, status: "active", startedAt: outs!.startedAt });
  });

  it("refuses at preview a change that needs the server stopped unless allowRestart", async () => {
    const { id, outs } = await serverProvider.create(await checked({ name: "web-1", cpuMhz: 2000, memMb: 1024 }));
    await expect(serverProvider.diff(id, outs as ServerOutputs, await checked({ name: "web-1", cpuMhz: 2000, memMb: 2048 }))).rejects.toThrow(/memMb: the server web-1 must be stopped for this change; set allowRestart/);
  });

  it("stops, sets and starts again when allowed", async () => {
    const { id, outs } = await serverProvider.create(await checked({ name: "web-1", cpuMhz: 2000, memMb: 1024 }));
    await ctx.sim.control("DELETE", "/_sim/requests");
    const u = await serverProvider.update(id, outs as ServerOutputs, await checked({ name: "web-1", cpuMhz: 2000, memMb: 2048, allowRestart: true }));
    expect(u.outs).toMatchObject({ memMb: 2048, status: "active" });
    const calls = (await ctx.sim.control("GET", "/_sim/requests")).map((r: { path: string }) => r.path).filter((p: string) => !p.endsWith("/info"));
    expect(calls).toEqual([`/servers/${id}/shutdown`, `/servers/${id}/set`, `/servers/${id}/start`]);
  });

  it("falls back to a hard stop when the guest ignores the ACPI shutdown", async () => {
    const { id, outs } = await serverProvider.create(await checked({ name: "web-1", cpuMhz: 2000, memMb: 1024 }));
    await ctx.sim.control("POST", "/_sim/cloudsigma/ignore-shutdown", { server: id });
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const u = await serverProvider.update(id, outs as ServerOutputs, await checked({ name: "web-1", cpuMhz: 2000, memMb: 1024, powerState: "stopped", shutdownTimeoutSeconds: 1 }));
    expect(warn.mock.calls[0][0]).toMatch(/ignored the ACPI shutdown/);
    warn.mockRestore();
    expect(u.outs!.status).toBe("stopped");
  });

  it("destroys a running server by stopping it first, releasing its drives, and tolerates a vanished one", async () => {
    const root = await drive("root");
    const { id, outs } = await serverProvider.create(await checked({ name: "web-1", cpuMhz: 2000, memMb: 1024, drives: [{ device: "ide:0:0", driveUuid: root }] }));
    await serverProvider.delete(id, outs as ServerOutputs);
    expect(ctx.sim.vendor.state.servers.has(id)).toBe(false);
    expect(ctx.sim.vendor.state.drive(root)!.claimed).toBeUndefined();
    await expect(serverProvider.delete(id, outs as ServerOutputs)).resolves.toBeUndefined();
    expect(await serverProvider.read(id, outs as ServerOutputs)).toEqual({ id: "" });
  });

  it("keeps the VNC password out of the plain outputs' preview by marking it secret", async () => {
    const { outs } = await serverProvider.create(await checked({ name: "v", cpuMhz: 2000, memMb: 1024, vnc: { password: "s3cr3t" } }));
    expect(outs!.vnc.password).toBe("s3cr3t"); // the resource marks `vnc` an additional secret output
  });
});

describe("cloudsigma.Server bad inputs", () => {
  it.each([
    [{ name: "x", cpuMhz: 2000, memMb: 1024, drives: [{ device: "ide:0:0", driveUuid: "d1" }, { device: "ide:0:1", driveUuid: "d1" }] }, "drives[1].driveUuid"],
    [{ name: "x", cpuMhz: 2000, memMb: 1024, boot: ["ide:0:1"] }, "boot[0]"],
    [{ name: "x", cpuMhz: 2000, memMb: 1024, vnc: { password: "123456789" } }, "vnc.password"],
    [{ name: "x", cpuMhz: 2000, memMb: 1024, drives: [{ device: "sata:0", driveUuid: "d1" }] }, "drives[0].device"],
    [{ name: "x", cpuMhz: 2000, memMb: 1024, powerState: "paused" }, "powerState"],
    [{ name: "x", cpuMhz: 0, memMb: 1024 }, "cpuMhz"],
  ])("check of %j fails on %s", async (news, property) => {
    const r = await serverProvider.check({} as ServerInputs, news as never);
    expect(r.failures?.map((f) => f.property)).toEqual([property]);
  });

  it("names an unknown VLAN and an unknown drive before any request that changes anything", async () => {
    await ctx.sim.control("DELETE", "/_sim/requests");
    const r = await serverProvider.check({} as ServerInputs, { name: "x", cpuMhz: 2000, memMb: 1024, nic1: { vlanUuid: "0000" }, drives: [{ device: "ide:0:0", driveUuid: "1111" }] } as never);
    expect(r.failures?.map((f) => f.property)).toEqual(["nic1.vlanUuid", "drives[0].driveUuid"]);
    expect((await ctx.sim.control("GET", "/_sim/requests")).filter((x: { method: string }) => x.method === "POST")).toEqual([]);
  });
});
