/** An HTTP fake on a free local port: `start` listens, `stop` closes; `handle` answers each request. */
import { createServer, IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export abstract class FakeServer {
  private server?: Server;
  url = "";

  protected abstract handle(req: IncomingMessage, res: ServerResponse): Promise<unknown>;

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server!.listen(0, "127.0.0.1", r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise((r) => this.server?.close(r));
  }
}

/** The issues a list request asks for: its `state` (or `defaultState`; "all" for any) and every one of its `labels`. */
export function issuesAskedFor<T extends { state: string; labels: string[] }>(issues: T[], url: URL, defaultState: string): T[] {
  const state = url.searchParams.get("state") ?? defaultState;
  const labels = (url.searchParams.get("labels") ?? "").split(",").filter(Boolean);
  return issues.filter((i) => (state === "all" || i.state === state) && labels.every((l) => i.labels.includes(l)));
}
