export { openStore, parseStoreUrl, DEFAULT_STORE_URL, type OpenStoreOptions } from './open-store';
export { redactUrl } from './redact';
export { SUPPORTED_SCHEMES, supportedSchemesText } from './schemes';
