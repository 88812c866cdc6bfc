import { packageConfig } from '../../tooling/tsup.base';

// A runnable entry point, not a library: ESM only, no declarations.
export default packageConfig({ entry: ['src/main.ts'], format: ['esm'], dts: false, banner: { js: '#!/usr/bin/env node' } });
