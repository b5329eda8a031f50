/**
 * The handlers of ChimeStack's VMs, and of the volumes and NICs made apart and attached to them; the
 * simulator's own control routes too. A VM's create answers a stub at once (state 0, Go zero
 * `created_at`, volumes with `operation` set) that the state's lifecycle fills in later. Routes are in
 * `routes.ts`.
 */
import { randomUUID } from "node:crypto";
import { Handler, SimError, SimResponse } from "../core";
import { FILTERS, handlers, json, list, need, ok } from "./http";
import { scope } from "./infra";
import { DEMO } from "./seed";
import { ChimeState, Obj, ZERO_TIME } from "./state";
import { showNic, showVm, showVolume } from "./wire";

const simOk = (): SimResponse => ({ status: 200, body: { ok: true } });

export function vmHandlers(s: ChimeState) {
  const { cluster } = scope(s);
  const { data } = s;
  const at = s.lookup;

  const createVm: Handler = (req) => {
    const b = json(req);
    need(b, "az_uuid", "cluster_uuid", "instance_spec_uuid", "name", "nics", "volumes");
    s.get(data.azs, String(b.az_uuid), "az");
    const c = s.get(data.clusters, String(b.cluster_uuid), "cluster");
    if (c.state !== 1) throw new SimError(400, `cluster ${c.name} is disabled`);
    const spec = s.get(data.specs, String(b.instance_spec_uuid), "instance_spec");
    if (!/^[A-Za-z0-9_-]{2,64}$/.test(String(b.name))) throw new SimError(400, "name must be 2-64 characters of A-Z a-z 0-9 _ -");
    const requestId = randomUUID();
    const nics = (b.nics as Array<Record<string, unknown>>).map((n) => {
      need(n, "name", "subnet_uuid", "sg_uuid");
      const sn = s.get(data.subnets, String(n.subnet_uuid), "subnet");
      s.get(data.sgs, String(n.sg_uuid), "securitygroup");
      const net = data.networks.get(String(sn.network_uuid))!;
      return {
        uuid: randomUUID(),
        name: n.name,
        subnet_uuid: sn.uuid,
        sg_uuid: n.sg_uuid,
        subnet_name: sn.name,
        subnet_cidr: sn.cidr,
        network_name: net.bridge_name,
        network_type: net.type,
        ip: n.ip ?? "",
        mac: "",
        primary: n.primary ?? 0,
        description: n.description ?? "",
        gateway: sn.gateway,
        netmask: "",
        state: 0,
        operation: "",
        attached_vms: [],
        created_at: ZERO_TIME,
      };
    });
    const volumes: Obj[] = (b.volumes as Array<Record<string, unknown>>).map((v): Obj => {
      need(v, "name", "size", "volume_spec_uuid");
      if (typeof v.size !== "number" || v.size <= 0) throw new SimError(400, `volume ${v.name}: size must be a positive number of bytes`);
      s.get(data.volumeSpecs, String(v.volume_spec_uuid), "volume_spec");
      if (v.image_uuid) s.get(data.images, String(v.image_uuid), "image");
      return {
        uuid: randomUUID(),
        name: v.name,
        description: v.description ?? "",
        size: v.size,
        root: v.root ?? 0,
        image_uuid: v.image_uuid ?? "",
        volume_spec_uuid: v.volume_spec_uuid,
        az_uuid: b.az_uuid,
        cluster_uuid: c.uuid,
        host_uuid: b.host_uuid ?? DEMO.host,
        state: 0,
        operation: requestId,
        attached_vms: [],
        created_at: ZERO_TIME,
        cdrom: 0,
        iops: 500,
        throughput: 10485760,
      };
    });
    const cdrom = b.cdrom as Record<string, unknown> | undefined;
    if (cdrom) {
      need(cdrom, "name", "image_uuid", "volume_spec_uuid");
      s.get(data.images, String(cdrom.image_uuid), "image");
      volumes.push({
        uuid: randomUUID(),
        name: cdrom.name,
        size: 0,
        root: 0,
        image_uuid: cdrom.image_uuid,
        volume_spec_uuid: cdrom.volume_spec_uuid,
        az_uuid: b.az_uuid,
        cluster_uuid: c.uuid,
        host_uuid: b.host_uuid ?? DEMO.host,
        state: 0,
        operation: requestId,
        attached_vms: [],
        created_at: ZERO_TIME,
        cdrom: 1,
        bootable: cdrom.bootable ?? 0,
        iops: 500,
        throughput: 10485760,
      });
    }
    const v: Obj = {
      uuid: randomUUID(),
      name: b.name,
      description: b.description ?? "",
      az_uuid: b.az_uuid,
      cluster_uuid: c.uuid,
      host_uuid: b.host_uuid ?? DEMO.host,
      host_ip: "",
      host_name: "",
      hyper_type: c.hypervisor_type,
      boot_type: "",
      image_name: "",
      memory: spec.memory,
      vcpus: spec.vcpus,
      os_type: "",
      os_detail: "",
      os_arch: "",
      spec_type: spec.type,
      state: 0,
      operation: "create",
      tags: null,
      nics,
      volumes,
      tasks: [],
      created_at: ZERO_TIME,
    };
    s.createVm(v);
    return ok({ vm: showVm(v, at) });
  };

  /** Attaches or detaches a volume or NIC made apart (`{volume_uuid}` or `{nic_uuid}`). */
  const attachment =
    (how: "attach" | "detach", key: "volume_uuid" | "nic_uuid", field: "volumes" | "nics"): Handler =>
    (req) => {
      const v = s.vm(req.params.vm);
      s.idle(v);
      const b = json(req);
      need(b, key);
      s[how](v, field, String(b[key]));
      return ok({ vm: "ok" });
    };

  return handlers({
    // ---- VMs ----------------------------------------------------------------------------------------
    listVm: (req) =>
      list(
        [...data.vms.keys()].map((u) => showVm(s.vm(u), at)),
        req,
        FILTERS.vm,
      ),
    createVm,
    describeVm: (req) => ok({ vm: showVm(s.vm(req.params.vm), at) }),
    updateVm: (req) => {
      const v = s.vm(req.params.vm);
      const b = json(req);
      for (const k of Object.keys(b)) if (!["name", "description"].includes(k)) throw new SimError(400, `${k} cannot be updated`);
      if (b.name !== undefined) v.name = b.name;
      if (b.description !== undefined) v.description = b.description;
      return ok({ vm: "ok" });
    },
    startVm: (req) => (s.power(s.vm(req.params.vm), "start"), ok({ vm: "ok" })),
    stopVm: (req) => (s.power(s.vm(req.params.vm), "stop"), ok({ vm: "ok" })),
    deleteVm: (req) => (s.deleteVm(req.params.vm, req.query.get("force_del") === "true"), ok({ vm: "ok" })),

    // ---- Volumes and NICs made apart, attached and detached -----------------------------------------
    createVolume: (req) => {
      const c = cluster(req);
      const b = json(req);
      need(b, "name", "size", "volume_spec_uuid");
      if (typeof b.size !== "number" || b.size <= 0) throw new SimError(400, "size must be a positive number of bytes");
      s.get(data.volumeSpecs, String(b.volume_spec_uuid), "volume_spec");
      const requestId = randomUUID();
      const v: Obj = {
        uuid: randomUUID(),
        name: b.name,
        size: b.size,
        root: 0,
        image_uuid: b.image_uuid ?? "",
        volume_spec_uuid: b.volume_spec_uuid,
        description: b.description ?? "",
        az_uuid: c.az_uuid,
        cluster_uuid: c.uuid,
        state: 0,
        operation: `Creating#${requestId}`,
        attached_vms: [],
        created_at: ZERO_TIME,
        cdrom: 0,
      };
      s.createVolume(v);
      return ok({ volume: showVolume(s.volume(v), at) });
    },
    getVolume: (req) => (cluster(req), ok({ volume: showVolume(s.volume(s.get(data.volumes, req.params.volume, "volume")), at) })),
    deleteVolume: (req) => {
      cluster(req);
      s.deleteVolume(s.get(data.volumes, req.params.volume, "volume"));
      return ok(1);
    },
    createNic: (req) => {
      const b = json(req);
      need(b, "name", "subnet_uuid", "sg_uuid");
      const sn = s.get(data.subnets, String(b.subnet_uuid), "subnet");
      s.get(data.sgs, String(b.sg_uuid), "securitygroup");
      const n: Obj = {
        uuid: randomUUID(),
        name: b.name,
        subnet_uuid: sn.uuid,
        sg_uuid: b.sg_uuid,
        subnet_name: sn.name,
        subnet_cidr: sn.cidr,
        ip: b.ip ?? `192.168.231.${100 + data.nics.size}`,
        mac: `fa:16:3e:aa:00:${(data.nics.size % 250).toString(16).padStart(2, "0")}`,
        primary: b.primary ?? 0,
        description: b.description ?? "",
        gateway: sn.gateway,
        state: 1,
        operation: "",
        attached_vms: [],
        created_at: s.iso(),
      };
      data.nics.set(n.uuid, n);
      return ok({ nic: showNic(n, at) });
    },
    /** Every NIC: those made apart and those a VM was made with (the reference's example lists VMs' primary NICs). */
    listNic: (req) => {
      const ofVms = [...data.vms.keys()].flatMap((u) => s.vm(u).nics as Obj[]);
      const all = new Map([...data.nics.values(), ...ofVms].map((n) => [n.uuid, n]));
      return list(
        [...all.values()].map((n) => showNic(n, at)),
        req,
        FILTERS.nic,
      );
    },
    getNic: (req) => ok({ nic: showNic(s.get(data.nics, req.params.nic, "nic"), at) }),
    deleteNic: (req) => (s.deleteNic(s.get(data.nics, req.params.nic, "nic")), ok(1)),
    attachVolume: attachment("attach", "volume_uuid", "volumes"),
    detachVolume: attachment("detach", "volume_uuid", "volumes"),
    attachNic: attachment("attach", "nic_uuid", "nics"),
    detachNic: attachment("detach", "nic_uuid", "nics"),

    // ---- The simulator's own controls ---------------------------------------------------------------
    expireTokens: () => (s.tokens.clear(), simOk()),
    failOperations: (req) => {
      const b = json(req);
      s.failOperations(Number(b.count ?? 1), String(b.message ?? "the operation failed on the host"));
      return simOk();
    },
  });
}
