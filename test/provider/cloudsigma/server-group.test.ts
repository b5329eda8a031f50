import { describe, expect, it } from "vitest";
import * as cloudsigma from "../../../provider/cloudsigma";
import { asEngine } from "../../helpers/engine";
import { useSigma } from "../../helpers/cloudsigma";

const ctx = useSigma();
const group = asEngine(cloudsigma.ServerGroup.provider);
const MARKER = "pulumi:0000000000000061";
const wire = async (id: string) => (await ctx.sim.inventory("servergroups")).find((g) => g.uuid === id);
/** A server made out of band (the API boots it as it creates it), then stopped. */
const server = async (name: string) => {
  const uuid = (await ctx.api("POST", "/servers/create", { name, cpu: "1000", mem: "512" }))[0].server;
  await ctx.api("POST", `/servers/${uuid}/stop`);
  return uuid;
};

describe("cloudsigma.ServerGroup", () => {
  it("creates with members, adds and removes one change at a time, renames and destroys", async () => {
    const [a, b, c] = [await server("a"), await server("b"), await server("c")];
    const { id, outs } = await group.create(await group.checked({ name: "web", servers: [b, a] }));
    expect(outs).toMatchObject({ name: "web", description: "", servers: [b, a], uuid: id });
    const news = await group.checked({ name: "web servers", description: "front", servers: [b, c] });
    expect(await group.diff(id, outs, news)).toMatchObject({ changes: true, replaces: [] });
    await ctx.sim.control("DELETE", "/_sim/requests");
    const u = await group.update(id, outs, news);
    expect(u.outs).toMatchObject({ name: "web servers", description: "front", servers: [b, c] });
    expect((await ctx.sim.requests()).filter((r) => r.method === "POST").map((r) => [r.path, r.body])).toEqual([
      [`/servergroups/${id}/set`, expect.stringMatching(/^name web servers\ndescription front \[pulumi:[0-9a-f]{16}\]\n$/)],
      [`/servergroups/${id}/remove`, `server:0 ${a}\n`],
      [`/servergroups/${id}/add`, `server:0 ${c}\n`],
    ]);
    expect((await group.read(id, u.outs)).props).toEqual(u.outs);
    await group.delete(id, u.outs);
    expect(await wire(id)).toBeUndefined();
    await expect(group.delete(id, u.outs)).resolves.toBeUndefined();
    expect(await group.read(id, u.outs)).toEqual({ id: "" });
  });

  it("writes its marker at the end of the description, keeps it across a change of description, and shows only the text", async () => {
    const { id, outs } = await group.create({ ...(await group.checked({ name: "db", description: "databases" })), marker: MARKER });
    expect(outs.description).toBe("databases");
    expect((await wire(id))?.description).toBe(`databases [${MARKER}]`);
    await group.update(id, outs, { ...(await group.checked({ name: "db", description: "all databases" })), marker: "pulumi:ffffffffffffffff" });
    expect((await wire(id))?.description).toBe(`all databases [${MARKER}]`);
  });

  it("adds the members a server group lost out of band, and drops destroyed servers from its outputs at refresh", async () => {
    const [a, b] = [await server("a"), await server("b")];
    const { id, outs } = await group.create(await group.checked({ name: "g", servers: [a, b] }));
    await ctx.api("POST", `/servergroups/${id}/remove`, { "server:0": a });
    await ctx.api("POST", `/servers/${b}/destroy`);
    const read = await group.read(id, outs);
    expect(read.inputs).toMatchObject({ servers: [] });
    const u = await group.update(id, read.props!, await group.checked({ name: "g", servers: [a] }));
    expect(u.outs.servers).toEqual([a]);
  });
});
