/**
 * cvm.Vm: adopts an existing VPS (the CVM client API cannot create or destroy one) and owns its power
 * state. Deleting it releases the VPS from the stack without touching it (or stops it, if asked).
 */
import { z } from "zod";
import { Failure, ProviderError, Started, defineResource, known, unlessGone, waitFor } from "../core";
import { CvmClient, Vps, VpsState } from "./client";
import { vendor } from "./config";

// ---- Definition ------------------------------------------------------------------------------------

const NEITHER = "give vpsId or hostname to say which VPS to adopt";

export const Vm = defineResource({
  vendor,
  type: "Vm",
  description: "An existing VPS of a CVM panel, adopted by id or hostname, kept in the power state it should be in.",
  inputs: z
    .strictObject({
      vpsId: z
        .string()
        .regex(/^[0-9]+$/, 'must be the VPS\'s numeric id, e.g. "101"')
        .optional()
        .describe("the VPS's numeric id in the panel; give this or hostname"),
      hostname: z.string().trim().min(1, "must not be empty").optional().describe("the VPS's hostname, when you do not know its id; give this or vpsId"),
      powerState: z.enum(["running", "stopped"], { error: 'must be "running" or "stopped"' }).default("running").describe("the desired power state"),
      restartTrigger: z.string().optional().describe("any value; changing it restarts a running VPS"),
      stopOnRelease: z.boolean().default(false).describe("stop the VPS when it is released from the stack (default: leave it as it is)"),
      waitTimeoutSeconds: z
        .number()
        .int("must be a whole number")
        .positive("must be positive")
        .max(86_400)
        .default(300)
        .describe("how long to wait for a power change, in seconds"),
    })
    .superRefine((v, ctx) => {
      if (v.vpsId === undefined && v.hostname === undefined) {
        ctx.addIssue({ code: "custom", path: ["vpsId"], message: NEITHER });
      }
    }),
  outputs: z.object({
    vpsId: z.string().describe("the VPS's id, also when it was adopted by hostname"),
    hostname: z.string().describe("the VPS's hostname as the panel lists it"),
    node: z.string().describe("the host node the VPS runs on"),
    virtualizationType: z.string().describe('"openvz" for the panel\'s type 1, else as the panel says'),
    location: z.string().optional(),
    template: z.string().optional(),
    ramMb: z.number().describe("guaranteed RAM"),
    burstableRamMb: z.number().optional(),
    diskMb: z.number(),
    cpuCount: z.number(),
    trafficAccounting: z.enum(["combined", "split"]).describe("combined has trafficLimit/trafficUsed, split the in/out pairs"),
    trafficLimit: z.number().optional().describe("bytes"),
    trafficUsed: z.number().optional(),
    trafficInLimit: z.number().optional(),
    trafficInUsed: z.number().optional(),
    trafficOutLimit: z.number().optional(),
    trafficOutUsed: z.number().optional(),
    status: z.string().describe("running, stopped, suspended, terminated, or unknown while its host node is unreachable"),
    ramUsedBytes: z.number(),
    diskUsedBytes: z.number(),
  }),
  // Pointing the resource at another VPS is a replacement: release one, adopt the other. Whichever of the
  // two the inputs leave out is filled in from the VPS and is no change.
  replaceOn: ["vpsId", "hostname"],
  computed: ["vpsId", "hostname"],
  // vpsId and hostname are the adoption.
  adopt: false,
  recovery: { idempotent: "a create makes nothing: it adopts an existing VPS and sets its power state, which is safe to repeat" },
  deleteNote:
    "releases the VPS from the stack with a warning and leaves it as it is (or stops it, with stopOnRelease): the CVM client API cannot destroy a VPS",
  model,
  async check(i, { client }) {
    // Name the VPS that does not exist at preview, when the inputs are known.
    if (!known(i.vpsId, i.hostname)) return [];
    const found = await locate(client, i);
    return "property" in found ? [found] : [];
  },
  diff: () => ({ deleteBeforeReplace: true }),
  operations: {
    async create(i, { client }) {
      return power(client, await mustLocate(client, i), i);
    },
    async read(id, { client }) {
      const vps = await client.find(id);
      const state = vps && (await unlessGone(client.status(id)));
      return vps && state ? { vps, state } : undefined;
    },
    async update(id, olds, news, { client }) {
      const started = await power(client, await mustLocate(client, { vpsId: id }), news, news.restartTrigger !== olds.restartTrigger);
      await started.wait?.();
    },
    async delete(id, props, { client }) {
      const vps = props.stopOnRelease ? await client.find(id) : undefined;
      if (vps && (await client.status(id)).status === "running") {
        await client.power(id, "stop");
        await until(client, vps, "stopped", props.waitTimeoutSeconds);
      }
      console.warn(
        `cvm.Vm: VPS ${id} (${props.hostname}) is released from the stack; the CVM client API cannot destroy a VPS, ` +
          (props.stopOnRelease ? "so it was stopped and left in place." : "so it is left as it is."),
      );
    },
  },
});
export type Vm = InstanceType<typeof Vm>;

// ---- Model -----------------------------------------------------------------------------------------

/** A VPS as the list shows it, with its live state from /status. */
export interface VpsView {
  vps: Vps;
  state: VpsState;
}

/** The VPS as outputs: what the panel lists, its live status, and the power state it is in. */
export function model({ vps, state }: VpsView) {
  const { id, ...listed } = vps;
  return {
    ...listed,
    vpsId: id,
    virtualizationType: vps.virtualizationType === "1" ? "openvz" : vps.virtualizationType,
    // A power state changed out of band shows at refresh, and the next update puts it back.
    ...(state.status === "running" || state.status === "stopped" ? { powerState: state.status } : {}),
    // /status has the fresher traffic counters.
    trafficUsed: state.trafficUsed ?? vps.trafficUsed,
    trafficInUsed: state.trafficInUsed ?? vps.trafficInUsed,
    trafficOutUsed: state.trafficOutUsed ?? vps.trafficOutUsed,
    status: state.status,
    ramUsedBytes: state.ramUsedBytes,
    diskUsedBytes: state.diskUsedBytes,
  };
}

// ---- Operations --------------------------------------------------------------------------------------

/** The VPS the inputs name, or a failure naming the input when there is none (or several). */
async function locate(c: CvmClient, i: { vpsId?: string; hostname?: string }): Promise<Vps | Failure> {
  // The schema says so too, but not while another input is unknown at preview.
  if (i.vpsId === undefined && i.hostname === undefined) return { property: "vpsId", reason: NEITHER };
  const all = await c.listOnce();
  if (i.vpsId !== undefined) {
    return all.find((x) => x.id === i.vpsId) ?? { property: "vpsId", reason: `no VPS with id ${i.vpsId} is visible to this token pair` };
  }
  const matches = all.filter((x) => x.hostname === i.hostname);
  if (matches.length === 1) return matches[0];
  const reason = matches.length
    ? `${matches.length} VPSes are named "${i.hostname}" (ids ${matches.map((m) => m.id).join(", ")}); adopt by vpsId instead`
    : `no VPS named "${i.hostname}" is visible to this token pair`;
  return { property: "hostname", reason };
}

async function mustLocate(c: CvmClient, i: { vpsId?: string; hostname?: string }): Promise<Vps> {
  const found = await locate(c, i);
  if (!("property" in found)) return found;
  throw new ProviderError(/^no VPS/.test(found.reason) ? "not_found" : "validation", `${found.property}: ${found.reason}`, { property: found.property });
}

function refuseIfHeld(vps: Vps, state: VpsState) {
  if (state.status === "suspended" || state.status === "terminated") {
    throw new ProviderError(
      "conflict",
      `VPS ${vps.id} (${vps.hostname}) is ${state.status} by the host; its power state cannot be managed until the host lifts that`,
      {
        resourceId: vps.id,
      },
    );
  }
}

/**
 * Starts, stops or (`restart`) restarts the VPS as the inputs ask. The wait until /status shows the
 * power state is handed back, not run, so that a create whose wait fails is recorded.
 */
async function power(c: CvmClient, vps: Vps, i: { powerState: "running" | "stopped"; waitTimeoutSeconds: number }, restart = false): Promise<Started<VpsView>> {
  const state = await c.status(vps.id);
  refuseIfHeld(vps, state);
  const want = i.powerState;
  if (restart && want === "running" && state.status === "running") await c.power(vps.id, "restart");
  else if (state.status !== want) await c.power(vps.id, want === "running" ? "start" : "stop");
  else return { id: vps.id, wire: { vps, state } };
  return { id: vps.id, wait: async () => ({ wire: { vps, state: await until(c, vps, want, i.waitTimeoutSeconds) } }) };
}

/** Waits until /status shows the VPS in `want` (`unknown`, its node unreachable, is not there yet). */
function until(c: CvmClient, vps: Vps, want: "running" | "stopped", timeoutSeconds: number): Promise<VpsState> {
  return waitFor(
    async () => {
      const s = await c.status(vps.id);
      refuseIfHeld(vps, s);
      return s.status === want ? { done: true, value: s } : { done: false, progress: s.status };
    },
    { timeoutMs: timeoutSeconds * 1000, intervalMs: c.settings.pollIntervalMs, what: `VPS ${vps.id} (${vps.hostname}) to be ${want}` },
  );
}
