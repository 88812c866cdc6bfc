export { createRuntime, type Runtime, type RuntimeOptions, type RuntimeManifests, type RuntimeState } from './runtime';
export { RuntimeStartError, isRuntimeStartError, type RuntimeStartFailure } from './runtime-start-error';
export type { RuntimeEvents, RuntimeErrorEvent, RuntimeListener } from './runtime-events';
