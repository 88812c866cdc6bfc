/**
 * Property-test settings shared by every package. `pnpm test` runs each property with a fixed
 * seed, so a run can never fail by chance; `pnpm test:fuzz` draws a fresh seed and runs every
 * property more often. Either way the seed is printed, and `FC_SEED=<n>` replays it.
 *
 * - `FC_SEED`: the seed every `fc.assert` uses (default {@link DEFAULT_PROPERTY_SEED}).
 * - `FC_RUNS_FACTOR`: multiplies each property's run count (default 1; `pnpm test:fuzz` uses 10).
 */
export const DEFAULT_PROPERTY_SEED = 20_261_205;

function envNumber(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new Error(`${name} must be a number, got ${JSON.stringify(raw)}`);
  return value;
}

/** The seed property tests use in this run. */
export function propertySeed(): number {
  return envNumber('FC_SEED') ?? DEFAULT_PROPERTY_SEED;
}

/** How many times more often than their base count properties run (`FC_RUNS_FACTOR`). */
export function propertyRunsFactor(): number {
  const factor = envNumber('FC_RUNS_FACTOR') ?? 1;
  if (factor <= 0) throw new Error(`FC_RUNS_FACTOR must be positive, got ${factor}`);
  return factor;
}

/** A property's run count scaled for this run: `{ numRuns: runs(500) }`. */
export function runs(base: number): number {
  return Math.max(1, Math.round(base * propertyRunsFactor()));
}
