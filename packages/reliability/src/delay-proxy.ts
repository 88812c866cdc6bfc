import { connect, createServer, type Server, type Socket } from 'node:net';

/** A TCP proxy on loopback that delays every chunk in both directions: a slow network, on demand. */
export interface DelayProxy {
  port: number;
  /** Delay added to each chunk, each way, in milliseconds; change it at any time. */
  delayMs: number;
  /** Connections accepted so far (a reconnect storm shows up here). */
  readonly connectionsOpened: number;
  /** Connections open now. */
  readonly connectionsOpen: number;
  close(): Promise<void>;
}

/**
 * Forwards `127.0.0.1:<port>` to `127.0.0.1:<targetPort>`, holding each chunk back `delayMs` while
 * keeping its order (a chunk never overtakes an earlier one even when the delay shrinks).
 */
export async function startDelayProxy(targetPort: number, delayMs = 0): Promise<DelayProxy> {
  const sockets = new Set<Socket>();
  let opened = 0;
  const proxy: DelayProxy = {
    port: 0,
    delayMs,
    get connectionsOpened() {
      return opened;
    },
    get connectionsOpen() {
      return sockets.size / 2;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };

  /** Pipes `from` into `to` with the proxy's current delay per chunk, in order. */
  const delayed = (from: Socket, to: Socket) => {
    let lastDue = 0;
    from.on('data', (chunk) => {
      const due = Math.max(Date.now() + proxy.delayMs, lastDue);
      lastDue = due;
      const send = () => {
        if (!to.destroyed) to.write(chunk);
      };
      if (due <= Date.now()) send();
      else setTimeout(send, due - Date.now());
    });
    from.on('end', () => setTimeout(() => to.end(), Math.max(0, lastDue - Date.now())));
  };

  const server: Server = createServer((client) => {
    opened++;
    const upstream = connect({ host: '127.0.0.1', port: targetPort });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => {
        sockets.delete(s);
        client.destroy();
        upstream.destroy();
      });
    }
    delayed(client, upstream);
    delayed(upstream, client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  proxy.port = (server.address() as { port: number }).port;
  return proxy;
}
