import { describe, expect, it } from "vitest";
import * as cloudsigma from "../../../provider/cloudsigma";
import { DEMO_ACCOUNT } from "../../../simulator/cloudsigma";
import { asEngine, failedPaths } from "../../helpers/engine";
import { useSigma } from "../../helpers/cloudsigma";

const ctx = useSigma();
const profile = asEngine(cloudsigma.Profile.provider);
const current = async () => (await ctx.api("GET", "/profile/info"))[0];
/** The changes the provider asked for (no reads). */
const changes = async () => (await ctx.sim.requests()).filter((r) => r.method === "POST").map((r) => r.path);

describe("cloudsigma.Profile lifecycle", () => {
  it("sets only the fields given, shows the email and currency, and owns no other field", async () => {
    const { id, outs } = await profile.create(await profile.checked({ company: "Acme AG", address: "Hauptstrasse 1\n8000 Zürich", postcode: "8000" }));
    expect(id).toBe(DEMO_ACCOUNT.uuid);
    expect(outs).toEqual({
      company: "Acme AG",
      address: "Hauptstrasse 1\n8000 Zürich",
      postcode: "8000",
      uuid: id,
      email: DEMO_ACCOUNT.email,
      currency: "EUR",
    });
    // The fields left out are as they were (the demo's), and the line break went over the wire as `\n`.
    expect(await current()).toMatchObject({ company: "Acme AG", address: "Hauptstrasse 1\\n8000 Zürich", first_name: "Demo", nick_name: "demo" });
  });

  it("changes in place (same id, no replacement), sending only what changed, and nothing when nothing did", async () => {
    const { id, outs } = await profile.create(await profile.checked({ firstName: "Ada", company: "Acme AG" }));
    const news = await profile.checked({ firstName: "Ada", company: "Acme Holding AG", phone: "+41 44 000 00 00" });
    expect(await profile.diff(id, outs, news)).toMatchObject({ changes: true, replaces: [] });
    await ctx.sim.control("DELETE", "/_sim/requests");
    const u = await profile.update(id, outs, news);
    expect(u.outs).toMatchObject({ firstName: "Ada", company: "Acme Holding AG", phone: "+41 44 000 00 00", uuid: id });
    const sent = (await ctx.sim.requests()).find((r) => r.path === "/profile/set")!;
    expect(String(sent.body)).not.toContain("first_name");
    await ctx.sim.control("DELETE", "/_sim/requests");
    await profile.update(id, u.outs, news);
    expect(await changes()).toEqual([]);
  });

  it("shows a change made out of band at refresh, and the next update puts it back", async () => {
    const { id, outs } = await profile.create(await profile.checked({ company: "Acme AG" }));
    await ctx.api("POST", "/profile/set", { company: "Someone Else" });
    const read = await profile.read(id, outs);
    expect(read.props).toMatchObject({ company: "Someone Else" });
    const news = await profile.checked({ company: "Acme AG" });
    expect(await profile.diff(id, read.props!, news)).toMatchObject({ changes: true, replaces: [] });
    await profile.update(id, read.props!, news);
    expect((await current()).company).toBe("Acme AG");
  });

  it("refuses country and language at preview, naming the keys the manual's /profile/set takes", async () => {
    const r = await profile.check({}, { company: "Acme AG", country: "CH", language: "en" });
    expect(r.failures?.map((f) => f.property)).toEqual(["country", "language"]);
    expect(r.failures?.[0].reason).toMatch(/^the manual's \/profile\/set does not take country \(it lists first_name, .* phone\)/);
  });

  it.each([
    [{ firstName: " " }, "firstName"],
    [{ country: "CH" }, "country"],
    [{ language: "en" }, "language"],
    [{ email: "new@example.com" }, "email"],
    [{ currency: "USD" }, "currency"],
  ])("check of %j fails on %s", async (news, property) => {
    const r = await profile.check({}, news);
    expect(failedPaths(r.failures)).toEqual([property]);
  });
});
