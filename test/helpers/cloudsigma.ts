import { afterAll, beforeAll, beforeEach } from "vitest";
import * as cloudsigma from "../../provider/cloudsigma";
import { KvObject, decode, encode } from "../../provider/cloudsigma/codec";
import { closeAllPools } from "../../provider/core";
import { DEMO_ACCOUNT, createCloudSigmaSimulator } from "../../simulator/cloudsigma";
import { asEngine } from "./engine";
import { Sim, startSim } from "./sim";

export const LIBRARY_DEBIAN = "a1b2c3d4-0000-4000-8000-00000000de12";

/** The stack config that points every CloudSigma resource (of the endpoint `ns`) at a simulator. */
export function sigmaConfig(url: string, ns = "cloudsigma", account: { email: string; password: string } = DEMO_ACCOUNT): Record<string, string> {
  return { [`${ns}:endpoint`]: url, [`${ns}:username`]: account.email, [`${ns}:password`]: account.password, [`${ns}:pollIntervalMs`]: "20" };
}

/**
 * A CloudSigma simulator for one test file (fast imaging and shutdowns), reset and configured before
 * each test; `api` calls its vendor API as the account's owner would out of band, and answers the
 * decoded objects.
 */
export function useSigma(opts: { imagingMs?: number; shutdownMs?: number } = {}) {
  const ctx = {} as { sim: Sim; api(method: "GET" | "POST", path: string, body?: KvObject): Promise<KvObject[]> };
  beforeAll(async () => {
    ctx.sim = await startSim(createCloudSigmaSimulator({ imagingMs: 150, shutdownMs: 100, ...opts }));
    const auth = "Basic " + Buffer.from(`${DEMO_ACCOUNT.email}:${DEMO_ACCOUNT.password}`).toString("base64");
    ctx.api = async (method, path, body) => {
      const res = await fetch(ctx.sim.url + path, { method, headers: { authorization: auth }, body: body && encode(body) });
      const text = await res.text();
      if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text}`);
      return decode(text);
    };
  });
  afterAll(async () => {
    await ctx.sim.stop();
    await closeAllPools();
  });
  beforeEach(async () => {
    await ctx.sim.control("POST", "/_sim/reset");
    await asEngine(cloudsigma.Drive.provider).configure(sigmaConfig(ctx.sim.url));
  });
  return ctx;
}
