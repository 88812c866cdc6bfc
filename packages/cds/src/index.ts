export { FeatureToggles, contextOf, type ChangeProblem, type FeatureTogglesOptions, type ToggleInfo, type ToggleLogger } from './feature-toggles';
export { toggles, hasToggles, setToggles } from './current';
export { parseSettings, settingsSchema, SETTING_NAMES, type FeatureTogglesSettings } from './settings';
export { readToggleConfig, FTS_KEY, type ConfiguredToggle, type ReadToggleConfigOptions, type ToggleSource } from './toggle-config';
export { storeLocation, defaultUniqueName, cfAppUris, type StoreLocation } from './store-location';
export { parseUpdateBody } from './update-body';
export { redisCommandRefusal, DEFAULT_REDIS_COMMANDS } from './redis-commands';
export { FeatureTogglesConfigError, FeatureTogglesNotInitializedError } from './errors';
/** Registers a validator for `{ validator: name }` validations, process-wide (cds-feature-toggles' `registerFeatureValueValidation` by name). */
export { registerValidator, type ValueValidator, type ValidatorResult, type ValidatorFailure } from '@switchyard/core';
