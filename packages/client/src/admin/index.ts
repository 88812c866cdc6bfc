export { createAdminClient } from './admin-client';
export type { AdminCallOptions, AdminClient, AdminClientOptions, AdminWriteOptions } from './admin-client';
export { AdminApiError, AdminNetworkError, AdminTimeoutError, adminApiErrorOf } from './errors';
export type * from './contract';
