/**
 * The provider stub: the only code of this package that Pulumi stores in a state (`__provider`).
 *
 * Each resource type hands Pulumi one object whose prototype is this module's exports and whose own
 * properties are its vendor and type (core/define.ts makes it). Pulumi serializes an object whose
 * prototype is a module of an installed package as
 * `Object.create(require("pulumi-private-cloud/dist/provider/stub.js"))` plus those two strings, so
 * `__provider` is a few hundred bytes, identical for every resource of a type, holds no credential, and
 * loads the installed implementation at call time: a package upgrade also changes the code that refresh
 * and destroy run for resources created before it.
 *
 * THIS FILE'S PATH (dist/provider/stub.js), ITS EXPORTED METHODS AND THE PROPERTY NAMES `vendor` AND
 * `type` ARE PART OF THE STATE CONTRACT: states written by any release load them. Change them only with a
 * migration.
 */
import type * as pulumi from "@pulumi/pulumi";

type Provider = Required<pulumi.dynamic.ResourceProvider>;
interface Stub {
  readonly vendor: string;
  readonly type: string;
}

/**
 * Implementations by `<vendor>:<type>`, filled as the vendor modules define their resources. Kept on
 * globalThis so that a second copy of this module (a test runner's) sees the same ones.
 */
const REGISTRY = Symbol.for("pulumi-private-cloud.providers");
const implementations: Map<string, Provider> = ((globalThis as Record<symbol, unknown>)[REGISTRY] ??= new Map()) as Map<string, Provider>;

/** Makes a resource type's implementation the one its stub calls. */
export function register(vendor: string, type: string, impl: Provider): void {
  implementations.set(`${vendor}:${type}`, impl);
}

/** The implementation of a stub's resource type, loading its vendor's module on first use. */
function implementation(s: Stub): Provider {
  const key = `${s.vendor}:${s.type}`;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  if (!implementations.has(key)) require(`./${s.vendor}`);
  const impl = implementations.get(key);
  if (!impl) throw new Error(`pulumi-private-cloud has no resource type ${key} (is the installed package older than the state?)`);
  return impl;
}

export function configure(this: Stub, req: pulumi.dynamic.ConfigureRequest) {
  return implementation(this).configure(req);
}
export function check(this: Stub, olds: unknown, news: unknown) {
  return implementation(this).check(olds, news);
}
export function diff(this: Stub, id: string, olds: unknown, news: unknown) {
  return implementation(this).diff(id, olds, news);
}
export function create(this: Stub, inputs: unknown) {
  return implementation(this).create(inputs);
}
export function read(this: Stub, id: string, props?: unknown) {
  return implementation(this).read(id, props);
}
export function update(this: Stub, id: string, olds: unknown, news: unknown) {
  return implementation(this).update(id, olds, news);
}
function remove(this: Stub, id: string, props: unknown) {
  return implementation(this).delete(id, props);
}
export { remove as delete };
