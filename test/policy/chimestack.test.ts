import { describe, expect, it } from "vitest";
import { chimestack, cloudtower } from "pulumi-private-cloud";
import { chimestackPolicies } from "../../policy/chimestack";
import { violations } from "./harness";

const byName = (name: string) => chimestackPolicies().find((p) => p.name === name)!;

describe("chimestack-vm-instance-spec", () => {
  it("blocks a VM whose instance spec is not allowed, naming the allowed ones", () => {
    expect(
      violations(byName("chimestack-vm-instance-spec"), chimestack.Vm, { name: "app-1", instanceSpecUuid: "big" }, { allowed: ["small", "medium"] }),
    ).toEqual(["VM app-1 uses instance spec big, which is not among the 2 allowed; pick one of small, medium"]);
  });
  it("allows every spec when the list is empty, and ignores other types", () => {
    expect(violations(byName("chimestack-vm-instance-spec"), chimestack.Vm, { name: "a", instanceSpecUuid: "big" })).toEqual([]);
    expect(violations(byName("chimestack-vm-instance-spec"), cloudtower.Vm, { name: "a", instanceSpecUuid: "big" }, { allowed: ["s"] })).toEqual([]);
  });
});

describe("chimestack-vm-volume-size", () => {
  it("flags each volume above the limit", () => {
    const vm = {
      name: "db",
      volumes: [
        { name: "root", sizeGb: 40 },
        { name: "data", sizeGb: 4096 },
      ],
    };
    expect(violations(byName("chimestack-vm-volume-size"), chimestack.Vm, vm)).toEqual(["VM db's volume data is 4096 GB, above the 2048 GB allowed"]);
    expect(violations(byName("chimestack-vm-volume-size"), chimestack.Vm, vm, { maxVolumeGb: 8192 })).toEqual([]);
  });
});
