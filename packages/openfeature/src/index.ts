export { SwitchyardProvider, type SwitchyardProviderOptions, type TrackingEvent } from './switchyard-provider';
export { REASON_MAP, ERROR_CODE_MAP, toResolution } from './resolution';
export { ChangeDetector } from './change-detector';
export type { FlagSource, SourceSignals } from './sources/flag-source';
export { LocalSource, type LocalSourceOptions } from './sources/local-source';
export { ServerSource, type ServerSourceOptions } from './sources/server-source';
export { OfrepProvider, type OfrepProviderOptions } from './ofrep-provider';
