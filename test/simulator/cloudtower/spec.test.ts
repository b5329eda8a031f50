/**
 * The CloudTower simulator judged by SmartX's OpenAPI 4.6.0 spec: what it refuses (unknown fields, where
 * keys and orderBy values), that an answer of its own that the spec does not describe is a 500, and how it
 * runs without the spec. Skipped, saying why, where the spec is absent.
 */
import { describe, expect, it } from "vitest";
import { createCloudTowerSimulator } from "../../../simulator/cloudtower";
import { findSpec, loadSpec } from "../../../simulator/cloudtower/openapi";
import { tower } from "./harness";

const SPEC = findSpec();
if (!SPEC) console.warn("skipping the CloudTower simulator's spec tests: cloudtower-openapi-4.6.0.json is absent (../shared is not beside the project)");

describe.skipIf(!SPEC)("CloudTower simulator with the 4.6.0 spec", () => {
  const t = tower({});

  it.each([
    ["a where key the spec does not know", "/get-vms", { where: { nickname: "x" } }, /\/where: unknown field "nickname"/],
    ["a nested where key the spec does not know", "/get-vms", { where: { cluster: { colour: "red" } } }, /\/where\/cluster: unknown field "colour"/],
    ["an orderBy value outside the spec's enum", "/get-vms", { orderBy: "colour_ASC" }, /\/orderBy: must be one of "bios_uuid_ASC"/],
    ["a field of the wrong type", "/get-vms", { first: "ten" }, /\/first: must be integer/],
    ["an unknown field at the top of a read", "/get-tasks", { where: {}, limit: 5 }, /body: unknown field "limit"/],
    ["an unknown field in a mutation body", "/create-vm-vlan", [{ vds_id: "x", name: "n", colour: "red" }], /\/0: unknown field "colour"/],
    ["a mutation body without a required field", "/update-vm-basic-info", { data: { name: "x" } }, /body: must have required property 'where'/],
    ["a body that is not JSON", "/get-vms", "{nope", /not valid JSON/],
  ])("answers 400 with CloudTower's error body to %s", async (_what, path, body, message) => {
    const r = await t.api(path, body);
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ path, status: 400, message: expect.stringMatching(message) });
  });

  it("accepts where keys, relations and orderBy values the spec defines, and orders by them", async () => {
    const r = await t.api("/get-vm-templates", {
      where: { cluster: { name_in: ["cluster-a", "cluster-b"] }, name_starts_with: "debian" },
      orderBy: "name_DESC",
    });
    expect(r.status).toBe(200);
    expect(r.body.map((x: { name: string }) => x.name)).toEqual(["debian-12", "debian-12"]);
    const byId = await t.api("/get-clusters", { orderBy: "name_DESC" });
    expect(byId.body.map((c: { name: string }) => c.name)).toEqual(["cluster-b", "cluster-a"]);
  });

  it("answers 500 naming the simulator bug when its own answer does not match the spec", async () => {
    await t.sim.control("POST", "/_sim/seed", { vlans: [{ id: "cbadvlan00000000000000001", name: "broken" }] });
    const r = await t.api("/get-vlans", { where: { id: "cbadvlan00000000000000001" } });
    expect(r.status).toBe(500);
    expect(r.body.message).toMatch(
      /^simulator bug: the 200 answer of \/get-vlans does not match cloudtower-openapi-4\.6\.0\.json: \/0: must have required property/,
    );
  });

  it("answers a bad token with a 401 whose body is CloudTower's error body", async () => {
    const r = await t.api("/get-vms", {}, "not-a-token");
    expect(r.status).toBe(401);
    expect(r.body).toMatchObject({ path: "/get-vms", status: 401 });
    expect(loadSpec(SPEC!).checkResponse("/get-vms", 401, r.body)).toEqual([]);
  });

  it("answers /get-version with the version as a JSON string, without a token", async () => {
    const res = await fetch(`${t.sim.url}/v2/api/get-version`);
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(await res.json()).toBe("4.6.0");
  });

  it("routes only operations the spec has (it refuses to start otherwise)", () => {
    const sim = createCloudTowerSimulator();
    const ops = sim.routes.map((r) => r.path).filter((p) => p.startsWith("/v2/api/"));
    expect(ops.length).toBeGreaterThan(60);
    for (const p of ops) expect(sim.spec!.operation(p.slice("/v2/api".length)), p).toBeDefined();
  });

  it("checks the spec's own examples of a refused body and a refused answer (the validators are not blind)", () => {
    const spec = loadSpec(SPEC!);
    expect(spec.checkRequest("/create-vm", [{ name: 1, cluster_id: "c" }])).not.toEqual([]);
    expect(spec.checkResponse("/get-vms", 200, [{ id: "x", name: "y" }])).not.toEqual([]);
    expect(spec.checkResponse("/get-vms", 200, [])).toEqual([]);
    expect(spec.checkRequest("/get-tasks", { where: { id_in: ["a"] }, orderBy: "local_created_at_DESC", first: 1 })).toEqual([]);
  });
});

describe("CloudTower simulator without the spec", () => {
  const t = tower({ spec: false });

  it("still refuses unknown fields of the bodies it models, with its own schemas", async () => {
    const r = await t.api("/create-vm-vlan", [{ vds_id: "x", name: "n", colour: "red" }]);
    expect(r.status).toBe(400);
    expect(r.body.message).toMatch(/unknown field\(s\) colour/);
    expect((await t.api("/get-vms", { where: { name: "legacy-app" } })).body).toHaveLength(1);
  });
});
