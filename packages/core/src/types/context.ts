/**
 * The evaluation context: who or what a flag is evaluated for. `targetingKey` is the default
 * unit for sticky splits; other attributes feed conditions and scope lookups.
 */
export interface EvaluationContext {
  targetingKey?: string;
  [attribute: string]: unknown;
}

export interface EvaluateOptions {
  /** Environment whose rule applies; defaults to the engine's environment. */
  environment?: string;
}
