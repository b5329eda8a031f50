import { describe, expect, it } from "vitest";
import { Lifecycle } from "../../../simulator/core/lifecycle";

describe("Lifecycle", () => {
  it("moves on by time, each step timed from when the previous one was due", () => {
    let t = 1000;
    const l = Lifecycle.start([{ state: "PENDING" }, { state: "EXECUTING", afterMs: 100 }, { state: "SUCCESSED", afterMs: 200 }], () => t);
    expect(l.peek()).toBe("PENDING");
    t = 1099;
    expect(l.peek()).toBe("PENDING");
    t = 1100;
    expect(l.peek()).toBe("EXECUTING");
    t = 1350; // 250 ms after EXECUTING was due: past its 200 ms
    expect(l.peek()).toBe("SUCCESSED");
    expect(l.done).toBe(true);
  });

  it("jumps several steps at once when read late", () => {
    let t = 0;
    const l = Lifecycle.start([{ state: 1 }, { state: 2, afterMs: 10 }, { state: 3, afterMs: 10 }], () => t);
    t = 1000;
    expect(l.peek()).toBe(3);
  });

  it("moves on by the number of reads", () => {
    const l = Lifecycle.start([{ state: "a" }, { state: "b", afterPolls: 2 }, { state: "c", afterPolls: 1 }], () => 0);
    expect([l.poll(), l.poll(), l.poll(), l.poll()]).toEqual(["a", "a", "b", "c"]);
  });

  it("serializes to plain data and resumes from it", () => {
    let t = 0;
    const l = Lifecycle.start([{ state: "x" }, { state: "y", afterMs: 50 }], () => t);
    const copy = new Lifecycle(JSON.parse(JSON.stringify(l.toJSON())), () => t);
    t = 60;
    expect(copy.peek()).toBe("y");
  });
});
