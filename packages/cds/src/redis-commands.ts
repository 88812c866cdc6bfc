/** Commands redisSendCommand passes to Redis by default: read-only diagnostics (as the standalone server). */
export const DEFAULT_REDIS_COMMANDS: readonly string[] = ['INFO', 'PING', 'DBSIZE', 'KEYS', 'SCAN', 'TYPE', 'TTL', 'PTTL', 'EXISTS', 'GET', 'HGETALL', 'LRANGE', 'XLEN', 'MEMORY USAGE', 'SLOWLOG GET'];

/**
 * Why `command` may not run, or `undefined`. Allowed: the defaults plus `SWITCHYARD_REDIS_COMMANDS`
 * (comma-separated; two-word entries such as `CLIENT LIST` allow a subcommand).
 */
export function redisCommandRefusal(command: readonly string[], extra: string | undefined = process.env.SWITCHYARD_REDIS_COMMANDS): string | undefined {
  const allowed = [...DEFAULT_REDIS_COMMANDS, ...(extra ?? '').split(',')].map((c) => c.trim().replace(/\s+/g, ' ').toUpperCase()).filter((c) => c !== '');
  const name = (command[0] ?? '').toUpperCase();
  if (allowed.includes(name)) return name === 'KEYS' && command.length !== 2 ? 'KEYS needs exactly one pattern, e.g. ["KEYS", "features-*"]' : undefined;
  if (allowed.includes(`${name} ${(command[1] ?? '').toUpperCase()}`)) return undefined;
  return `redis command ${JSON.stringify(name)} is not allowed; allowed: ${[...new Set(allowed)].join(', ')} (extend with SWITCHYARD_REDIS_COMMANDS)`;
}
