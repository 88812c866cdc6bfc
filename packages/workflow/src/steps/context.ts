import type { CompiledStep } from '../definition/compiled';
import type { MappingScope } from '../mapping/evaluate';
import type { OriginGuard } from '../net/origin-guard';
import type { Resources } from '../runner/resources';
import type { EnvironmentSettings } from '../settings';
import type { SecretBinding } from './secret-binding';

/** Where a step's HTTP requests may go. */
export interface StepNetwork {
  guard: OriginGuard;
  /** The workflow's `allow_origins`, resolved for the run's environment. */
  allowOrigins?: readonly string[];
  secrets: readonly SecretBinding[];
}

/** What a step executor gets besides its resolved fields. */
export interface StepContext {
  env: string;
  settings: EnvironmentSettings;
  resources: Resources;
  network: StepNetwork;
  signal: AbortSignal;
  step: CompiledStep;
  /** What the step's mappings read (for fields compiled apart, such as `url`). */
  scope: MappingScope;
  /** Runs another feature in the same environment and session; resolves with its output. */
  runFeature(product: string, featureTag: string, input: Record<string, unknown>, signal: AbortSignal): Promise<unknown>;
}

/** A step's mapped fields after resolution. */
export type Resolved = Record<string, unknown>;
