export type * from './types/values';
export type * from './types/condition';
export type * from './types/rule';
export type * from './types/flag';
export type * from './types/context';
export type * from './types/evaluation';
export type * from './store/store';
export * from './errors/index';
export * from './hash/index';
export * from './operators/index';
export * from './scope/scope-key';
export {
  FLAG_KEY_PATTERN,
  isFlagKey,
  flagKeyProblem,
  regexProblem,
  flagDefinitionSchema,
  flagKeySchema,
  flagTypeSchema,
  flagValueSchema,
  jsonValueSchema,
  conditionSchema,
  ruleSchema,
  validationSchema,
  valueMatchesType,
  invalidTypeMessage,
  typeOfValue,
  variantName,
} from './schema/definition-schema';
export { scopeMapSchema } from './schema/scope-schema';
export { RESERVED_KEYS, isReservedKey } from './schema/reserved-keys';
export { compilePattern, patternProblem, MAX_PATTERN_LENGTH, type LinearRegex, type CompiledPattern } from './regex/linear-regex';
export { acceptCommonDefinition } from './schema/common-definition';
export { definitionIssues, parseDefinition, safeParseDefinition } from './schema/parse-definition';
export { strictObject, knownKeysOf } from './schema/strict-object';
export { conditionProblem } from './schema/condition-checks';
export { editDistance, closestMatch, didYouMean, unknownKeyMessage } from './text/did-you-mean';
export { validateValue, validateValueAsync, type ValidateValueOptions } from './validation/validate-value';
export {
  ValidatorRegistry,
  registerValidator,
  globalValidators,
  toValidatorRegistry,
  lookupValidator,
  moduleValidatorId,
  customValidatorId,
  customValidatorLabel,
  isCustomValidation,
  formatValidatorMessage,
  validatorMessages,
  type ValueValidator,
  type ValidatorFailure,
  type ValidatorResult,
  type ValidatorSource,
  type CustomValidation,
} from './validation/validators';
export { parseInstant, isValidTimezone, type ParsedInstant } from './compile/dates';
export {
  validateValueUpdates,
  validateValueUpdatesAsync,
  applyValueUpdate,
  applyValueUpdates,
  entriesOf,
  valuesFromEntries,
  overlayValues,
} from './store/value-updates';
export { prepareFlagWrite, prepareFlagWrites, parseFlagWrites, checkExpectedVersion } from './store/prepare-flag';
export { Engine, createEngine, type EngineOptions, type EngineSnapshot, type EngineChange, type LoadOptions } from './engine/engine';
export type { AcceptanceSource } from './engine/acceptance';
export { compileCondition, type Predicate } from './compile/compile-condition';
export { DEFAULT_SCOPE_ORDER } from './compile/compile-scoped';
export { findPrerequisiteCycle } from './engine/prerequisites';
export { EngineSync, type EngineSyncOptions, type EngineSyncStatus } from './sync/engine-sync';
export { decodeChange, ChangeHub, consoleStoreLogger } from './store/change-hub';
export { checkKey, checkFeatureArgs, checkTtl, toJson, auditLimit, checkAuditMaxEntries } from './store/check-args';
export { TrailingTask } from './store/trailing-task';
export { StoreBase } from './store/store-base';
export { takeNamespaceParam, whenReady } from './store/open-store-url';
export { StoreKit, actorOf, checkUpdates, checkFeatureNames, checkValueBatch, validateUpdates, type StoreKitOptions } from './store/store-kit';
export { compileLogic, truthy, LogicError, type Logic, type CustomOperator, type CompileLogicOptions } from './jsonlogic/compile-logic';
export { compileFlagdTargeting, flagdOperators, hasTargeting } from './flagd/compile-flagd-rule';
export { fractional, bucketOfHash } from './flagd/fractional';
export { semVer, startsWith, endsWith } from './flagd/sem-ver';
export { isFlagdFlag, usesAcceptance } from './compile/compile-flag';
export { normalizedHash, VARIANT_SEED } from './unleash/hash';
export { contextValue as unleashContextValue } from './unleash/context';
export { UNLEASH_OPERATORS } from './unleash/constraints';
export { UNLEASH_STRATEGIES } from './unleash/strategies';
export { DISABLED_VARIANT } from './unleash/compile-unleash-rule';
export * from './diagnostic';
export * from './admin-api';
