import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { decode, decodeList, decodeOne, encode, escapeText, tokens, unescapeText } from "../../../provider/cloudsigma/codec";

describe("decode", () => {
  it.each([
    ["one object", "name foo\nsize 10\n", [{ name: "foo", size: "10" }]],
    ["values with spaces", "name SQL Server 2008 R2 - x\n", [{ name: "SQL Server 2008 R2 - x" }]],
    ["keys with colons", "nic:0:dhcp auto\nide:0:0:media disk\n", [{ "nic:0:dhcp": "auto", "ide:0:0:media": "disk" }]],
    ["an empty value", "salutation \nvat \n", [{ salutation: "", vat: "" }]],
    ["a line with no space", "mem 1024\ncpu\n", [{ mem: "1024", cpu: "" }]],
    ["two objects", "a 1\n\nb 2\n", [{ a: "1" }, { b: "2" }]],
    ["extra blank lines and CRLF", "\n\na 1\r\n\r\n\r\nb 2", [{ a: "1" }, { b: "2" }]],
    ["a later duplicate wins", "a 1\na 2\n", [{ a: "2" }]],
    ["UTF-8", "name ReactOS®\n", [{ name: "ReactOS®" }]],
    ["an empty body", "", []],
  ])("%s", (_what, text, objects) => {
    expect(decode(text)).toEqual(objects);
  });

  it("keeps escapes verbatim", () => {
    expect(decodeOne("install_notes a\\nb &#39;c&#39; &quot;d&quot; &amp;\n")).toEqual({ install_notes: "a\\nb &#39;c&#39; &quot;d&quot; &amp;" });
  });

  it("refuses several objects where one is expected", () => {
    expect(() => decodeOne("a 1\n\nb 2\n")).toThrow(/expected one object, got 2/);
  });
});

describe("encode", () => {
  it("writes key value lines, a blank line between objects and a final newline", () => {
    expect(encode([{ name: "foo bar", size: "10" }, { a: "" }])).toBe("name foo bar\nsize 10\n\na \n");
  });
  it("refuses a key with a space and a value with a line break", () => {
    expect(() => encode({ "a b": "1" })).toThrow(/key/);
    expect(() => encode({ a: "x\ny" })).toThrow(/escapeText/);
  });
});

describe("lists, tokens and text", () => {
  it("reads bare UUID lists and ip lines", () => {
    expect(decodeList("7e8ab721-81c9\nea6a8fdb-dab3\n")).toEqual(["7e8ab721-81c9", "ea6a8fdb-dab3"]);
    expect(decodeList("ip 1.2.3.4\nip 1.2.3.5\n")).toEqual(["1.2.3.4", "1.2.3.5"]);
  });
  it("splits multi-valued fields on spaces and commas", () => {
    expect(tokens("tcp/22 tcp/23")).toEqual(["tcp/22", "tcp/23"]);
    expect(tokens("dbserver,general")).toEqual(["dbserver", "general"]);
    expect(tokens(undefined)).toEqual([]);
  });
  it("unescapes free text and escapes line breaks back", () => {
    expect(unescapeText("a\\nb &#39;c&#39; &quot;d&quot; &amp; &#174;")).toBe("a\nb 'c' \"d\" & ®");
    expect(escapeText("a\nb\r\nc")).toBe("a\\nb\\nc");
  });
});

const FIXTURES = join(__dirname, "../../../../shared/reference/cloudsigma-fixtures");
const haveFixtures = existsSync(FIXTURES);
if (!haveFixtures) console.warn(`skipping the CloudSigma fixture round-trips: ${FIXTURES} is absent (../shared is not beside the project)`);

describe.skipIf(!haveFixtures)("recorded CloudSigma responses and requests (libcloud, jclouds)", () => {
  const files = haveFixtures ? readdirSync(FIXTURES).filter((f) => f.endsWith(".txt")) : [];

  it("has the recorded files", () => {
    expect(files.length).toBeGreaterThanOrEqual(18);
  });

  it.each(files)("%s decodes and re-encodes to the same objects", (f) => {
    const text = readFileSync(join(FIXTURES, f), "utf8");
    const objects = decode(text);
    expect(objects.length).toBeGreaterThan(0);
    expect(decode(encode(objects))).toEqual(objects);
    // Every non-blank line is one key of one object.
    const lines = text.split("\n").filter((l) => l.trim() !== "").length;
    const keys = objects.reduce((n, o) => n + Object.keys(o).length, 0);
    expect(keys).toBeLessThanOrEqual(lines);
  });

  it("reads the fixtures' shapes as the clients do", () => {
    const ips = decode(readFileSync(join(FIXTURES, "resources_ip_create.txt"), "utf8"));
    expect(ips.map((o) => o.resource)).toEqual(["1.2.3.4", "1.2.3.5"]);
    const server = decodeOne(readFileSync(join(FIXTURES, "servers_info.txt"), "utf8"));
    expect(server["nic:0:dhcp"]).toBe("1.2.3.4");
    expect(tokens(server["nic:0:block"])).toContain("tcp/22");
    expect(decodeOne(readFileSync(join(FIXTURES, "jclouds-profile.txt"), "utf8")).salutation).toBe("");
    expect(decodeList(readFileSync(join(FIXTURES, "resources_ip_list.txt"), "utf8"))).toEqual(["1.2.3.4", "1.2.3.5", "1.2.3.6"]);
    const library = decode(readFileSync(join(FIXTURES, "drives_standard_info.txt"), "utf8"));
    expect(library.length).toBeGreaterThan(10);
    expect(library.every((d) => d.drive)).toBe(true);
  });
});
