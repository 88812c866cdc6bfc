import { DefaultFeaturesMissingError, InvalidScopeError } from './errors';
import type { Features } from './features';
import type { FeatureScopeable } from './scope';
import type { ScopedFeatures } from './scoped-features';

// On the global object, so models and the application share one default even across bundles.
const SLOT = Symbol.for('@switchyard/features.default');
type Holder = { [SLOT]?: Features<any, any> };

/** Makes `features` the one `HasFeatures` models use (`user.features`); call it once at startup. `undefined` clears it. */
export function setDefaultFeatures(features: Features<any, any> | undefined): void {
  if (features) (globalThis as Holder)[SLOT] = features;
  else delete (globalThis as Holder)[SLOT];
}

/** The features set with `setDefaultFeatures`; throws `DefaultFeaturesMissingError` before. */
export function defaultFeatures(): Features<any, any> {
  const features = (globalThis as Holder)[SLOT];
  if (!features) throw new DefaultFeaturesMissingError();
  return features;
}

type Constructor<T = object> = new (...args: any[]) => T;

/** What `HasFeatures` adds to a model. */
export interface WithFeatures extends FeatureScopeable {
  /** The features of this model as a scope: `await user.features.active('new_checkout')`. */
  readonly features: ScopedFeatures<any>;
}

/**
 * Flick's mixin for models used as scopes (`class User extends compose(BaseModel, HasFeatures) {}`,
 * or `class User extends HasFeatures(Base) {}`): `toFeatureIdentifier()` is the primary key (Lucid's
 * `$primaryKeyValue`, else `id`), and `features` the model's features from `setDefaultFeatures`.
 * A model without a primary key yet (not saved) is refused with `InvalidScopeError`.
 */
export function HasFeatures<TBase extends Constructor>(Base: TBase) {
  class ModelWithFeatures extends Base implements WithFeatures {
    toFeatureIdentifier(): string | number {
      const model = this as { $primaryKeyValue?: unknown; id?: unknown };
      const key = model.$primaryKeyValue ?? model.id;
      if (typeof key === 'string' || typeof key === 'number') return key;
      throw new InvalidScopeError(`${this.constructor.name} has no primary key yet (${key === null ? 'null' : typeof key}); save it before using it as a scope`, {
        missing: true,
      });
    }

    get features(): ScopedFeatures<any> {
      return defaultFeatures().for(this);
    }
  }
  return ModelWithFeatures;
}
