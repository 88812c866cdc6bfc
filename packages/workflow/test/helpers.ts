import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect, createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';

/**
 * The network setting that lets runs reach the test peers on 127.0.0.1: loopback is refused by
 * default, so every test that talks to a loopback peer allows it explicitly.
 */
/** A promise and the function that resolves it, for a test to wait until something has happened. */
export function signalled(): [Promise<void>, () => void] {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return [promise, resolve];
}

export const LOOPBACK = { allowPrivate: ['127.0.0.1'] } as const satisfies { allowPrivate: readonly string[] };

/** A real HTTP peer on loopback (port 0); records every request it receives. */
export interface TestServer {
  url: string;
  port: number;
  requests: { method: string; url: string; headers: IncomingMessage['headers']; body: string }[];
  /** TCP connections accepted, whether or not a request followed. */
  connections: number;
  close(): Promise<void>;
}

export async function startServer(handler: (req: IncomingMessage, body: string, res: ServerResponse) => void | Promise<void>): Promise<TestServer> {
  const requests: TestServer['requests'] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      void handler(req, body, res);
    });
  });
  let connections = 0;
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    get connections() {
      return connections;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** A request a hanging server holds without answering; `closed` settles when the client goes away. */
export interface HeldRequest {
  url: string;
  closed: Promise<void>;
}

/** An HTTP peer on loopback that never answers: every request is held until its client closes it. */
export interface HangingServer {
  url: string;
  /** The next request to arrive (or one that arrived and was not taken yet). */
  nextRequest(): Promise<HeldRequest>;
  close(): Promise<void>;
}

export async function startHangingServer(): Promise<HangingServer> {
  const arrived: HeldRequest[] = [];
  const waiting: ((r: HeldRequest) => void)[] = [];
  const server = createServer((req, res) => {
    const held: HeldRequest = { url: req.url ?? '', closed: new Promise<void>((resolve) => res.once('close', () => resolve())) };
    req.resume();
    const take = waiting.shift();
    if (take) take(held);
    else arrived.push(held);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    nextRequest: () => {
      const ready = arrived.shift();
      return ready ? Promise.resolve(ready) : new Promise<HeldRequest>((resolve) => waiting.push(resolve));
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * A TCP proxy to a real service that can be made to stall: after `stall()`, bytes from the
 * client are swallowed (the service never answers them), and `stalledData` settles once some
 * arrive. `close()` drops every connection.
 */
export interface StallProxy {
  port: number;
  stall(): void;
  stalledData: Promise<void>;
  close(): Promise<void>;
}

export async function startStallProxy(target: { host: string; port: number }): Promise<StallProxy> {
  let stalled = false;
  const [stalledData, sawStalledData] = signalled();
  const sockets = new Set<Socket>();
  const server = createNetServer((client) => {
    const upstream = connect(target);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => {
        sockets.delete(s);
        client.destroy();
        upstream.destroy();
      });
    }
    client.on('data', (chunk: Buffer) => {
      if (stalled) sawStalledData();
      else upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (!stalled) client.write(chunk);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    stall: () => {
      stalled = true;
    },
    stalledData,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
