import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { OpenFeature, ProviderEvents, type Client } from '@openfeature/server-sdk';
import type { SwitchyardProvider } from '../src/index';

export function tempDir(prefix = 'sy-of-'): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

let domains = 0;

/** Registers the provider under a fresh domain and records every provider event of that domain. */
export async function attach(provider: SwitchyardProvider): Promise<{ client: Client; events: { type: ProviderEvents; flagsChanged?: string[]; message?: string; at: number }[]; domain: string }> {
  const domain = `switchyard-test-${++domains}`;
  const client = OpenFeature.getClient(domain);
  const events: { type: ProviderEvents; flagsChanged?: string[]; message?: string; at: number }[] = [];
  for (const type of [ProviderEvents.Ready, ProviderEvents.Error, ProviderEvents.Stale, ProviderEvents.ConfigurationChanged]) {
    client.addHandler(type, (details) => {
      events.push({ type, flagsChanged: details?.flagsChanged as string[] | undefined, message: details?.message, at: performance.now() });
    });
  }
  await OpenFeature.setProviderAndWait(domain, provider);
  return { client, events, domain };
}

/** Resolves when `predicate` holds, polling every few milliseconds; rejects after `timeoutMs`. */
export async function until(predicate: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A loopback port nothing listens on. */
export async function closedPort(): Promise<number> {
  const { createServer } = await import('node:net');
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Replaces a file the way editors do (a hidden temporary file renamed over it), so a watcher never reads half a file. */
export async function writeAtomic(file: string, text: string): Promise<void> {
  const { renameSync, writeFileSync } = await import('node:fs');
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.tmp`);
  writeFileSync(temp, text);
  renameSync(temp, file);
}
