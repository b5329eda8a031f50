/**
 * Provider settings and vendor endpoints. Settings are read in `configure()` from the stack config or
 * from environment variables, never from resource inputs, so that nothing secret is serialized into a
 * closure or stored in a resource's state.
 *
 * A vendor has a default endpoint, configured under its own namespace (`cloudtower:endpoint`,
 * `CLOUDTOWER_ENDPOINT`), and any number of named ones: a resource with `endpoint: "site-b"` reads
 * `cloudtower-site-b:endpoint` or `CLOUDTOWER_SITE_B_ENDPOINT`. Every key of a namespace has its
 * environment variable: the namespace and the camelCase key in SNAKE_CASE (`pollIntervalMs` ->
 * `CLOUDTOWER_POLL_INTERVAL_MS`). Clients are made lazily, once per endpoint and settings, and shared by
 * every resource of the provider process.
 */
import * as pulumi from "@pulumi/pulumi";
import { readFileSync } from "node:fs";
import { ProviderError } from "./errors";
import type { TlsOptions } from "./http";

/** What `configure(req)` receives as `req.config` (and a plain map in tests). */
export interface ConfigSource {
  get(key: string): string | undefined;
}

export interface SettingSpec {
  required?: boolean;
  /** Only changes the hint in the error message (`pulumi config set --secret`). */
  secret?: boolean;
  default?: string;
}

export function configFrom(map: Record<string, string | undefined>): ConfigSource {
  return { get: (k) => map[k] };
}

/** The environment variable of a setting: `cloudtower-site-b` + `pollIntervalMs` -> `CLOUDTOWER_SITE_B_POLL_INTERVAL_MS`. */
export function envName(namespace: string, key: string): string {
  return `${namespace}_${key.replace(/([a-z0-9])([A-Z])/g, "$1_$2")}`.replace(/[^A-Za-z0-9]+/g, "_").toUpperCase();
}

/**
 * Reads `<namespace>:<key>` for each spec'd key, falling back to its environment variable, then its
 * default. A missing required setting is a validation error that names both places to set it.
 */
export function readSettings<K extends string>(
  namespace: string,
  config: ConfigSource | undefined,
  spec: Record<K, SettingSpec>,
  env: NodeJS.ProcessEnv = process.env,
): Record<K, string | undefined> {
  const out = {} as Record<K, string | undefined>;
  const missing: string[] = [];
  for (const key of Object.keys(spec) as K[]) {
    const s = spec[key];
    const value = nonEmpty(config?.get(`${namespace}:${key}`)) ?? nonEmpty(env[envName(namespace, key)]) ?? s.default;
    if (value === undefined && s.required) {
      missing.push(
        `${namespace}:${key} is not set: run \`pulumi config set ${s.secret ? "--secret " : ""}${namespace}:${key} <value>\`` +
          ` or set the environment variable ${envName(namespace, key)}`,
      );
    }
    out[key] = value;
  }
  if (missing.length) throw new ProviderError("validation", missing.join("; "), { property: `${namespace}:config` });
  return out;
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v === "" ? undefined : v;
}

/** `true/false/1/0/yes/no` as a boolean; anything else is an error naming the setting. */
export function parseBool(name: string, v: string | undefined, dflt = false): boolean {
  if (v === undefined) return dflt;
  const t = v.trim().toLowerCase();
  if (["true", "1", "yes"].includes(t)) return true;
  if (["false", "0", "no"].includes(t)) return false;
  throw new ProviderError("validation", `${name} must be true or false, not "${v}"`, { property: name });
}

/** A whole number of milliseconds of at least `min`; anything else is an error naming the setting. */
export function parseMs(name: string, v: string | undefined, min = 10): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) {
    throw new ProviderError("validation", `${name} must be a whole number of milliseconds >= ${min}, not "${v}"`, { property: name });
  }
  return n;
}

/**
 * TLS settings shared by every vendor: `<namespace>:caCert` (PEM text) or `<namespace>:caCertPath` (a
 * file), and `<namespace>:insecure`, with their environment variables.
 */
export function readTls(namespace: string, config: ConfigSource | undefined, env: NodeJS.ProcessEnv = process.env): TlsOptions {
  const s = readSettings(namespace, config, { caCert: {}, caCertPath: {}, insecure: {} }, env);
  let ca = s.caCert;
  if (!ca && s.caCertPath) {
    try {
      ca = readFileSync(s.caCertPath, "utf8");
    } catch (e) {
      throw new ProviderError("validation", `${namespace}:caCertPath: cannot read ${s.caCertPath}: ${(e as Error).message}`, {
        property: `${namespace}:caCertPath`,
      });
    }
  }
  return { ...(ca ? { ca } : {}), insecure: parseBool(`${namespace}:insecure`, s.insecure) };
}

// ---- Vendors and their endpoints -----------------------------------------------------------------

let current: ConfigSource | undefined;
/** In a program (look-ups run there, with no provider configured): the stack config the engine gave it. */
const programConfig: ConfigSource = { get: (k) => pulumi.runtime.getConfig(k) };
/** Clients by namespace and settings: a changed configuration makes a new client, the same one reuses it. */
const clients = new Map<string, unknown>();

/**
 * Forgets every client (their coalesced reads and the look-ups they keep for the run), as a new provider
 * process starts: Pulumi configures a provider once per process, and a run is a process. For tests, which
 * run many in one.
 */
export function forgetClients(): void {
  clients.clear();
}

/** Stores the stack config for every vendor; `configure()` of every provider calls it. */
export function configureProviders(config: ConfigSource | undefined): void {
  current = config;
}

/** What a vendor module declares about one of its endpoints. */
export interface VendorSpec<K extends string, C> {
  /** The config namespace of the default endpoint (`cloudtower`). */
  name: string;
  /** Settings of one endpoint, read from `<namespace>:<key>` or the environment. */
  settings: Record<K, SettingSpec>;
  /** Makes the client of one endpoint; `namespace` names its settings in error messages. */
  connect(settings: Record<K, string | undefined>, tls: TlsOptions, namespace: string): C;
}

export interface Vendor<C> {
  readonly name: string;
  /** The config namespace of an endpoint: the vendor's own, or `<vendor>-<endpoint>` for a named one. */
  namespace(endpoint?: string): string;
  /** The client of an endpoint (the default one when `endpoint` is undefined), made on first use. */
  client(endpoint?: string): C;
}

/** Settings every endpoint has: how often to poll async work, and how long one request may take. */
export const TIMING = {
  pollIntervalMs: { default: "1000" },
  requestTimeoutMs: { default: "60000" },
} as const satisfies Record<string, SettingSpec>;

/** The timing settings, parsed. */
export function timing(s: Record<keyof typeof TIMING, string | undefined>, namespace: string) {
  return {
    pollIntervalMs: parseMs(`${namespace}:pollIntervalMs`, s.pollIntervalMs),
    requestTimeoutMs: parseMs(`${namespace}:requestTimeoutMs`, s.requestTimeoutMs, 100),
  };
}

/** The settings of a vendor that logs in with a user and a password: its URL, the user, and the timing. */
export const PASSWORD_LOGIN = {
  endpoint: { required: true },
  username: { required: true },
  password: { required: true, secret: true },
  ...TIMING,
} as const satisfies Record<string, SettingSpec>;

/** What the client of such a vendor takes, from those settings. */
export function loginSettings(s: Record<keyof typeof PASSWORD_LOGIN, string | undefined>, tls: TlsOptions, namespace: string) {
  return { endpoint: s.endpoint!, username: s.username!, password: s.password!, ...timing(s, namespace), namespace, ...tls };
}

export const ENDPOINT_NAME = /^[a-z0-9]([a-z0-9-]{0,40}[a-z0-9])?$/;

export function defineVendor<K extends string, C>(spec: VendorSpec<K, C>): Vendor<C> {
  const namespace = (endpoint?: string) => (endpoint ? `${spec.name}-${endpoint}` : spec.name);
  return {
    name: spec.name,
    namespace,
    client(endpoint?: string): C {
      const ns = namespace(endpoint);
      const settings = readSettings(ns, current ?? programConfig, spec.settings);
      const tls = readTls(ns, current ?? programConfig);
      const key = JSON.stringify([ns, settings, tls]);
      if (!clients.has(key)) clients.set(key, spec.connect(settings, tls, ns));
      return clients.get(key) as C;
    },
  };
}
