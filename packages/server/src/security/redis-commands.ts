/**
 * Where a read-only command names its keys: every key must lie under the store's own prefix, so
 * the passthrough never reads another tenant's data on a shared Redis.
 * - `first`: the argument after the command name (`GET key`);
 * - `second`: the argument after a two-word command (`MEMORY USAGE key`);
 * - `all`: every argument (`EXISTS k1 k2`);
 * - `pattern`: a glob that must start with the prefix (`KEYS prefix:*`);
 * - `scan`: `SCAN cursor MATCH prefix:* [COUNT n] [TYPE t]`;
 * - `none`: no key (`PING`).
 */
type KeySpec = 'first' | 'second' | 'all' | 'pattern' | 'scan' | 'none';

/**
 * Every command the passthrough can ever run: read-only, on keys only (nothing server-wide such
 * as `INFO`, `CONFIG`, `CLIENT`, `SLOWLOG`, `DBSIZE`, which show other tenants' data and the
 * server's settings). Two-word entries name a command with its subcommand.
 */
export const READ_ONLY_KEY_COMMANDS: Readonly<Record<string, KeySpec>> = {
  PING: 'none',
  KEYS: 'pattern',
  SCAN: 'scan',
  TYPE: 'first',
  TTL: 'first',
  PTTL: 'first',
  EXISTS: 'all',
  GET: 'first',
  STRLEN: 'first',
  HGET: 'first',
  HGETALL: 'first',
  HKEYS: 'first',
  HLEN: 'first',
  LRANGE: 'first',
  LLEN: 'first',
  SMEMBERS: 'first',
  SCARD: 'first',
  ZRANGE: 'first',
  ZCARD: 'first',
  XLEN: 'first',
  XRANGE: 'first',
  'MEMORY USAGE': 'second',
  'OBJECT ENCODING': 'second',
};

/** Commands `redisSendCommand` passes through by default; `SWITCHYARD_REDIS_COMMANDS` may add others of `READ_ONLY_KEY_COMMANDS`. */
export const DEFAULT_REDIS_COMMANDS: readonly string[] = ['PING', 'KEYS', 'SCAN', 'TYPE', 'TTL', 'PTTL', 'EXISTS', 'GET', 'HGETALL', 'LRANGE', 'XLEN', 'MEMORY USAGE'];

/** Why a configured extra command cannot be allowed, or `undefined`. */
export function redisCommandEntryProblem(entry: string): string | undefined {
  const name = normalize(entry);
  if (Object.hasOwn(READ_ONLY_KEY_COMMANDS, name)) return undefined;
  return `redis command "${name}" cannot be allowed: only read-only commands on the store's own keys can (${Object.keys(READ_ONLY_KEY_COMMANDS).join(', ')})`;
}

/**
 * Decides which raw commands may reach Redis: an explicit allow-list of read-only commands whose
 * keys (or key patterns) all lie under the store's prefix. Everything else is refused (403).
 */
export class RedisCommandPolicy {
  private readonly enabled = new Set<string>();
  readonly allowed: readonly string[];

  /** `extra` extends the defaults with entries of `READ_ONLY_KEY_COMMANDS` (case-insensitive); others throw. */
  constructor(extra: readonly string[] = []) {
    const all = [...new Set([...DEFAULT_REDIS_COMMANDS, ...extra].map(normalize).filter((c) => c !== ''))];
    for (const entry of all) {
      const problem = redisCommandEntryProblem(entry);
      if (problem) throw new Error(problem);
      this.enabled.add(entry);
    }
    this.allowed = all;
  }

  /** `undefined` when `command` may run on a store whose keys start with `prefix`, else why it may not. */
  refusal(command: readonly string[], prefix: string): string | undefined {
    const name = (command[0] ?? '').toUpperCase();
    const sub = `${name} ${(command[1] ?? '').toUpperCase()}`;
    const entry = this.enabled.has(sub) ? sub : this.enabled.has(name) ? name : undefined;
    if (!entry) {
      const shown = command.length > 1 && Object.hasOwn(READ_ONLY_KEY_COMMANDS, sub) ? sub : name;
      return `redis command ${JSON.stringify(shown.slice(0, 60))} is not allowed; allowed: ${this.allowed.join(', ')}, on this store's keys (${prefix}*) only`;
    }
    const outside = (key: string | undefined) => key === undefined || !key.startsWith(prefix);
    const args = command.slice(1);
    switch (READ_ONLY_KEY_COMMANDS[entry]) {
      case 'none':
        return undefined;
      case 'first':
        return outside(args[0]) ? `${entry} may only read this store's keys, which start with "${prefix}"` : undefined;
      case 'second':
        return outside(args[1]) ? `${entry} may only read this store's keys, which start with "${prefix}"` : undefined;
      case 'all':
        return args.length === 0 || args.some(outside) ? `${entry} may only read this store's keys, which start with "${prefix}"` : undefined;
      case 'pattern':
        if (args.length !== 1) return `KEYS needs exactly one pattern, e.g. ["KEYS", "${prefix}*"]`;
        return patternInside(args[0]!, prefix) ? undefined : `KEYS patterns must start with this store's prefix, e.g. ["KEYS", "${prefix}*"]`;
      case 'scan':
        return scanRefusal(args, prefix);
    }
  }
}

/** A glob is inside the prefix when it starts with the prefix literally (no glob character before its end). */
function patternInside(pattern: string, prefix: string): boolean {
  return pattern.startsWith(prefix) && !/[*?[\\]/.test(prefix);
}

function scanRefusal(args: readonly string[], prefix: string): string | undefined {
  const usage = `SCAN needs a cursor and MATCH with this store's prefix, e.g. ["SCAN", "0", "MATCH", "${prefix}*", "COUNT", "100"]`;
  if (args.length < 3 || !/^\d+$/.test(args[0]!)) return usage;
  let match: string | undefined;
  for (let i = 1; i < args.length; i += 2) {
    const option = args[i]!.toUpperCase();
    const value = args[i + 1];
    if (value === undefined) return usage;
    if (option === 'MATCH') match = value;
    else if (option === 'COUNT') {
      if (!/^\d+$/.test(value)) return usage;
    } else if (option !== 'TYPE') return usage;
  }
  return match !== undefined && patternInside(match, prefix) ? undefined : usage;
}

function normalize(entry: string): string {
  return entry.trim().replace(/\s+/g, ' ').toUpperCase();
}
