const SECRET_PARAMS = /^(password|pass|pwd|secret|token|auth|access[_-]?key|api[_-]?key)$/i;
const MASK = '***';

/**
 * The URL with its password (and password-like query parameters) replaced by `***`, for logs.
 * Text that does not parse as a URL is masked from `://user:` to its last `@`.
 */
export function redactUrl(url: string | URL): string {
  let parsed: URL;
  try {
    parsed = typeof url === 'string' ? new URL(url) : new URL(url.href);
  } catch {
    // Up to the last `@`: an unencoded `@` or space in a password must not leave a part of it visible.
    return String(url).replace(/(\/\/[^/:@\s]*:).*@/, `$1${MASK}@`);
  }
  if (parsed.password) parsed.password = MASK;
  for (const name of [...parsed.searchParams.keys()]) if (SECRET_PARAMS.test(name)) parsed.searchParams.set(name, MASK);
  return parsed.href.replaceAll('%2A%2A%2A', MASK);
}
