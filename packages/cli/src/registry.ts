import type { CommandModule } from './context';

/** One option of a command, in commander's syntax (`-e, --env <name>`). */
export interface OptionSpec {
  flags: string;
  description: string;
  /** Environment variable read when the option is not given. */
  env?: string;
  choices?: readonly string[];
  /** May be given several times; the values are collected in order. */
  repeatable?: boolean;
  default?: string | boolean;
}

/** One command (or group of subcommands), declared here and implemented in its own module. */
export interface CommandSpec {
  name: string;
  summary: string;
  /** Positional arguments in commander's syntax: `<path...>`, `[flag]`. */
  args?: readonly string[];
  options?: readonly OptionSpec[];
  examples?: readonly string[];
  /** Loads the implementation; only the command that runs is ever loaded. */
  load?: () => Promise<CommandModule>;
  subcommands?: readonly CommandSpec[];
  /** Hands unknown options through to the implementation instead of refusing them. */
  passThrough?: boolean;
}

const JSON_OPTION: OptionSpec = { flags: '--json', description: 'print machine-readable JSON instead of tables' };
const STORE_OPTION: OptionSpec = { flags: '--store <url>', description: 'store URL: memory:, sqlite:PATH, postgres://…, redis://…', env: 'SWITCHYARD_STORE' };
const REQUIRED_STORE: OptionSpec = { ...STORE_OPTION, description: `${STORE_OPTION.description} (required)` };
/** A mistyped `sqlite:` path is refused instead of creating an empty database (and folders); `--create` asks for one. */
const CREATE_OPTION: OptionSpec = { flags: '--create', description: 'create the SQLite database (and its folder) when the --store path names none' };
const SERVER_OPTIONS: readonly OptionSpec[] = [
  { flags: '--server <url>', description: 'base URL of a running switchyard server', env: 'SWITCHYARD_SERVER' },
  { flags: '--api-key <key>', description: 'API key sent to the server', env: 'SWITCHYARD_API_KEY' },
];
/** `--store` or `--server`: where flags and values are read and written. */
const BACKEND_OPTIONS: readonly OptionSpec[] = [STORE_OPTION, CREATE_OPTION, ...SERVER_OPTIONS];
const ACTOR_OPTION: OptionSpec = { flags: '--actor <name>', description: 'who makes the change, for the audit log (store only)', env: 'SWITCHYARD_ACTOR', default: 'cli' };
const EXPECT_VERSION: OptionSpec = { flags: '--expect-version <n>', description: 'refuse the write unless the flag is at this version (0: must not exist)' };
const SCOPE_OPTION: OptionSpec = { flags: '--scope <key=value>', description: 'scope of the value, e.g. tenant=acme (repeat for several)', repeatable: true };
/** Options of the commands that write maintained values (`values set`, `values clear`). */
const VALUE_WRITE_OPTIONS: readonly OptionSpec[] = [
  SCOPE_OPTION,
  { flags: '--clear-sub-scopes', description: 'also remove values of more specific scopes' },
  { flags: '--remote-only', description: 'allow a key without a definition' },
  { flags: '--expect-version <n>', description: "refuse unless the key's values are at this version" },
  ACTOR_OPTION,
  ...BACKEND_OPTIONS,
  JSON_OPTION,
];

/** A `flags` subcommand that changes one flag by key, optionally at an expected version. */
function flagWriteCommand(name: string, summary: string, example: string, load: CommandSpec['load']): CommandSpec {
  return { name, summary, args: ['<key>'], options: [EXPECT_VERSION, ACTOR_OPTION, ...BACKEND_OPTIONS, JSON_OPTION], examples: [example], load };
}

/** Every command of `switchyard`, in the order `--help` lists them. */
export const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'validate',
    summary: 'check manifests and print every problem as file:line:col',
    args: ['<path...>'],
    options: [JSON_OPTION, { flags: '-c, --config <file>', description: "the server's config file: acceptance flags whose source it does not configure are warned about", env: 'SWITCHYARD_CONFIG' }],
    examples: ['switchyard validate examples/manifests', 'switchyard validate flags/checkout.yaml flags/pricing.json --json', 'switchyard validate flags/ --config switchyard.yaml'],
    load: () => import('./commands/validate'),
  },
  {
    name: 'eval',
    summary: 'evaluate one flag (or all) for a context and show value, variant and reason',
    args: ['[flag]'],
    options: [
      { flags: '--all', description: 'evaluate every flag' },
      { flags: '-e, --env <name>', description: 'environment whose rules apply', env: 'SWITCHYARD_ENV' },
      { flags: '-c, --context <key=value>', description: 'context attribute; numbers and true/false are parsed (repeat for several)', repeatable: true },
      { flags: '--context-json <json>', description: 'the whole context as a JSON object (--context entries override it)' },
      { flags: '--manifests <path>', description: 'manifest directory or file (default: $SWITCHYARD_MANIFESTS)' },
      STORE_OPTION,
      ...SERVER_OPTIONS,
      JSON_OPTION,
    ],
    examples: [
      'switchyard eval new-checkout --manifests examples/manifests --env production -c country=DE -c age=30 -c plan=pro',
      'switchyard eval --all --manifests examples/manifests --env production --context-json \'{"targetingKey":"user-1"}\' --json',
      'switchyard eval /check/priority --store sqlite:./data/switchyard.db -c tenant=people',
      'switchyard eval search-ranking --server http://localhost:3000 -c targetingKey=u-42',
    ],
    load: () => import('./commands/eval'),
  },
  {
    name: 'serve',
    summary: 'run the reference server (same options and environment as apps/server)',
    options: [
      { flags: '-p, --port <port>', description: 'port to listen on (PORT, default 3000)' },
      { flags: '--host <host>', description: 'address to listen on (HOST, default 127.0.0.1)' },
      { flags: '-m, --manifests <dir>', description: 'manifest directory, reloaded on change (SWITCHYARD_MANIFESTS or DEFAULT_DATA_SOURCE; default ./examples/manifests when it exists)' },
      { flags: '-s, --store <url>', description: 'store URL (SWITCHYARD_STORE, default sqlite:./data/switchyard.db)' },
      { flags: '-e, --env <name>', description: 'default environment (SWITCHYARD_ENV or NODE_ENV; default: all)' },
      { flags: '-c, --config <file>', description: 'JSON or YAML configuration file (SWITCHYARD_CONFIG)' },
      { flags: '--insecure', description: 'allow a non-loopback address without credentials' },
      { flags: '--allowed-host <names>', description: 'host names served besides localhost without credentials (SWITCHYARD_ALLOWED_HOSTS; repeatable, comma lists)', repeatable: true },
      { flags: '--log-level <level>', description: 'fatal, error, warn, info, debug, trace or silent' },
      { flags: '--body-limit <bytes>', description: 'largest accepted request body (default 1048576)' },
      { flags: '--no-watch', description: 'do not reload manifests when files change' },
      { flags: '-w, --workflows <dir>', description: 'folder of feature workflows served at /v1/features/run (SWITCHYARD_WORKFLOWS)' },
      { flags: '--cors-origin <origin>', description: 'browser origin allowed to call the API cross-origin (SWITCHYARD_CORS_ORIGINS; repeatable)', repeatable: true },
    ],
    examples: [
      'switchyard serve --manifests examples/manifests --store sqlite:./data/switchyard.db',
      'SWITCHYARD_API_KEYS="$(openssl rand -hex 24):admin" switchyard serve --host 0.0.0.0 --port 8080',
    ],
    passThrough: true,
    load: () => import('./commands/serve'),
  },
  {
    name: 'flags',
    summary: 'list, show, create, change and delete flag definitions in a store or server',
    subcommands: [
      {
        name: 'list',
        summary: 'list flags',
        options: [{ flags: '--flag-set <name>', description: 'only flags of this flag set' }, { flags: '--enabled-only', description: 'leave out disabled flags' }, ...BACKEND_OPTIONS, JSON_OPTION],
        examples: ['switchyard flags list --store sqlite:./data/switchyard.db', 'switchyard flags list --server http://localhost:3000 --json'],
        load: () => import('./commands/flags/list'),
      },
      {
        name: 'get',
        summary: 'show one flag definition',
        args: ['<key>'],
        options: [...BACKEND_OPTIONS, { flags: '--format <format>', description: 'print the definition as yaml or json', choices: ['yaml', 'json'] }, JSON_OPTION],
        examples: ['switchyard flags get new-checkout --store sqlite:./data/switchyard.db', 'switchyard flags get /check/priority --server http://localhost:3000 --json'],
        load: () => import('./commands/flags/get'),
      },
      {
        name: 'set',
        summary: 'create or replace a flag from a file, or create/change a simple flag with options',
        args: ['<key>'],
        options: [
          { flags: '-f, --file <path>', description: 'YAML or JSON file holding the flag definition' },
          { flags: '--type <type>', description: 'flag type (new flags)', choices: ['boolean', 'string', 'number', 'object'] },
          { flags: '--fallback <value>', description: 'fallback value, read according to the type' },
          { flags: '--description <text>', description: 'description' },
          { flags: '--flag-set <name>', description: 'flag set the flag belongs to' },
          { flags: '--tag <tag>', description: 'tag (repeat for several; replaces the tags)', repeatable: true },
          EXPECT_VERSION,
          ACTOR_OPTION,
          ...BACKEND_OPTIONS,
          JSON_OPTION,
        ],
        examples: [
          'switchyard flags set dark-mode --type boolean --fallback false --description "Dark theme" --store sqlite:./data/switchyard.db --create',
          'switchyard flags set checkout --file checkout.yaml --expect-version 3 --server http://localhost:3000',
        ],
        load: () => import('./commands/flags/set'),
      },
      flagWriteCommand('enable', 'turn a flag on (its rules apply again)', 'switchyard flags enable dark-mode --store sqlite:./data/switchyard.db', () => import('./commands/flags/enable')),
      flagWriteCommand('disable', 'turn a flag off (it serves its fallback)', 'switchyard flags disable dark-mode --server http://localhost:3000 --api-key $KEY', () => import('./commands/flags/disable')),
      flagWriteCommand('delete', 'delete a flag and its maintained values', 'switchyard flags delete dark-mode --store sqlite:./data/switchyard.db --expect-version 4', () => import('./commands/flags/delete')),
    ],
  },
  {
    name: 'values',
    summary: 'show, set and clear maintained values (root and per scope)',
    subcommands: [
      {
        name: 'list',
        summary: 'show maintained values, of every key or of one',
        args: ['[key]'],
        options: [...BACKEND_OPTIONS, JSON_OPTION],
        examples: ['switchyard values list --store sqlite:./data/switchyard.db', 'switchyard values list /check/priority --server http://localhost:3000'],
        load: () => import('./commands/values/list'),
      },
      {
        name: 'set',
        summary: 'set the value of a flag at the root or at a scope',
        args: ['<key>', '<value>'],
        options: VALUE_WRITE_OPTIONS,
        examples: [
          'switchyard values set /check/priority 10 --scope tenant=people --store sqlite:./data/switchyard.db',
          'switchyard values set checkout-max-items 500 --server http://localhost:3000 --api-key $KEY',
        ],
        load: () => import('./commands/values/set'),
      },
      {
        name: 'clear',
        summary: 'remove the value of a flag at the root or at a scope',
        args: ['<key>'],
        options: VALUE_WRITE_OPTIONS,
        examples: ['switchyard values clear /check/priority --scope user=alice --store sqlite:./data/switchyard.db', 'switchyard values clear /check/priority --clear-sub-scopes --store sqlite:./data/switchyard.db'],
        load: () => import('./commands/values/clear'),
      },
    ],
  },
  {
    name: 'migrate',
    summary: "apply the store's pending schema migrations",
    options: [REQUIRED_STORE, CREATE_OPTION, JSON_OPTION],
    examples: ['switchyard migrate --store postgres://postgres@localhost:5432/switchyard', 'switchyard migrate --store sqlite:./data/switchyard.db --create'],
    load: () => import('./commands/migrate'),
  },
  {
    name: 'import',
    summary: 'write manifests (or an Unleash export) into a store, all or nothing',
    args: ['<path...>'],
    options: [
      { ...STORE_OPTION, description: `${STORE_OPTION.description} (required unless --output)` },
      CREATE_OPTION,
      { flags: '--from <system>', description: 'what the paths hold: manifests, or an unleash export (JSON)', choices: ['manifests', 'unleash'], default: 'manifests' },
      { flags: '--prune', description: 'also delete stored flags the manifests do not define' },
      { flags: '--dry-run', description: 'validate and show what would change, write nothing' },
      { flags: '--environment <name>', description: 'with --from unleash: the environment of an export that holds several' },
      { flags: '--flag-set <name>', description: 'with --from unleash: put the flags into this flag set' },
      { flags: '-o, --output <file>', description: 'with --from unleash: write a native manifest (.yaml or .json) instead of a store' },
      ACTOR_OPTION,
      JSON_OPTION,
    ],
    examples: [
      'switchyard import examples/manifests --store sqlite:./data/switchyard.db --create',
      'switchyard import flags/ --store postgres://localhost/switchyard --prune',
      'switchyard import --from unleash unleash-export.json --store sqlite:./data/switchyard.db',
      'switchyard import --from unleash unleash-export.json -o flags/unleash.yaml',
    ],
    load: () => import('./commands/import'),
  },
  {
    name: 'export',
    summary: "print a store's flags and values as one native (or flagd) manifest",
    options: [
      REQUIRED_STORE,
      { flags: '--format <format>', description: 'yaml, json, or flagd (a flagd flag-definition file)', choices: ['yaml', 'json', 'flagd'], default: 'yaml' },
      { flags: '--environment <name>', description: 'with --format flagd: the environment whose rules are written (flagd has none)' },
      { flags: '--skip-unrepresentable', description: 'with --format flagd: write the flags flagd can express and list the others, instead of refusing' },
      { flags: '--flag-set <name>', description: 'only flags of this flag set' },
      { flags: '-o, --output <file>', description: 'write to a file instead of stdout' },
    ],
    examples: [
      'switchyard export --store sqlite:./data/switchyard.db > flags.yaml',
      'switchyard export --store redis://localhost:6379 --format json -o flags.json',
      'switchyard export --store sqlite:./data/switchyard.db --format flagd --environment production -o flags.flagd.json',
    ],
    load: () => import('./commands/export'),
  },
  {
    name: 'diff',
    summary: 'show what importing manifests would change in a store',
    args: ['<path...>'],
    options: [
      REQUIRED_STORE,
      { flags: '--prune', description: 'also show stored flags an import --prune would delete' },
      { flags: '--exit-code', description: 'exit with 1 when there are differences' },
      JSON_OPTION,
    ],
    examples: ['switchyard diff examples/manifests --store sqlite:./data/switchyard.db', 'switchyard diff flags/ --store postgres://localhost/switchyard --prune --exit-code'],
    load: () => import('./commands/diff'),
  },
  {
    name: 'run',
    summary: 'run a workflow feature (features.run) locally or on a server',
    args: ['<feature_tag>'],
    options: [
      { flags: '-e, --env <name>', description: 'environment the feature runs in (required)', env: 'SWITCHYARD_ENV' },
      { flags: '--product <name>', description: 'product the feature belongs to (required)' },
      { flags: '--input-json <json>', description: 'the input as a JSON object' },
      { flags: '--input-file <file>', description: 'read the input JSON from a file' },
      { flags: '--session-tag <tag>', description: 'session tag of --token' },
      { flags: '--token <jwt>', description: 'session token (JWT) verified with the key of its session tag' },
      { flags: '--cache <tag>', description: 'reuse the output cached under this tag, or cache it' },
      { flags: '--workflows <dir>', description: 'folder of workflow definitions (local runs)', env: 'SWITCHYARD_WORKFLOWS' },
      { flags: '--config <file>', description: 'server config file with workflows.environments and workflows.sessions', env: 'SWITCHYARD_CONFIG' },
      { flags: '--manifests <path>', description: 'manifests for flag gates (local runs)', env: 'SWITCHYARD_MANIFESTS' },
      { ...STORE_OPTION, description: 'store for the cache and run records (local runs; default: in memory)' },
      CREATE_OPTION,
      ...SERVER_OPTIONS,
      JSON_OPTION,
    ],
    examples: [
      'switchyard run process_order --env prd --product ecommerce --workflows examples/workflows --config switchyard.yaml --input-json \'{"orderId":"3f2b…","customerEmail":"ada@example.com"}\'',
      'switchyard run create_listing --env prd --product marketplace --server http://localhost:3000 --api-key $KEY --session-tag user-session --token $JWT --input-json \'{"title":"Vintage Watch","price":250}\'',
    ],
    load: () => import('./commands/run'),
  },
  {
    name: 'features',
    summary: 'index code-defined features, inspect and purge their stored results',
    subcommands: [
      {
        name: 'index',
        summary: 'write the typed registry of *_feature.ts files (once, or on every change with --watch)',
        options: [
          { flags: '--dir <dir>', description: 'folder of feature files', default: 'app/features' },
          { flags: '--out <file>', description: 'registry file to write (default: <dir>/registry.ts)' },
          { flags: '-w, --watch', description: 'index again whenever a feature file is added or removed' },
          { flags: '--import-extension <ext>', description: 'extension of the registry imports: js, ts or none', default: 'js' },
        ],
        examples: ['switchyard features index --dir app/features', 'switchyard features index --dir src/features --out src/features/registry.ts --watch'],
        load: () => import('./commands/features/index'),
      },
      {
        name: 'list',
        summary: 'list features with stored results',
        options: [...BACKEND_OPTIONS, JSON_OPTION],
        examples: ['switchyard features list --store redis://localhost:6379'],
        load: () => import('./commands/features/list'),
      },
      {
        name: 'purge',
        summary: 'remove stored results of the named features, or of all features',
        args: ['[names...]'],
        options: [{ flags: '--except <names...>', description: 'keep the results of these features' }, ...BACKEND_OPTIONS, JSON_OPTION],
        examples: ['switchyard features purge pricing-tier --store redis://localhost:6379', 'switchyard features purge --except billing-plan --server http://localhost:3000 --api-key $KEY'],
        load: () => import('./commands/features/purge'),
      },
    ],
  },
];
