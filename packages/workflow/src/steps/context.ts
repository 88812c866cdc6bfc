import type { CompiledStep } from '../definition/compiled';
import type { Resources } from '../runner/resources';
import type { EnvironmentSettings } from '../settings';

/** What a step executor gets besides its resolved fields. */
export interface StepContext {
  env: string;
  settings: EnvironmentSettings;
  resources: Resources;
  signal: AbortSignal;
  step: CompiledStep;
  /** Runs another feature in the same environment and session; resolves with its output. */
  runFeature(product: string, featureTag: string, input: Record<string, unknown>, signal: AbortSignal): Promise<unknown>;
}

/** A step's mapped fields after resolution. */
export type Resolved = Record<string, unknown>;
