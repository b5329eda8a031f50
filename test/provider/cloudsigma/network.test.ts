import { describe, expect, it } from "vitest";
import { StaticIpOutputs, staticIpProvider } from "../../../provider/cloudsigma/static-ip";
import { VlanInputs, VlanOutputs, vlanProvider } from "../../../provider/cloudsigma/vlan";
import { useSigma } from "../../helpers/cloudsigma";

const ctx = useSigma();

describe("cloudsigma.Vlan lifecycle", () => {
  it("creates, reads, renames in place and destroys, tolerating a vanished VLAN", async () => {
    const { id, outs } = await vlanProvider.create({ name: "private" });
    expect(outs).toMatchObject({ name: "private", uuid: id });
    expect((await vlanProvider.read(id, outs as VlanOutputs)).props).toEqual(outs);
    expect(await vlanProvider.diff(id, outs as VlanOutputs, { name: "private-2" })).toMatchObject({ changes: true, replaces: [] });
    expect((await vlanProvider.update(id, outs as VlanOutputs, { name: "private-2" })).outs!.name).toBe("private-2");
    await vlanProvider.delete(id, outs as VlanOutputs);
    expect(ctx.sim.vendor.state.vlans.has(id)).toBe(false);
    await expect(vlanProvider.delete(id, outs as VlanOutputs)).resolves.toBeUndefined();
    expect(await vlanProvider.read(id, outs as VlanOutputs)).toEqual({ id: "" });
  });

  it("keeps a name with quotes and line breaks intact", async () => {
    const { outs } = await vlanProvider.create({ name: 'it\'s "private"' });
    expect(outs!.name).toBe('it\'s "private"');
  });

  it("names an empty name at check", async () => {
    const r = await vlanProvider.check({} as VlanInputs, { name: " " } as never);
    expect(r.failures?.map((f) => f.property)).toEqual(["name"]);
  });
});

describe("cloudsigma.StaticIp lifecycle", () => {
  it("creates with no inputs and outputs address, netmask, gateway and nameservers", async () => {
    const { id, outs } = await staticIpProvider.create({});
    expect(outs).toMatchObject({ address: id, netmask: "255.255.255.0", gateway: "185.12.5.1", nameservers: ["185.12.5.1"] });
    expect((await staticIpProvider.read(id, outs as StaticIpOutputs)).props).toEqual(outs);
    await staticIpProvider.delete(id, outs as StaticIpOutputs);
    expect(ctx.sim.vendor.state.ips.has(id)).toBe(false);
    await expect(staticIpProvider.delete(id, outs as StaticIpOutputs)).resolves.toBeUndefined();
    expect(await staticIpProvider.read(id, outs as StaticIpOutputs)).toEqual({ id: "" });
  });

  it("reports bad credentials as auth without the password", async () => {
    const { configureSigma } = await import("../../../provider/cloudsigma/config");
    const { configFrom } = await import("../../../provider/core");
    configureSigma(configFrom({ "cloudsigma:endpoint": ctx.sim.url, "cloudsigma:username": "demo@example.com", "cloudsigma:password": "wrong-pass-77" }));
    const err = await staticIpProvider.create({}).catch((e) => e);
    expect(err.code).toBe("auth");
    expect(err.message).toMatch(/rejected the credentials/);
    expect(err.message).not.toContain("wrong-pass-77");
  });
});
