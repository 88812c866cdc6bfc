export { SwitchyardClient, createClient, type ClientOptions, type ClientStatus } from './switchyard-client';
export { RemoteClient, createRemoteClient, type RemoteClientOptions } from './remote-client';
export type { ClientEvents } from './listeners';
export type { ConnectionOptions } from './http';
export type { BackoffOptions } from './backoff';
export { backoffDelay } from './backoff';
export { ServerUnavailableError, ServerResponseError } from './errors';
export { checkSnapshot, readSnapshotFile, writeSnapshotFile, changedKeys, type ClientSnapshot } from './snapshot';
