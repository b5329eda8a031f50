import { describe, expect, it, vi } from "vitest";
import { ProviderError, httpError } from "../../../provider/core/errors";
import { backoffDelay, retryWhileBusy, withRetry } from "../../../provider/core/retry";

/** A fake sleep that records the delays asked for. */
function recorder() {
  const delays: number[] = [];
  return { delays, sleep: async (ms: number) => void delays.push(ms) };
}

function failing(...errors: ProviderError[]) {
  let i = 0;
  return vi.fn(async () => {
    if (i < errors.length) throw errors[i++];
    return "ok";
  });
}

describe("withRetry", () => {
  it("retries a 429 after the Retry-After seconds it names", async () => {
    const r = recorder();
    const fn = failing(httpError(429, { retryAfterMs: 2000 }));
    await expect(withRetry(fn, { idempotent: true, sleep: r.sleep })).resolves.toBe("ok");
    expect(fn).toHaveBeenCalledTimes(2);
    expect(r.delays).toEqual([2000]);
  });

  it("retries a 503 after a Retry-After date, capped by maxDelayMs", async () => {
    const r = recorder();
    const fn = failing(httpError(503, { retryAfterMs: 3_600_000 }));
    await withRetry(fn, { idempotent: true, sleep: r.sleep, maxDelayMs: 10_000 });
    expect(r.delays).toEqual([10_000]);
  });

  it("retries an operation that is not idempotent only on answers that say nothing was done (429, 503, never sent)", async () => {
    const fn = failing(httpError(429), httpError(503), new ProviderError("connection", "refused", { notSent: true }));
    await expect(withRetry(fn, { idempotent: false, sleep: async () => {} })).resolves.toBe("ok");
    expect(fn).toHaveBeenCalledTimes(4);
    for (const e of [httpError(500), httpError(502), new ProviderError("connection", "socket hang up"), new ProviderError("timeout", "slow")]) {
      const once = failing(e);
      await expect(withRetry(once, { idempotent: false, sleep: async () => {} })).rejects.toBe(e);
      expect(once).toHaveBeenCalledTimes(1);
    }
  });

  it("does not retry final errors such as auth or validation", async () => {
    for (const status of [401, 400, 404]) {
      const fn = failing(httpError(status));
      await expect(withRetry(fn, { idempotent: true, sleep: async () => {} })).rejects.toBeInstanceOf(ProviderError);
      expect(fn).toHaveBeenCalledTimes(1);
    }
  });

  it("gives up after maxAttempts with the last error", async () => {
    const fn = failing(httpError(500), httpError(502), httpError(503), httpError(504));
    await expect(withRetry(fn, { idempotent: true, maxAttempts: 3, sleep: async () => {} })).rejects.toMatchObject({ status: 503 });
    expect(fn).toHaveBeenCalledTimes(3);
  });

  it("backs off exponentially with full jitter below the cap", async () => {
    const r = recorder();
    const fn = failing(httpError(500), httpError(500), httpError(500), httpError(500));
    await withRetry(fn, { idempotent: true, maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 250, sleep: r.sleep, random: () => 0.999 });
    expect(r.delays).toEqual([99, 199, 249, 249]);
  });

  it("honours a custom shouldRetry", async () => {
    const fn = failing(httpError(500), httpError(503));
    await expect(withRetry(fn, { idempotent: true, sleep: async () => {}, shouldRetry: (e) => e.status === 503 })).rejects.toMatchObject({ status: 500 });
  });
});

describe("backoffDelay", () => {
  it.each([
    [1, 100, 10_000, 100],
    [2, 100, 10_000, 200],
    [5, 100, 10_000, 1600],
    [20, 100, 10_000, 10_000],
  ])("attempt %i with base %i and cap %i is at most %i", (attempt, base, cap, ceiling) => {
    expect(backoffDelay(attempt, base, cap, () => 1)).toBe(ceiling);
    expect(backoffDelay(attempt, base, cap, () => 0)).toBe(0);
  });
});

describe("retryWhileBusy", () => {
  it("retries while the object is locked, then returns", async () => {
    const fn = failing(httpError(409, { vendorCode: "ResourceLocked" }), httpError(409));
    const pauses: number[] = [];
    await expect(retryWhileBusy(fn, { deadline: Date.now() + 10_000, whileBusy: async (n) => void pauses.push(n) })).resolves.toBe("ok");
    expect(pauses).toEqual([1, 2]);
  });

  it("aborts at once on a final error", async () => {
    const fn = failing(httpError(409), httpError(400));
    await expect(retryWhileBusy(fn, { deadline: Date.now() + 10_000, whileBusy: async () => {} })).rejects.toMatchObject({ code: "validation" });
    expect(fn).toHaveBeenCalledTimes(2);
  });

  it("turns a lock that outlives the deadline into a wait_timeout that keeps the vendor details", async () => {
    const fn = vi.fn(async () => {
      throw httpError(409, { vendorMessage: "VM is locked", requestId: "r1" });
    });
    await expect(retryWhileBusy(fn, { deadline: Date.now() - 1, whileBusy: async () => {} })).rejects.toMatchObject({
      code: "wait_timeout",
      details: { requestId: "r1", vendorMessage: "VM is locked" },
    });
  });
});
