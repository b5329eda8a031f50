/**
 * CloudSigma 1.0 state: the account (its login, profile and balance), its drives (imaging over time after a
 * clone), VLANs and static IPs, and the standard drive library. Objects are kept as the API shows them:
 * key-value strings.
 *
 * The library holds, beside the three drives the other tests clone, what the real one shows (libcloud's
 * recorded `/drives/standard/info`): several versions of one image (Debian 11, 12, 12.9 and 12.10 Server,
 * whose "12.10" is newer than "12.9"), two images of one version (Debian 12 Server and a Debian 12 Install
 * CD), and two drives of the very same name (the recording has two "Windows Server 2008 Trial Install CD").
 */
import { randomUUID } from "node:crypto";

export type Kv = Record<string, string>;

export const LIBRARY_OWNER = "00000000-0000-0000-0000-000000000001";
export const ALL_READERS = "ffffffff-ffff-ffff-ffff-ffffffffffff";

export interface SigmaOptions {
  /** How long a clone's imaging takes (ms, default 1000). */
  imagingMs?: number;
  /** How long a guest takes to shut down on an ACPI request (ms, default 500). */
  shutdownMs?: number;
  now?: () => number;
}

export interface Account {
  uuid: string;
  email: string;
  password: string;
}

/** The demo account every reset starts with (HTTP Basic: its email and password). */
export const DEMO_ACCOUNT: Readonly<Account> = { uuid: "f2e19d5c-eaa1-44e5-94aa-dc194594bd7b", email: "demo@example.com", password: "sigma-pass" };

/**
 * The demo account's profile as `/profile/info` shows it, but for `uuid` and `email` (the account's own).
 * `secret_key` is in the manual's example: a credential, which look-ups answer as a secret.
 */
export const DEMO_PROFILE: Readonly<Kv> = {
  secret_key: "SimDemoKey7c4FPCFDBc4hevBfmmFvsnn7SFuUa3",
  first_name: "Demo",
  last_name: "User",
  nick_name: "demo",
  title: "",
  company: "Example Ltd.",
  address: "Bahnhofstrasse 1",
  postcode: "8001",
  phone: "",
  currency: "EUR",
  country: "CH",
  language: "en",
  type: "regular",
  api_disabled: "false",
  api_https_only: "false",
};

/** The demo account's balance (`/balance/info`); subscriptions bought are paid from it. */
export const DEMO_BALANCE = "5000.00";

/**
 * What `POST /_sim/seed` takes: the account's login, profile and balance, and objects of the inventory's
 * collections as it shows them.
 */
export interface SigmaSeed {
  account?: Partial<Pick<Account, "email" | "password">>;
  /** Profile keys as `/profile/info` shows them (`email` is the account's login: set it in `account`). */
  profile?: Kv;
  /** The balance, e.g. "12.50". */
  balance?: string;
  drives?: Kv[];
  vlans?: Kv[];
  ips?: Kv[];
  servers?: Kv[];
  servergroups?: Kv[];
  subscriptions?: Kv[];
}

export class SigmaState {
  account: Account = { ...DEMO_ACCOUNT };
  profile: Kv = { ...DEMO_PROFILE };
  balance = DEMO_BALANCE;
  drives = new Map<string, Kv>();
  /** When each imaging drive started, for its progress. */
  imaging = new Map<string, number>();
  /** Clones whose imaging fails (POST /_sim/cloudsigma/fail-imaging): how many more. */
  failImaging = 0;
  /** The clones that will fail when their imaging ends. */
  private doomed = new Set<string>();
  library = new Map<string, Kv>();
  vlans = new Map<string, Kv>();
  ips = new Map<string, Kv>();
  servers = new Map<string, Kv>();
  groups = new Map<string, Kv>();
  subscriptions = new Map<string, Kv>();
  private ipCounter = 10;
  readonly imagingMs: number;
  readonly now: () => number;

  constructor(opts: SigmaOptions = {}) {
    this.imagingMs = opts.imagingMs ?? 1000;
    this.now = opts.now ?? Date.now;
    this.reset();
  }

  reset() {
    this.account = { ...DEMO_ACCOUNT };
    this.profile = { ...DEMO_PROFILE };
    this.balance = DEMO_BALANCE;
    this.drives.clear();
    this.imaging.clear();
    this.failImaging = 0;
    this.doomed.clear();
    this.vlans.clear();
    this.ips.clear();
    this.servers.clear();
    this.groups.clear();
    this.subscriptions.clear();
    this.library.clear();
    this.ipCounter = 10;
    for (const d of [
      {
        drive: "d18119ce-7afa-474a-9242-e0384b160220",
        name: "CentOS 5.5 Linux 64bit Preinstalled System",
        size: String(50 * 1024 ** 3),
        os: "linux",
        bits: "64",
        drive_type: "preinstalled",
      },
      {
        drive: "a1b2c3d4-0000-4000-8000-00000000de12",
        name: "Debian 12 Server 64bit Preinstalled System",
        size: String(10 * 1024 ** 3),
        os: "linux",
        bits: "64",
        drive_type: "preinstalled",
      },
      {
        drive: "0e1f2a3b-0000-4000-8000-0000000000cd",
        name: "Ubuntu 24.04 Server Install CD",
        size: String(2 * 1024 ** 3),
        os: "linux",
        bits: "64",
        drive_type: "installcd",
        type: "cdrom",
      },
      {
        drive: "a1b2c3d4-0000-4000-8000-00000000de11",
        name: "Debian 11 Server 64bit Preinstalled System",
        size: String(10 * 1024 ** 3),
        os: "linux",
        bits: "64",
        drive_type: "preinstalled",
      },
      {
        drive: "a1b2c3d4-0000-4000-8000-0000de120009",
        name: "Debian 12.9 Server 64bit Preinstalled System",
        size: String(10 * 1024 ** 3),
        os: "linux",
        bits: "64",
        drive_type: "preinstalled",
      },
      {
        drive: "a1b2c3d4-0000-4000-8000-0000de120010",
        name: "Debian 12.10 Server 64bit Preinstalled System",
        size: String(10 * 1024 ** 3),
        os: "linux",
        bits: "64",
        drive_type: "preinstalled",
      },
      {
        drive: "0e1f2a3b-0000-4000-8000-00000000de12",
        name: "Debian 12 Linux 64bit Install CD",
        size: String(1024 ** 3),
        os: "linux",
        bits: "64",
        drive_type: "installcd",
        type: "cdrom",
      },
      {
        drive: "0e1f2a3b-0000-4000-8000-000000002008",
        name: "Windows Server 2008 Trial Install CD",
        size: String(4 * 1024 ** 3),
        os: "windows",
        bits: "64",
        drive_type: "installcd",
        type: "cdrom",
      },
      {
        drive: "0e1f2a3b-0000-4000-8000-000000012008",
        name: "Windows Server 2008 Trial Install CD",
        size: String(4 * 1024 ** 3),
        os: "windows",
        bits: "64",
        drive_type: "installcd",
        type: "cdrom",
      },
      {
        drive: "a1b2c3d4-0000-4000-8000-000000002008",
        name: "Windows Server Standard 2008 R2 64bit English",
        size: String(20 * 1024 ** 3),
        os: "windows",
        bits: "64",
        drive_type: "preinstalled",
        licenses: "msft_p73_04837",
        free: "false",
      },
    ] as Kv[]) {
      this.library.set(d.drive, {
        status: "active",
        user: LIBRARY_OWNER,
        type: "disk",
        readers: ALL_READERS,
        "claim:type": "shared",
        free: "true",
        "encryption:cipher": "aes-xts-plain",
        ...d,
      });
    }
  }

  newDrive(fields: Kv): Kv {
    const uuid = randomUUID();
    const d: Kv = {
      status: "active",
      user: this.account.uuid,
      type: "disk",
      "claim:type": "exclusive",
      "encryption:cipher": "aes-xts-plain",
      "read:bytes": "0",
      "read:requests": "0",
      "write:bytes": "0",
      "write:requests": "0",
      ...fields,
      drive: uuid,
    };
    this.drives.set(uuid, d);
    return d;
  }

  /** Starts a clone's imaging; it fails at its end while `failImaging` says so. */
  startImaging(uuid: string) {
    this.imaging.set(uuid, this.now());
    if (this.failImaging > 0) {
      this.failImaging--;
      this.doomed.add(uuid);
    }
  }

  /** A drive as /info shows it now: `imaging NN%` and an imaging claim while a clone is copied. */
  drive(uuid: string): Kv | undefined {
    const d = this.drives.get(uuid);
    if (!d) return undefined;
    const started = this.imaging.get(uuid);
    if (started !== undefined) {
      const pct = Math.floor(((this.now() - started) / this.imagingMs) * 100);
      if (pct >= 100) {
        this.imaging.delete(uuid);
        delete d.imaging;
        // The imaging claim ends; a server clone that mounts the copy keeps its own.
        const claims = (d.claimed ?? "").split(" ").filter((c) => c && !c.includes(":imaging:"));
        if (claims.length) d.claimed = claims.join(" ");
        else delete d.claimed;
        // A failed copy (a choice: the manual documents none) leaves an inactive drive.
        if (this.doomed.delete(uuid)) d.status = "inactive";
      } else {
        d.imaging = `${Math.max(0, pct)}%`;
        const others = (d.claimed ?? "").split(" ").filter((c) => c && !c.includes(":imaging:"));
        d.claimed = [`00000000-0000-0000-0000-00000000a0a0:imaging:${uuid}`, ...others].join(" ");
      }
    }
    return d;
  }

  /** Adds what a seed holds; an object replaces the one of the same id. */
  seed(s: SigmaSeed) {
    Object.assign(this.account, s.account ?? {});
    Object.assign(this.profile, s.profile ?? {});
    if (s.balance !== undefined) this.balance = s.balance;
    for (const d of s.drives ?? []) this.drives.set(d.drive, { ...d });
    for (const v of s.vlans ?? []) this.vlans.set(v.resource, { ...v });
    for (const ip of s.ips ?? []) this.ips.set(ip.resource, { ...ip });
    for (const x of s.servers ?? []) this.servers.set(x.server, { ...x });
    for (const g of s.servergroups ?? []) this.groups.set(g.uuid, { servers: "", description: "", ...g });
    for (const x of s.subscriptions ?? []) this.subscriptions.set(x.subscription, { ...x });
  }

  newIp(): Kv {
    const address = `185.12.5.${this.ipCounter++}`;
    const ip: Kv = { resource: address, netmask: "255.255.255.0", nameserver: "185.12.5.1", user: this.account.uuid, type: "ip", gateway: "185.12.5.1" };
    this.ips.set(address, ip);
    return ip;
  }

  newVlan(name: string): Kv {
    const v: Kv = { resource: randomUUID(), type: "vlan", user: this.account.uuid, name };
    this.vlans.set(v.resource, v);
    return v;
  }

  snapshot() {
    return {
      account: this.account,
      profile: this.profile,
      balance: this.balance,
      drives: [...this.drives.values()],
      imaging: [...this.imaging.entries()],
      vlans: [...this.vlans.values()],
      ips: [...this.ips.values()],
      servers: [...this.servers.values()],
      groups: [...this.groups.values()],
      subscriptions: [...this.subscriptions.values()],
      ipCounter: this.ipCounter,
    };
  }

  restore(d: ReturnType<SigmaState["snapshot"]>) {
    this.account = d.account;
    // Files written before the profile and balance were kept start from the demo's.
    this.profile = d.profile ?? { ...DEMO_PROFILE };
    this.balance = d.balance ?? DEMO_BALANCE;
    this.drives = new Map(d.drives.map((x) => [x.drive, x]));
    this.imaging = new Map(d.imaging);
    this.vlans = new Map(d.vlans.map((x) => [x.resource, x]));
    this.ips = new Map(d.ips.map((x) => [x.resource, x]));
    this.servers = new Map(d.servers.map((x) => [x.server, x]));
    this.groups = new Map(d.groups.map((x) => [x.uuid, x]));
    this.subscriptions = new Map(d.subscriptions.map((x) => [x.subscription, x]));
    this.ipCounter = d.ipCounter;
  }
}
