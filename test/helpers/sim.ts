import { SimServer, VendorSim } from "../../simulator/core";

/** Starts a vendor simulator on loopback for one test file; `control` calls its /_sim/ routes. */
export async function startSim<V extends VendorSim>(vendor: V) {
  const server = new SimServer(vendor);
  const url = await server.start();
  const control = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(url + path, { method, body: body === undefined ? undefined : JSON.stringify(body) });
    return res.json() as Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  };
  return { url, server, vendor, control, stop: () => server.stop() };
}
