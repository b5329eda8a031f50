/**
 * The CloudSigma simulator against the manual, through HTTP: new servers boot as they are created and show
 * only what was given plus what the service adds; `smp auto` is a number while running and `auto` while
 * stopped; NIC 1 gets a generated MAC; keys real clients send are tolerated; a GET on a POST-only command is
 * a 405 (`errors:method`); the /guests aliases, server clone, the multiple-server commands, server group
 * start/stop, `/usage/info` and `/currencies/list`.
 */
import { describe, expect, it } from "vitest";
import { DEMO_ACCOUNT } from "../../../simulator/cloudsigma";
import { LIBRARY_DEBIAN, useSigma } from "../../helpers/cloudsigma";

const ctx = useSigma({ imagingMs: 50 });

async function raw(method: string, path: string, body?: string) {
  const res = await fetch(ctx.sim.url + path, {
    method,
    body,
    headers: { authorization: "Basic " + Buffer.from(`${DEMO_ACCOUNT.email}:${DEMO_ACCOUNT.password}`).toString("base64") },
  });
  return { status: res.status, text: await res.text() };
}

describe("the CloudSigma simulator, as the manual documents it", () => {
  it("boots a server as it creates it, showing the keys given and the service's (the manual's example)", async () => {
    const [s] = await ctx.api("POST", "/servers/create", { name: "Test server", cpu: "1000", mem: "1000" });
    expect(Object.keys(s).sort()).toEqual(["cpu", "mem", "name", "rx", "server", "smp", "started", "status", "tx", "user"]);
    expect(s).toMatchObject({ status: "active", smp: "1", tx: "0", rx: "0", user: DEMO_ACCOUNT.uuid });
    await ctx.api("GET", `/servers/${s.server}/stop`);
    const [stopped] = await ctx.api("GET", `/servers/${s.server}/info`);
    expect(stopped).toMatchObject({ status: "stopped", smp: "auto" });
    expect(stopped).not.toHaveProperty("started");
  });

  it("gives NIC 1 a random locally administered MAC when none is set (or `auto`), and keeps one that is", async () => {
    const [vlan] = await ctx.api("POST", "/resources/vlan/create", { name: "v" });
    const [a] = await ctx.api("POST", "/servers/create", { name: "a", cpu: "1000", mem: "512", "nic:1:model": "e1000", "nic:1:vlan": vlan.resource });
    const [b] = await ctx.api("POST", "/servers/create", { name: "b", cpu: "1000", mem: "512", "nic:1:vlan": vlan.resource, "nic:1:mac": "auto" });
    const [c] = await ctx.api("POST", "/servers/create", { name: "c", cpu: "1000", mem: "512", "nic:1:vlan": vlan.resource, "nic:1:mac": "66:c8:fd:23:a7:a2" });
    for (const s of [a, b]) {
      expect(s["nic:1:mac"]).toMatch(/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/);
      expect(parseInt(s["nic:1:mac"].slice(0, 2), 16) & 3).toBe(2);
    }
    expect(a["nic:1:mac"]).not.toBe(b["nic:1:mac"]);
    expect(c["nic:1:mac"]).toBe("66:c8:fd:23:a7:a2");
    const [none] = await ctx.api("POST", "/servers/create", { name: "d", cpu: "1000", mem: "512" });
    expect(none).not.toHaveProperty("nic:1:mac");
    expect((await raw("POST", "/servers/create", "name e\nnic:1:model e1000\nnic:1:mac nope\n")).status).toBe(400);
  });

  it("takes libcloud's driveType on a clone without showing it", async () => {
    const r = await raw("POST", `/drives/${LIBRARY_DEBIAN}/clone`, "name n\nsize 10G\ndriveType ssd\n");
    expect(r.status).toBe(200);
    expect(r.text).not.toMatch(/driveType/);
  });

  it("answers a GET on a POST-only command with 405 errors:method, and takes GET where the manual or a client uses it", async () => {
    for (const path of ["/drives/create", "/servers/create", "/resources/vlan/create", `/drives/${LIBRARY_DEBIAN}/clone`, "/profile/set"]) {
      const r = await raw("GET", path);
      expect([path, r.status]).toEqual([path, 405]);
      expect(r.text).toMatch(/^errors:method /);
    }
    expect((await raw("GET", "/resources/ip/create")).status).toBe(200);
    expect((await raw("GET", "/no/such/command")).text).toMatch(/^errors:missing /);
  });

  it("answers under /guests as under /servers, clones a server, and starts, stops and destroys several at once", async () => {
    const [s] = await ctx.api("POST", "/guests/create", { name: "g", cpu: "2000", mem: "1024", "nic:0:model": "virtio" });
    expect((await ctx.api("GET", "/guests/list")).map((x) => x.server ?? Object.keys(x)[0])).toHaveLength(1);
    const [clone] = await ctx.api("POST", `/servers/${s.server}/clone`, { name: "g2" });
    expect(clone).toMatchObject({ name: "g2", cpu: "2000", mem: "1024", "nic:0:model": "virtio", status: "active" });
    expect((await raw("POST", "/servers/stop", `server:0 ${s.server}\nserver:1 ${clone.server}\n`)).status).toBe(200);
    expect((await ctx.api("GET", "/servers/info")).map((x) => x.status)).toEqual(["stopped", "stopped"]);
    expect((await raw("POST", "/servers/start", `server:0 ${s.server}\n`)).status).toBe(200);
    expect((await raw("POST", "/servers/destroy", `server:0 ${s.server}\n`)).status).toBe(400);
    await ctx.api("GET", `/guests/${s.server}/stop`);
    const left = await raw("POST", "/servers/destroy", `server:0 ${s.server}\nserver:1 ${clone.server}\n`);
    expect(left).toEqual({ status: 200, text: "" });
  });

  it("clones a server with copies of the drives it holds exclusively (imaging), mounting library and shared drives as they are", async () => {
    const [own] = await ctx.api("POST", "/drives/create", { name: "own", size: "1G", tags: "affinity:ssd", "user:pulumi": "pulumi:0000000000000001" });
    const [shared] = await ctx.api("POST", "/drives/create", { name: "shared", size: "1G", "claim:type": "shared" });
    const [s] = await ctx.api("POST", "/servers/create", {
      name: "src",
      cpu: "1000",
      mem: "512",
      "ide:0:0": own.drive,
      "ide:0:1": shared.drive,
      "ide:1:0": LIBRARY_DEBIAN,
      boot: "ide:0:0",
      "user:team": "web",
    });
    const [clone] = await ctx.api("POST", `/servers/${s.server}/clone`, { name: "copy" });
    expect(clone).toMatchObject({ name: "copy", status: "active", "ide:0:1": shared.drive, "ide:1:0": LIBRARY_DEBIAN, boot: "ide:0:0" });
    expect(clone).not.toHaveProperty("user:team");
    const copy = clone["ide:0:0"];
    expect(copy).not.toBe(own.drive);
    const [d] = await ctx.api("GET", `/drives/${copy}/info`);
    // The copy keeps the source drive's size and tags, not its user:* keys; it images, claimed by the clone.
    expect(d).toMatchObject({ name: "copy ide:0:0", size: String(1024 ** 3), tags: "affinity:ssd", imaging: expect.stringMatching(/%$/) });
    expect(d).not.toHaveProperty("user:pulumi");
    expect(d.claimed).toContain(`:guest:${clone.server}:ide:0:0`);
    expect((await raw("POST", `/drives/${copy}/destroy`)).status).toBe(409);
    await new Promise((r) => setTimeout(r, 80));
    const [done] = await ctx.api("GET", `/drives/${copy}/info`);
    expect(done).not.toHaveProperty("imaging");
    expect(done.claimed).toBe(`00000000-0000-0000-0000-00000000b0b0:guest:${clone.server}:ide:0:0`);
    expect((await raw("POST", `/servers/${s.server}/clone`, "name c2\nmem 1024\n")).status).toBe(400);
  });

  it("starts and stops a server group's members", async () => {
    const [s] = await ctx.api("POST", "/servers/create", { name: "m", cpu: "1000", mem: "512" });
    const [g] = await ctx.api("POST", "/servergroups/create", { name: "grp" });
    await ctx.api("POST", `/servergroups/${g.uuid}/add`, { "server:0": s.server });
    expect((await raw("GET", `/servergroups/${g.uuid}/stop`)).status).toBe(204);
    expect((await ctx.api("GET", `/servers/${s.server}/info`))[0].status).toBe("stopped");
    expect((await raw("GET", `/servergroups/${g.uuid}/start`)).status).toBe(204);
    expect((await ctx.api("GET", `/servers/${s.server}/info`))[0].status).toBe("active");
    expect((await raw("GET", `/servergroupss/${g.uuid}/destroy`)).status).toBe(405);
  });

  it("shows the current use (/usage/info) with the manual's keys, and the currencies", async () => {
    await ctx.api("POST", "/servers/create", { name: "u", cpu: "3000", mem: "2048" });
    await ctx.api("POST", "/drives/create", { name: "d", size: "20G" });
    const [u] = await ctx.api("GET", "/usage/info");
    expect(Object.keys(u)).toEqual([
      "cpu",
      "mem",
      "disk",
      "cpu:burst",
      "mem:burst",
      "disk:burst",
      "cpu:sub",
      "mem:sub",
      "disk:sub",
      "rx:total",
      "tx:total",
      "xfer:total",
      "xfer:burst",
      "xfer:sub",
    ]);
    expect(u).toMatchObject({ cpu: "3000", mem: "2048", disk: "20", "cpu:burst": "3000", "cpu:sub": "0" });
    expect((await raw("GET", "/currencies/list")).text).toBe("EUR\nGBP\nUSD\n");
  });
});
