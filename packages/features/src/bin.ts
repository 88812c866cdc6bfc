#!/usr/bin/env node
import path from 'node:path';
import { parseArgs } from 'node:util';
import { indexFeatures } from './indexer/index-features';

const USAGE = `usage: switchyard-features index [--dir app/features] [--out <dir>/registry.ts] [--import-extension js|ts|none] [--watch]`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      dir: { type: 'string', default: 'app/features' },
      out: { type: 'string' },
      watch: { type: 'boolean', short: 'w', default: false },
      'import-extension': { type: 'string', default: 'js' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (positionals[0] !== 'index' || positionals.length !== 1) {
    console.error(USAGE);
    return 2;
  }
  const ext = values['import-extension'];
  if (ext !== 'js' && ext !== 'ts' && ext !== 'none') {
    console.error(`--import-extension must be js, ts or none, not "${ext}"`);
    return 2;
  }
  const dir = values.dir;
  const out = values.out ?? path.join(dir, 'registry.ts');
  const report = (count: number, file: string) => console.log(`indexed ${count} feature(s) into ${path.relative(process.cwd(), file) || file}`);
  if (!values.watch) {
    const index = await indexFeatures({ dir, out, importExtension: ext });
    report(index.features.length, index.out);
    return 0;
  }
  const watcher = await indexFeatures({
    dir,
    out,
    importExtension: ext,
    watch: true,
    onChange: (index) => report(index.features.length, index.out),
    onError: (err) => console.error(`switchyard-features: ${err.message}`),
  });
  report(watcher.features.length, watcher.out);
  console.log(`watching ${dir} for feature files (Ctrl+C to stop)`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await watcher.close();
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    console.error(`switchyard-features: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  },
);
