/**
 * The guarantees every resource class shares, as one suite each class runs against its vendor's
 * simulator, through the provider exactly as Pulumi gets it (asEngine): a minimal create that reads back
 * unchanged; a partial create (the id is recorded when the create's wait fails, and the next update goes
 * on with it); a lost answer that makes no duplicate; a killed run whose object the next create takes up;
 * a stranger of the same name that is never taken for our object; adoption by id (and by name); and a
 * vanished object that refresh drops and delete tolerates. Simulator state is only set up and inspected
 * through HTTP (the vendor API and /_sim/).
 */
import { describe, expect, it } from "vitest";
import { UNKNOWN } from "../../provider/core";
import type { FaultSpec } from "../../simulator/core";
import { asEngine } from "./engine";
import { NOWHERE, type Sim } from "./sim";

type Obj = Record<string, any>;

export interface ConformanceCase {
  resource: {
    __pulumiType: string;
    provider: unknown;
    entry: { vendor: string; definition: { deleteNote?: string; replaceOn?: readonly string[] }; inputShape: object };
  };
  /** The stack config that points the resource at the simulator. */
  config(): Record<string, string>;
  sim: () => Sim;
  /** The fewest inputs that make the object, as a user writes them. */
  inputs: Obj;
  /** The inventory collection of these objects, and the id of an inventory object (default `id`). */
  collection: string;
  idOf?: (o: Obj) => string;
  /** The create request whose answer a test loses (its method: POST unless said). */
  createPath: string;
  createMethod?: string;
  /** What makes the create's wait (or the read after it) fail: extra inputs (a short deadline) and a fault. */
  partial: { inputs?: Obj; fault: FaultSpec };
  /** Makes an object out of band (through the vendor API), named `name` where it can choose; its id and name. */
  stranger(name: string): Promise<{ id: string; name?: string }>;
  /** Deletes an object out of band. */
  vanish(id: string): Promise<void>;
  /** The input that names the object (default `name`); undefined when the type has no name. */
  nameKey?: string | null;
  adoptByName: boolean;
  /** A well-formed id of no object (default: a uuid no simulator holds). */
  missingId?: string;
  /** A type whose vendor keeps no marker: a killed run's object cannot be told from a stranger's. */
  noMarker?: boolean;
}

export function conformance(c: ConformanceCase) {
  const p = asEngine(c.resource.provider as never);
  const idOf = c.idOf ?? ((o: Obj) => String(o.id));
  const nameKey = c.nameKey === undefined ? "name" : c.nameKey;
  const ids = async () => (await c.sim().inventory(c.collection)).map(idOf).sort();
  const named = (name: string) => (nameKey ? { ...c.inputs, [nameKey]: name } : c.inputs);
  const marker = (n: number) => `pulumi:${String(n).padStart(16, "0")}`;

  describe(`${c.resource.__pulumiType}: the guarantees every resource gives`, () => {
    it("creates with the fewest inputs, reads back the same outputs, and then sees no change", async () => {
      const inputs = await p.checked(c.inputs);
      const before = await ids();
      const { id, outs } = await p.create({ ...inputs, marker: marker(1) });
      expect(await ids()).toEqual([...before, id].sort());
      const read = await p.read(id, outs);
      expect(read.props).toEqual(outs);
      expect((await p.diff(id, outs, inputs)).changes).toBe(false);
    });

    it("accepts a value unknown at preview for any input, keeps the others' defaults, and diffs without a stray replacement", async () => {
      const inputs = await p.checked(c.inputs);
      const { id, outs } = await p.create({ ...inputs, marker: marker(9) });
      const own = Object.keys(c.resource.entry.inputShape).filter((k) => !["endpoint", "adopt", "marker"].includes(k));
      for (const k of own) {
        const r = await p.check({}, { ...c.inputs, [k]: UNKNOWN });
        expect(r.failures, `${k} unknown`).toBeUndefined();
        expect(r.inputs[k], `${k} stays unknown`).toBe(UNKNOWN);
        const d = await p.diff(id, outs, { ...r.inputs, marker: marker(9) });
        expect(
          d.replaces!.filter((x) => x !== k),
          `${k} unknown replaces nothing else`,
        ).toEqual([]);
      }
    });

    it("records the id when the create's wait fails (a partial create), and the next update goes on with it", async () => {
      const inputs = await p.checked({ ...c.inputs, ...c.partial.inputs });
      const before = await ids();
      await c.sim().control("POST", "/_sim/faults", { count: 100_000, ...c.partial.fault });
      const err = await p.create({ ...inputs, marker: marker(2) }).then(
        () => undefined,
        (e) => e,
      );
      await c.sim().control("DELETE", "/_sim/faults");
      expect(err?.id, `the create should have failed as a partial create: ${err?.message}`).toBeTruthy();
      expect(err.message).toMatch(/recorded in the state/);
      expect(err.properties.__provider).toBeTruthy();
      expect(await ids()).toEqual([...before, err.id].sort());
      const u = await p.update(err.id, err.properties, inputs);
      expect(await ids()).toEqual([...before, err.id].sort());
      expect((await p.diff(err.id, u.outs, inputs)).changes).toBe(false);
    });

    it("finds its object when the create's answer is lost, and makes no duplicate", async () => {
      const inputs = await p.checked(named("lost-answer"));
      const before = await ids();
      await c.sim().control("POST", "/_sim/faults", { method: c.createMethod ?? "POST", path: c.createPath, lostResponse: true });
      const { id } = await p.create({ ...inputs, marker: marker(3) });
      expect(await ids()).toEqual([...before, id].sort());
    });

    it("makes the object once when the create's connection drops before the vendor handles it", async () => {
      const inputs = await p.checked(named("dropped"));
      const before = await ids();
      await c.sim().control("POST", "/_sim/faults", { method: c.createMethod ?? "POST", path: c.createPath, drop: true });
      const { id } = await p.create({ ...inputs, marker: marker(11) });
      expect(await ids()).toEqual([...before, id].sort());
    });

    it("finds the object whose create answers only after the request timed out, and makes no second", async () => {
      const inputs = await p.checked(named("slow-answer"));
      const before = await ids();
      await p.configure({ ...c.config(), [`${c.resource.entry.vendor}:requestTimeoutMs`]: "400" });
      await c.sim().control("POST", "/_sim/faults", { method: c.createMethod ?? "POST", path: c.createPath, delayMs: 700 });
      const { id } = await p.create({ ...inputs, marker: marker(12) }).finally(() => p.configure(c.config()));
      expect(await ids()).toEqual([...before, id].sort());
    });

    if (!c.noMarker) {
      it("takes up the object of a killed run (its marker at the vendor, its id in no state) instead of making another", async () => {
        const inputs = await p.checked(named("killed-run"));
        const first = await p.create({ ...inputs, marker: marker(4) });
        // The next run: a new provider process, configured afresh.
        await p.configure(c.config());
        const again = await p.create({ ...inputs, marker: marker(4) });
        expect(again.id).toBe(first.id);
        expect((await ids()).filter((x) => x === first.id)).toHaveLength(1);
      });

      it("makes a new object for a replacement (same marker, the replaced object still there), never taking up the old one", async () => {
        const inputs = { ...(await p.checked(named("replaced"))), marker: marker(8) };
        const old = await p.create(inputs);
        // The engine diffs the state's object before it creates its replacement (renamed here: CloudTower
        // refuses two VMs of one name, so an unrenamed VM is replaced delete-first).
        await p.diff(old.id, old.outs, inputs);
        const made = await p.create({ ...(await p.checked(named("replaced-2"))), marker: marker(8) });
        expect(made.id).not.toBe(old.id);
        expect(await ids()).toEqual(expect.arrayContaining([old.id, made.id]));
      });
    }

    it.skipIf(!nameKey)("never takes a stranger of the same name for the object a lost answer made", async () => {
      const { id: strangerId } = await c.stranger("same-name");
      const inputs = await p.checked(named("same-name"));
      await c.sim().control("POST", "/_sim/faults", { method: c.createMethod ?? "POST", path: c.createPath, lostResponse: true });
      const made = await p.create({ ...inputs, marker: marker(5) }).then(
        (r) => r.id,
        () => undefined,
      );
      expect(made).not.toBe(strangerId);
      expect(await ids()).toContain(strangerId);
    });

    const releases = c.resource.entry.definition.deleteNote !== undefined;
    it(`adopts an existing object by id, as it is, and ${releases ? "leaves it in place on destroy (delete only releases it)" : "deletes it on destroy"}`, async () => {
      const { id: strangerId } = await c.stranger("adopt-me");
      const before = await ids();
      const inputs = await p.checked({ ...named("adopt-me"), adopt: { id: strangerId } });
      const { id, outs } = await p.create({ ...inputs, marker: marker(6) });
      expect(id).toBe(strangerId);
      expect(await ids()).toEqual(before);
      expect((await p.read(id, outs)).props).toEqual(outs);
      await p.delete(id, outs);
      if (releases) expect(await ids()).toContain(strangerId);
      else expect(await ids()).not.toContain(strangerId);
    });

    it("sees no change when adopt names the object the resource already holds", async () => {
      const { id, outs } = await p.create({ ...(await p.checked(c.inputs)), marker: marker(10) });
      const d = await p.diff(id, outs, { ...(await p.checked({ ...c.inputs, adopt: { id } })), marker: marker(10) });
      expect(d.replaces).toEqual([]);
    });

    it("names the adopt input when there is nothing to adopt", async () => {
      const inputs = await p.checked({ ...c.inputs, adopt: { id: c.missingId ?? NOWHERE } });
      await expect(p.create(inputs)).rejects.toThrow(/^adopt\.id: no /);
    });

    if (c.adoptByName) {
      it("adopts an existing object by name, and says so when no object has the name", async () => {
        const stranger = await c.stranger("by-name");
        const inputs = await p.checked({ ...named("by-name"), adopt: { name: stranger.name ?? "by-name" } });
        expect((await p.create(inputs)).id).toBe(stranger.id);
        await expect(p.create(await p.checked({ ...c.inputs, adopt: { name: "nobody-has-this" } }))).rejects.toThrow(
          /^adopt\.name: no .* named "nobody-has-this"/,
        );
      });
    }

    it("drops an object that vanished out of band at refresh, and deletes it without error", async () => {
      const { id, outs } = await p.create({ ...(await p.checked(c.inputs)), marker: marker(7) });
      await c.vanish(id);
      expect(await ids()).not.toContain(id);
      expect(await p.read(id, outs)).toEqual({ id: "" });
      await expect(p.delete(id, outs)).resolves.toBeUndefined();
    });
  });
}
