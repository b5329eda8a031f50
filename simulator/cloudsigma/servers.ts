/**
 * Servers and server groups of the CloudSigma simulator. Servers are created stopped; start and stop are
 * immediate, a shutdown (ACPI) takes time and a guest may ignore it; `set` on a running server only takes
 * the keys the manual allows live; drives mounted by a server carry a claim; runtime keys (`started`,
 * `nic:0:dhcp` with the address given, `vnc:ip`, `rx`/`tx`) show while it runs.
 */
import { randomUUID } from "node:crypto";
import { Route, SimError, SimRequest, SimResponse } from "../core";
import { Kv, SigmaState } from "./state";

export const HOST = "00000000-0000-0000-0000-00000000b0b0";
const DEVICE = /^(ide:[0-1]:[0-1]|scsi:0:[0-7]|block:[0-7])$/;
const SERVER_KEY =
  /^(name|parent|cpu|smp|mem|persistent|boot|tags|use|user:.+|(ide:[0-1]:[0-1]|scsi:0:[0-7]|block:[0-7])(:media)?|nic:0:(model|dhcp|block)|nic:1:(model|vlan|mac)|vnc:(ip|password|tls))$/;
/** What `set` may change on a running server. */
const LIVE_KEY = /^(name|cpu|persistent|tags|user:.+)$/;

export interface ServerHelpers {
  kv(body: string): Kv;
  text(o: Kv | Kv[]): SimResponse;
  lines(v: string[]): SimResponse;
  missing(what: string, id: string): SimError;
}

export function serverRoutes(state: SigmaState, h: ServerHelpers, opts: { shutdownMs: number }): Route[] {
  const ignoresShutdown = new Set<string>();
  const shutdowns = new Map<string, number>();
  let leased = 100;

  function server(req: SimRequest): Kv {
    const s = state.servers.get(req.params.uuid);
    if (!s) throw h.missing("Server", req.params.uuid);
    settle(s);
    return s;
  }

  /** A shutdown whose time has come turns the server off. */
  function settle(s: Kv) {
    const at = shutdowns.get(s.server);
    if (at !== undefined && state.now() >= at) {
      shutdowns.delete(s.server);
      powerOff(s);
    }
  }

  function validate(b: Kv, current?: Kv) {
    for (const k of Object.keys(b)) if (!SERVER_KEY.test(k)) throw new SimError(400, `unknown key ${k}`, { type: k });
    for (const k of ["cpu", "mem"]) if (b[k] !== undefined && !/^\d+$/.test(b[k])) throw new SimError(400, `${k} must be a whole number`, { type: k });
    if (b.smp !== undefined && b.smp !== "auto" && !/^\d+$/.test(b.smp)) throw new SimError(400, "smp must be auto or a whole number", { type: "smp" });
    if (b["vnc:password"] !== undefined && b["vnc:password"].length > 8)
      throw new SimError(400, "vnc:password is at most 8 characters", { type: "vnc:password" });
    for (const m of ["nic:0:model", "nic:1:model"])
      if (b[m] && !["e1000", "rtl8139", "virtio"].includes(b[m])) throw new SimError(400, `${m} must be e1000, rtl8139 or virtio`, { type: m });
    if (b["nic:1:vlan"] && !state.vlans.has(b["nic:1:vlan"])) throw h.missing("VLAN", b["nic:1:vlan"]);
    const merged = { ...current, ...b };
    const seen = new Map<string, string>();
    for (const [k, v] of Object.entries(merged)) {
      if (!DEVICE.test(k) || !v) continue;
      const d = state.drive(v) ?? state.library.get(v);
      if (!d) throw h.missing("Drive", v);
      if (d.imaging) throw new SimError(409, `Drive ${v} is busy imaging`, { type: "busy" });
      if (seen.has(v)) throw new SimError(400, `Drive ${v} is on both ${seen.get(v)} and ${k}`, { type: k });
      seen.set(v, k);
      const claim = d.claimed ?? "";
      if (state.drives.has(v) && claim && !claim.includes(`:${merged.server ?? "new"}:`) && d["claim:type"] !== "shared") {
        throw new SimError(400, `Drive ${v} is currently in use by another server`, { type: "system" });
      }
    }
    for (const dev of (merged.boot ?? "").split(" ").filter(Boolean)) {
      if (!merged[dev]) throw new SimError(400, `boot device ${dev} has no drive`, { type: "boot" });
    }
  }

  /** Claims the server's drives (and releases the ones it no longer has). */
  function claim(s: Kv) {
    for (const d of state.drives.values()) {
      const others = (d.claimed ?? "").split(" ").filter((c) => c && !c.includes(`:guest:${s.server}:`));
      const mine = Object.entries(s)
        .filter(([k, v]) => DEVICE.test(k) && v === d.drive)
        .map(([k]) => `${HOST}:guest:${s.server}:${k}`);
      const all = [...others, ...(state.servers.has(s.server) ? mine : [])];
      if (all.length) d.claimed = all.join(" ");
      else delete d.claimed;
    }
  }

  function powerOn(s: Kv) {
    s.status = "active";
    s.started = String(Math.floor(state.now() / 1000));
    s.rx = s.rx ?? "0";
    s.tx = s.tx ?? "0";
    const dhcp = s["nic:0:dhcp"];
    if (dhcp === "auto") s["nic:0:dhcp:ip"] = `185.12.6.${leased++}`;
    if (s["vnc:ip"] === "auto") s["vnc:ip:actual"] = s["nic:0:dhcp:ip"] ?? (dhcp && dhcp !== "auto" ? dhcp : `185.12.7.${leased++}`);
  }

  function powerOff(s: Kv) {
    s.status = "stopped";
    for (const k of ["started", "nic:0:dhcp:ip", "vnc:ip:actual"]) delete s[k];
  }

  /** The server as /info shows it: runtime addresses in place of `auto` while it runs. */
  function shown(s: Kv): Kv {
    const out = { ...s };
    // `smp auto` is derived from the CPU quota (at most 2.2 GHz per core), and shown as a number.
    if (s.smp === "auto") out.smp = String(Math.max(1, Math.ceil(Number(s.cpu ?? 0) / 2200)));
    delete out["nic:0:dhcp:ip"];
    delete out["vnc:ip:actual"];
    if (s.status === "active") {
      if (s["nic:0:dhcp:ip"]) out["nic:0:dhcp"] = s["nic:0:dhcp:ip"];
      if (s["vnc:ip:actual"]) out["vnc:ip"] = s["vnc:ip:actual"];
    }
    return out;
  }

  const any = ["GET", "POST"];
  const all = () => [...state.servers.values()].map((s) => (settle(s), s));
  const routes: Route[] = [
    { method: "GET", path: "/servers/list", handler: () => h.lines(all().map((s) => s.server)) },
    { method: "GET", path: "/servers/info", handler: () => h.text(all().map(shown)) },
    {
      method: "POST",
      path: "/servers/create",
      handler: (req) => {
        const b = h.kv(req.body);
        if (!b.name) throw new SimError(400, "name: This field is required.", { type: "name" });
        validate(b);
        const s: Kv = { status: "stopped", user: state.account.uuid, smp: "auto", persistent: "true", "nic:0:model": "e1000", ...b, server: randomUUID() };
        state.servers.set(s.server, s);
        claim(s);
        return h.text(shown(s));
      },
    },
    { method: "GET", path: "/servers/:uuid/info", handler: (req) => h.text(shown(server(req))) },
    {
      method: "POST",
      path: "/servers/:uuid/set",
      handler: (req) => {
        const s = server(req);
        const b = h.kv(req.body);
        if (s.status === "active") {
          const blocked = Object.keys(b).filter((k) => !LIVE_KEY.test(k) && b[k] !== s[k]);
          if (blocked.length) throw new SimError(400, `Server ${s.server} must be stopped to change ${blocked.join(", ")}`, { type: "state" });
        }
        validate(b, s);
        for (const [k, v] of Object.entries(b)) {
          if (v === "") delete s[k];
          else s[k] = v;
        }
        claim(s);
        return h.text(shown(s));
      },
    },
    {
      method: any,
      path: "/servers/:uuid/start",
      handler: (req) => {
        const s = server(req);
        if (s.status !== "active") powerOn(s);
        return { status: 200, body: "" };
      },
    },
    {
      method: any,
      path: "/servers/:uuid/stop",
      handler: (req) => {
        const s = server(req);
        shutdowns.delete(s.server);
        if (s.status === "active") powerOff(s);
        return { status: 204, body: "" };
      },
    },
    {
      method: any,
      path: "/servers/:uuid/shutdown",
      handler: (req) => {
        const s = server(req);
        if (s.status === "active" && !ignoresShutdown.has(s.server)) shutdowns.set(s.server, state.now() + opts.shutdownMs);
        return { status: 204, body: "" };
      },
    },
    {
      method: any,
      path: "/servers/:uuid/destroy",
      handler: (req) => {
        const s = server(req);
        if (s.status === "active") throw new SimError(400, `Server ${s.server} cannot be destroyed while running`, { type: "state" });
        state.servers.delete(s.server);
        claim(s);
        return { status: 204, body: "" };
      },
    },
    {
      method: "POST",
      path: "/_sim/cloudsigma/ignore-shutdown",
      handler: (req) => {
        ignoresShutdown.add(JSON.parse(req.body || "{}").server);
        return { status: 200, body: { ok: true } };
      },
    },
    // ---- Server groups (the manual spells two paths `servergroupss`: both are accepted) ------------
    { method: "GET", path: "/servergroups/list", handler: () => h.lines([...state.groups.keys()]) },
    {
      method: "POST",
      path: "/servergroups/create",
      handler: (req) => {
        const b = h.kv(req.body);
        if (!b.name) throw new SimError(400, "name: This field is required.", { type: "name" });
        const g: Kv = { uuid: randomUUID(), name: b.name, description: b.description ?? "", servers: "" };
        state.groups.set(g.uuid, g);
        return h.text(g);
      },
    },
    ...["servergroups", "servergroupss"].flatMap((base): Route[] => [
      { method: "GET", path: `/${base}/:uuid/info`, handler: (req) => h.text(group(req)) },
      {
        method: "POST",
        path: `/${base}/:uuid/set`,
        handler: (req) => {
          const g = group(req);
          const b = h.kv(req.body);
          if (b.name !== undefined) g.name = b.name;
          if (b.description !== undefined) g.description = b.description;
          return h.text(g);
        },
      },
      {
        method: any,
        path: `/${base}/:uuid/destroy`,
        handler: (req) => {
          state.groups.delete(group(req).uuid);
          return { status: 204, body: "" };
        },
      },
      {
        method: "POST",
        path: `/${base}/:uuid/add`,
        handler: (req) => {
          const g = group(req);
          const members = new Set(g.servers.split(" ").filter(Boolean));
          for (const [k, v] of Object.entries(h.kv(req.body))) {
            if (!/^server:\d+$/.test(k)) throw new SimError(400, `unknown key ${k}`, { type: k });
            if (!state.servers.has(v)) throw h.missing("Server", v);
            members.add(v);
          }
          g.servers = [...members].join(" ");
          return h.lines([...members]);
        },
      },
      {
        method: "POST",
        path: `/${base}/:uuid/remove`,
        handler: (req) => {
          const g = group(req);
          const gone = new Set(Object.values(h.kv(req.body)));
          const members = g.servers.split(" ").filter((s) => s && !gone.has(s));
          g.servers = members.join(" ");
          return h.lines(members);
        },
      },
    ]),
  ];

  function group(req: SimRequest): Kv {
    const g = state.groups.get(req.params.uuid);
    if (!g) throw h.missing("Server group", req.params.uuid);
    // Members that were destroyed leave the group.
    g.servers = g.servers
      .split(" ")
      .filter((s) => s && state.servers.has(s))
      .join(" ");
    return g;
  }

  return routes;
}
