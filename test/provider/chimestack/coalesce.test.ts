/**
 * ChimeStack reads coalesced across resources: a fleet's marker look-ups are one list, its reads and polls
 * one list of the cluster's VMs per window; a single read keeps its own path; check's look-ups are once
 * per run.
 */
import { describe, expect, it } from "vitest";
import * as chimestack from "../../../provider/chimestack";
import { chimeConfig, useChime, vmInputs } from "../../helpers/chimestack";
import { asEngine } from "../../helpers/engine";

const ctx = useChime({ createMs: 200, transitionMs: 40 });
const vm = asEngine(chimestack.Vm.provider);
const marker = (n: number) => `pulumi:${String(n).padStart(16, "0")}`;

/** The requests answered since the last call (logins and the 401s after each test's reset aside), by method and path with uuids as `:id`. */
const sent = async () => {
  const log = await ctx.sim.requests();
  await ctx.sim.control("DELETE", "/_sim/requests");
  const by: Record<string, number> = {};
  for (const r of log.filter((q) => q.path !== "/v1/login" && q.status !== 401)) {
    const k = `${r.method} ${r.path.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, ":id")}`;
    by[k] = (by[k] ?? 0) + 1;
  }
  return by;
};

const fleet = async (n: number) => {
  const inputs = await Promise.all(Array.from({ length: n }, (_, i) => vm.checked(vmInputs({ name: `vm-${i}` }))));
  return Promise.all(inputs.map((inp, i) => vm.create({ ...inp, marker: marker(i) })));
};

describe("ChimeStack reads, coalesced across resources", () => {
  it("creates 10 VMs at once with one POST each, their marker look-up, polls and reads shared by all ten", async () => {
    await vm.checked(vmInputs());
    await sent();
    const made = await fleet(10);
    expect(made.map((m) => m.outs.status)).toEqual(made.map(() => "running"));
    const by = await sent();
    expect(by["POST /v1/vm"]).toBe(10);
    expect(by["GET /v1/vm/:id"] ?? 0).toBeLessThanOrEqual(2);
    // The marker look-up, ~10 polls of the 200 ms create (20 ms apart) and the read after it: 120 without coalescing.
    expect(by["GET /v1/vm"]).toBeLessThanOrEqual(24);
  });

  it("reads one VM by its own path, and a fleet's VMs with one list of their cluster", async () => {
    const made = await fleet(5);
    await sent();
    await vm.read(made[0].id, made[0].outs);
    expect(await sent()).toEqual({ "GET /v1/vm/:id": 1 });
    const reads = await Promise.all(made.map((m) => vm.read(m.id, m.outs)));
    expect(reads.map((r) => r.props!.name)).toEqual(made.map((_, i) => `vm-${i}`));
    expect(await sent()).toEqual({ "GET /v1/vm": 1 });
  });

  it("takes a VM missing from its cluster's list as gone, and only that one", async () => {
    const made = await fleet(3);
    await ctx.api("DELETE", `/v1/vm/${made[1].id}?force_del=true`);
    const reads = await Promise.all(made.map((m) => vm.read(m.id, m.outs)));
    expect(reads.map((r) => r.id)).toEqual([made[0].id, "", made[2].id]);
  });

  it("looks up the AZ, the cluster and the instance spec once per run at check, however many VMs name them", async () => {
    // Other settings: a client of its own, as a new run has.
    await vm.configure({ ...chimeConfig(ctx.sim.url), "chimestack:pollIntervalMs": "21" });
    await sent();
    for (const n of [0, 10]) await Promise.all(Array.from({ length: 10 }, (_, i) => vm.checked(vmInputs({ name: `c-${n + i}` }))));
    expect(await sent()).toEqual({ "GET /v1/az/:id": 1, "GET /v1/az/:id/cluster/:id": 1, "GET /v1/instance_spec/:id": 1 });
  });
});
