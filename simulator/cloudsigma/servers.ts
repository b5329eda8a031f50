/**
 * Servers and server groups of the CloudSigma simulator. Servers are created running (`status active`, as
 * the manual's example and the recorded answers show; `start` on a running server is a 200, as libcloud,
 * which starts every server it creates, needs); start and stop are immediate, a shutdown (ACPI) takes time and a guest may ignore it; `set` on a running server only takes
 * the keys the manual allows live; drives mounted by a server carry a claim; runtime keys (`started`,
 * `nic:0:dhcp` with the address given, `vnc:ip`, `rx`/`tx`) show while it runs.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { Route, SimError, SimRequest, SimResponse } from "../core";
import { Kv, SigmaState } from "./state";

export const HOST = "00000000-0000-0000-0000-00000000b0b0";
const DEVICE = /^(ide:[0-1]:[0-1]|scsi:0:[0-7]|block:[0-7])$/;
const SERVER_KEY =
  /^(name|parent|cpu|smp|mem|persistent|boot|tags|use|user:.+|(ide:[0-1]:[0-1]|scsi:0:[0-7]|block:[0-7])(:media)?|nic:0:(model|dhcp|block)|nic:1:(model|vlan|mac)|vnc:(ip|password|tls))$/;
/** What a server clone's copy of a drive keeps of the source drive (beside a new name). */
const COPIED_DRIVE_KEY = /^(size|type|claim:type|readers|encryption:cipher|tags)$/;
/** What `set` may change on a running server. */
const LIVE_KEY = /^(name|cpu|persistent|tags|user:.+)$/;

export interface ServerHelpers {
  kv(body: string): Kv;
  text(o: Kv | Kv[]): SimResponse;
  lines(v: string[]): SimResponse;
  missing(what: string, id: string): SimError;
}

export function serverRoutes(state: SigmaState, h: ServerHelpers, opts: { shutdownMs: number }): Route[] {
  /** A locally administered unicast MAC, like the manual's examples (`6a:98:e3:23:c2:47`). */
  function randomMac(): string {
    const b = randomBytes(6);
    b[0] = (b[0] & 0xfc) | 0x02;
    return [...b].map((x) => x.toString(16).padStart(2, "0")).join(":");
  }

  /** NIC 1 exists when it has a model or a VLAN; without a MAC (unset or `auto`) it gets a random one. */
  function macs(s: Kv) {
    if (s["nic:1:model"] || s["nic:1:vlan"]) {
      if (!s["nic:1:mac"] || s["nic:1:mac"] === "auto") s["nic:1:mac"] = randomMac();
    } else delete s["nic:1:mac"];
  }

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

  /** `copies`: drives a server clone has just made, which it mounts while they are still imaging. */
  function validate(b: Kv, current?: Kv, copies: ReadonlySet<string> = new Set()) {
    for (const k of Object.keys(b)) if (!SERVER_KEY.test(k)) throw new SimError(400, `unknown key ${k}`, { type: k });
    for (const k of ["cpu", "mem"]) if (b[k] !== undefined && !/^\d+$/.test(b[k])) throw new SimError(400, `${k} must be a whole number`, { type: k });
    if (b.smp !== undefined && b.smp !== "auto" && !/^\d+$/.test(b.smp)) throw new SimError(400, "smp must be auto or a whole number", { type: "smp" });
    if (b["vnc:password"] !== undefined && b["vnc:password"].length > 8)
      throw new SimError(400, "vnc:password is at most 8 characters", { type: "vnc:password" });
    for (const m of ["nic:0:model", "nic:1:model"])
      if (b[m] && !["e1000", "rtl8139", "virtio"].includes(b[m])) throw new SimError(400, `${m} must be e1000, rtl8139 or virtio`, { type: m });
    if (b["nic:1:mac"] && b["nic:1:mac"] !== "auto" && !/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/i.test(b["nic:1:mac"]))
      throw new SimError(400, "nic:1:mac must be a MAC address (xx:xx:xx:xx:xx:xx) or auto", { type: "nic:1:mac" });
    if (b["nic:1:vlan"] && !state.vlans.has(b["nic:1:vlan"])) throw h.missing("VLAN", b["nic:1:vlan"]);
    const merged = { ...current, ...b };
    const seen = new Map<string, string>();
    for (const [k, v] of Object.entries(merged)) {
      if (!DEVICE.test(k) || !v) continue;
      const d = state.drive(v) ?? state.library.get(v);
      if (!d) throw h.missing("Drive", v);
      // A drive being copied cannot be newly mounted (a server clone mounts its copies as it makes them).
      if (d.imaging && b[k] === v && !copies.has(v)) throw new SimError(409, `Drive ${v} is busy imaging`, { type: "busy" });
      if (seen.has(v)) throw new SimError(400, `Drive ${v} is on both ${seen.get(v)} and ${k}`, { type: k });
      seen.set(v, k);
      const claim = d.claimed ?? "";
      if (state.drives.has(v) && claim && !copies.has(v) && !claim.includes(`:${merged.server ?? "new"}:`) && d["claim:type"] !== "shared") {
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
    // `smp auto` is derived from the CPU quota (at most 2.2 GHz per core) at boot: a running server shows
    // the number (the manual's examples), a stopped one `auto` (jclouds' recorded /servers/info).
    if (s.smp === "auto" && s.status === "active") out.smp = String(Math.max(1, Math.ceil(Number(s.cpu ?? 0) / 2200)));
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

  function create(b: Kv, copies?: ReadonlySet<string>): Kv {
    if (!b.name) throw new SimError(400, "name: This field is required.", { type: "name" });
    validate(b, undefined, copies);
    // Only what was given, and what the service adds: the manual's example answer (no NIC unless asked for).
    const s: Kv = { user: state.account.uuid, smp: "auto", ...b, status: "stopped", tx: "0", rx: "0", server: randomUUID() };
    macs(s);
    state.servers.set(s.server, s);
    claim(s);
    powerOn(s);
    return s;
  }

  function stop(s: Kv) {
    shutdowns.delete(s.server);
    if (s.status === "active") powerOff(s);
  }

  function destroy(s: Kv) {
    if (s.status === "active") throw new SimError(400, `Server ${s.server} cannot be destroyed while running`, { type: "state" });
    state.servers.delete(s.server);
    claim(s);
  }

  /** The servers a multiple-servers command names (`server:N <uuid>`). */
  function named(req: SimRequest): Kv[] {
    return Object.entries(h.kv(req.body)).map(([k, v]) => {
      if (!/^server:\d+$/.test(k)) throw new SimError(400, `unknown key ${k}`, { type: k });
      const s = state.servers.get(v);
      if (!s) throw h.missing("Server", v);
      settle(s);
      return s;
    });
  }

  // Every server command answers under /servers and its alias /guests (the manual lists both).
  const routes: Route[] = ["servers", "guests"].flatMap((base): Route[] => [
    { method: "GET", path: `/${base}/list`, handler: () => h.lines(all().map((s) => s.server)) },
    { method: "GET", path: `/${base}/info`, handler: () => h.text(all().map(shown)) },
    { method: "POST", path: `/${base}/create`, handler: (req) => h.text(shown(create(h.kv(req.body)))) },
    {
      method: "POST",
      path: `/${base}/:uuid/clone`,
      handler: (req) => {
        const src = server(req);
        const b = h.kv(req.body);
        if (!b.name) throw new SimError(400, "name: This field is required.", { type: "name" });
        for (const k of Object.keys(b)) if (k !== "name") throw new SimError(400, `unknown key ${k}`, { type: k });
        // The configuration is copied (the manual's example keeps drives, NICs, boot); runtime keys are not,
        // nor the MAC (a new NIC), nor user:* keys (metadata of the source). Each of the account's drives that
        // the source holds exclusively is copied (imaging over time, as a drive clone); library and shared
        // drives are mounted as they are.
        const config = Object.fromEntries(Object.entries(src).filter(([k]) => SERVER_KEY.test(k) && k !== "nic:1:mac" && !k.startsWith("user:")));
        const copies = new Set<string>();
        for (const [k, v] of Object.entries(config)) {
          const d = DEVICE.test(k) ? state.drive(v) : undefined;
          if (!d || d["claim:type"] === "shared") continue;
          if (d.imaging) throw new SimError(409, `Drive ${v} is busy imaging`, { type: "busy" });
          const copy = state.newDrive({
            ...Object.fromEntries(Object.entries(d).filter(([x]) => COPIED_DRIVE_KEY.test(x))),
            name: `${b.name} ${k}`,
          });
          state.startImaging(copy.drive);
          copies.add(copy.drive);
          config[k] = copy.drive;
        }
        return h.text(shown(create({ ...config, name: b.name }, copies)));
      },
    },
    { method: "GET", path: `/${base}/:uuid/info`, handler: (req) => h.text(shown(server(req))) },
    {
      method: "POST",
      path: `/${base}/:uuid/set`,
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
        macs(s);
        claim(s);
        return h.text(shown(s));
      },
    },
    {
      // The manual: GET (its example answers 204, its table 200); libcloud POSTs and wants 200.
      method: any,
      path: `/${base}/:uuid/start`,
      handler: (req) => {
        const s = server(req);
        if (s.status !== "active") powerOn(s);
        return { status: 200, body: "" };
      },
    },
    {
      method: any,
      path: `/${base}/:uuid/stop`,
      handler: (req) => {
        stop(server(req));
        return { status: 204, body: "" };
      },
    },
    {
      method: any,
      path: `/${base}/:uuid/shutdown`,
      handler: (req) => {
        const s = server(req);
        if (s.status === "active" && !ignoresShutdown.has(s.server)) shutdowns.set(s.server, state.now() + opts.shutdownMs);
        return { status: 204, body: "" };
      },
    },
    {
      method: any,
      path: `/${base}/:uuid/destroy`,
      handler: (req) => {
        destroy(server(req));
        return { status: 204, body: "" };
      },
    },
    // Multiple servers (`server:N <uuid>` lines): the manual answers the destroy with a list of servers
    // (those left, as we read its example), the start with 200 and leaves the stop's answer "TODO".
    {
      method: "POST",
      path: `/${base}/start`,
      handler: (req) => {
        for (const s of named(req)) if (s.status !== "active") powerOn(s);
        return { status: 200, body: "" };
      },
    },
    {
      method: "POST",
      path: `/${base}/stop`,
      handler: (req) => {
        for (const s of named(req)) stop(s);
        return { status: 200, body: "" };
      },
    },
  ]);
  routes.push(
    ...["/servers/destroy", "/guest/destroy", "/guests/destroy"].map((path): Route => ({
      method: "POST",
      path,
      handler: (req) => {
        const list = named(req);
        const running = list.find((s) => s.status === "active");
        if (running) throw new SimError(400, `Server ${running.server} cannot be destroyed while running`, { type: "state" });
        for (const s of list) destroy(s);
        return h.lines(all().map((s) => s.server));
      },
    })),
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
        // POST only, as the manual documents it (no client sends a GET): a GET is a 405.
        method: "POST",
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
    // Start and stop every server of a group (GET, as the manual documents them; no answer body shown).
    ...(["start", "stop"] as const).map((what): Route => ({
      method: any,
      path: `/servergroups/:uuid/${what}`,
      handler: (req) => {
        for (const uuid of group(req).servers.split(" ").filter(Boolean)) {
          const s = state.servers.get(uuid)!;
          settle(s);
          if (what === "start" && s.status !== "active") powerOn(s);
          if (what === "stop") stop(s);
        }
        return { status: 204, body: "" };
      },
    })),
  );

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
