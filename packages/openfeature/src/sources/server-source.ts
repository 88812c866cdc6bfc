import { SwitchyardClient, type ClientOptions } from '@switchyard/client';
import type { Engine } from '@switchyard/core';
import type { FlagSource, SourceSignals } from './flag-source';

/** Client options for a server source; the engine is the provider's. */
export type ServerSourceOptions = Omit<ClientOptions, 'engine' | 'engineOptions' | 'environment'>;

/** A Switchyard server: an initial snapshot over HTTP, then the event stream (through `@switchyard/client`). */
export class ServerSource implements FlagSource {
  readonly description: string;
  private client: SwitchyardClient | undefined;

  constructor(private readonly options: ServerSourceOptions) {
    this.description = `server ${options.url}`;
  }

  async start(engine: Engine, signals: SourceSignals): Promise<{ stale: boolean }> {
    const client = new SwitchyardClient({ ...this.options, engine, onError: (err) => this.options.onError?.(err) });
    this.client = client;
    client.on('stale', (err) => signals.stale(err.message));
    client.on('ready', () => signals.recovered());
    await client.ready();
    return { stale: client.status !== 'ready' };
  }

  async close(): Promise<void> {
    await this.client?.close();
  }
}
