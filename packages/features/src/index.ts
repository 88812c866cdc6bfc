export { Feature, defineFeature } from './feature';
export type {
  AnyRegistry,
  BeforeHook,
  FeatureClass,
  FeatureContext,
  FeatureDefinition,
  FeatureSource,
  FeatureValueOf,
  RegistryOf,
  ResolveFunction,
} from './feature';
export { Features, createFeatures, type FeaturesOptions } from './features';
export { ScopedFeatures, type MatchHandlers } from './scoped-features';
export { FeatureFake, type FakeResolution } from './fake';
export { FeatureNotDefinedError, InvalidScopeError } from './errors';
export { NULL_SCOPE_ID, scopeIdOf, type FeatureScopeable, type ScopeIdentifier } from './scope';
export { indexFeatures, type IndexFeaturesOptions, type IndexedFeature, type FeatureIndex, type FeatureIndexWatcher } from './indexer/index-features';
export { renderRegistry } from './indexer/render-registry';
