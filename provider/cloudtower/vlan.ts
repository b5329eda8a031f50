/**
 * cloudtower.Vlan: a VM network on a VDS (`/create-vm-vlan`, `/update-vm-vlan`, `/delete-vm-vlan`).
 * Its `id` is what VM NICs connect to (`connect_vlan_id` is this id, not the 0-4095 tag).
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { ProviderError, checkWithSchema, diffInputs, lazyProvider, plain, VendorResource } from "../core";
import { configureTower, tower } from "./config";

export interface VlanArgs {
  /** The VDS (virtual distributed switch) the network lives on; changing it replaces the network. */
  vdsId: pulumi.Input<string>;
  name: pulumi.Input<string>;
  /** The 802.1Q tag, 0-4095 (default 0: untagged). */
  vlanId?: pulumi.Input<number>;
  /** VLAN_ACCESS (default) or VLAN_TRUNK. */
  modeType?: pulumi.Input<"VLAN_ACCESS" | "VLAN_TRUNK">;
  /** For trunks: the tags or ranges carried ("100", "200-300"). */
  networkIds?: pulumi.Input<pulumi.Input<string>[]>;
  /** Deadline of each task, in seconds (default 300). */
  timeoutSeconds?: pulumi.Input<number>;
}

export interface VlanInputs {
  vdsId: string;
  name: string;
  vlanId: number;
  modeType: "VLAN_ACCESS" | "VLAN_TRUNK";
  networkIds: string[];
  timeoutSeconds: number;
}

export interface VlanOutputs extends VlanInputs {
  localId: string;
  vdsName: string;
  clusterId?: string;
  type: string;
}

/** The wire object, as /get-vlans returns it. */
export interface WireVlan {
  id: string;
  local_id: string;
  name: string;
  vlan_id: number;
  mode_type?: string;
  network_ids: string[];
  type: string;
  vds: { id: string; name: string };
  entityAsyncStatus?: string | null;
}

const INPUTS = ["vdsId", "name", "vlanId", "modeType", "networkIds", "timeoutSeconds"] as const;
const REPLACE_ON = ["vdsId"] as const;

export function vlanSchema() {
  return z
    .strictObject({
      vdsId: z.string().min(1, "must not be empty"),
      name: z.string().trim().min(1, "must not be empty").max(255),
      vlanId: z.number().int("must be a whole number").min(0, "must be 0-4095").max(4095, "must be 0-4095").default(0),
      modeType: z.enum(["VLAN_ACCESS", "VLAN_TRUNK"]).default("VLAN_ACCESS"),
      networkIds: z.array(z.string().regex(/^\d+(-\d+)?$/, 'must be a tag or a range such as "100-200"')).default([]),
      timeoutSeconds: z.number().int().positive("must be positive").default(300),
    })
    .superRefine((v, ctx) => {
      if (v.modeType === "VLAN_ACCESS" && v.networkIds.length > 0) {
        ctx.addIssue({ code: "custom", path: ["networkIds"], message: "only a VLAN_TRUNK carries networkIds" });
      }
    });
}

export function toOutputs(inputs: VlanInputs, w: WireVlan, clusterId?: string): VlanOutputs {
  return plain({
    ...inputs,
    name: w.name,
    vlanId: w.vlan_id,
    vdsId: w.vds.id,
    localId: w.local_id,
    vdsName: w.vds.name,
    clusterId,
    type: w.type,
  });
}

function inputsOf(o: VlanOutputs): VlanInputs {
  const { vdsId, name, vlanId, modeType, networkIds, timeoutSeconds } = o;
  return { vdsId, name, vlanId, modeType, networkIds, timeoutSeconds };
}

async function readBack(id: string, inputs: VlanInputs): Promise<VlanOutputs | undefined> {
  const w = await tower().one<WireVlan>("/get-vlans", id);
  if (!w) return undefined;
  const vds = await tower().one<{ cluster?: { id: string } }>("/get-vdses", w.vds.id);
  return toOutputs(inputs, w, vds?.cluster?.id);
}

export const vlanProvider: Required<pulumi.dynamic.ResourceProvider<VlanInputs, VlanOutputs>> = {
  async configure(req) {
    configureTower(req.config);
  },

  async check(_olds, news) {
    const r = checkWithSchema(vlanSchema(), news as never);
    if (r.failures?.length) return r as never;
    const inputs = r.inputs as unknown as VlanInputs;
    const failure = await tower().missing("/get-vdses", inputs.vdsId, "vdsId", "VDS");
    return failure ? { inputs, failures: [failure] } : { inputs };
  },

  async diff(_id, olds, news) {
    const d = diffInputs(olds as never, news as never, { inputs: INPUTS, replaceOn: REPLACE_ON });
    return { changes: d.changes, replaces: d.replaces };
  },

  async create(inputs) {
    const t = tower();
    const [result] = await t.mutate<WireVlan>("/create-vm-vlan", [
      { vds_id: inputs.vdsId, name: inputs.name, vlan_id: inputs.vlanId, mode_type: inputs.modeType, ...(inputs.networkIds.length ? { network_ids: inputs.networkIds } : {}) },
    ]);
    const id = result.data.id;
    try {
      await t.waitTasks([result], inputs.timeoutSeconds * 1000, `VM network ${inputs.name} to be created`);
    } catch (e) {
      // Leave nothing half-made behind: remove the placeholder if it is still there.
      if (await t.one("/get-vlans", id)) await t.mutate("/delete-vm-vlan", { where: { id } }).catch(() => undefined);
      throw e;
    }
    const outs = await readBack(id, inputs);
    if (!outs) throw new ProviderError("not_found", `VM network ${inputs.name} (${id}) vanished right after it was created`);
    return { id, outs };
  },

  async read(id, props) {
    const outs = await readBack(id, props ? inputsOf(props) : ({ timeoutSeconds: 300, networkIds: [], modeType: "VLAN_ACCESS" } as unknown as VlanInputs));
    if (!outs) return { id: "" };
    return { id, props: outs, inputs: inputsOf(outs) as never };
  },

  async update(id, olds, news) {
    const data: Record<string, unknown> = {};
    if (news.name !== olds.name) data.name = news.name;
    if (news.vlanId !== olds.vlanId) data.vlan_id = news.vlanId;
    if (news.modeType !== olds.modeType) data.mode_type = news.modeType;
    if (JSON.stringify(news.networkIds) !== JSON.stringify(olds.networkIds)) data.network_ids = news.networkIds;
    if (Object.keys(data).length) {
      await tower().change("/update-vm-vlan", { where: { id }, data }, { id, lockOf: "/get-vlans", timeoutMs: news.timeoutSeconds * 1000, what: `VM network ${news.name} to be updated` });
    }
    const outs = await readBack(id, news);
    if (!outs) throw new ProviderError("not_found", `VM network ${news.name} (${id}) no longer exists`);
    return { outs };
  },

  async delete(id, props) {
    await tower().change("/delete-vm-vlan", { where: { id } }, { id, lockOf: "/get-vlans", timeoutMs: props.timeoutSeconds * 1000, what: `VM network ${props.name} to be deleted` });
  },
};

export class Vlan extends VendorResource {
  static override readonly __pulumiType = "pulumi-nodejs:dynamic/cloudtower:Vlan";

  declare readonly vdsId: pulumi.Output<string>;
  declare readonly name: pulumi.Output<string>;
  declare readonly vlanId: pulumi.Output<number>;
  declare readonly modeType: pulumi.Output<string>;
  declare readonly networkIds: pulumi.Output<string[]>;
  declare readonly localId: pulumi.Output<string>;
  declare readonly vdsName: pulumi.Output<string>;
  declare readonly clusterId: pulumi.Output<string | undefined>;
  declare readonly type: pulumi.Output<string>;

  constructor(name: string, args: VlanArgs, opts?: pulumi.CustomResourceOptions) {
    // `id` is the network's CloudTower id: what a VM NIC's vlanId names.
    const outputs = { localId: undefined, vdsName: undefined, clusterId: undefined, type: undefined };
    super(lazyProvider("pulumi-private-cloud/cloudtower", "vlanProvider"), name, { ...outputs, ...args }, opts, "cloudtower", "Vlan");
  }
}
