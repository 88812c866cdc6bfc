export { featuresMiddleware, requireFeature, defaultContext, type FeaturesMiddlewareOptions, type RequireFeatureOptions } from './middleware';
export { RequestFeatures } from './request-features';
