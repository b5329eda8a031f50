/**
 * Keeps credentials out of everything the kit writes: every Markdown, JSON and log line passes through one
 * Masker, which replaces each known secret (the stack's secret config values, the passphrase, credential-like
 * environment variables, a backend URL's password, `GITOPS_MASKS`) with `[secret]`, in its raw and its
 * JSON-escaped form.
 */
export const MASK = "[secret]";

/** Environment variables whose values are credentials by their name. */
const SECRET_ENV = /(PASSWORD|PASSPHRASE|TOKEN|SECRET|PRIVATE|CREDENTIAL|API_?KEY|ACCESS_?KEY)/i;
/** Shorter values would mask ordinary words; a credential this short is not one. */
const MIN_LENGTH = 4;

export class Masker {
  private readonly values = new Set<string>();

  /** Adds a secret; objects and arrays add each string leaf (a secret config value may be structured). */
  add(value: unknown): this {
    if (typeof value === "string") {
      if (value.length >= MIN_LENGTH) {
        this.values.add(value);
        // A JSON-encoded structured secret is also masked leaf by leaf.
        if (/^[[{]/.test(value.trim())) {
          try {
            this.add(JSON.parse(value));
          } catch {
            // not JSON: the whole string is masked already
          }
        }
      }
    } else if (Array.isArray(value)) value.forEach((v) => this.add(v));
    else if (value && typeof value === "object") Object.values(value).forEach((v) => this.add(v));
    else if (typeof value === "number" && String(value).length >= MIN_LENGTH) this.values.add(String(value));
    return this;
  }

  /** Credentials from the environment: variables named like one, a password in a backend URL, `GITOPS_MASKS` (comma-separated). */
  addFromEnv(env: NodeJS.ProcessEnv = process.env): this {
    for (const [k, v] of Object.entries(env)) if (v && SECRET_ENV.test(k)) this.add(v);
    for (const url of [env.PULUMI_BACKEND_URL, env.DATABASE_URL]) {
      if (!url) continue;
      try {
        const u = new URL(url);
        if (u.password) this.add(decodeURIComponent(u.password));
      } catch {
        // not a URL: nothing to take from it
      }
    }
    for (const m of (env.GITOPS_MASKS ?? "").split(",")) this.add(m.trim());
    return this;
  }

  mask(text: string): string {
    // Longest first, so that a secret containing another is masked whole.
    for (const v of [...this.values].sort((a, b) => b.length - a.length)) {
      text = text.split(v).join(MASK);
      const escaped = JSON.stringify(v).slice(1, -1);
      if (escaped !== v) text = text.split(escaped).join(MASK);
      const encoded = encodeURIComponent(v);
      if (encoded !== v) text = text.split(encoded).join(MASK);
    }
    return text;
  }

  get size(): number {
    return this.values.size;
  }
}
