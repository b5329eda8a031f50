/**
 * The handlers of what ChimeStack users make beside VMs: volumes listed and renamed, volume snapshots,
 * user images (fetched from an install URL) and security groups with their rules. Routes are in
 * `routes.ts`; what takes time (a snapshot, an image) is an operation of `state.ts`.
 */
import { randomUUID } from "node:crypto";
import { SimError } from "../core";
import { FILTERS, handlers, json, list, need, ok } from "./http";
import { scope } from "./infra";
import { ChimeState, Obj, ZERO_TIME } from "./state";
import { showSnapshot, showVolume } from "./wire";

/** The user the demo account's objects belong to (its images' bucket). */
const USER = "0c2a5a1e-0000-4000-8000-0000000000ad";
const PORTS = /^\d{1,5}:\d{1,5}$/;
const CIDR = /^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/;

/**
 * The rules of an SGRequest, checked as strictly as the schema says (action, direction, protocol
 * required; CIDRs and port ranges `a:b` where given), each stored with its defaults.
 */
function rules(b: Record<string, unknown>, key: "ingress_rules" | "egress_rules", direction: number): Obj[] {
  const given = b[key];
  if (!Array.isArray(given)) throw new SimError(400, `${key} is required`);
  return given.map((r: Record<string, unknown>, i) => {
    const at = `${key}[${i}]`;
    need(r, "action", "protocol");
    if (r.direction === undefined) throw new SimError(400, `${at}.direction is required`);
    // The reference's own sample sends an egress rule with direction 0: the list, not the field, decides.
    if (r.direction !== 0 && r.direction !== 1) throw new SimError(400, `${at}.direction must be 0 (ingress) or 1 (egress)`);
    if (!["ACCEPT", "REJECT", "DROP"].includes(String(r.action))) throw new SimError(400, `${at}.action must be ACCEPT, REJECT or DROP`);
    if (!["tcp", "udp", "icmp", "all"].includes(String(r.protocol))) throw new SimError(400, `${at}.protocol must be tcp, udp, icmp or all`);
    for (const k of ["sip", "dip"]) if (r[k] !== undefined && r[k] !== "" && !CIDR.test(String(r[k]))) throw new SimError(400, `${at}.${k} is not a CIDR`);
    for (const k of ["sport", "dport"])
      if (r[k] !== undefined && r[k] !== "" && !PORTS.test(String(r[k]))) throw new SimError(400, `${at}.${k} must be a port range such as 1:100`);
    return {
      uuid: randomUUID(),
      direction,
      action: r.action,
      protocol: r.protocol,
      sip: r.sip ?? "0.0.0.0/0",
      dip: r.dip ?? "0.0.0.0/0",
      sport: r.sport ?? "1:65535",
      dport: r.dport ?? "1:65535",
      description: r.description ?? "",
    } as Obj;
  });
}

/** The fields of UpdateImageRequest (CreateImageRequest less `install_url`). */
const IMAGE_FIELDS = ["name", "description", "boot_type", "format", "os_arch", "os_detail", "os_type", "shared"];

export function storageHandlers(s: ChimeState) {
  const { cluster } = scope(s);
  const { data } = s;
  const at = s.lookup;

  /** A volume of the cluster in the path, made apart or with a VM. */
  const clusterVolume = (req: Parameters<typeof cluster>[0]) => {
    const c = cluster(req);
    const v = s.anyVolume(req.params.volume);
    if (v.cluster_uuid !== c.uuid) throw new SimError(404, `volume ${req.params.volume} not found in cluster ${c.uuid}`);
    return v;
  };
  /** A snapshot of the volume in the path. */
  const snapshotOf = (req: Parameters<typeof cluster>[0]) => {
    const v = s.anyVolume(req.params.volume);
    const x = s.get(data.snapshots, req.params.snapshot, "snapshot");
    if (x.volume_uuid !== v.uuid) throw new SimError(404, `snapshot ${req.params.snapshot} not found on volume ${v.uuid}`);
    return { v, x: s.snapshot(x) };
  };

  return handlers({
    // ---- Volumes: the list and the rename (create, get, delete are in vms.ts) -----------------------
    listVolume: (req) => {
      const c = cluster(req);
      return list(
        s
          .allVolumes()
          .filter((v) => v.cluster_uuid === c.uuid)
          .map((v) => showVolume(v, at)),
        req,
        FILTERS.volume,
      );
    },
    updateVolume: (req) => {
      const v = clusterVolume(req);
      const b = json(req);
      for (const k of Object.keys(b)) if (!["name", "description"].includes(k)) throw new SimError(400, `${k} cannot be updated`);
      if (b.name !== undefined) v.name = b.name;
      if (b.description !== undefined) v.description = b.description;
      return ok({ vm: "ok" }); // sic: the reference's example answers `{vm: "ok"}`
    },

    // ---- Snapshots ----------------------------------------------------------------------------------
    listSnapshot: (req) =>
      list(
        [...data.snapshots.values()].map((x) => showSnapshot(s.snapshot(x), String(s.allVolumes().find((v) => v.uuid === x.volume_uuid)?.name ?? ""))),
        req,
        FILTERS.snapshot,
      ),
    listVolumeSnapshot: (req) => {
      const v = s.anyVolume(req.params.volume);
      const mine = [...data.snapshots.values()].filter((x) => x.volume_uuid === v.uuid).map((x) => showSnapshot(s.snapshot(x), String(v.name)));
      return list(mine, req, FILTERS.snapshot);
    },
    createSnapshot: (req) => {
      const v = s.anyVolume(req.params.volume);
      const b = json(req);
      need(b, "name");
      const requestId = randomUUID();
      const x: Obj = {
        uuid: randomUUID(),
        name: b.name,
        description: b.description ?? "",
        volume_uuid: v.uuid,
        volume_version: Number(v.version ?? 0),
        parent_volume_version: Number(v.parent_version ?? -1),
        user_uuid: USER,
        state: 0,
        operation: `Creating#${requestId}`,
        created_at: ZERO_TIME,
      };
      s.createSnapshot(v, x);
      const { tasks, ...shown } = showSnapshot(x, String(v.name));
      void tasks;
      return ok({ snapshot: Object.fromEntries(Object.entries(shown).filter(([k]) => !k.startsWith("last_operation_") && k !== "volume_name")) });
    },
    getSnapshot: (req) => {
      const { v, x } = snapshotOf(req);
      return ok({ snapshot: showSnapshot(x, String(v.name)) });
    },
    updateSnapshot: (req) => {
      const { x } = snapshotOf(req);
      const b = json(req);
      need(b, "name");
      x.name = b.name;
      if (b.description !== undefined) x.description = b.description;
      return ok({ snapshot: "ok" });
    },
    deleteSnapshot: (req) => (s.deleteSnapshot(snapshotOf(req).x), ok("ok")),

    // ---- User images --------------------------------------------------------------------------------
    createUserImage: (req) => {
      const b = json(req);
      need(b, "name", "install_url");
      if (!/^(sftp|file):\/\//.test(String(b.install_url)))
        throw new SimError(400, "install_url must be an sftp:// URL or a file:// path on the server's node");
      const x: Obj = {
        uuid: randomUUID(),
        name: b.name,
        description: b.description ?? "",
        boot_type: b.boot_type ?? "",
        format: b.format ?? "qcow2",
        os_arch: b.os_arch ?? "",
        os_detail: b.os_detail ?? "",
        os_type: b.os_type ?? "",
        shared: b.shared ?? 0,
        install_url: b.install_url,
        bucket_uuid: USER,
        bucket_name: USER,
        operation: "",
        state: 0,
        created_at: ZERO_TIME,
      };
      s.createImage(x);
      return ok({ image: { ...x } });
    },
    updateImage: (req) => {
      const x = s.image(s.get(data.images, req.params.uuid, "image"));
      if (x.bucket_uuid === "public") throw new SimError(400, `image ${x.name} is public: only its owner can change it`);
      const b = json(req);
      need(b, "name");
      for (const k of Object.keys(b)) if (!IMAGE_FIELDS.includes(k)) throw new SimError(400, `${k} cannot be updated`);
      Object.assign(x, b);
      return ok({ image: "ok" });
    },
    deleteImage: (req) => {
      const x = s.get(data.images, req.params.uuid, "image");
      if (x.bucket_uuid === "public") throw new SimError(400, `image ${x.name} is public: only its owner can delete it`);
      s.deleteImage(x);
      return ok(0);
    },

    // ---- Security groups ----------------------------------------------------------------------------
    createSecurityGroup: (req) => {
      const b = json(req);
      need(b, "name");
      const g: Obj = {
        uuid: randomUUID(),
        name: b.name,
        description: b.description ?? "",
        ingress_rules: rules(b, "ingress_rules", 0),
        egress_rules: rules(b, "egress_rules", 1),
        state: 1,
        created_at: s.iso(),
      };
      data.sgs.set(g.uuid, g);
      return ok({ securitygroup: g });
    },
    updateSecurityGroup: (req) => {
      const g = s.get(data.sgs, req.params.uuid, "securitygroup");
      const b = json(req);
      need(b, "name");
      Object.assign(g, {
        name: b.name,
        description: b.description ?? g.description,
        ingress_rules: rules(b, "ingress_rules", 0),
        egress_rules: rules(b, "egress_rules", 1),
      });
      return ok({ securitygroup: "ok" });
    },
    deleteSecurityGroup: (req) => (s.deleteSecurityGroup(s.get(data.sgs, req.params.uuid, "securitygroup")), ok(1)),
  });
}
