/**
 * A secret input never reaches an error message: ChimeStack's errors carry its own message (or the start of
 * the body), which may echo what was sent, such as an Image's install URL with its login.
 */
import { describe, expect, it } from "vitest";
import * as chimestack from "../../../provider/chimestack";
import { useChime } from "../../helpers/chimestack";
import { asEngine } from "../../helpers/engine";

const ctx = useChime();
const image = asEngine(chimestack.Image.provider);
const URL = "sftp://images:s3cret@files.example/centos.qcow2";

describe("chimestack.Image's install URL in ChimeStack's errors", () => {
  it("is redacted when the vendor's error message echoes it, with its password alone", async () => {
    await ctx.sim.control("POST", "/_sim/faults", {
      method: "POST",
      path: "/v1/image/user",
      status: 400,
      message: `cannot fetch ${URL}: the login images/s3cret was refused`,
    });
    const err = await image.create(await image.checked({ name: "golden", installUrl: URL })).catch((e) => e);
    expect(err.code).toBe("validation");
    expect(`${err.message} ${err.stack} ${err.details?.vendorMessage}`).not.toContain("s3cret");
    expect(err.message).toMatch(/cannot fetch \*\*\*: the login images\/\*\*\* was refused/);
  });
});
