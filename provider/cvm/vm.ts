/**
 * cvm.Vm: adopts an existing VPS (the CVM client API cannot create or destroy one) and owns its power
 * state. Deleting it releases the VPS from the stack without touching it (or stops it, if asked).
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import {
  ConfigSource,
  ProviderError,
  checkWithSchema,
  diffInputs,
  hasCode,
  isUnknown,
  lazyProvider,
  plain,
  readSettings,
  readTls,
  waitFor,
  VendorResource,
} from "../core";
import { CvmClient, Vps, VpsState } from "./client";

export interface VmArgs {
  /** The VPS's numeric id in the panel. Give this or `hostname`. */
  vpsId?: pulumi.Input<string>;
  /** The VPS's hostname, when you do not know its id. Give this or `vpsId`. */
  hostname?: pulumi.Input<string>;
  /** Desired power state (default "running"). */
  powerState?: pulumi.Input<"running" | "stopped">;
  /** Any value; changing it restarts a running VPS. */
  restartTrigger?: pulumi.Input<string>;
  /** Stop the VPS when it is released from the stack (default false: leave it as it is). */
  stopOnRelease?: pulumi.Input<boolean>;
  /** How long to wait for a power change, in seconds (default 300). */
  waitTimeoutSeconds?: pulumi.Input<number>;
}

export interface VmInputs {
  vpsId?: string;
  hostname?: string;
  powerState: "running" | "stopped";
  restartTrigger?: string;
  stopOnRelease: boolean;
  waitTimeoutSeconds: number;
}

/** The VPS as listed (numbers parsed), its live status, and the inputs echoed. */
export interface VmOutputs extends VmInputs, Omit<Vps, "id" | "hostname"> {
  vpsId: string;
  hostname: string;
  status: string;
  ramUsedBytes: number;
  diskUsedBytes: number;
  /** What was given to adopt the VPS, so that a later diff compares like with like. */
  adoptedBy: "vpsId" | "hostname";
}

const INPUTS = ["vpsId", "hostname", "powerState", "restartTrigger", "stopOnRelease", "waitTimeoutSeconds"] as const;
/** Pointing the resource at another VPS is a replacement (release one, adopt the other). */
const REPLACE_ON = ["vpsId", "hostname"] as const;

export function vmSchema() {
  return z
    .strictObject({
      vpsId: z.string().regex(/^[0-9]+$/, "must be the VPS's numeric id, e.g. \"101\"").optional(),
      hostname: z.string().trim().min(1, "must not be empty").optional(),
      powerState: z
        .enum(["running", "stopped"], { error: 'must be "running" or "stopped"' })
        .default("running"),
      restartTrigger: z.string().optional(),
      stopOnRelease: z.boolean().default(false),
      waitTimeoutSeconds: z.number().int("must be a whole number").positive("must be positive").max(86_400).default(300),
    })
    .superRefine((v, ctx) => {
      if (v.vpsId === undefined && v.hostname === undefined) {
        ctx.addIssue({ code: "custom", path: ["vpsId"], message: "give vpsId or hostname to say which VPS to adopt" });
      }
    });
}

/** Maps the API's objects to outputs; pure. */
export function toOutputs(inputs: VmInputs, vps: Vps, state: VpsState): VmOutputs {
  const { id, ...listed } = vps;
  return plain({
    ...inputs,
    ...listed,
    vpsId: id,
    hostname: inputs.hostname ?? vps.hostname,
    adoptedBy: inputs.vpsId !== undefined ? "vpsId" : "hostname",
    virtualizationType: vps.virtualizationType === "1" ? "openvz" : vps.virtualizationType,
    // /status has the fresher traffic counters.
    trafficUsed: state.trafficUsed ?? vps.trafficUsed,
    trafficInUsed: state.trafficInUsed ?? vps.trafficInUsed,
    trafficOutUsed: state.trafficOutUsed ?? vps.trafficOutUsed,
    status: state.status,
    ramUsedBytes: state.ramUsedBytes,
    diskUsedBytes: state.diskUsedBytes,
  }) as VmOutputs;
}

/** The inputs as the user gave them, recovered from stored outputs (for read's refreshed inputs). */
function inputsOf(o: VmOutputs): VmInputs {
  const out: Record<string, unknown> = {};
  for (const k of INPUTS) if (o[k] !== undefined) out[k] = o[k];
  // The hostname output is always set; it was an input only when adopted by hostname.
  if (o.adoptedBy === "vpsId") delete out.hostname;
  else delete out.vpsId;
  return out as unknown as VmInputs;
}

// --- The provider: settings and client live here, in the process, never in the state. ---------------

let client: CvmClient | undefined;
let settings: ConfigSource | undefined;

function api(): CvmClient {
  if (!client) {
    const s = readSettings("cvm", settings, {
      endpoint: { env: "CVM_ENDPOINT", required: true },
      publicToken: { env: "CVM_PUBLIC_TOKEN", required: true },
      privateToken: { env: "CVM_PRIVATE_TOKEN", required: true, secret: true },
    });
    client = new CvmClient({
      endpoint: s.endpoint!,
      publicToken: s.publicToken!,
      privateToken: s.privateToken!,
      ...readTls("cvm", settings),
    });
  }
  return client;
}

/** Finds the VPS the inputs name; a clear error naming the input when there is none. */
async function locate(inputs: VmInputs): Promise<Vps> {
  const all = await api().list();
  if (inputs.vpsId !== undefined) {
    const v = all.find((x) => x.id === inputs.vpsId);
    if (!v) throw new ProviderError("not_found", `vpsId: no VPS with id ${inputs.vpsId} is visible to this token pair`, { property: "vpsId" });
    return v;
  }
  const matches = all.filter((x) => x.hostname === inputs.hostname);
  if (matches.length === 0) {
    throw new ProviderError("not_found", `hostname: no VPS named "${inputs.hostname}" is visible to this token pair`, { property: "hostname" });
  }
  if (matches.length > 1) {
    throw new ProviderError("validation", `hostname: ${matches.length} VPSes are named "${inputs.hostname}" (ids ${matches.map((m) => m.id).join(", ")}); adopt by vpsId instead`, { property: "hostname" });
  }
  return matches[0];
}

function refuseIfHeld(vps: Vps, state: VpsState) {
  if (state.status === "suspended" || state.status === "terminated") {
    throw new ProviderError(
      "conflict",
      `VPS ${vps.id} (${vps.hostname}) is ${state.status} by the host; its power state cannot be managed until the host lifts that`,
      { resourceId: vps.id },
    );
  }
}

/** Brings the VPS to the desired power state and waits until /status shows it. */
async function converge(vps: Vps, inputs: VmInputs, restart = false): Promise<VpsState> {
  let state = await api().status(vps.id);
  refuseIfHeld(vps, state);
  const want = inputs.powerState;
  if (restart && want === "running" && state.status === "running") {
    await api().power(vps.id, "restart");
  } else if (state.status !== want) {
    await api().power(vps.id, want === "running" ? "start" : "stop");
  } else {
    return state;
  }
  state = await waitFor(
    async () => {
      const s = await api().status(vps.id);
      refuseIfHeld(vps, s);
      return s.status === want ? { done: true, value: s } : { done: false, progress: s.status };
    },
    { timeoutMs: inputs.waitTimeoutSeconds * 1000, intervalMs: 500, what: `VPS ${vps.id} (${vps.hostname}) to be ${want}` },
  );
  return state;
}

export const vmProvider: Required<pulumi.dynamic.ResourceProvider<VmInputs, VmOutputs>> = {
  async configure(req) {
    settings = req.config;
    client = undefined;
  },

  async check(_olds, news) {
    const result = checkWithSchema(vmSchema(), news as unknown as Record<string, unknown>);
    if (result.failures?.length) return result as unknown as pulumi.dynamic.CheckResult<VmInputs>;
    const inputs = result.inputs as unknown as VmInputs;
    // Name the VPS that does not exist at preview, when the inputs are known and the API answers.
    if (!isUnknown(inputs.vpsId) && !isUnknown(inputs.hostname)) {
      try {
        await locate(inputs);
      } catch (e) {
        const property = hasCode(e, "not_found", "validation") ? e.details.property : undefined;
        if (property === "vpsId" || property === "hostname") {
          return { inputs, failures: [{ property, reason: (e as Error).message.replace(/^\w+: /, "") }] };
        }
        throw e;
      }
    }
    return { inputs };
  },

  async diff(_id, olds, news) {
    const d = diffInputs(inputsOf(olds) as unknown as Record<string, unknown>, news as unknown as Record<string, unknown>, {
      inputs: INPUTS,
      replaceOn: REPLACE_ON,
    });
    // The power state drifted out of band (seen at refresh): converge it again.
    const drifted = (olds.status === "running" || olds.status === "stopped") && olds.status !== news.powerState;
    return { changes: d.changes || drifted, replaces: d.replaces, deleteBeforeReplace: true };
  },

  async create(inputs) {
    const vps = await locate(inputs);
    const state = await converge(vps, inputs);
    return { id: vps.id, outs: toOutputs(inputs, vps, state) };
  },

  async read(id, props) {
    const old = props as VmOutputs;
    const inputs = old ? inputsOf(old) : ({ vpsId: id, powerState: "running", stopOnRelease: false, waitTimeoutSeconds: 300 } as VmInputs);
    const vps = await api().find(id);
    if (!vps) return { id: "" };
    let state: VpsState;
    try {
      state = await api().status(id);
    } catch (e) {
      if (hasCode(e, "not_found")) return { id: "" };
      throw e;
    }
    return { id, props: toOutputs(inputs, vps, state), inputs: inputs as never };
  },

  async update(id, olds, news) {
    const vps = await locate({ ...news, vpsId: id, hostname: undefined });
    const state = await converge(vps, news, news.restartTrigger !== olds.restartTrigger);
    return { outs: toOutputs(news, vps, state) };
  },

  async delete(id, props) {
    const o = props as VmOutputs;
    if (o.stopOnRelease) {
      const vps = await api().find(id);
      if (vps) {
        const state = await api().status(id);
        if (state.status === "running") await converge(vps, { ...inputsOf(o), powerState: "stopped" });
      }
    }
    console.warn(
      `cvm.Vm: VPS ${id} (${o.hostname}) is released from the stack; the CVM client API cannot destroy a VPS, ` +
        (o.stopOnRelease ? "so it was stopped and left in place." : "so it is left as it is."),
    );
  },
};

export class Vm extends VendorResource {
  static override readonly __pulumiType = "pulumi-nodejs:dynamic/cvm:Vm";

  declare readonly vpsId: pulumi.Output<string>;
  declare readonly hostname: pulumi.Output<string>;
  declare readonly powerState: pulumi.Output<"running" | "stopped">;
  declare readonly node: pulumi.Output<string>;
  declare readonly virtualizationType: pulumi.Output<string>;
  declare readonly location: pulumi.Output<string | undefined>;
  declare readonly template: pulumi.Output<string | undefined>;
  declare readonly ramMb: pulumi.Output<number>;
  declare readonly burstableRamMb: pulumi.Output<number | undefined>;
  declare readonly diskMb: pulumi.Output<number>;
  declare readonly cpuCount: pulumi.Output<number>;
  declare readonly trafficAccounting: pulumi.Output<"combined" | "split">;
  declare readonly trafficLimit: pulumi.Output<number | undefined>;
  declare readonly trafficUsed: pulumi.Output<number | undefined>;
  declare readonly trafficInLimit: pulumi.Output<number | undefined>;
  declare readonly trafficInUsed: pulumi.Output<number | undefined>;
  declare readonly trafficOutLimit: pulumi.Output<number | undefined>;
  declare readonly trafficOutUsed: pulumi.Output<number | undefined>;
  declare readonly status: pulumi.Output<string>;
  declare readonly ramUsedBytes: pulumi.Output<number>;
  declare readonly diskUsedBytes: pulumi.Output<number>;

  constructor(name: string, args: VmArgs, opts?: pulumi.CustomResourceOptions) {
    const outputs = Object.fromEntries(OUTPUT_NAMES.map((k) => [k, undefined]));
    super(lazyProvider("pulumi-private-cloud/cvm", "vmProvider"), name, { ...outputs, ...args }, opts, "cvm", "Vm");
  }
}

const OUTPUT_NAMES = [
  "vpsId", "hostname", "node", "virtualizationType", "location", "template", "ramMb", "burstableRamMb", "diskMb",
  "cpuCount", "trafficAccounting", "trafficLimit", "trafficUsed", "trafficInLimit", "trafficInUsed", "trafficOutLimit",
  "trafficOutUsed", "status", "ramUsedBytes", "diskUsedBytes", "adoptedBy",
] as const;
