/** Reported by `/v1/admin/info` and the OpenAPI document; kept in step with package.json. */
export const SERVER_VERSION = '0.1.0';
