/**
 * Provider settings: read in `configure()` from stack config (`<vendor>:<key>`, secrets set with
 * `pulumi config set --secret`) or from environment variables, never from resource inputs, so that
 * nothing secret is serialized into a closure or stored in a resource's state.
 */
import { readFileSync } from "node:fs";
import { ProviderError } from "./errors";
import type { TlsOptions } from "./http";

/** What `configure(req)` receives as `req.config` (and a plain map in tests). */
export interface ConfigSource {
  get(key: string): string | undefined;
}

export interface SettingSpec {
  /** Environment variable used when the stack config has no value. */
  env: string;
  required?: boolean;
  /** Only changes the hint in the error message (`pulumi config set --secret`). */
  secret?: boolean;
  default?: string;
}

export function configFrom(map: Record<string, string | undefined>): ConfigSource {
  return { get: (k) => map[k] };
}

/**
 * Reads `<vendor>:<key>` for each spec'd key, falling back to its environment variable, then its default.
 * A missing required setting is a validation error that names both places to set it.
 */
export function readSettings<K extends string>(
  vendor: string,
  config: ConfigSource | undefined,
  spec: Record<K, SettingSpec>,
  env: NodeJS.ProcessEnv = process.env,
): Record<K, string | undefined> {
  const out = {} as Record<K, string | undefined>;
  const missing: string[] = [];
  for (const key of Object.keys(spec) as K[]) {
    const s = spec[key];
    const fromConfig = config?.get(`${vendor}:${key}`);
    const value = nonEmpty(fromConfig) ?? nonEmpty(env[s.env]) ?? s.default;
    if (value === undefined && s.required) {
      missing.push(
        `${vendor}:${key} is not set: run \`pulumi config set ${s.secret ? "--secret " : ""}${vendor}:${key} <value>\`` +
          ` or set the environment variable ${s.env}`,
      );
    }
    out[key] = value;
  }
  if (missing.length) throw new ProviderError("validation", missing.join("; "), { property: `${vendor}:config` });
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

/**
 * TLS settings shared by every vendor: `<vendor>:caCert` (PEM text) or `<vendor>:caCertPath` (a file),
 * and `<vendor>:insecure`; environment variables `<VENDOR>_CA_CERT`, `<VENDOR>_CA_CERT_PATH`, `<VENDOR>_INSECURE`.
 */
export function readTls(vendor: string, config: ConfigSource | undefined, env: NodeJS.ProcessEnv = process.env): TlsOptions {
  const V = vendor.toUpperCase();
  const s = readSettings(
    vendor,
    config,
    {
      caCert: { env: `${V}_CA_CERT` },
      caCertPath: { env: `${V}_CA_CERT_PATH` },
      insecure: { env: `${V}_INSECURE` },
    },
    env,
  );
  let ca = s.caCert;
  if (!ca && s.caCertPath) {
    try {
      ca = readFileSync(s.caCertPath, "utf8");
    } catch (e) {
      throw new ProviderError("validation", `${vendor}:caCertPath: cannot read ${s.caCertPath}: ${(e as Error).message}`, {
        property: `${vendor}:caCertPath`,
      });
    }
  }
  return { ...(ca ? { ca } : {}), insecure: parseBool(`${vendor}:insecure`, s.insecure) };
}
