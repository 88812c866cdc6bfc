import { copyFileSync } from 'node:fs';
import path from 'node:path';
import { OpenFeature, type Client } from '@openfeature/server-sdk';
import { createLogger, parseServerConfig, startServer, type RunningServer } from '@switchyard/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OfrepProvider, SwitchyardProvider } from '../src/index';
import { locateTestbed, runScenario, scenarios, TESTBED_TAG, verifyPinned } from './flagd-testbed';
import { tempDir } from './helpers';

const found = locateTestbed();
if ('missing' in found) {
  console.warn(`\n  ⚠ SKIPPED: the flagd evaluator conformance suite. ${found.missing}\n`);
}
const suite = 'dir' in found ? scenarios(found.dir) : { included: [], excluded: [] };

describe.skipIf(!('dir' in found))(`flagd-testbed ${TESTBED_TAG} evaluator suite`, () => {
  const dir = 'dir' in found ? found.dir : '';
  let temp: ReturnType<typeof tempDir>;
  let server: RunningServer;
  let inProcess: Client;
  let ofrep: Client;

  beforeAll(async () => {
    temp = tempDir('sy-flagd-');
    // The suite's flag file as it is, in a manifests directory.
    copyFileSync(path.join(dir, 'flags', 'testkit-flags.json'), path.join(temp.dir, 'testkit-flags.json'));
    const parsed = parseServerConfig(['--port', '0', '--manifests', temp.dir, '--store', 'memory:', '--log-level', 'silent'], {});
    if (parsed.errors) throw new Error(parsed.errors.join('; '));
    server = await startServer(parsed.config, { handleSignals: false, requestLogging: false, defaultMetrics: false, logger: createLogger('silent'), graceMs: 100 });
    await OpenFeature.setProviderAndWait('flagd-in-process', new SwitchyardProvider({ manifests: temp.dir, watch: false }));
    await OpenFeature.setProviderAndWait('flagd-ofrep', new OfrepProvider({ baseUrl: server.url }));
    inProcess = OpenFeature.getClient('flagd-in-process');
    ofrep = OpenFeature.getClient('flagd-ofrep');
  });

  afterAll(async () => {
    await OpenFeature.clearProviders();
    await server?.close();
    temp?.remove();
  });

  it('is the pinned version, and only the legacy @fractional-v1 examples are left out', () => {
    verifyPinned(dir);
    expect(suite.included.length).toBeGreaterThan(100);
    for (const s of suite.excluded) expect(s.pickle.tags.map((t) => t.name)).toContain('@fractional-v1');
  });

  describe('through the in-process OpenFeature provider', () => {
    for (const s of suite.included) it(s.name, () => runScenario(inProcess, s.pickle));
  });

  describe("through the server's OFREP endpoints", () => {
    for (const s of suite.included) it(s.name, () => runScenario(ofrep, s.pickle));
  });
});
