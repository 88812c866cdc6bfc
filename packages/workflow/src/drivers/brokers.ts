import type { BrokerDriver } from './types';
import { abortable, abortReason, closeWithin, loadPeer } from './abortable';

/** How long closing a broker connection may take before it is dropped. */
const CLOSE_GRACE_MS = 2000;

/** Redis: `XADD topic * payload … headers…` (stream mode) or `PUBLISH topic payload` (pub/sub mode). */
export async function createRedisBroker(url: string, mode: 'stream' | 'pubsub' = 'stream'): Promise<BrokerDriver> {
  const { createClient } = await loadPeer('redis', () => import('redis'));
  const client = createClient({ url, socket: { reconnectStrategy: false } });
  client.on('error', () => undefined);
  await client.connect();
  return {
    async publish(topic, payload, headers, signal) {
      if (signal.aborted) throw abortReason(signal);
      // A command still queued when the signal aborts is never sent.
      const c = client.withAbortSignal(signal);
      if (mode === 'pubsub') {
        const receivers = await abortable(c.publish(topic, payload), signal);
        return { receivers: Number(receivers) };
      }
      const id = await abortable(c.xAdd(topic, '*', { ...headers, payload }), signal);
      return { id: String(id) };
    },
    async close() {
      if (!client.isOpen) return;
      if (!client.isReady) return client.destroy();
      await closeWithin(CLOSE_GRACE_MS, () => client.close(), () => client.destroy());
    },
  };
}

/** RabbitMQ over AMQP 0-9-1: a confirm channel, so a publish resolves only once the broker has taken the message. */
export async function createAmqpBroker(url: string, exchange = ''): Promise<BrokerDriver> {
  const amqp = await loadPeer('amqplib', () => import('amqplib'));
  const connect = amqp.connect ?? (amqp as unknown as { default: typeof amqp }).default.connect;
  const connection = await connect(url);
  let closed = false;
  connection.on('error', () => undefined);
  connection.on('close', () => (closed = true));
  const channel = await connection.createConfirmChannel();
  channel.on('error', () => undefined);
  return {
    async publish(topic, payload, headers, signal) {
      if (signal.aborted) throw abortReason(signal);
      await abortable(
        new Promise<void>((resolve, reject) => {
          channel.publish(exchange, topic, Buffer.from(payload), { contentType: 'application/json', persistent: true, headers }, (err) => (err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve()));
        }),
        signal,
      );
      return {};
    },
    async close() {
      if (closed) return;
      await closeWithin(
        CLOSE_GRACE_MS,
        async () => {
          await channel.close().catch(() => undefined);
          await connection.close();
        },
        () => (connection as unknown as { connection?: { stream?: { destroy?(): void } } }).connection?.stream?.destroy?.(),
      );
    },
  };
}

/** NATS core publish; resolves after a flush, i.e. once the server has the message. */
export async function createNatsBroker(servers: string | string[]): Promise<BrokerDriver> {
  const nats = await loadPeer('nats', () => import('nats'));
  const nc = await nats.connect({ servers, maxReconnectAttempts: 0, timeout: 3000 });
  return {
    async publish(topic, payload, headers, signal) {
      if (signal.aborted) throw abortReason(signal);
      const keys = Object.keys(headers);
      let h: ReturnType<typeof nats.headers> | undefined;
      if (keys.length) {
        h = nats.headers();
        for (const k of keys) h.set(k, headers[k]!);
      }
      nc.publish(topic, new TextEncoder().encode(payload), h ? { headers: h } : undefined);
      await abortable(nc.flush(), signal);
      return {};
    },
    async close() {
      if (nc.isClosed()) return;
      await closeWithin(CLOSE_GRACE_MS, () => nc.drain(), () => void nc.close().catch(() => undefined));
    },
  };
}
