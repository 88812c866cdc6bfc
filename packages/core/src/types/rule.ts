import type { Condition } from './condition';
import type { FlagValue, JsonObject, JsonValue } from './values';

/** Serve one value. */
export interface StaticRule {
  type: 'static';
  value: FlagValue;
  /** Optional variant name reported with the value. */
  variant?: string;
}

/** One weighted value of a variant split. */
export interface WeightedVariant {
  value: FlagValue;
  /** Percentage of units that get this value; fractional weights are allowed. All weights sum to 100. */
  weight: number;
  /** Variant name; defaults to the value itself for strings, numbers and booleans, else `variant-<index>`. */
  name?: string;
}

/** Sticky weighted split (A/B/n test). */
export interface VariantRule {
  type: 'variant';
  variants: WeightedVariant[];
  /** Context attribute whose value keeps a unit on the same variant. Default `targetingKey`. */
  stickiness?: string;
  /** Bucketing seed; default the flag key, so flags bucket independently. */
  seed?: string;
}

/** Serve `value` to a sticky `percentage` of units; the rest get `otherwise` (or fall through). */
export interface RolloutRule {
  type: 'rollout';
  percentage: number;
  value: FlagValue;
  otherwise?: Rule;
  stickiness?: string;
  seed?: string;
}

/** A time window; both ends inclusive at the precision written (`23:59:59` covers that whole second). */
export interface ScheduleWindow {
  /** ISO 8601 or `YYYY-MM-DD HH:mm:ss`; open-ended when absent. */
  from?: string;
  to?: string;
}

/** Serve `value` (default `true`) inside any window, else `otherwise` (default `false` for boolean flags). */
export interface ScheduleRule {
  type: 'schedule';
  windows: ScheduleWindow[];
  /** IANA time zone for dates written without an offset. Default `UTC`. */
  timezone?: string;
  value?: FlagValue;
  otherwise?: Rule;
}

/** One targeting rule: when the condition holds, `serve` decides the value. */
export interface TargetingClause {
  /** Shown in evaluation metadata (`rule`) to explain why a value was served. */
  name?: string;
  when: Condition;
  serve: Rule;
}

/** Ordered targeting: the first clause whose condition holds serves; else `otherwise` (or fall through). */
export interface TargetingRule {
  type: 'targeting';
  rules: TargetingClause[];
  otherwise?: Rule;
}

/** True when an external source (issue tracker, backlog) reports every listed item in `state`. */
export interface AcceptanceRule {
  type: 'acceptance';
  /** Name of a registered acceptance source, e.g. `pivotal`. */
  source: string;
  /** Required state of every item, e.g. `delivered`. */
  state: string;
  /** Items as the source understands them, e.g. `{projectId, storyId}`. */
  items: JsonObject[];
  value?: FlagValue;
  otherwise?: Rule;
}

/**
 * A flag decided the way flagd decides it: `targeting` (JsonLogic with flagd's operators `fractional`,
 * `sem_ver`, `starts_with`, `ends_with`) names a variant; `null` or no targeting serves `defaultVariant`.
 * Without a default variant the answer carries no value and callers use their own default.
 */
export interface FlagdRule {
  type: 'flagd';
  /** Variant name → value. */
  variants: Record<string, FlagValue>;
  /** Served when there is no targeting or it returns `null`; absent: no value (the caller's default). */
  defaultVariant?: string;
  /** JsonLogic; `$ref`s to shared evaluators are resolved before a definition is built. */
  targeting?: JsonValue;
}

/** One constraint of an Unleash strategy, as Unleash writes it. */
export interface UnleashConstraint {
  contextName: string;
  operator: string;
  values?: string[];
  value?: string;
  inverted?: boolean;
  caseInsensitive?: boolean;
}

/** One Unleash variant: `weight` out of the sum of all weights (Unleash uses 1000). */
export interface UnleashVariant {
  name: string;
  weight: number;
  stickiness?: string;
  payload?: { type: string; value: string };
  overrides?: { contextName: string; values: string[] }[];
}

/** One Unleash activation strategy (`default`, `flexibleRollout`, `userWithId`, `remoteAddress`, …). */
export interface UnleashStrategy {
  name: string;
  /** Unleash writes every parameter as text (`rollout: "50"`). */
  parameters?: Record<string, string>;
  /** All must hold; segment constraints are included here. */
  constraints?: UnleashConstraint[];
  /** Strategy variants; when present they decide the variant instead of the feature's. */
  variants?: UnleashVariant[];
}

/**
 * A feature decided the way Unleash decides it: the first strategy whose constraints hold and which
 * is enabled for the context enables the feature (no strategies: enabled for everyone); variants are
 * chosen with Unleash's normalized murmur3 hash. Serves `true`/`false` (boolean flags only); the
 * variant name is the result's `variant`, its payload is in the metadata.
 */
export interface UnleashRule {
  type: 'unleash';
  /** The feature's name in Unleash: the default `groupId` of rollouts and the group of variant hashing. */
  feature: string;
  strategies: UnleashStrategy[];
  /** Feature variants, used when the deciding strategy has none. */
  variants?: UnleashVariant[];
}

export type Rule = StaticRule | VariantRule | RolloutRule | ScheduleRule | TargetingRule | AcceptanceRule | FlagdRule | UnleashRule;
export type RuleType = Rule['type'];
