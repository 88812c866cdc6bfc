import { packageConfig } from '../../tooling/tsup.base';

// ESM only, with code splitting, so each command (and the drivers it imports) loads only when it runs.
export default packageConfig({ format: ['esm'], splitting: true });
