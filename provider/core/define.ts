/**
 * The resource layer: a resource is defined once (its input and output schemas, what replaces, what is
 * secret, how it is found, its wire model and its vendor operations) and everything else is derived from
 * that definition: the resource class with typed args and declared outputs, its type token, the provider
 * Pulumi calls, its registry entry (the policy pack and the reference docs read it), and the guarantees
 * every resource shares:
 *
 * - check names the field of every bad input (values unknown at preview are let through), then runs the
 *   resource's look-ups of what must exist; a named endpoint that is not configured is a check failure;
 * - the id is known before any wait: a wait that fails or passes its deadline reports a partial create
 *   (Pulumi keeps the id and the next `up` goes on with it), while a failed vendor task removes what it left;
 * - a create whose outcome is unknown (its answer lost, a timeout, a killed run) is resolved by finding the
 *   object by the ownership marker written at create time, never by guessing, never by adopting a stranger
 *   that merely shares the name, and never by taking up the object a replacement replaces; resources whose
 *   vendor keeps no such field are created one at a time per type and endpoint and resolved by the one new
 *   object that appeared;
 * - adoption of an existing object by id or by name (`adopt`), recorded as it is;
 * - a vanished object: read reports it gone, delete succeeds;
 * - outputs are plain JSON; the inputs and outputs declared secret are Pulumi secrets in the state; secret
 *   inputs the vendor cannot show back (passwords) are in no output, and a secret, salted hash of them
 *   shows their change;
 * - one small provider stub per resource type (see ../stub.ts), identical for every resource of the type.
 */
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";
import { z } from "zod";
import { ENDPOINT_NAME, Vendor, configureProviders } from "./config";
import type { EndpointSettings } from "./http";
import { sleep } from "./retry";
import { ProviderError, hasCode, isProviderError, redact, unlessGone } from "./errors";
import { Failure, checkWithSchema, containsUnknown, diffInputs, forEngine, isUnknown, plain } from "./resource";
import * as stub from "../stub";

type Obj = Record<string, unknown>;

/** What every operation of a resource receives. */
export interface Context<C> {
  client: C;
  /** How messages name the resource: `cloudtower.Vm "web-1"`. */
  what: string;
}

/** An object as a list shows it: its id and the marker it carries, if any. */
export interface Found {
  id: string;
  marker?: string;
}

/** What a create sends back as soon as the vendor has answered. */
export interface Started<W> {
  id: string;
  /** The object as the answer shows it; when there is nothing to wait for, it saves a read. */
  wire?: W;
  /**
   * Waits for the vendor's work on the new object (a task, imaging, a power-on); a `task_failed` error ends
   * it. Resolving to `{ wire }` (the object as the wait last saw it) saves the read after it.
   */
  wait?: () => Promise<unknown>;
  /**
   * Steps on the made object after its wait (labels, a power change, an attachment): any failure of theirs,
   * a `task_failed` too, is a partial create (the object is kept; the next update converges), never a delete.
   */
  after?: () => Promise<unknown>;
}

/** The object a create's wait resolved to (`{ wire }`), if it said. */
const waitedWire = (v: unknown): unknown => (v && typeof v === "object" && "wire" in v ? v.wire : undefined);

/** How a create whose outcome is unknown is resolved. */
export type Recovery<C = unknown> =
  /** The marker is written into the field this names (for the docs), which the vendor keeps and lists show. */
  | { marker: string; newObject?: undefined; join?: undefined; idempotent?: undefined }
  /**
   * No field keeps a marker: creates go one at a time per type and endpoint; a lost answer is the new object,
   * or, with `join`, the new objects the create made (one create that makes several: the id joins their ids;
   * `join` answers undefined for inputs whose create makes one object, which then must be the one new object,
   * and throws a conflict when the new objects are not what the create would have made).
   */
  | {
      marker?: undefined;
      newObject: true;
      join?: (ids: string[], i: Record<string, unknown>, ctx: Context<C>) => string | undefined | Promise<string | undefined>;
      idempotent?: undefined;
    }
  /** The create makes nothing (it adopts what exists), so it is simply repeated; says why, for the docs. */
  | { marker?: undefined; newObject?: undefined; join?: undefined; idempotent: string };

export interface Operations<I, O, W, C> {
  /** Sends the create (with `marker` in the field the vendor keeps) and returns as soon as the id is known. */
  create(i: I, ctx: Context<C> & { marker: string }): Promise<Started<W>>;
  /** The object as the vendor shows it now, or undefined when it does not exist. `prior` is the stored state. */
  read(id: string, ctx: Context<C>, prior: I & Partial<O>): Promise<W | undefined>;
  /**
   * After an adoption: marks the adopted object as this resource's where the marker lives in a field written
   * after the create (its read follows).
   */
  adopted?(id: string, i: I, ctx: Context<C> & { marker: string }): Promise<unknown>;
  /** Brings the object from `olds` to `news`: the calls and their waits. */
  update(id: string, olds: I & O, news: I, ctx: Context<C>): Promise<void>;
  /** Deletes the object (waiting where the vendor's answer is not the end of it); a vendor "not found" is success. */
  delete(id: string, props: I & O, ctx: Context<C>): Promise<void>;
  /**
   * The objects named `name` (adoption by name), those that carry `marker` (a vendor that cannot filter
   * by it returns more: the layer keeps the ones whose `marker` matches), or, with neither, every object
   * where this one would be made (recovery without a marker). `earlier`: only objects made before this
   * run are asked for (a killed run's, before each create), so a view taken once per run may answer.
   */
  list?(q: { name?: string; marker?: string; earlier?: boolean }, i: I, ctx: Context<C>): Promise<Found[]>;
  /** Waits until an object found after a lost answer or a killed run is ready (its create still running). */
  settle?(id: string, i: I, ctx: Context<C>): Promise<unknown>;
}

export interface ResourceDefinition<S extends z.ZodType, OS extends z.ZodObject, W, C> {
  vendor: Vendor<C>;
  /** The class name, and the last part of the type token (`pulumi-nodejs:dynamic/<vendor>:<type>`). */
  type: string;
  /** One line for the reference docs. */
  description: string;
  /** Inputs: a zod object (refinements allowed), or an object piped into a transform that fills defaults. */
  inputs: S;
  /** What only the vendor knows (ids, states, addresses): outputs beside the inputs. */
  outputs: OS;
  /** Inputs whose change replaces the object. */
  replaceOn?: readonly string[];
  /** Optional inputs the vendor fills in when they are not given (a VM's cluster): absent, they are no change. */
  computed?: readonly string[];
  /**
   * Inputs that only set a deadline or the provider's own behaviour (allowRestart-like flags) and are never
   * sent to the vendor. Besides these, every input named `timeoutSeconds` or `…TimeoutSeconds` is one. Missing
   * from a stored state (written before the input existed), they are no change.
   */
  local?: readonly string[];
  /**
   * A stored state written by an older version, as this version would have written it (inputs it did not
   * have, derived from what it stored): diff and update compare against it, so an upgrade shows no change.
   */
  upgrade?(olds: z.output<S> & LayerInputs & z.output<OS>): Partial<z.output<S>>;
  /** Inputs and outputs that are Pulumi secrets: encrypted in the state, never shown. */
  secrets?: readonly string[];
  /**
   * Secret inputs the vendor cannot show back (passwords): never echoed in the outputs; the output named
   * `hash` holds a secret, salted hash of them (`sha256("<id>:<value>:<value>…")`), which shows their change
   * (a replacement where `replaceOn` names them).
   */
  hidden?: { inputs: readonly string[]; hash: string };
  /**
   * `adopt: {id}` always works (`id`: the shape of the vendor's ids, checked at preview); `byName` adds
   * `adopt: {name}` (the name the vendor shows).
   */
  adopt?: { byName: boolean; id?: z.ZodType<string> } | false;
  /** How a create whose outcome is unknown is resolved. */
  recovery: Recovery<C>;
  /** Pure: the wire object as outputs (and the inputs the vendor shows, for refresh). */
  model(w: W, prior: z.output<S> & LayerInputs): Partial<Fields<z.output<S>>> & z.output<OS>;
  /** Look-ups at check time (what must exist); values still unknown at preview are skipped. */
  check?(i: z.output<S> & LayerInputs, ctx: Context<C>, olds: Partial<z.output<S>> | undefined): Promise<Failure[]>;
  /** More than a plain input diff: refusals at preview (throw a validation error) or extra changes. */
  diff?(
    olds: z.output<S> & LayerInputs & z.output<OS>,
    news: z.output<S> & LayerInputs,
    d: { changed: string[]; replaces: string[]; id: string },
  ): { changes?: boolean; replaces?: string[]; deleteBeforeReplace?: boolean; unchanged?: string[] } | void;
  /** What `delete` means when it does not delete (cvm.Vm releases); for the docs. */
  deleteNote?: string;
  operations: Operations<z.output<S> & LayerInputs, z.output<OS>, W, C>;
}

/** The inputs the layer adds to every resource. */
export interface LayerInputs {
  /** A named endpoint (`cloudtower-<name>:*` config); the vendor's default config when absent. */
  endpoint?: string;
  /** Take over an existing object instead of creating one. */
  adopt?: { id?: string; name?: string };
  /** The ownership marker the class computes from the stack, type and name (not set by users). */
  marker?: string;
}

function layerFields(adopt: ResourceDefinition<z.ZodType, z.ZodObject, unknown, unknown>["adopt"]) {
  const adoptSchema = z
    .strictObject({
      id: (adopt && adopt.id ? adopt.id : z.string().min(1, "must not be empty")).optional().describe("the vendor's id of the object to adopt"),
      ...(adopt && adopt.byName
        ? { name: z.string().min(1, "must not be empty").optional().describe("the name of the object to adopt (exactly one must match)") }
        : {}),
    })
    .refine((a) => Object.values(a).some((v) => v !== undefined), adopt && adopt.byName ? "give adopt.id or adopt.name" : "give adopt.id");
  return {
    endpoint: z
      .string()
      .regex(ENDPOINT_NAME, "must be an endpoint name such as site-b (lowercase letters, digits, hyphens)")
      .optional()
      .describe("a named endpoint; its settings are the `<vendor>-<endpoint>:*` config (default: the `<vendor>:*` config); changing it replaces the object"),
    ...(adopt
      ? {
          adopt: adoptSchema
            .optional()
            .describe("take over an existing object instead of creating one; it is recorded as it is, and the next update brings it to the inputs"),
        }
      : {}),
    marker: z.string().optional(),
  };
}

/** The object part of an input schema, extended with the layer's fields, keeping refinements and a trailing transform. */
function withLayer(schema: z.ZodType, fields: z.ZodRawShape): { full: z.ZodType; shape: z.ZodRawShape } {
  if (schema instanceof z.ZodObject) return { full: schema.extend(fields), shape: { ...schema.shape, ...fields } };
  if (schema instanceof z.ZodPipe && schema.def.in instanceof z.ZodObject) {
    const inner = schema.def.in.extend(fields);
    return { full: z.pipe(inner, schema.def.out as z.ZodType<unknown, Record<string, unknown>>), shape: inner.shape };
  }
  throw new Error("a resource's inputs must be a zod object, optionally piped into a transform");
}

/** The token Pulumi gives a dynamic resource of this vendor and type. */
export function typeToken(vendor: string, type: string): string {
  return `pulumi-nodejs:dynamic/${vendor}:${type}`;
}

/** The ownership marker of a resource: a short hash of its URN (stack, project, type, parent, name). */
export function markerOf(urn: string): string {
  return `${MARKER_PREFIX}${createHash("sha256").update(urn).digest("hex").slice(0, 16)}`;
}

/** What every ownership marker starts with (a vendor filter for "objects that carry a marker"). */
export const MARKER_PREFIX = "pulumi:";

/** The secret hash of hidden inputs (see `hidden`), salted with the object's id: `sha256("<id>:<value>:…")`. */
export function secretHash(id: string, values: unknown[]): string {
  return createHash("sha256")
    .update([id, ...values.map((v) => v ?? "")].join(":"))
    .digest("hex");
}

/** Appends the marker to a free-text field (a description), as `text [pulumi:…]`. */
export function withMarker(text: string, marker: string | undefined): string {
  const plainText = splitMarker(text).text;
  if (!marker) return plainText;
  return plainText ? `${plainText} [${marker}]` : `[${marker}]`;
}

/** A free-text field's text and the marker appended to it. */
export function splitMarker(text: string | undefined): { text: string; marker?: string } {
  const m = /^([\s\S]*?)\s*\[(pulumi:[0-9a-f]{16})\]$/.exec(text ?? "");
  return m ? { text: m[1], marker: m[2] } : { text: text ?? "" };
}

/** Builds what the engine's "partial create" failure carries: Pulumi records the id and these outputs. */
function partialCreate(what: string, id: string, properties: Obj, cause: unknown): Error {
  const reason = (cause as Error).message;
  return Object.assign(new Error(`${what}: ${reason}; the object ${id} is recorded in the state and the next update goes on with it`), {
    id,
    properties: plain(properties),
    reasons: [reason],
  });
}

/** Inputs that by their name only set a deadline: local to the provider (see `local`). */
const LOCAL_INPUT = /^(timeoutSeconds|[a-z][A-Za-z0-9]*TimeoutSeconds)$/;

/** How many times a create is sent when each time nothing was made and no answer said why. */
const CREATE_ATTEMPTS = 3;

/** True when a create's request may have been carried out although no answer said so. */
function outcomeUnknown(e: unknown): boolean {
  return hasCode(e, "connection", "timeout", "server");
}

// ---- The registry ----------------------------------------------------------------------------------

type AnyDefinition = ResourceDefinition<z.ZodType, z.ZodObject, unknown, unknown>;

/** What the registry knows of a resource type: for the policy pack's matchers, the docs and the stub. */
export interface RegistryEntry {
  token: string;
  vendor: string;
  type: string;
  definition: AnyDefinition;
  /** The input schema with the layer's fields. */
  inputSchema: z.ZodType;
  inputShape: z.ZodRawShape;
  provider: Required<pulumi.dynamic.ResourceProvider>;
}

const registryMap = new Map<string, RegistryEntry>();

/** Every resource type defined so far (all of them once the package's index is loaded). */
export function registry(): RegistryEntry[] {
  return [...registryMap.values()];
}

// ---- Typing of the resource class ----------------------------------------------------------------------

/** Any value of a Pulumi input may be an Output, at any depth. */
export type DeepInput<T> = T extends string | number | boolean | null | undefined
  ? pulumi.Input<T>
  : T extends Array<infer E>
    ? pulumi.Input<DeepInput<E>[]>
    : T extends object
      ? pulumi.Input<{ [K in keyof T]: DeepInput<T[K]> }>
      : pulumi.Input<T>;

/** A zod object with no fields is `Record<string, never>`: as a part of args or outputs it means nothing. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
type Fields<T> = string extends keyof T ? {} : T;
type ArgsOf<S extends z.ZodType> = Fields<{ [K in keyof z.input<S>]: DeepInput<z.input<S>[K]> }> & Omit<LayerInputs, "marker">;
type OutputsOf<S extends z.ZodType, OS extends z.ZodObject, H extends string> = Fields<Omit<z.output<S>, H>> &
  Fields<z.output<OS>> &
  Omit<LayerInputs, "marker">;

export type ResourceInstance<T> = pulumi.dynamic.Resource & { readonly [K in keyof T]-?: pulumi.Output<T[K]> };

export interface ResourceClass<A, T> {
  /** `args` may be left out when no input is required. */
  new (
    name: string,
    ...rest: Record<string, never> extends A ? [args?: A, opts?: pulumi.CustomResourceOptions] : [args: A, opts?: pulumi.CustomResourceOptions]
  ): ResourceInstance<T>;
  /** `pulumi-nodejs:dynamic/<vendor>:<type>`: what the engine and policy packs see. */
  readonly __pulumiType: string;
  isInstance(o: unknown): o is ResourceInstance<T>;
  /** The provider exactly as Pulumi receives it (the stub that loads the implementation at call time). */
  readonly provider: Required<pulumi.dynamic.ResourceProvider>;
  readonly entry: RegistryEntry;
}

/** The args of a resource class, as its constructor takes them: `ResourceArgs<typeof cloudtower.Vm>`. */
export type ResourceArgs<C> = C extends ResourceClass<infer A, infer _T> ? A : never;
/** The outputs of a resource class, as plain values: `ResourceOutputs<typeof cloudtower.Vm>`. */
export type ResourceOutputs<C> = C extends ResourceClass<infer _A, infer T> ? T : never;

/** The base of every resource class: instances are recognised by the class's own type token. */
export abstract class VendorResource extends pulumi.dynamic.Resource {
  declare static readonly __pulumiType: string;
  static override isInstance(o: unknown): o is VendorResource {
    return (o as { __pulumiType?: string } | undefined)?.__pulumiType === this.__pulumiType;
  }
}

// ---- defineResource ----------------------------------------------------------------------------------

export function defineResource<S extends z.ZodType, OS extends z.ZodObject, W, C, H extends string = never>(
  def: ResourceDefinition<S, OS, W, C> & { hidden?: { inputs: readonly H[]; hash: string } },
): ResourceClass<ArgsOf<S>, OutputsOf<S, OS, H>> {
  // Inside the layer every value is a plain object: the types that matter are the definition's (for the
  // resource's author) and the class's (for users).
  type I = Obj & LayerInputs;
  const ops = def.operations as unknown as Operations<I, Obj, unknown, C>;
  const model = def.model as unknown as (w: unknown, prior: I) => Obj;
  const vendor = def.vendor.name;
  const token = typeToken(vendor, def.type);
  const { full: inputSchema, shape: inputShape } = withLayer(def.inputs, layerFields(def.adopt));
  const inputKeys = Object.keys(inputShape);
  const hidden = new Set<string>(def.hidden?.inputs ?? []);
  // Inputs compared by the plain diff: not the marker, nor adoption (below), nor hidden secrets (not in
  // the outputs: their hash shows their change).
  const compared = inputKeys.filter((k) => k !== "marker" && k !== "adopt" && !hidden.has(k));
  const replaceOn = [...(def.replaceOn ?? []), "endpoint"];
  const local = new Set([...(def.local ?? []), ...inputKeys.filter((k) => LOCAL_INPUT.test(k))]);
  const upgrade = (olds: Obj): Obj => (def.upgrade ? { ...olds, ...(def.upgrade as unknown as (o: Obj) => Obj)(olds) } : olds);
  const secrets = [...(def.secrets ?? []), ...hidden, ...(def.hidden ? [def.hidden.hash] : [])];
  const hashOf = (id: string, i: Obj) =>
    secretHash(
      id,
      [...hidden].map((k) => i[k]),
    );
  const whatOf = (i: { name?: unknown }, id?: string) => `${vendor}.${def.type} ${typeof i.name === "string" ? `"${i.name}"` : (id ?? "")}`.trim();
  const context = (i: I, id?: string): Context<C> => ({ client: def.vendor.client(i.endpoint), what: whatOf(i as { name?: unknown }, id) });

  /**
   * Outputs: the inputs (less the hidden ones and the marker) with what the vendor shows laid over them, and
   * the hash of the hidden inputs (`id` given: when they are known; a refresh keeps the stored hash).
   */
  const outputsOf = (i: I, w: unknown, id?: string): Obj => {
    const echoed = Object.fromEntries(Object.entries(i).filter(([k]) => !hidden.has(k) && k !== "marker"));
    return plain({ ...echoed, ...model(w, i), ...(def.hidden && id !== undefined ? { [def.hidden.hash]: hashOf(id, i) } : {}) });
  };
  /** The inputs that describe an object as it is, from its outputs (for refresh). */
  const inputsOf = (o: Obj): Obj => Object.fromEntries(inputKeys.filter((k) => o[k] !== undefined && !hidden.has(k)).map((k) => [k, o[k]]));

  /**
   * The ids the state holds for each marker, as diff and update name them in this process: a replacement's
   * create (same URN, so the same marker) must never take up the object it replaces.
   */
  const held = new Map<string, Set<string>>();
  const hold = (id: string, marker: unknown) => {
    if (typeof marker !== "string") return;
    if (!held.has(marker)) held.set(marker, new Set());
    held.get(marker)!.add(id);
  };

  /** One create at a time per endpoint, for resources that keep no marker. */
  const serial = new Map<string, Promise<unknown>>();
  const oneAtATime = <T>(key: string, fn: () => Promise<T>): Promise<T> => {
    const prev = serial.get(key) ?? Promise.resolve();
    const next = prev.catch(() => undefined).then(fn);
    serial.set(key, next);
    return next;
  };

  /** The objects that carry this marker (or, without markers, the new ones): ours to go on with. */
  async function recover(i: I, ctx: Context<C>, marker: string, before: Set<string> | undefined, earlier = false): Promise<string | undefined> {
    if (!ops.list) return undefined;
    const all = await ops.list(def.recovery.marker ? { marker, ...(earlier ? { earlier } : {}) } : {}, i, ctx);
    const ours = def.recovery.marker ? all.filter((f) => f.marker === marker && !held.get(marker)?.has(f.id)) : all.filter((f) => !before!.has(f.id));
    const joined = ours.length
      ? await def.recovery.join?.(
          ours.map((f) => f.id),
          i as Obj,
          ctx,
        )
      : undefined;
    if (joined !== undefined) return joined;
    if (ours.length > 1) {
      const ids = ours.map((f) => f.id).join(", ");
      throw new ProviderError(
        "conflict",
        `${ctx.what}: ${ours.length} objects (${ids}) look like the one this create made; delete the extra ones, or adopt one with adopt: {id}`,
      );
    }
    return ours[0]?.id;
  }

  /**
   * What a create whose outcome is unknown made, if anything. A create that timed out may still run at the
   * vendor: it is looked for until twice as long as the request had has passed. A failed look-up leaves the
   * create's own error to report, but not an ambiguous one.
   */
  async function lookFor(i: I, ctx: Context<C>, marker: string, before: Set<string> | undefined, e: unknown): Promise<string | undefined> {
    const { requestTimeoutMs = 60_000, pollIntervalMs = 1000 } = (ctx.client as { settings?: EndpointSettings }).settings ?? {};
    const until = hasCode(e, "timeout") ? Date.now() + 2 * requestTimeoutMs : 0;
    for (;;) {
      const found = await recover(i, ctx, marker, before).catch((r: unknown) => {
        if (hasCode(r, "conflict")) throw new ProviderError("conflict", r.message, { ...r.details, cause: e });
        return undefined;
      });
      if (found || Date.now() >= until) return found;
      await sleep(pollIntervalMs);
    }
  }

  /** The object `adopt` names, as it is. */
  async function adopt(i: I, ctx: Context<C>): Promise<{ id: string; wire: unknown }> {
    const a = i.adopt!;
    const where = def.vendor.namespace(i.endpoint);
    let id = a.id;
    if (!id) {
      const found = await ops.list!({ name: a.name }, i, ctx);
      if (found.length > 1) {
        const ids = found.map((f) => f.id).join(", ");
        throw new ProviderError("validation", `adopt.name: ${found.length} objects are named "${a.name}" at ${where} (ids ${ids}); adopt one by id`, {
          property: "adopt.name",
        });
      }
      id = found[0]?.id;
    }
    const w = id === undefined ? undefined : await ops.read(id, ctx, i);
    if (!w) {
      const which = a.id ? `with id ${a.id}` : `named "${a.name}"`;
      throw new ProviderError("not_found", `${a.id ? "adopt.id" : "adopt.name"}: no ${def.type} ${which} at ${where}`, {
        property: a.id ? "adopt.id" : "adopt.name",
      });
    }
    return { id: id!, wire: w };
  }

  async function create(i: I): Promise<{ id: string; outs: Obj }> {
    const ctx = context(i);
    const marker = i.marker ?? markerOf(`${token}::${i.name ?? ""}`);
    if (i.adopt) {
      const adopted = await adopt(i, ctx);
      const { id } = adopted;
      if (!ops.adopted) return { id, outs: outputsOf(i, adopted.wire, id) };
      await ops.adopted(id, { ...i, marker }, { ...ctx, marker });
      const wire = await ops.read(id, ctx, i);
      if (!wire) throw new ProviderError("not_found", `${whatOf(i as { name?: unknown }, id)} (${id}) vanished while it was adopted`);
      return { id, outs: outputsOf(i, wire, id) };
    }
    if (def.recovery.idempotent) return finish(i, ctx, await ops.create({ ...i, marker }, { ...ctx, marker }));
    const run = async (): Promise<Started<unknown>> => {
      // A marker written by an earlier run that was killed before Pulumi recorded the id: go on with that object.
      const earlier = def.recovery.marker ? await recover(i, ctx, marker, undefined, true) : undefined;
      if (earlier) return { id: earlier, wait: ops.settle && (() => ops.settle!(earlier, i, ctx)) };
      const before = def.recovery.marker ? undefined : new Set((await ops.list!({}, i, ctx)).map((f) => f.id));
      for (let attempt = 1; ; attempt++) {
        try {
          return await ops.create({ ...i, marker }, { ...ctx, marker });
        } catch (e) {
          if (!outcomeUnknown(e)) throw e;
          const found = await lookFor(i, ctx, marker, before, e);
          if (found) return { id: found, wait: ops.settle && (() => ops.settle!(found, i, ctx)) };
          // A create that timed out may still be made later: sending it again could make two.
          if (hasCode(e, "timeout")) {
            const later = def.recovery.marker ? "; if it appears later, the next `up` takes it up by its marker" : "";
            throw new ProviderError("timeout", `${ctx.what}: ${(e as Error).message}; nothing it made has appeared since${later}`, {
              ...(e as ProviderError).details,
              cause: e,
            });
          }
          // Nothing was made (the connection dropped before the vendor handled it): send it again.
          if (attempt >= CREATE_ATTEMPTS) throw e;
        }
      }
    };
    return finish(i, ctx, def.recovery.marker ? await run() : await oneAtATime(def.vendor.namespace(i.endpoint), run));
  }

  /** After the create's answer: the wait, with a partial create or a clean-up when it fails, then the outputs. */
  async function finish(i: I, ctx: Context<C>, started: Started<unknown>): Promise<{ id: string; outs: Obj }> {
    const { id } = started;
    const ctxId = { ...ctx, what: whatOf(i as { name?: unknown }, id) };
    let wire = started.wait ? undefined : started.wire;
    try {
      wire = waitedWire(await started.wait?.()) ?? wire;
    } catch (e) {
      if (hasCode(e, "task_failed")) {
        // No orphan: remove whatever the failed work left, then report its error.
        if (await unlessGone(ops.read(id, ctxId, i)).catch(() => true)) {
          const cleanup = await ops.delete(id, i, ctxId).then(
            () => `the half-made object ${id} was deleted`,
            (d: Error) => `the half-made object ${id} could not be deleted (${d.message}); delete it by hand`,
          );
          (e as Error).message += ` (${cleanup})`;
        }
        throw e;
      }
      const w = await ops.read(id, ctxId, i).catch(() => undefined);
      throw partialCreate(ctxId.what, id, { ...(w ? outputsOf(i, w, id) : inputsOf(i)), __provider: (i as Obj).__provider }, e);
    }
    if (started.after) {
      try {
        await started.after();
        wire = undefined;
      } catch (e) {
        const w = await ops.read(id, ctxId, i).catch(() => undefined);
        throw partialCreate(ctxId.what, id, { ...(w ? outputsOf(i, w, id) : inputsOf(i)), __provider: (i as Obj).__provider }, e);
      }
    }
    try {
      wire ??= await ops.read(id, ctxId, i);
    } catch (e) {
      throw partialCreate(ctxId.what, id, { ...inputsOf(i), __provider: (i as Obj).__provider }, e);
    }
    if (!wire) throw new ProviderError("not_found", `${ctxId.what} (${id}) vanished right after it was created`);
    return { id, outs: outputsOf(i, wire, id) };
  }

  const unguarded: Required<pulumi.dynamic.ResourceProvider> = {
    async configure(req) {
      configureProviders(req.config);
    },

    async check(olds: Obj, news: Obj) {
      const { __provider, ...raw } = news;
      void __provider;
      const r = checkWithSchema(inputSchema, raw, inputShape);
      if (r.failures?.length) return { inputs: r.inputs, failures: forEngine(r.failures, raw, secrets) };
      if (containsUnknown(raw.endpoint)) return r;
      const i = r.inputs as I;
      // The endpoint's settings, checked at preview: a named endpoint that is not configured fails on `endpoint`.
      let ctx: Context<C>;
      try {
        ctx = context(i);
      } catch (e) {
        if (hasCode(e, "validation") && i.endpoint) return { inputs: i, failures: [{ property: "endpoint", reason: e.message }] };
        throw e;
      }
      if (!def.check) return r;
      const failures = await (def.check as unknown as (i: I, ctx: Context<C>, olds: Obj | undefined) => Promise<Failure[]>)(
        i,
        ctx,
        olds && Object.keys(olds).length ? olds : undefined,
      );
      return failures.length ? { inputs: i, failures: forEngine(failures, raw, secrets) } : { inputs: i };
    },

    async diff(id: string, stored: Obj, news: Obj) {
      hold(id, news.marker);
      const olds = upgrade(stored);
      // Computed inputs left out, and local ones a state written before they existed does not hold, are no change.
      const ignore = [...(def.computed ?? []).filter((k) => news[k] === undefined), ...[...local].filter((k) => olds[k] === undefined)];
      const d = diffInputs(olds, news, { inputs: compared, replaceOn, ignore });
      // Adoption: naming another object replaces; dropping `adopt`, or naming the object held, changes nothing.
      const a = news.adopt as LayerInputs["adopt"];
      const names = (x: LayerInputs["adopt"]) => x?.id === id || (x?.name !== undefined && x.name === olds.name);
      if (containsUnknown(a) || (a !== undefined && JSON.stringify(olds.adopt) !== JSON.stringify(a) && !names(a))) d.replaces.push("adopt");
      // Hidden secrets show their change through their hash (none is stored when even the read after a failed
      // create failed: the next update goes on with the object).
      const unknownHidden = [...hidden].filter((k) => containsUnknown(news[k]));
      const changedHidden = unknownHidden.length
        ? unknownHidden
        : def.hidden && olds[def.hidden.hash] !== undefined && hashOf(id, news) !== olds[def.hidden.hash]
          ? [...hidden]
          : [];
      d.changed.push(...changedHidden);
      d.replaces.push(...changedHidden.filter((k) => replaceOn.includes(k)));
      type Hook = (o: Obj, n: Obj, d: { changed: string[]; replaces: string[]; id: string }) => ReturnType<NonNullable<typeof def.diff>>;
      const extra = (def.diff as Hook | undefined)?.(olds, news, { changed: d.changed, replaces: d.replaces, id }) ?? {};
      // Inputs the hook says are no change (their difference means nothing to do), unless it replaces them itself.
      const same = new Set(extra.unchanged ?? []);
      const changed = d.changed.filter((k) => !same.has(k));
      const replaces = [...new Set([...d.replaces.filter((k) => !same.has(k)), ...(extra.replaces ?? [])])];
      return {
        changes: changed.length > 0 || replaces.length > 0 || !!extra.changes,
        replaces,
        deleteBeforeReplace: extra.deleteBeforeReplace ?? replaces.includes("adopt"),
      };
    },

    async create(inputs: Obj) {
      return create(inputs as I);
    },

    async read(id: string, props?: Obj) {
      const prior = (props ?? {}) as I;
      const ctx = context(prior);
      const w = await ops.read(id, ctx, prior);
      if (!w) return { id: "" };
      // A read with no stored state (a `.get`) lays the vendor's view over nothing.
      const prev = inputsOf(prior) as I;
      const outs = { ...outputsOf(prev, w), ...(def.hidden ? pick(prior, [def.hidden.hash]) : {}) };
      // Refreshed inputs replace the stored ones. The hidden ones (passwords) are in no output, so a type
      // that has any returns none: the engine then keeps the stored inputs, secrets included.
      return hidden.size ? { id, props: outs } : { id, props: outs, inputs: inputsOf(outs) };
    },

    async update(id: string, olds: Obj, news: Obj) {
      const n = news as I;
      hold(id, n.marker);
      const ctx = { ...context(n), what: whatOf(n as { name?: unknown }, id) };
      await ops.update(id, upgrade(olds) as I, n, ctx);
      const w = await ops.read(id, ctx, n);
      if (!w) throw new ProviderError("not_found", `${ctx.what} (${id}) no longer exists`);
      return { outs: outputsOf(n, w, id) };
    },

    async delete(id: string, props: Obj) {
      const p = props as I;
      const ctx = { ...context(p), what: whatOf(p as { name?: unknown }, id) };
      try {
        await ops.delete(id, p, ctx);
      } catch (e) {
        if (!hasCode(e, "not_found")) throw e;
      }
    },
  };

  /** Every call, with the values of the secret inputs (and outputs) it was given redacted from any error it throws. */
  const guard = async <T>(p: Promise<T>, ...given: Array<Obj | undefined>): Promise<T> => {
    try {
      return await p;
    } catch (e) {
      throw scrub(e, secretValues(given, secrets));
    }
  };
  const implementation: Required<pulumi.dynamic.ResourceProvider> = {
    configure: (req) => unguarded.configure(req),
    check: (olds, news) => guard(unguarded.check(olds, news), olds, news),
    diff: (id, olds, news) => guard(unguarded.diff(id, olds, news), olds, news),
    create: (inputs) => guard(unguarded.create(inputs), inputs),
    read: (id, props) => guard(unguarded.read(id, props), props),
    update: (id, olds, news) => guard(unguarded.update(id, olds, news), olds, news),
    delete: (id, props) => guard(unguarded.delete(id, props), props),
  };

  const entry: RegistryEntry = {
    token,
    vendor,
    type: def.type,
    definition: def as unknown as AnyDefinition,
    inputSchema,
    inputShape,
    provider: implementation,
  };
  registryMap.set(token, entry);
  stub.register(vendor, def.type, implementation);

  const outputKeys = Object.keys(def.outputs.shape);
  // The one stub of this type (Pulumi serializes a provider object once, so every resource shares the text).
  const providerStub = Object.create(stub, {
    vendor: { value: vendor, enumerable: true },
    type: { value: def.type, enumerable: true },
  }) as Required<pulumi.dynamic.ResourceProvider>;

  class Resource extends VendorResource {
    static override readonly __pulumiType = token;
    static readonly provider = providerStub;
    static readonly entry = entry;
    constructor(name: string, args: Obj = {}, opts?: pulumi.CustomResourceOptions) {
      const props: Obj = { ...Object.fromEntries(outputKeys.map((k) => [k, undefined])), ...args };
      for (const k of secrets) if (props[k] !== undefined) props[k] = pulumi.secret(props[k]);
      props.marker = pulumi.createUrn(name, token, opts?.parent).apply(markerOf);
      const additionalSecretOutputs = [...new Set([...secrets, ...(opts?.additionalSecretOutputs ?? [])])];
      super(providerStub, name, props, { ...opts, additionalSecretOutputs }, vendor, def.type);
    }
  }
  Object.defineProperty(Resource, "name", { value: def.type });
  return Resource as unknown as ResourceClass<ArgsOf<S>, OutputsOf<S, OS, H>>;
}

function pick(o: Obj, keys: readonly string[]): Obj {
  return Object.fromEntries(keys.filter((k) => o[k] !== undefined).map((k) => [k, o[k]]));
}

/** Values inside a secret object that say nothing (`vnc.ip: "auto"`): redacting them would only garble messages. */
const PLAIN_WORD = /^(auto|on|off|none|true|false|yes|no)$/i;

/**
 * The text of the secret fields of the objects given: each string (inside a secret object, every string but
 * plain words), and the password of a URL among them (`sftp://user:password@host`), raw and decoded.
 */
export function secretValues(given: Array<Obj | undefined>, keys: readonly string[]): string[] {
  const out = new Set<string>();
  const add = (v: unknown, nested: boolean) => {
    if (typeof v === "string") {
      if (!v || (nested && PLAIN_WORD.test(v))) return;
      out.add(v);
      const password = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*?:([^@/?#]+)@/i.exec(v)?.[1];
      if (password) {
        out.add(password);
        try {
          out.add(decodeURIComponent(password));
        } catch {
          // not percent-encoded text: the raw value is redacted
        }
      }
    } else if (Array.isArray(v)) v.forEach((x) => add(x, true));
    else if (v && typeof v === "object") Object.values(v).forEach((x) => add(x, true));
  };
  for (const o of given) for (const k of keys) if (o) add(o[k], false);
  // The longest first: a password inside its URL goes with the URL.
  return [...out].sort((a, b) => b.length - a.length);
}

/** An error with the given secret values redacted from its message, stack, vendor message, reasons and causes. */
export function scrub<E>(e: E, values: readonly string[], depth = 0): E {
  if (!values.length || !(e instanceof Error) || depth > 8) return e;
  e.message = redact(e.message, values);
  if (e.stack) e.stack = redact(e.stack, values);
  const x = e as Error & { reasons?: unknown };
  if (Array.isArray(x.reasons)) x.reasons = x.reasons.map((r) => (typeof r === "string" ? redact(r, values) : r));
  if (isProviderError(e) && e.details.vendorMessage) e.details.vendorMessage = redact(e.details.vendorMessage, values);
  if (e.cause !== undefined) scrub(e.cause, values, depth + 1);
  return e;
}

/** True when a value given to check is still unknown (preview) anywhere inside. */
export const known = (...values: unknown[]): boolean => !values.some(containsUnknown);
export { isUnknown, isProviderError };
