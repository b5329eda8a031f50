/**
 * Calls a resource's provider the way Pulumi's dynamic-provider host does: through the stub object the
 * class hands Pulumi (`Class.provider`), with every value passing through protobuf `Struct` both ways
 * (so `undefined` anywhere fails with "Unexpected struct type", as it does under the real engine) and
 * `__provider` attached to what the host attaches it to. A partial create's error must carry Struct-safe
 * properties too.
 */
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import type * as pulumi from "@pulumi/pulumi";
import { configFrom, forgetClients } from "../../provider/core";

type Obj = Record<string, any>;
type Provider = Required<pulumi.dynamic.ResourceProvider>;

/** A JSON value as it comes out of the engine's Struct (throws on undefined, functions, BigInts). */
export function viaStruct<T extends Obj | undefined>(v: T): T {
  return (v === undefined ? undefined : Struct.fromJavaScript(v as never).toJavaScript()) as T;
}

const PROVIDER = "__provider stub (tests)";

/**
 * The input each failure is about: the engine shows a failure on its top-level input, with the full path
 * (`disks[0].sizeGb`) at the start of its reason.
 */
export function failedPaths(failures: Array<{ property: string; reason: string }> | undefined): string[] {
  return (failures ?? []).map((f) => {
    const m = /^([\w.[\]]+): /.exec(f.reason);
    return m && (m[1].startsWith(`${f.property}.`) || m[1].startsWith(`${f.property}[`)) ? m[1] : f.property;
  });
}

export interface EngineProvider {
  configure(config: Record<string, string | undefined>): Promise<void>;
  check(olds: Obj, news: Obj): Promise<{ inputs: Obj; failures?: Array<{ property: string; reason: string }> }>;
  /** check, failing the test on any failure; the checked inputs. */
  checked(news: Obj): Promise<Obj>;
  diff(id: string, olds: Obj, news: Obj): Promise<pulumi.dynamic.DiffResult>;
  create(inputs: Obj): Promise<{ id: string; outs: Obj }>;
  read(id: string, props?: Obj): Promise<{ id?: string; props?: Obj; inputs?: Obj }>;
  update(id: string, olds: Obj, news: Obj): Promise<{ outs: Obj }>;
  delete(id: string, props: Obj): Promise<void>;
}

export function asEngine(provider: Provider): EngineProvider {
  const strip = (o: Obj | undefined) => {
    if (!o) return o;
    const { __provider, ...rest } = o;
    void __provider;
    return rest;
  };
  const withStub = (o: Obj) => viaStruct({ ...o, __provider: PROVIDER });
  const e: EngineProvider = {
    async configure(config) {
      // Each configure is a new run, as in a new provider process (Pulumi configures once per process).
      forgetClients();
      await provider.configure({ config: { ...configFrom(config), require: (k: string) => config[k]! } } as never);
    },
    async check(olds, news) {
      const r = await provider.check(withStub(olds), withStub(news));
      return { inputs: strip(viaStruct(r.inputs as Obj))!, ...(r.failures?.length ? { failures: r.failures } : {}) };
    },
    async checked(news) {
      const r = await e.check({}, news);
      if (r.failures?.length) throw new Error(`check failed: ${JSON.stringify(r.failures)}`);
      return r.inputs;
    },
    async diff(id, olds, news) {
      return provider.diff(id, withStub(olds), withStub(news));
    },
    async create(inputs) {
      try {
        const r = await provider.create(withStub(inputs));
        return { id: r.id, outs: strip(viaStruct(r.outs as Obj))! };
      } catch (err) {
        const p = err as { id?: string; properties?: Obj };
        if (p.id !== undefined) p.properties = viaStruct(p.properties ?? {});
        throw err;
      }
    },
    async read(id, props) {
      const r = await provider.read(id, props && withStub(props));
      return { id: r.id, ...(r.props ? { props: strip(viaStruct(r.props as Obj)) } : {}), ...(r.inputs ? { inputs: strip(viaStruct(r.inputs as Obj)) } : {}) };
    },
    async update(id, olds, news) {
      const r = await provider.update(id, withStub(olds), withStub(news));
      return { outs: strip(viaStruct(r.outs as Obj))! };
    },
    async delete(id, props) {
      await provider.delete(id, withStub(props));
    },
  };
  return e;
}
