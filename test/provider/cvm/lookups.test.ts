/**
 * CVM look-ups against the simulator through its HTTP routes: a VPS by hostname, id or IP address (its
 * hostname resolved: the API lists no addresses) with its status read for the one found, a hostname two
 * VPSes share (several found, then narrowed), none found, bad filters, one list request however many
 * look-ups ask, Outputs in and out, and named endpoints.
 */
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { cvm } from "../../../provider";
import { cvmConfig, useCvm } from "../../helpers/cvm";
import { asEngine } from "../../helpers/engine";

const ctx = useCvm();
const sent = () => ctx.sim.sent();
const valueOf = <T>(o: pulumi.Output<T>) => new Promise<T>((resolve) => o.apply(resolve));
/** VPSes whose hostnames are addresses, or resolve to one without a DNS server (`localhost`, from the hosts file). */
const byAddress = () =>
  ctx.sim.control("POST", "/_sim/seed", {
    vpses: [
      { id: "301", node: "1", hostname: "192.0.2.7", status: "running" },
      { id: "302", node: "1", hostname: "localhost", status: "running" },
      { id: "303", node: "2", hostname: "127.0.0.1", status: "stopped" },
    ],
  });

describe("cvm look-ups", () => {
  it.each([
    [{ hostname: "web-2.example.net" }, "102"],
    [{ id: "103" }, "103"],
    [{ hostname: "staging.example.net", node: "2" }, "107"],
    [{ hostname: "staging.example.net", id: "106" }, "106"],
  ])("getVps(%j) finds the one VPS those filters name", async (args, id) => {
    expect((await cvm.getVps(args)).id).toBe(id);
  });

  it("answers the VPS as listed with its status now, reading /status for the one found only", async () => {
    await sent();
    expect(await cvm.getVps({ hostname: "db-1.example.net" })).toEqual({
      id: "103",
      hostname: "db-1.example.net",
      node: "2",
      location: "Amsterdam, Netherlands",
      template: "debian-12",
      virtualizationType: "openvz",
      cpuCount: 4,
      ramMb: 4096,
      diskMb: 80000,
      status: "stopped",
      ramUsedBytes: 0,
      diskUsedBytes: 0,
    });
    expect(await sent()).toEqual({ "/api/client/vps/list": 1, "/api/client/vps/103/status": 1 });
    await ctx.sim.control("POST", "/_sim/seed", { vpses: [{ id: "103", node: "2", hostname: "db-1.example.net", status: "running" }] });
    await asEngine(cvm.Vm.provider).configure(cvmConfig(ctx.sim.url));
    expect((await cvm.getVps({ id: "103" })).status).toBe("running");
    expect((await cvm.getVps({ id: "104" })).status).toBe("suspended");
  });

  it("lists the VPSes that share a hostname, says which filter narrows it, and reads no status", async () => {
    await sent();
    const e = await cvm.getVps({ hostname: "staging.example.net" }).catch((x: Error) => x);
    expect(String(e)).toMatch(/cvm\.getVps: 2 VPSes have hostname "staging\.example\.net" at the cvm endpoint: /);
    expect(String(e)).toMatch(/: staging\.example\.net \(id 106, node 1\); staging\.example\.net \(id 107, node 2\); narrow it with node or id$/);
    expect(await sent()).toEqual({ "/api/client/vps/list": 1 });
  });

  it("says what was searched and what exists when nothing matches, another user's VPSes not among them", async () => {
    await expect(cvm.getVps({ hostname: "nope.example.net" })).rejects.toThrow(
      'cvm.getVps: no VPS has hostname "nope.example.net" at the cvm endpoint; the 7 there: web-1.example.net (id 101, node 1); web-2.example.net (id 102, node 1); ' +
        "db-1.example.net (id 103, node 2); old-1.example.net (id 104, node 2); gone-1.example.net (id 105, node 2); staging.example.net (id 106, node 1); staging.example.net (id 107, node 2)",
    );
    await expect(cvm.getVps({ id: "201" })).rejects.toThrow(/no VPS has id "201" at the cvm endpoint/);
  });

  it("finds a VPS by IP address through its hostname, lists the VPSes whose hostnames resolve to the same address, and narrows them by node", async () => {
    await byAddress();
    expect((await cvm.getVps({ ipAddress: "192.0.2.7" })).id).toBe("301");
    await expect(cvm.getVps({ ipAddress: "127.0.0.1" })).rejects.toThrow(
      /2 VPSes have ipAddress "127\.0\.0\.1" at the cvm endpoint: localhost \(id 302, node 1, resolves to [^)]*127\.0\.0\.1[^)]*\); 127\.0\.0\.1 \(id 303, node 2, resolves to 127\.0\.0\.1\); narrow it with node or id/,
    );
    expect(await cvm.getVps({ ipAddress: "127.0.0.1", node: "2" })).toMatchObject({ id: "303", hostname: "127.0.0.1", status: "stopped" });
    await expect(cvm.getVps({ ipAddress: "198.51.100.1" })).rejects.toThrow(
      /no VPS has ipAddress "198\.51\.100\.1" at the cvm endpoint; the 10 there: .*192\.0\.2\.7 \(id 301, node 1, resolves to 192\.0\.2\.7\)/,
    );
  });

  it("refuses a misspelt filter, a filter of the wrong form, and a look-up that names no VPS, naming the filter, before any request", async () => {
    await sent();
    await expect(cvm.getVps({ vpsId: "101" } as never)).rejects.toThrow(
      "cvm.getVps: vpsId: unknown filter (the filters are hostname, ipAddress, id, node, endpoint)",
    );
    await expect(cvm.getVps({ ipAddress: "10.0.0.300" })).rejects.toThrow("cvm.getVps: ipAddress: must be an IPv4 or IPv6 address");
    await expect(cvm.getVps({ ipAddress: "10.0.0.3", id: "web-1" })).rejects.toThrow(`cvm.getVps: id: must be the VPS's numeric id, e.g. "101"`);
    await expect(cvm.getVps({ node: "1" })).rejects.toThrow("cvm.getVps: give hostname, ipAddress or id to say which VPS is meant");
    expect(await sent()).toEqual({});
  });

  it("sends one list request for every look-up of the program, at once or later, and one status request per VPS found", async () => {
    await byAddress();
    await sent();
    await Promise.all([
      cvm.getVps({ hostname: "web-1.example.net" }),
      cvm.getVps({ id: "102" }),
      cvm.getVps({ ipAddress: "192.0.2.7" }),
      cvm.getVps({ hostname: "web-1.example.net" }),
    ]);
    await cvm.getVps({ hostname: "staging.example.net", node: "1" });
    expect(await sent()).toEqual({
      "/api/client/vps/list": 1,
      "/api/client/vps/101/status": 2,
      "/api/client/vps/102/status": 1,
      "/api/client/vps/301/status": 1,
      "/api/client/vps/106/status": 1,
    });
  });

  it("getVpsOutput takes Outputs and answers an Output of the same result", async () => {
    await byAddress();
    const web = cvm.getVpsOutput({ hostname: pulumi.output("web-2.example.net") });
    expect(await valueOf(web.status)).toBe("stopped");
    expect(await valueOf(cvm.getVpsOutput({ ipAddress: pulumi.output("192.0.2.7") }).id)).toBe("301");
  });

  it("reads a named endpoint's settings, and names the settings to set when they are missing", async () => {
    await asEngine(cvm.Vm.provider).configure({ ...cvmConfig(ctx.sim.url), ...cvmConfig(ctx.sim.url, "cvm-site-b") });
    expect((await cvm.getVps({ hostname: "web-1.example.net", endpoint: "site-b" })).id).toBe("101");
    await expect(cvm.getVps({ id: "101", endpoint: "site-c" })).rejects.toThrow(/cvm-site-c:endpoint is not set.*CVM_SITE_C_ENDPOINT/);
    await expect(cvm.getVps({ ipAddress: "192.0.2.7", endpoint: "site-c" })).rejects.toThrow(/cvm-site-c:endpoint is not set/);
  });

  it("keeps the private token out of the error when the panel refuses the token pair", async () => {
    await asEngine(cvm.Vm.provider).configure({ ...cvmConfig(ctx.sim.url), "cvm:privateToken": "wrong-private-123" });
    const e = await cvm.getVps({ id: "101" }).catch((x: Error) => x);
    expect(String(e)).toMatch(/check cvm:publicToken and cvm:privateToken/);
    expect(String(e)).not.toContain("wrong-private-123");
  });
});
