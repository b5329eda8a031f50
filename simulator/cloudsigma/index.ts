/**
 * A CloudSigma API 1.0 simulator for the profile, drives and the drive library, servers, server groups,
 * VLANs, static IPs, subscriptions, prices and the balance: text/plain key-value bodies (any
 * Content-Type and Accept are tolerated, as real clients send a mix), HTTP Basic auth, GET or POST on
 * action URLs, `errors:<type> <message>` bodies (400 for a missing object, 401, 409 busy), drive clones
 * that image over time (`imaging NN%` and an imaging claim), and the standard drive library.
 *
 * Choices where the manual is silent (see README): shrinking a drive with `set` is a 400; `set` and
 * `destroy` of a drive that is imaging are 409 busy; `/resources/vlan/list` has `vlan <uuid>` lines;
 * drives and servers keep and show any `user:*` key given to create, clone or set.
 *
 * Control routes beside the shared ones: `POST /_sim/seed` takes a `SigmaSeed` (the account's email and
 * password, and objects of the inventory's collections); `POST /_sim/cloudsigma/ignore-shutdown`
 * (`{server}`: the guest ignores ACPI); `POST /_sim/cloudsigma/end-subscription` (`{subscription}`: it ran
 * to its end and left the account); `POST /_sim/cloudsigma/fail-imaging` (`{count?}`: the next clones'
 * imaging fails, leaving inactive drives).
 */
import { Route, SimError, SimRequest, SimResponse, VendorSim } from "../core";
import { billingRoutes } from "./billing";
import { serverRoutes } from "./servers";
import { Kv, SigmaOptions, SigmaSeed, SigmaState } from "./state";

export { DEMO_ACCOUNT, SigmaState } from "./state";
export type { SigmaSeed } from "./state";

const UNITS: Record<string, number> = { "": 1, k: 1024, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 };

/** The request body's one object (the simulator's own reading of the format). */
function kv(body: string): Kv {
  const o: Kv = {};
  for (const raw of body.split("\n")) {
    const line = raw.replace(/\r$/, "");
    if (!line.trim()) continue;
    const sp = line.indexOf(" ");
    if (sp < 0) o[line] = "";
    else o[line.slice(0, sp)] = line.slice(sp + 1);
  }
  return o;
}

function text(objects: Kv | Kv[]): SimResponse {
  const list = Array.isArray(objects) ? objects : [objects];
  return {
    status: 200,
    body: list
      .map(
        (o) =>
          Object.entries(o)
            .map(([k, v]) => `${k} ${v}`)
            .join("\n") + "\n",
      )
      .join("\n"),
  };
}

function lines(values: string[]): SimResponse {
  return { status: 200, body: values.map((v) => `${v}\n`).join("") };
}

const NO_CONTENT: SimResponse = { status: 204, body: "" };

function size(value: string | undefined, field = "size"): number {
  const m = /^(\d+)([kKMGT]?)$/.exec(value ?? "");
  if (!m) throw new SimError(400, `${field} must be a whole number of bytes, optionally with k/M/G/T`, { type: field });
  return Number(m[1]) * UNITS[m[2]];
}

function missing(what: string, id: string): SimError {
  return new SimError(400, `${what} ${id} could not be found. Please re-validate your entry.`, { type: "system" });
}

const DRIVE_KEYS = /^(name|size|claim:type|readers|encryption:cipher|tags|use|avoid|user:.+)$/;
/**
 * Keys real clients send that the service takes without a word and that change nothing here: libcloud's
 * `driveType` (hdd|ssd) on every clone. Accepted, not stored, not shown.
 */
const TOLERATED_DRIVE_KEYS = new Set(["driveType"]);
/** The profile keys `/profile/set` takes (the manual's table, with the three its info table adds). */
const PROFILE_KEYS = /^(email|first_name|last_name|nick_name|title|company|address|postcode|phone|currency|country|language)$/;
const PROFILE_REQUIRED = ["email", "first_name", "last_name", "nick_name"];

export function createCloudSigmaSimulator(opts: SigmaOptions = {}): VendorSim & { state: SigmaState } {
  const state = new SigmaState(opts);

  function auth(req: SimRequest) {
    const h = req.headers.authorization ?? "";
    const [scheme, encoded] = String(h).split(" ");
    const [email, ...rest] = Buffer.from(encoded ?? "", "base64")
      .toString("utf8")
      .split(":");
    if (scheme !== "Basic" || email !== state.account.email || rest.join(":") !== state.account.password) {
      throw new SimError(401, "Authorization required: HTTP Basic with your email and password", { type: "auth" });
    }
  }

  /** An account drive; for reads also a library drive (they are readable by all). */
  function drive(req: SimRequest, orLibrary = false): Kv {
    const d = state.drive(req.params.uuid) ?? (orLibrary ? state.library.get(req.params.uuid) : undefined);
    if (!d) throw missing("Drive", req.params.uuid);
    return d;
  }

  function checkDriveFields(b: Kv) {
    for (const k of TOLERATED_DRIVE_KEYS) delete b[k];
    for (const k of Object.keys(b)) if (!DRIVE_KEYS.test(k)) throw new SimError(400, `unknown key ${k}`, { type: k });
    if (b["claim:type"] && !["exclusive", "shared"].includes(b["claim:type"]))
      throw new SimError(400, "claim:type must be exclusive or shared", { type: "claim:type" });
    if (b["encryption:cipher"] && !["none", "aes-xts-plain"].includes(b["encryption:cipher"]))
      throw new SimError(400, "encryption:cipher must be none or aes-xts-plain", { type: "encryption:cipher" });
  }

  /** The profile as `/profile/info` shows it: the account's uuid and email (its login), then the rest. */
  const profile = (): Kv => ({ uuid: state.account.uuid, email: state.account.email, ...state.profile });

  const any = ["GET", "POST"];
  const routes: Route[] = [
    // ---- Profile --------------------------------------------------------------------------------
    { method: "GET", path: "/profile/info", handler: () => text(profile()) },
    {
      method: "POST",
      path: "/profile/set",
      handler: (req) => {
        const b = kv(req.body);
        const errors: Array<[string, string]> = [];
        for (const [k, v] of Object.entries(b)) {
          if (!PROFILE_KEYS.test(k)) errors.push([k, "Unknown key"]);
          else if (PROFILE_REQUIRED.includes(k) && !v.trim()) errors.push([k, "* This field is required."]);
          else if (k === "currency" && state.profile.currency && v !== state.profile.currency)
            errors.push([k, "The billing currency cannot be changed once set"]);
          else if (k === "email" && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(v)) errors.push([k, "Enter a valid e-mail address."]);
        }
        if (errors.length) {
          // As the manual shows it: the profile with the request's values, each error after its key.
          const shown = { ...profile(), ...b };
          const raw = Object.entries(shown).flatMap(([k, v]) => [`${k} ${v}`, ...errors.filter(([e]) => e === k).map(([e, m]) => `errors:${e} ${m}`)]);
          throw new SimError(400, errors.map(([k, m]) => `${k}: ${m}`).join("; "), { type: errors[0][0], raw });
        }
        // The email is the login (HTTP Basic): a new one is the account's from now on.
        const { email, ...rest } = b;
        if (email) state.account.email = email;
        Object.assign(state.profile, rest);
        return text(profile());
      },
    },
    // ---- Drives ---------------------------------------------------------------------------------
    { method: "GET", path: "/drives/list", handler: () => lines([...state.drives.keys()]) },
    { method: "GET", path: "/drives/info", handler: () => text([...state.drives.keys()].map((u) => state.drive(u)!)) },
    { method: "GET", path: "/drives/standard/list", handler: () => lines([...state.library.keys()]) },
    { method: "GET", path: "/drives/standard/info", handler: () => text([...state.library.values()]) },
    {
      method: "GET",
      path: "/drives/standard/img/list",
      handler: () => lines([...state.library.values()].filter((d) => d.type !== "cdrom").map((d) => d.drive)),
    },
    {
      method: "GET",
      path: "/drives/standard/cd/list",
      handler: () => lines([...state.library.values()].filter((d) => d.type === "cdrom").map((d) => d.drive)),
    },
    {
      method: "POST",
      path: "/drives/create",
      handler: (req) => {
        const b = kv(req.body);
        if (!b.name) throw new SimError(400, "name: This field is required.", { type: "name" });
        checkDriveFields(b);
        return text(state.newDrive({ ...b, size: String(size(b.size)) }));
      },
    },
    { method: "GET", path: "/drives/:uuid/info", handler: (req) => text(drive(req, true)) },
    {
      method: "POST",
      path: "/drives/:uuid/set",
      handler: (req) => {
        const d = drive(req);
        if (d.imaging) throw new SimError(409, `Drive ${d.drive} is busy imaging`, { type: "busy" });
        const b = kv(req.body);
        checkDriveFields(b);
        if (b.size !== undefined) {
          const n = size(b.size);
          if (n < Number(d.size)) throw new SimError(400, `Drive ${d.drive} cannot shrink from ${d.size} to ${n} bytes`, { type: "size" });
          b.size = String(n);
        }
        Object.assign(d, b);
        return text(d);
      },
    },
    {
      method: "POST",
      path: "/_sim/cloudsigma/fail-imaging",
      handler: (req) => {
        state.failImaging = Number(JSON.parse(req.body || "{}").count ?? 1);
        return { status: 200, body: { ok: true } };
      },
    },
    {
      method: "POST",
      path: "/drives/:uuid/clone",
      handler: (req) => {
        const src = state.drive(req.params.uuid) ?? state.library.get(req.params.uuid);
        if (!src) throw missing("Drive", req.params.uuid);
        if (src.imaging) throw new SimError(409, `Drive ${src.drive} is busy imaging`, { type: "busy" });
        const b = kv(req.body);
        if (!b.name) throw new SimError(400, "name: This field is required.", { type: "name" });
        checkDriveFields(b);
        const n = b.size !== undefined ? size(b.size) : Number(src.size);
        if (n < Number(src.size)) throw new SimError(400, `the new size ${n} is less than the original ${src.size}`, { type: "size" });
        const d = state.newDrive({ ...b, size: String(n), "claim:type": b["claim:type"] ?? "exclusive" });
        state.startImaging(d.drive);
        return text(state.drive(d.drive)!);
      },
    },
    {
      method: any,
      path: "/drives/:uuid/destroy",
      handler: (req) => {
        const d = drive(req);
        if (d.imaging) throw new SimError(409, `Drive ${d.drive} is busy imaging`, { type: "busy" });
        if (d.claimed) throw new SimError(400, `Drive ${d.drive} is currently in use by a server`, { type: "system" });
        state.drives.delete(d.drive);
        return NO_CONTENT;
      },
    },
    // ---- VLANs ----------------------------------------------------------------------------------
    { method: "GET", path: "/resources/vlan/list", handler: () => lines([...state.vlans.keys()].map((u) => `vlan ${u}`)) },
    { method: "GET", path: "/resources/vlan/info", handler: () => text([...state.vlans.values()]) },
    {
      // POST only (the manual; no client sends a GET here): a GET is a 405.
      method: "POST",
      path: "/resources/vlan/create",
      handler: (req) => {
        const b = kv(req.body);
        if (!b.name) throw new SimError(400, "name: This field is required.", { type: "name" });
        return text(state.newVlan(b.name));
      },
    },
    {
      method: "GET",
      path: "/resources/vlan/:uuid/info",
      handler: (req) =>
        text(
          state.vlans.get(req.params.uuid) ??
            (() => {
              throw missing("VLAN", req.params.uuid);
            })(),
        ),
    },
    {
      method: "POST",
      path: "/resources/vlan/:uuid/set",
      handler: (req) => {
        const v = state.vlans.get(req.params.uuid);
        if (!v) throw missing("VLAN", req.params.uuid);
        const b = kv(req.body);
        if (b.name !== undefined) v.name = b.name;
        return text(v);
      },
    },
    {
      method: any,
      path: "/resources/vlan/:uuid/destroy",
      handler: (req) => {
        if (!state.vlans.delete(req.params.uuid)) throw missing("VLAN", req.params.uuid);
        return NO_CONTENT;
      },
    },
    // ---- Static IPs -----------------------------------------------------------------------------
    { method: "GET", path: "/resources/ip/list", handler: () => lines([...state.ips.keys()].map((ip) => `ip ${ip}`)) },
    { method: "GET", path: "/resources/ip/info", handler: () => text([...state.ips.values()]) },
    { method: any, path: "/resources/ip/create", handler: () => text(state.newIp()) },
    {
      method: "GET",
      path: "/resources/ip/:ip/info",
      handler: (req) =>
        text(
          state.ips.get(req.params.ip) ??
            (() => {
              throw missing("IP", req.params.ip);
            })(),
        ),
    },
    {
      method: any,
      path: "/resources/ip/:ip/destroy",
      handler: (req) => {
        if (!state.ips.delete(req.params.ip)) throw missing("IP", req.params.ip);
        return NO_CONTENT;
      },
    },
  ];

  const helpers = { kv, text, lines, missing };
  routes.push(...serverRoutes(state, helpers, { shutdownMs: opts.shutdownMs ?? 500 }), ...billingRoutes(state, helpers));

  const wrapped = routes.map((r) => ({
    ...r,
    handler: (req: SimRequest) => {
      if (!r.path.startsWith("/_sim/")) auth(req);
      return r.handler(req);
    },
  }));

  return {
    name: "cloudsigma",
    state,
    routes: wrapped,
    renderError: (status, message, extra) => ({
      status,
      // Field errors come one per line, as the manual shows them.
      body: Array.isArray(extra.raw)
        ? `${(extra.raw as string[]).join("\n")}\n`
        : // A wrong method is `method` (ElasticHosts' X-Elastic-Error, which API 1.0 kept), an unknown command `missing`.
          `errors:${(extra.type as string) ?? (status === 405 ? "method" : status === 404 ? "missing" : "system")} ${message}\n`,
    }),
    reset: () => state.reset(),
    seed: (b) => state.seed(b as SigmaSeed),
    inventory: () => ({
      drives: [...state.drives.keys()].map((u) => ({ ...state.drive(u)!, name: state.drive(u)!.name })),
      vlans: [...state.vlans.values()],
      ips: [...state.ips.values()].map((ip) => ({ ...ip, name: ip.resource })),
      servers: [...state.servers.values()].map((x) => ({ ...x })),
      servergroups: [...state.groups.values()],
      subscriptions: [...state.subscriptions.values()].map((x) => ({ ...x, name: `${x.type} ${x.quantity}` })),
    }),
    snapshot: () => state.snapshot(),
    restore: (d) => state.restore(d as never),
  };
}

export const createSimulator = createCloudSigmaSimulator;
