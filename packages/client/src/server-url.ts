/**
 * A server's base URL as requests are built from it: parsed, http or https only, without trailing
 * slashes. Anything else is a `TypeError` naming what was given.
 */
export function serverBaseUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError(`"${url}" is not a valid server URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new TypeError(`server URL must use http or https, got "${parsed.protocol}"`);
  return parsed.href.replace(/\/+$/, '');
}
