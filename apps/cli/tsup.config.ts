import { defineConfig } from 'tsup';

// The executable: one ESM entry with a shebang; workspace packages stay external and load from their builds.
export default defineConfig({
  entry: { bin: 'src/bin.ts' },
  format: ['esm'],
  dts: false,
  sourcemap: true,
  clean: true,
  target: 'node20',
  platform: 'node',
  banner: { js: '#!/usr/bin/env node' },
});
