#!/usr/bin/env node
import path from 'node:path';
import { parseArgs } from 'node:util';
import { importExtensionOf, runFeatureIndex } from './indexer/index-command';

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
  const importExtension = importExtensionOf(values['import-extension']);
  if (!importExtension) {
    console.error(`--import-extension must be js, ts or none, not "${values['import-extension']}"`);
    return 2;
  }
  await runFeatureIndex(
    { dir: values.dir, ...(values.out !== undefined ? { out: values.out } : {}), watch: values.watch, importExtension },
    {
      indexed: (index) => console.log(`indexed ${index.features.length} feature(s) into ${path.relative(process.cwd(), index.out) || index.out}`),
      watching: (dir) => console.log(`watching ${dir} for feature files (Ctrl+C to stop)`),
      error: (err) => console.error(`switchyard-features: ${err.message}`),
    },
  );
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    console.error(`switchyard-features: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  },
);
