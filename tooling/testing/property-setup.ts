import fc from 'fast-check';
import { propertyRunsFactor, propertySeed } from './property';

// Every property in the file under test draws from the same seed: a run is reproducible, and
// `FC_SEED` replays one printed by `pnpm test:fuzz`.
fc.configureGlobal({ seed: propertySeed(), numRuns: Math.max(1, Math.round(100 * propertyRunsFactor())) });
