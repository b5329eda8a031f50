import { describe, expect, it, vi } from "vitest";
import { ProviderError, codeForStatus, hasCode, httpError, isProviderError, parseRetryAfter, redact } from "../../../provider/core/errors";

describe("codeForStatus", () => {
  it.each([
    [401, "auth"],
    [403, "auth"],
    [404, "not_found"],
    [409, "conflict"],
    [423, "conflict"],
    [429, "rate_limited"],
    [400, "validation"],
    [422, "validation"],
    [408, "timeout"],
    [504, "timeout"],
    [500, "server"],
    [502, "server"],
    [503, "server"],
  ])("maps HTTP %i to %s", (status, code) => {
    expect(codeForStatus(status)).toBe(code);
  });
});

describe("ProviderError", () => {
  it("carries the vendor's message, code and request id in its message", () => {
    const e = httpError(409, { what: "update VM failed", vendorMessage: "VM is locked", vendorCode: "ResourceLocked", requestId: "req-9" });
    expect(e.code).toBe("conflict");
    expect(e.message).toBe("update VM failed: vendor says: VM is locked [HTTP 409, code ResourceLocked, request req-9]");
    expect(e.requestId).toBe("req-9");
    expect(e.status).toBe(409);
  });

  it("is recognised by a second copy of the errors module", async () => {
    vi.resetModules();
    // @ts-expect-error: the query makes Vite load a second copy of the module, as a serialized closure may.
    const copy: typeof import("../../../provider/core/errors") = await import("../../../provider/core/errors?copy=2");
    const fromCopy = new copy.ProviderError("auth", "denied");
    expect(fromCopy).not.toBeInstanceOf(ProviderError);
    expect(isProviderError(fromCopy)).toBe(true);
    expect(hasCode(fromCopy, "auth")).toBe(true);
    expect(copy.isProviderError(new ProviderError("server", "boom"))).toBe(true);
  });

  it("does not recognise plain errors or look-alikes", () => {
    expect(isProviderError(new Error("x"))).toBe(false);
    expect(isProviderError({ code: "auth", message: "x" })).toBe(false);
    expect(isProviderError(null)).toBe(false);
  });
});

describe("parseRetryAfter", () => {
  const now = Date.parse("2026-11-23T10:00:00Z");
  it.each([
    ["3", 3000],
    ["0", 0],
    ["1.5", 1500],
    ["Mon, 23 Nov 2026 10:00:10 GMT", 10_000],
    ["Mon, 23 Nov 2026 09:59:00 GMT", 0],
    ["soon", undefined],
    ["", undefined],
    [undefined, undefined],
  ])("reads %s as %s ms", (value, ms) => {
    expect(parseRetryAfter(value, now)).toBe(ms);
  });
});

describe("redact", () => {
  it("removes every occurrence of every secret, short ones included", () => {
    expect(redact("token abc and abc again, pw x9", ["abc", "x9", undefined, ""])).toBe("token *** and *** again, pw ***");
  });
});
