export { Feature, BaseFeature, defineFeature } from './feature';
export type {
  AnyRegistry,
  BeforeHook,
  FeatureClass,
  FeatureContext,
  FeatureDefinition,
  FeatureScopeOf,
  FeatureSource,
  FeatureValueOf,
  RegistryOf,
  ResolveClass,
  ResolveFunction,
  ScopesOf,
} from './feature';
export { Features, createFeatures, type AnyScopes, type FeaturesOptions, type NamesFor, type ScopedFor } from './features';
export { HasFeatures, setDefaultFeatures, defaultFeatures, type WithFeatures } from './has-features';
export { ScopedFeatures, type MatchHandlers } from './scoped-features';
export { FeatureFake, type FakeResolution } from './fake';
export { FeatureNotDefinedError, InvalidScopeError, FeatureConstructionError, DefaultFeaturesMissingError } from './errors';
export { NULL_SCOPE_ID, scopeIdOf, type FeatureScopeable, type ScopeIdentifier } from './scope';
export { indexFeatures, type IndexFeaturesOptions, type IndexedFeature, type FeatureIndex, type FeatureIndexWatcher } from './indexer/index-features';
export { renderRegistry } from './indexer/render-registry';
export { runFeatureIndex, importExtensionOf, type FeatureIndexCommandOptions, type FeatureIndexReporter, type ImportExtension } from './indexer/index-command';
