/**
 * The providers against SmartX's own OpenAPI 4.6.0 spec (../shared/reference/cloudtower-openapi-4.6.0.json):
 * the simulator checks every request and answer against it (simulator/cloudtower/openapi.ts), so a full
 * lifecycle of each resource proves the requests valid; here we also prove that the providers call no
 * operation and send no field that the spec marks deprecated. Skipped, saying why, where the spec is absent.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it, vi } from "vitest";
import * as cloudtower from "../../../provider/cloudtower";
import { APPLIANCE } from "../../../simulator/cloudtower";
import { findSpec } from "../../../simulator/cloudtower/openapi";
import { CLUSTER_A, DEFAULT_VLAN_A, LEGACY_VM, TEMPLATE, VDS_A, useTower } from "../../helpers/cloudtower";
import { asEngine } from "../../helpers/engine";

const SPEC = findSpec();
if (!SPEC) console.warn("skipping the CloudTower spec cross-check: cloudtower-openapi-4.6.0.json is absent (../shared is not beside the project)");

type Schema = { $ref?: string; properties?: Record<string, Schema>; items?: Schema; allOf?: Schema[]; deprecated?: boolean };
interface Spec {
  paths: Record<string, Record<string, { deprecated?: boolean; requestBody?: { content: Record<string, { schema: Schema }> } }>>;
  components: { schemas: Record<string, Schema> };
}

/** The fields of `body` that the schema marks deprecated, as paths (`/0/cluster_id`). */
function deprecatedFields(spec: Spec, schema: Schema | undefined, body: unknown, at = ""): string[] {
  if (!schema || body === null || typeof body !== "object") return [];
  if (schema.$ref) return deprecatedFields(spec, spec.components.schemas[schema.$ref.split("/").pop()!], body, at);
  if (schema.allOf) return schema.allOf.flatMap((s) => deprecatedFields(spec, s, body, at));
  if (Array.isArray(body)) return body.flatMap((x, i) => deprecatedFields(spec, schema.items, x, `${at}/${i}`));
  return Object.entries(body).flatMap(([k, v]) => {
    const p = schema.properties?.[k];
    return [...(p?.deprecated ? [`${at}/${k}`] : []), ...deprecatedFields(spec, p, v, `${at}/${k}`)];
  });
}

const ctx = useTower(40);

/** Every resource through create, update, read and delete, so that every kind of request is sent. */
async function fullLifecycle() {
  vi.spyOn(console, "warn").mockImplementation(() => {});
  const [vlan, vm, snapshot, cluster] = [cloudtower.Vlan, cloudtower.Vm, cloudtower.VmSnapshot, cloudtower.Cluster].map((c) => asEngine(c.provider));
  const net = await vlan.create(await vlan.checked({ vdsId: VDS_A, name: "spec-net", vlanId: 30 }));
  await vlan.update(net.id, net.outs, await vlan.checked({ vdsId: VDS_A, name: "spec-net-2", vlanId: 30 }));
  const made = await vm.create(
    await vm.checked({ name: "spec-vm", clusterId: CLUSTER_A, disks: [{ name: "d0", sizeGb: 10 }], cdRoms: [{}], nics: [{ vlanId: DEFAULT_VLAN_A }] }),
  );
  const news = await vm.checked({
    name: "spec-vm-2",
    clusterId: CLUSTER_A,
    description: "x",
    memoryMb: 2048,
    allowRestart: true,
    disks: [
      { name: "d0", sizeGb: 20 },
      { name: "d1", sizeGb: 5 },
    ],
    cdRoms: [{}],
    nics: [{ vlanId: net.id }, { vlanId: DEFAULT_VLAN_A }],
  });
  const updated = await vm.update(made.id, made.outs, news);
  const fewer = await vm.checked({ ...news, disks: [{ name: "d0", sizeGb: 20 }], nics: [{ vlanId: net.id }], powerState: "STOPPED" });
  await vm.update(made.id, updated.outs, fewer);
  await vm.read(made.id, updated.outs);
  const fromTemplate = await vm.create(
    await vm.checked({
      name: "spec-tpl",
      clusterId: CLUSTER_A,
      template: { templateId: TEMPLATE, cloudInit: { hostname: "h", publicKeys: ["ssh-ed25519 AAAA"] } },
    }),
  );
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

describe.skipIf(!SPEC)("CloudTower providers against SmartX's OpenAPI 4.6.0 spec", () => {
  it("send only requests the spec accepts, get only answers it describes, and use no deprecated operation or field", async () => {
    const spec = JSON.parse(readFileSync(SPEC!, "utf8")) as Spec;
    await ctx.sim.control("DELETE", "/_sim/requests");
    await fullLifecycle();
    const log = await ctx.sim.requests();
    const problems: string[] = [];
    const seen = new Set<string>();
    for (const r of log) {
      const path = r.path.replace(/^\/v2\/api/, "");
      const op = spec.paths[path]?.[r.method.toLowerCase()];
      if (!op) {
        problems.push(`${r.method} ${path}: not an operation of the spec`);
        continue;
      }
      seen.add(path);
      // The simulator answers a request the spec refuses with a 400, and its own answer that the spec does not describe with a 500.
      if (/invalid request body|simulator bug/.test(r.response)) problems.push(`${path}: ${r.response}`);
      if (op.deprecated) problems.push(`${path}: the operation is deprecated`);
      const fields = deprecatedFields(spec, op.requestBody?.content["application/json"]?.schema, JSON.parse(r.body || "{}"));
      if (fields.length) problems.push(`${path}: sends deprecated field(s) ${fields.join(", ")}`);
    }
    expect(problems).toEqual([]);
    // The lifecycle really covered the API our resources use.
    expect([...seen].sort()).toEqual(
      expect.arrayContaining([
        "/login",
        "/get-tasks",
        "/get-vms",
        "/get-vm-disks",
        "/get-vm-nics",
        "/get-vm-volumes",
        "/get-vm-templates",
        "/create-vm",
        "/create-vm-from-template",
        "/update-vm-basic-info",
        "/delete-vm",
        "/shutdown-vm",
        "/start-vm",
        "/add-vm-disk",
        "/remove-vm-disk",
        "/expand-vm-disk",
        "/add-vm-nic",
        "/update-vm-nic",
        "/remove-vm-nic-by-where",
        "/create-vm-vlan",
        "/update-vm-vlan",
        "/delete-vm-vlan",
        "/create-vm-snapshot",
        "/delete-vm-snapshot",
        "/connect-cluster",
        "/update-cluster",
        "/delete-cluster",
      ]),
    );
  }, 60_000);

  it("finds a deprecated field in a request body, so that the check above can fail", () => {
    const spec = JSON.parse(readFileSync(SPEC!, "utf8")) as Spec;
    const schema = spec.paths["/create-vm-from-template"].post.requestBody!.content["application/json"].schema;
    expect(deprecatedFields(spec, schema, [{ template_id: "t", is_full_copy: false, name: "n", cluster_id: "c" }])).toEqual(["/0/cluster_id"]);
    expect(deprecatedFields(spec, schema, [{ template_id: "t", is_full_copy: false, name: "n" }])).toEqual([]);
    expect(spec.paths["/remove-vm-nic"].post.deprecated).toBe(true);
  });

  it("refuses at check a template in another cluster than clusterId (the template's cluster is the VM's)", async () => {
    const vm = asEngine(cloudtower.Vm.provider);
    const { failures } = await vm.check({}, { name: "x", clusterId: "cl0c1uster00000000000000b", template: { templateId: TEMPLATE } });
    expect(failures).toEqual([
      expect.objectContaining({ property: "clusterId", reason: expect.stringMatching(/VM template debian-12 is in cluster cluster-a/) }),
    ]);
  });
});
