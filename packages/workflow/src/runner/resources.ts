import { createAmqpBroker, createNatsBroker, createRedisBroker } from '../drivers/brokers';
import { createLocalStorage } from '../drivers/local-storage';
import { createPostgresDriver } from '../drivers/postgres';
import { createSmtpMailer } from '../drivers/smtp';
import { createSqliteDriver } from '../drivers/sqlite';
import type { BrokerDriver, DatabaseDriver, MailDriver, StorageDriver } from '../drivers/types';
import type { BrokerSettings, DatabaseSettings, EnvironmentSettings, MailerSettings, StorageSettings } from '../settings';

type Closable = { close?(): Promise<void> };

/**
 * Connections named by environments, opened on first use and shared by every run of the runner.
 * Drivers passed as objects are used as they are and closed with the runner.
 */
export class Resources {
  private readonly open = new Map<string, Promise<Closable>>();

  constructor(private readonly environments: Readonly<Record<string, EnvironmentSettings>>) {}

  database(env: string, name: string): Promise<DatabaseDriver> {
    return this.get(env, 'databases', name, (s: DatabaseSettings) => {
      if ('query' in s) return Promise.resolve(s);
      return s.driver === 'sqlite' ? createSqliteDriver(s.path, { readonly: s.readonly ?? false }) : createPostgresDriver(s.url, { max: s.max ?? 5 });
    });
  }

  broker(env: string, name: string): Promise<BrokerDriver> {
    return this.get(env, 'brokers', name, (s: BrokerSettings) => {
      if ('publish' in s) return Promise.resolve(s);
      switch (s.driver) {
        case 'redis':
          return createRedisBroker(s.url, s.mode ?? 'stream');
        case 'amqp':
          return createAmqpBroker(s.url, s.exchange ?? '');
        case 'nats':
          return createNatsBroker(s.servers);
      }
    });
  }

  mailer(env: string, name: string): Promise<MailDriver> {
    return this.get(env, 'mailers', name, (s: MailerSettings) => ('send' in s ? Promise.resolve(s) : createSmtpMailer(s)));
  }

  storage(env: string, name: string): Promise<StorageDriver> {
    return this.get(env, 'storage', name, (s: StorageSettings) => ('put' in s ? Promise.resolve(s) : Promise.resolve(createLocalStorage(s.root))));
  }

  /** Closes everything opened so far. */
  async close(): Promise<void> {
    const all = [...this.open.values()];
    this.open.clear();
    await Promise.allSettled(all.map(async (p) => (await p).close?.()));
  }

  private get<S, D extends Closable>(env: string, kind: 'databases' | 'brokers' | 'mailers' | 'storage', name: string, create: (settings: S) => Promise<D>): Promise<D> {
    const id = `${env}\u0000${kind}\u0000${name}`;
    let entry = this.open.get(id) as Promise<D> | undefined;
    if (!entry) {
      const settings = this.environments[env]?.[kind]?.[name] as S | undefined;
      if (settings === undefined) return Promise.reject(new Error(`environment "${env}" defines no ${kind.replace(/s$/, '')} "${name}"`));
      entry = create(settings);
      // A failed connection is not cached: the next attempt (or retry) tries again.
      entry.catch(() => this.open.delete(id));
      this.open.set(id, entry);
    }
    return entry;
  }
}
