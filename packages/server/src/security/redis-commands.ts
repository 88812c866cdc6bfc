/**
 * Redis commands `redisSendCommand` passes through by default: read-only diagnostics. Two-word
 * entries match a command with its subcommand (`MEMORY USAGE key`).
 */
export const DEFAULT_REDIS_COMMANDS: readonly string[] = [
  'INFO',
  'PING',
  'DBSIZE',
  'KEYS',
  'SCAN',
  'TYPE',
  'TTL',
  'PTTL',
  'EXISTS',
  'GET',
  'HGETALL',
  'LRANGE',
  'XLEN',
  'MEMORY USAGE',
  'SLOWLOG GET',
];

/** Decides which raw commands may reach Redis; everything not listed is refused. */
export class RedisCommandPolicy {
  private readonly single = new Set<string>();
  private readonly withSub = new Set<string>();
  readonly allowed: readonly string[];

  /** `extra` extends the defaults (e.g. `CLIENT LIST`); entries are case-insensitive. */
  constructor(extra: readonly string[] = []) {
    const all = [...new Set([...DEFAULT_REDIS_COMMANDS, ...extra].map(normalize).filter((c) => c !== ''))];
    for (const entry of all) (entry.includes(' ') ? this.withSub : this.single).add(entry);
    this.allowed = all;
  }

  /** `undefined` when `command` may run, else why it may not. */
  refusal(command: readonly string[]): string | undefined {
    const name = (command[0] ?? '').toUpperCase();
    if (this.single.has(name)) {
      // KEYS without a pattern is a Redis error anyway; KEYS with several is not a Redis command shape.
      if (name === 'KEYS' && command.length !== 2) return 'KEYS needs exactly one pattern, e.g. ["KEYS", "switchyard:*"]';
      return undefined;
    }
    const sub = `${name} ${(command[1] ?? '').toUpperCase()}`;
    if (this.withSub.has(sub)) return undefined;
    const shown = command.length > 1 && [...this.withSub].some((c) => c.startsWith(`${name} `)) ? sub : name;
    return `redis command ${JSON.stringify(shown)} is not allowed; allowed: ${this.allowed.join(', ')} (extend with SWITCHYARD_REDIS_COMMANDS)`;
  }
}

function normalize(entry: string): string {
  return entry.trim().replace(/\s+/g, ' ').toUpperCase();
}
