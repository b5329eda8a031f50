/**
 * Cross-check against SmartX's own OpenAPI spec (../shared/reference/cloudtower-openapi-4.6.0-subset.json):
 * every request body the providers send during a full lifecycle of each resource validates against the
 * operation's request schema, and every 200 response of the simulator against the response schema.
 * Skipped, saying why, where the spec file is absent.
 */
import Ajv from "ajv";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import * as cloudtower from "../../../provider/cloudtower";
import { APPLIANCE } from "../../../simulator/cloudtower";
import { CLUSTER_A, DEFAULT_VLAN_A, LEGACY_VM, TEMPLATE, VDS_A, useTower } from "../../helpers/cloudtower";
import { asEngine } from "../../helpers/engine";

const SPEC = join(__dirname, "../../../../shared/reference/cloudtower-openapi-4.6.0-subset.json");
const haveSpec = existsSync(SPEC);
if (!haveSpec) console.warn(`skipping the CloudTower spec cross-check: ${SPEC} is absent (../shared is not beside the project)`);

type Schema = Record<string, unknown>;

/**
 * Rewrites `#/components/...` references so that they point into the spec document added as "spec", and
 * OpenAPI 3.0's `nullable` without a `type` (on `$ref`/`allOf`) into an `anyOf` with null, which Ajv reads.
 */
function rebase(s: unknown): unknown {
  if (Array.isArray(s)) return s.map(rebase);
  if (s && typeof s === "object") {
    const o = Object.fromEntries(Object.entries(s).map(([k, v]) => [k, k === "$ref" && typeof v === "string" ? `spec${v}` : rebase(v)])) as Schema;
    if (o.nullable === true && o.type === undefined) {
      const { nullable, ...rest } = o;
      void nullable;
      return { anyOf: [rest, { type: "null" }] };
    }
    return o;
  }
  return s;
}

function validators() {
  const spec = JSON.parse(readFileSync(SPEC, "utf8")) as { paths: Record<string, Record<string, Schema>>; components: Schema };
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  ajv.addSchema({ $id: "spec", components: rebase(spec.components) });
  const compile = (schema: unknown) => (schema ? ajv.compile(rebase(schema) as Schema) : undefined);
  const ops = new Map<string, { request?: ReturnType<typeof compile>; response?: ReturnType<typeof compile> }>();
  for (const [path, methods] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const o = op as { requestBody?: { content?: Record<string, { schema?: unknown }> }; responses?: Record<string, { content?: Record<string, { schema?: unknown }> }> };
      ops.set(`${method.toUpperCase()} ${path}`, {
        request: compile(o.requestBody?.content?.["application/json"]?.schema),
        response: compile(o.responses?.["200"]?.content?.["application/json"]?.schema),
      });
    }
  }
  return ops;
}

const ctx = useTower(40);

/** Every resource through create, update, read and delete, so that every kind of request is sent. */
async function fullLifecycle() {
  vi.spyOn(console, "warn").mockImplementation(() => {});
  const [vlan, vm, snapshot, cluster] = [cloudtower.Vlan, cloudtower.Vm, cloudtower.VmSnapshot, cloudtower.Cluster].map((c) => asEngine(c.provider));
  const net = await vlan.create(await vlan.checked({ vdsId: VDS_A, name: "spec-net", vlanId: 30 }));
  await vlan.update(net.id, net.outs, await vlan.checked({ vdsId: VDS_A, name: "spec-net-2", vlanId: 30 }));
  const made = await vm.create(await vm.checked({ name: "spec-vm", clusterId: CLUSTER_A, disks: [{ name: "d0", sizeGb: 10 }], cdRoms: [{}], nics: [{ vlanId: DEFAULT_VLAN_A }] }));
  const news = await vm.checked({ name: "spec-vm-2", clusterId: CLUSTER_A, description: "x", memoryMb: 2048, allowRestart: true, disks: [{ name: "d0", sizeGb: 20 }, { name: "d1", sizeGb: 5 }], cdRoms: [{}], nics: [{ vlanId: net.id }, { vlanId: DEFAULT_VLAN_A }] });
  const updated = await vm.update(made.id, made.outs, news);
  const fewer = await vm.checked({ ...news, disks: [{ name: "d0", sizeGb: 20 }], nics: [{ vlanId: net.id }], powerState: "STOPPED" });
  await vm.update(made.id, updated.outs, fewer);
  await vm.read(made.id, updated.outs);
  const fromTemplate = await vm.create(await vm.checked({ name: "spec-tpl", template: { templateId: TEMPLATE, cloudInit: { hostname: "h", publicKeys: ["ssh-ed25519 AAAA"] } } }));
  const snap = await snapshot.create(await snapshot.checked({ vmId: LEGACY_VM, name: "spec-snap" }));
  await snapshot.delete(snap.id, snap.outs);
  const conn = await cluster.create(await cluster.checked({ ip: APPLIANCE.ip, username: APPLIANCE.username, password: APPLIANCE.password }));
  await cluster.update(conn.id, conn.outs, await cluster.checked({ ip: APPLIANCE.ip, username: APPLIANCE.username, password: "new" }));
  await cluster.delete(conn.id, conn.outs);
  await vm.delete(made.id, updated.outs);
  await vm.delete(fromTemplate.id, fromTemplate.outs);
  await vlan.delete(net.id, net.outs);
  vi.restoreAllMocks();
}

describe.skipIf(!haveSpec)("CloudTower requests and responses against SmartX's OpenAPI 4.6.0 spec", () => {
  it("validates every request body the providers send and every 200 response the simulator gives", async () => {
    const ops = validators();
    await ctx.sim.control("DELETE", "/_sim/requests");
    await fullLifecycle();
    const log = await ctx.sim.requests();
    const problems: string[] = [];
    const seen = new Set<string>();
    for (const r of log) {
      const key = `${r.method} ${r.path.replace(/^\/v2\/api/, "")}`;
      const op = ops.get(key);
      if (!op) {
        problems.push(`${key}: not in the spec subset`);
        continue;
      }
      seen.add(key);
      if (op.request && !op.request(JSON.parse(r.body || "{}"))) problems.push(`${key} request: ${JSON.stringify(op.request.errors?.slice(0, 3))}`);
      if (r.status === 200 && op.response && !op.response(JSON.parse(r.response))) {
        problems.push(`${key} response: ${JSON.stringify(op.response.errors?.slice(0, 3))}`);
      }
    }
    expect(problems).toEqual([]);
    // The lifecycle really covered the API our resources use.
    expect([...seen].sort()).toEqual(
      expect.arrayContaining([
        "POST /login", "POST /get-tasks", "POST /get-vms", "POST /get-vm-disks", "POST /get-vm-nics", "POST /get-vm-volumes",
        "POST /create-vm", "POST /create-vm-from-template", "POST /update-vm-basic-info", "POST /delete-vm", "POST /shutdown-vm",
        "POST /start-vm", "POST /add-vm-disk", "POST /remove-vm-disk", "POST /expand-vm-disk", "POST /add-vm-nic",
        "POST /update-vm-nic", "POST /remove-vm-nic", "POST /create-vm-vlan", "POST /update-vm-vlan", "POST /delete-vm-vlan",
        "POST /create-vm-snapshot", "POST /delete-vm-snapshot", "POST /connect-cluster", "POST /update-cluster", "POST /delete-cluster",
      ]),
    );
    console.log(`validated ${log.length} requests over ${seen.size} operations against the spec`);
  }, 60_000);

  it("has validators that do reject a wrong body and a wrong response", () => {
    const ops = validators();
    expect(ops.get("POST /create-vm")!.request!([{ name: 1, cluster_id: "c" }])).toBe(false);
    expect(ops.get("POST /get-vms")!.response!([{ id: "x", name: "y" }])).toBe(false);
    expect(ops.get("POST /get-vms")!.request!({ where: {}, bogus: 1 })).toBe(false);
  });

  it("answers errors with a body that validates against ErrorBody", async () => {
    const spec = JSON.parse(readFileSync(SPEC, "utf8")) as { components: Schema };
    const ajv = new Ajv({ strict: false, validateFormats: false });
    ajv.addSchema({ $id: "spec", components: rebase(spec.components) });
    const errorBody = ajv.compile({ $ref: "spec#/components/schemas/ErrorBody" });
    const res = await fetch(`${ctx.sim.url}/v2/api/get-vms`, { method: "POST", body: JSON.stringify({ where: {} }), headers: { authorization: "not-a-token" } });
    expect(res.status).toBe(401);
    const body = await res.json();
    expect(errorBody(body)).toBe(true);
    expect(body).toMatchObject({ path: "/get-vms", status: 401 });
  });
});
