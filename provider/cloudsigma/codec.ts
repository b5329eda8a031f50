/**
 * CloudSigma API 1.0's text/plain key-value format, both ways.
 *
 * - An object is lines of `key SP value`: the key is everything before the first space (keys hold colons,
 *   `nic:0:dhcp`), the value the rest, spaces included, possibly empty (`salutation `). A line with no
 *   space is a key with an empty value. A later duplicate key wins.
 * - Several objects are separated by one blank line; the last one ends with a newline.
 * - Values are kept verbatim on decode: free text may hold the two characters `\n` for a newline and HTML
 *   entities (`&#39;`, `&quot;`, `&amp;`); `unescapeText`/`escapeText` convert when a caller wants text.
 * - Bare lists (`/drives/list`) are one UUID per line; `/resources/ip/list` has `ip X` lines.
 * - Multi-valued fields (`tags`, `readers`, `claimed`, `boot`, `nic:0:block`, `use`) are one line of
 *   tokens separated by spaces (libcloud's fixtures also show commas in `use` and `drive_type`).
 */

export type KvObject = Record<string, string>;

/** Decodes a response body into its objects (an empty body gives none). */
export function decode(text: string): KvObject[] {
  const objects: KvObject[] = [];
  let current: KvObject | undefined;
  for (const raw of text.split("\n")) {
    const line = raw.replace(/\r$/, "");
    if (line.trim() === "") {
      current = undefined;
      continue;
    }
    if (!current) objects.push((current = {}));
    const sp = line.indexOf(" ");
    if (sp < 0) current[line] = "";
    else current[line.slice(0, sp)] = line.slice(sp + 1);
  }
  return objects;
}

/** Decodes a body that holds one object; an empty body is an empty object. */
export function decodeOne(text: string): KvObject {
  const all = decode(text);
  if (all.length > 1) throw new Error(`expected one object, got ${all.length}`);
  return all[0] ?? {};
}

/** Encodes objects: `key value` lines, one blank line between objects, a final newline. */
export function encode(objects: KvObject | KvObject[]): string {
  const list = Array.isArray(objects) ? objects : [objects];
  return list
    .map(
      (o) =>
        Object.entries(o)
          .map(([k, v]) => {
            if (/[\s]/.test(k) || k === "") throw new Error(`a key cannot be empty or hold white space: "${k}"`);
            if (/[\r\n]/.test(v)) throw new Error(`the value of ${k} holds a line break; escape it with escapeText`);
            return `${k} ${v}`;
          })
          .join("\n") + "\n",
    )
    .join("\n");
}

/** A bare list: UUIDs one per line, or the value of `ip X` / `vlan X` lines. */
export function decodeList(text: string): string[] {
  return text
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => {
      const parts = l.split(/\s+/);
      return parts.length > 1 ? parts[1] : parts[0];
    });
}

/** The tokens of a multi-valued field (spaces, or commas as libcloud's fixtures show). */
export function tokens(value: string | undefined): string[] {
  return (value ?? "").split(/[\s,]+/).filter(Boolean);
}

const ENTITIES: Record<string, string> = { "&quot;": '"', "&#39;": "'", "&amp;": "&", "&lt;": "<", "&gt;": ">" };

/** Free text as a person reads it: `\n` becomes a line break, HTML entities become characters. */
export function unescapeText(v: string): string {
  return v
    .replace(/\\n/g, "\n")
    .replace(/&(quot|#39|amp|lt|gt);/g, (m) => ENTITIES[m])
    .replace(/&#(\d+);/g, (_m, d) => String.fromCodePoint(Number(d)));
}

/** Text as a value can carry it: line breaks become `\n`. */
export function escapeText(v: string): string {
  return v.replace(/\r?\n/g, "\\n");
}
