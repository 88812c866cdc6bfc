import { connect } from 'node:net';

/**
 * Real backing services for tests, overridable by environment variables: the stores (PostgreSQL, Redis)
 * and the brokers the workflow publish steps talk to (RabbitMQ over AMQP, NATS). The README lists them.
 */
export const SERVICES = {
  postgres: { title: 'PostgreSQL', envVar: 'SWITCHYARD_TEST_POSTGRES_URL', defaultUrl: 'postgres://postgres@127.0.0.1:5432/test', defaultPort: 5432 },
  redis: { title: 'Redis', envVar: 'SWITCHYARD_TEST_REDIS_URL', defaultUrl: 'redis://127.0.0.1:6379', defaultPort: 6379 },
  amqp: { title: 'RabbitMQ', envVar: 'SWITCHYARD_TEST_AMQP_URL', defaultUrl: 'amqp://guest:guest@127.0.0.1:5672', defaultPort: 5672 },
  nats: { title: 'NATS', envVar: 'SWITCHYARD_TEST_NATS_URL', defaultUrl: 'nats://127.0.0.1:4222', defaultPort: 4222 },
} as const;

export type ServiceName = keyof typeof SERVICES;

/**
 * The URL of a real service for tests, or `undefined` when it cannot be reached outside CI (the
 * caller skips, and a loud message names the variable to set). Under `CI=true` an unreachable
 * service is an error: service-backed suites must run there.
 */
export async function serviceUrl(name: ServiceName): Promise<string | undefined> {
  const service = SERVICES[name];
  const url = process.env[service.envVar] || service.defaultUrl;
  const parsed = new URL(url);
  const host = parsed.hostname || '127.0.0.1';
  const port = Number(parsed.port || service.defaultPort);
  const reachable = await canConnect(host, port, 1500);
  if (reachable) return url;
  const message = `${service.title} is not reachable at ${host}:${port}; set ${service.envVar} to a ${service.title} URL to run these tests`;
  if (process.env.CI === 'true' || process.env.CI === '1') throw new Error(`${message} (CI=true requires it)`);
  console.warn(`\n!!! SKIPPING ${service.title.toUpperCase()} TESTS: ${message}\n`);
  return undefined;
}

function canConnect(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** A name unique to this test run, for a Postgres schema or a Redis key prefix. */
export function uniqueNamespace(prefix = 'sy_test'): string {
  return `${prefix}_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
}
