import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer as createHttpsServer, Server } from "node:https";
import { createServer as createHttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MockAgent } from "undici";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { HttpClient, closeAllPools } from "../../../provider/core/http";
import { withRetry } from "../../../provider/core/retry";

afterAll(() => closeAllPools());

describe("HttpClient with a mock agent", () => {
  it("sends method, path below the base path, headers and body, and returns any status", async () => {
    const agent = new MockAgent();
    agent.disableNetConnect();
    agent
      .get("https://tower.example")
      .intercept({ method: "POST", path: "/v2/api/get-vms", body: '{"where":{}}', headers: { authorization: "tok" } })
      .reply(400, '{"message":"bad"}', { headers: { "x-request-id": "r1" } });
    const http = new HttpClient({ baseUrl: "https://tower.example/v2/api/", dispatcher: agent });
    const res = await http.request({ method: "POST", path: "/get-vms", headers: { authorization: "tok" }, body: '{"where":{}}' });
    expect(res.status).toBe(400);
    expect(res.body).toBe('{"message":"bad"}');
    expect(res.headers["x-request-id"]).toBe("r1");
  });

  it("turns a failed connection into a connection error with no credential in it", async () => {
    const agent = new MockAgent();
    agent.disableNetConnect();
    agent.get("https://h.example").intercept({ path: "/x?token=sekret" }).replyWithError(new Error("socket hang up sekret"));
    const http = new HttpClient({ baseUrl: "https://h.example", dispatcher: agent, secrets: () => ["sekret"] });
    const err = await http.request({ method: "GET", path: "/x?token=sekret" }).catch((e) => e);
    expect(err.code).toBe("connection");
    expect(err.message).not.toContain("sekret");
    expect(err.message).toContain("GET https://h.example/x failed");
  });

  it("rejects an endpoint that is not an http(s) URL, naming it", () => {
    expect(() => new HttpClient({ baseUrl: "tower.example" })).toThrow(/endpoint "tower.example" is not a URL/);
    expect(() => new HttpClient({ baseUrl: "ftp://tower.example" })).toThrow(/must start with http/);
  });
});

describe("HttpClient against real sockets", () => {
  it("reuses keep-alive connections instead of opening one per request", async () => {
    const ports = new Set<number>();
    const server = createHttpServer((req, res) => {
      ports.add(req.socket.remotePort!);
      res.end("ok");
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const http = new HttpClient({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
    for (let i = 0; i < 20; i++) expect((await http.request({ method: "GET", path: "/" })).body).toBe("ok");
    // undici may open a second socket while the first is being returned to the pool; never one per request.
    expect(ports.size).toBeLessThanOrEqual(2);
    await closeAllPools();
    server.close();
  });

  it("maps a refused connection (nothing sent: safe to send again) and a request past its timeout (maybe carried out)", async () => {
    const refused = new HttpClient({ baseUrl: "http://127.0.0.1:1" });
    await expect(refused.request({ method: "GET", path: "/" })).rejects.toMatchObject({ code: "connection", details: { notSent: true } });

    const server = createHttpServer(() => {}); // never answers
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const slow = new HttpClient({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requestTimeoutMs: 100 });
    await expect(slow.request({ method: "GET", path: "/" })).rejects.toMatchObject({ code: "timeout", details: { notSent: false } });
    await closeAllPools();
    server.closeAllConnections();
    server.close();
  });
});

const haveOpenssl = (() => {
  try {
    execFileSync("openssl", ["version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

describe.skipIf(!haveOpenssl)("HttpClient TLS with a private CA (needs the openssl command)", () => {
  let server: Server;
  let url: string;
  let ca: string;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), "ppc-tls-"));
    const run = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "ignore" });
    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=Private Test CA");
    run("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "srv.key", "-out", "srv.csr", "-subj", "/CN=localhost");
    writeFileSync(join(dir, "ext.cnf"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
    run("x509", "-req", "-in", "srv.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "srv.pem", "-days", "2", "-extfile", "ext.cnf");
    ca = readFileSync(join(dir, "ca.pem"), "utf8");
    server = createHttpsServer({ key: readFileSync(join(dir, "srv.key")), cert: readFileSync(join(dir, "srv.pem")) }, (_q, s) => s.end("secure"));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await closeAllPools();
    server?.close();
  });

  it("refuses a certificate from an unknown CA by default, saying how to trust it, and never retries that", async () => {
    const err = await new HttpClient({ baseUrl: url }).request({ method: "GET", path: "/" }).catch((e) => e);
    expect(err.code).toBe("tls");
    expect(err.message).toMatch(/not trusted; set the endpoint's CA certificate/);
    let calls = 0;
    const t0 = Date.now();
    await withRetry(() => (calls++, new HttpClient({ baseUrl: url }).request({ method: "GET", path: "/" })), { idempotent: true }).catch(() => undefined);
    expect(calls).toBe(1);
    expect(Date.now() - t0).toBeLessThan(2_000);
  });

  it("trusts the server when given the private CA", async () => {
    const res = await new HttpClient({ baseUrl: url, ca }).request({ method: "GET", path: "/" });
    expect(res.body).toBe("secure");
  });

  it("connects with verification off only when asked, and warns once", async () => {
    const warn = vi.fn();
    const http = new HttpClient({ baseUrl: url, insecure: true, warn });
    new HttpClient({ baseUrl: url, insecure: true, warn });
    expect((await http.request({ method: "GET", path: "/" })).body).toBe("secure");
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0][0]).toMatch(/TLS certificate verification is disabled/);
  });
});
