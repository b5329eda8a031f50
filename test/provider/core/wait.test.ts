import { afterEach, describe, expect, it, vi } from "vitest";
import { ProviderError, httpError } from "../../../provider/core/errors";
import { BatchingWaiter, waitFor } from "../../../provider/core/wait";

afterEach(() => {
  vi.useRealTimers();
});

describe("waitFor", () => {
  it("polls until the probe says done and returns its value", async () => {
    let n = 0;
    const v = await waitFor(async () => (++n < 3 ? { done: false, progress: `step ${n}` } : { done: true, value: n }), {
      timeoutMs: 5000,
      intervalMs: 1,
      what: "the thing",
    });
    expect(v).toBe(3);
  });

  it("tolerates transient probe errors until the deadline", async () => {
    let n = 0;
    const v = await waitFor(
      async () => {
        if (++n < 3) throw httpError(503);
        return { done: true, value: "up" };
      },
      { timeoutMs: 5000, intervalMs: 1, what: "x" },
    );
    expect(v).toBe("up");
  });

  it("rethrows a final probe error at once", async () => {
    await expect(
      waitFor(
        async () => {
          throw new ProviderError("task_failed", "task t1 failed");
        },
        { timeoutMs: 5000, intervalMs: 1, what: "x" },
      ),
    ).rejects.toMatchObject({ code: "task_failed" });
  });

  it("fails with wait_timeout naming what it waited for and the last progress", async () => {
    await expect(
      waitFor(async () => ({ done: false, progress: "imaging 40%" }), { timeoutMs: 30, intervalMs: 5, what: "drive d1 to be ready" }),
    ).rejects.toThrow(/timed out after 0s waiting for drive d1 to be ready \(last seen: imaging 40%\)/);
  });
});

/** A fake vendor: each id finishes after `ticks[id]` polls; polls are counted. */
function fakeVendor(ticks: Record<string, number>, fail: string[] = []) {
  const seen: Record<string, number> = {};
  const requests: string[][] = [];
  const waiter = new BatchingWaiter<{ id: string; status: string }>({
    intervalMs: 10,
    poll: async (ids) => {
      requests.push(ids);
      const out = new Map<string, { id: string; status: string }>();
      for (const id of ids) {
        seen[id] = (seen[id] ?? 0) + 1;
        const status = fail.includes(id) ? "FAILED" : seen[id] >= (ticks[id] ?? Infinity) ? "SUCCESSED" : "EXECUTING";
        out.set(id, { id, status });
      }
      return out;
    },
    settle: (id, item) => {
      if (item?.status === "FAILED") throw new ProviderError("task_failed", `task ${id} failed`, { taskId: id });
      return item?.status === "SUCCESSED" ? { done: true, value: item } : { done: false, progress: item?.status };
    },
  });
  return { waiter, requests };
}

describe("BatchingWaiter", () => {
  it("serves 50 concurrent waits with one poll request per tick", async () => {
    const ticks = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`t${i}`, 1 + (i % 5)]));
    const { waiter, requests } = fakeVendor(ticks);
    const results = await Promise.all(Object.keys(ticks).map((id) => waiter.wait(id, { timeoutMs: 10_000 })));
    expect(results.map((r) => r.id)).toEqual(Object.keys(ticks));
    // The slowest task needs 5 polls: 5 ticks, one request each, shrinking as tasks finish.
    expect(requests.length).toBe(5);
    expect(requests.map((r) => r.length)).toEqual([50, 40, 30, 20, 10]);
    expect(waiter.polls).toBe(5);
    expect(waiter.pending).toBe(0);
  });

  it("splits a tick into several requests above maxBatch", async () => {
    const requests: number[] = [];
    const w = new BatchingWaiter<string>({
      intervalMs: 5,
      maxBatch: 20,
      poll: async (ids) => (requests.push(ids.length), new Map(ids.map((id) => [id, "done"]))),
      settle: (_id, item) => (item ? { done: true, value: item } : { done: false }),
    });
    await Promise.all(Array.from({ length: 50 }, (_, i) => w.wait(`x${i}`, { timeoutMs: 5000 })));
    expect(requests).toEqual([20, 20, 10]);
  });

  it("ends each wait on its own result: a failed task rejects only its waiter", async () => {
    const { waiter } = fakeVendor({ a: 2, b: 1 }, ["c"]);
    const [a, b, c] = await Promise.allSettled(["a", "b", "c"].map((id) => waiter.wait(id, { timeoutMs: 5000 })));
    expect(a.status).toBe("fulfilled");
    expect(b.status).toBe("fulfilled");
    expect(c).toMatchObject({ status: "rejected", reason: { code: "task_failed", details: { taskId: "c" } } });
  });

  it("ends a wait at its own deadline while the others go on", async () => {
    const { waiter } = fakeVendor({ fast: 3, never: Infinity });
    const slow = waiter.wait("never", { timeoutMs: 25, what: "task never" });
    const fast = waiter.wait("fast", { timeoutMs: 5000 });
    await expect(slow).rejects.toMatchObject({ code: "wait_timeout" });
    await expect(slow).rejects.toThrow(/waiting for task never \(last seen: EXECUTING\)/);
    await expect(fast).resolves.toMatchObject({ id: "fast" });
  });

  it("shares one poll between two waits on the same id", async () => {
    const { waiter, requests } = fakeVendor({ same: 1 });
    await Promise.all([waiter.wait("same", { timeoutMs: 1000 }), waiter.wait("same", { timeoutMs: 1000 })]);
    expect(requests).toEqual([["same"]]);
  });

  it("keeps waiting through a transient poll failure and rejects all on a final one", async () => {
    let n = 0;
    const w = new BatchingWaiter<string>({
      intervalMs: 5,
      poll: async (ids) => {
        n++;
        if (n === 1) throw httpError(503);
        if (ids.includes("bad")) throw httpError(401, { what: "token rejected" });
        return new Map(ids.map((id) => [id, "ok"]));
      },
      settle: (_id, item) => (item ? { done: true, value: item } : { done: false }),
    });
    await expect(w.wait("good", { timeoutMs: 5000 })).resolves.toBe("ok");
    await expect(w.wait("bad", { timeoutMs: 5000 })).rejects.toMatchObject({ code: "auth" });
  });
});
