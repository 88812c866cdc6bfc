import { fileURLToPath } from 'node:url';
import { Engine } from '@switchyard/core';
import { createMemoryStore } from '@switchyard/store-memory';
import { describe, expect, it } from 'vitest';
import { createWorkflowRunner, formatWorkflowDiagnostic, WorkflowDefinitionError, type WorkflowRunnerOptions } from '../src/index';

const environments: WorkflowRunnerOptions['environments'] = {
  dev: {
    vars: { MAIL_DOMAIN: 'example.test' },
    secrets: { ORDERS_API_TOKEN: 'dev-token' },
    baseUrls: { orders: 'http://127.0.0.1:1', catalogue: 'http://127.0.0.1:1', search: 'http://127.0.0.1:1' },
    databases: { main: { driver: 'sqlite', path: ':memory:' } },
    mailers: { default: { host: '127.0.0.1', port: 2525 } },
    brokers: { events: { driver: 'nats', servers: 'nats://127.0.0.1:4222' } },
    storage: { listings: { driver: 'local', root: '/tmp/listings' } },
  },
};
const sessions: WorkflowRunnerOptions['sessions'] = { 'user-session': { secret: 'k'.repeat(32), claims: ['email'] } };
const runner = (extra: Partial<WorkflowRunnerOptions> = {}) => createWorkflowRunner({ store: createMemoryStore(), environments, sessions, ...extra });

function problems(text: string, extra: Partial<WorkflowRunnerOptions> = {}): string[] {
  try {
    runner(extra).loadText(text, 'workflows/test.yaml');
  } catch (err) {
    if (err instanceof WorkflowDefinitionError) return err.diagnostics.map(formatWorkflowDiagnostic);
    throw err;
  }
  return [];
}

const HEAD = 'tag: wf\nproduct: shop\n';

describe('workflow definitions', () => {
  it('loads the example workflows without errors', async () => {
    const engine = new Engine();
    engine.load({ definitions: [{ key: 'instant-search', type: 'boolean', fallbackValue: false }] });
    const r = runner({ engine });
    const loaded = await r.loadWorkflows(fileURLToPath(new URL('../../../examples/workflows', import.meta.url)));
    expect(loaded.map((w) => w.key).sort()).toEqual(['ecommerce/process_order', 'marketplace/create_listing']);
    expect(r.list().map((w) => w.tag).sort()).toEqual(['create_listing', 'process_order']);
  });

  it('reports YAML syntax errors with their position', () => {
    expect(problems('tag: wf\nproduct: [shop\n')).toEqual([expect.stringMatching(/^workflows\/test\.yaml:3:1: /)]);
    expect(problems('tag: a\ntag: b\n')).toEqual(['workflows/test.yaml:2:1: Map keys must be unique']);
  });

  it('reports an unquoted expression in a flow collection once, where it is, and nothing it caused', () => {
    // Unquoted, the braces of $Input{id} inside { … } are YAML structure: the parser loses step
    // and would report every token after it.
    const flowSteps = Array.from({ length: 150 }, (_, i) => `  - { tag: s${i}, type: http, url: "http://x.test/${i}", body: { n: ${i} } }`).join('\n');
    const one = `${HEAD}input:\n  id: { type: string }\nsteps:\n  - { tag: a, type: http, url: http://x.test/$Input{id}, body: { id: 1 } }\n${flowSteps}\n`;
    expect(problems(one)).toEqual([
      'workflows/test.yaml:6:46: unquoted "$Input{id}" inside a YAML flow collection ({…} or […]), where "{", "}" and "," are structure: quote it ("$Input{id}") or write the collection in block style',
    ]);
    const two = `${HEAD}input:\n  id: { type: string }\nsteps:\n  - tag: a\n    type: http\n    url: http://x.test/\n    body: { id: $Input{id}, at: $Concat('t', $Input{id}), n: 1 }\n${flowSteps}\n`;
    expect(problems(two)).toEqual([
      expect.stringMatching(/^workflows\/test\.yaml:9:17: unquoted "\$Input\{id\}" inside a YAML flow collection/),
      expect.stringMatching(/^workflows\/test\.yaml:9:33: unquoted "\$Concat\('t', \$Input\{id\}\)" inside a YAML flow collection/),
    ]);
    // Quoted, the same text loads.
    expect(problems(one.replace('http://x.test/$Input{id}', '"http://x.test/$Input{id}"'))).toEqual([]);
    // Other syntax errors: the first one only, with any duplicate keys.
    // Other syntax errors: the first one only, with any duplicate keys (which it did not cause).
    const other = `tag: a\ntag: b\nproduct: [x, y\nsteps: { a: [1, 2 }\ndescription: d\ndescription: e\n${flowSteps}\n`;
    expect(problems(other)).toEqual(['workflows/test.yaml:2:1: Map keys must be unique', expect.stringMatching(/^workflows\/test\.yaml:[34]:\d+: /), 'workflows/test.yaml:6:1: Map keys must be unique']);
  });

  it('reports schema problems at the offending key', () => {
    expect(
      problems(`${HEAD}steps:
  - tag: a
    type: http
    url: 12
    colour: red
  - tag: b
    type: teleport
  - tag: c
    type: notify
    channel: sms
`),
    ).toEqual([
      'workflows/test.yaml:6:5 steps[0].url: Invalid input: expected string, received number',
      'workflows/test.yaml:7:5 steps[0].colour: unknown key "colour"',
      'workflows/test.yaml:9:5 steps[1].type: type must be one of http, database, notify, storage, publish, feature',
      'workflows/test.yaml:12:5 steps[2].channel: channel must be "webhook" or "email"',
    ]);
    expect(problems('tag: 1bad\nproduct: ""\nsteps: []\n')).toEqual([
      'workflows/test.yaml:1:1 tag: tag must start with a letter or "_" and contain only letters, digits, "_", "-" and "."',
      'workflows/test.yaml:2:1 product: product must not be empty',
      'workflows/test.yaml:3:1 steps: a workflow needs at least one step',
    ]);
  });

  it('reports bad input declarations', () => {
    // An unknown type is reported alone; without it, every other bad declaration is.
    const others = `  b: { type: integer, min: 5, max: 1 }
  c: { type: string, pattern: "(" }
  d: { type: boolean, min: 1 }
  e: { type: date, min: yesterday }
  f: { type: integer, default: "x" }
  g: { type: string, enum: [1] }
steps:
  - { tag: s, type: http, url: "http://x.test" }
`;
    expect(problems(`${HEAD}input:\n  a: { type: strin }\n${others}`)).toEqual([
      'workflows/test.yaml:4:8 input.a.type: type must be one of string, email, uuid, integer, number, boolean, date, array, object',
    ]);
    expect(problems(`${HEAD}input:\n${others}`)).toEqual([
      'workflows/test.yaml:4:23 input.b.min: min (5) is greater than max (1)',
      'workflows/test.yaml:5:22 input.c.pattern: invalid regular expression "(": missing closing ): `(`',
      'workflows/test.yaml:6:23 input.d.min: min does not apply to boolean',
      'workflows/test.yaml:7:20 input.e.min: min of a date must be an ISO date such as "2024-01-31"',
      'workflows/test.yaml:8:23 input.f.default: must be a whole number, got the string "x"',
      'workflows/test.yaml:9:29 input.g.enum[0]: must be a string, got number 1',
    ]);
  });

  it('reports unknown references, bad dependencies and misuse at load time', () => {
    expect(
      problems(`${HEAD}input:
  id: { type: string }
steps:
  - tag: first
    type: http
    url: http://x.test/$Input{idd}/$Session{user-session}{phone}/$Session{admin}{id}
    headers: { x-a: "$Sequence{second}{body}", x-b: "$Env{NOPE}", x-c: "$Secret{NOPE}" }
  - tag: second
    type: http
    url: http://x.test/$Sequence{first}{bodyy}
    depends_on: [first, third, second]
  - tag: third
    type: database
    connection: main
    sql: SELECT * FROM t WHERE id = '$Input{id}'
    flag: beta
  - tag: fourth
    type: http
    url: relative/path
    if: $Foo{x}
output: { a: "$Sequence{ghost}" }
`),
    ).toEqual([
      'workflows/test.yaml:13:25 steps[1].depends_on[1]: step "third" comes later; a step may only depend on earlier steps',
      'workflows/test.yaml:13:32 steps[1].depends_on[2]: a step cannot depend on itself',
      'workflows/test.yaml:8:5 steps[0].url: $Input{idd}: unknown input field "idd" (inputs: id)',
      'workflows/test.yaml:8:5 steps[0].url: $Session{user-session}{phone}: session "user-session" has no claim "phone" (claims: email)',
      'workflows/test.yaml:8:5 steps[0].url: $Session{admin}: unknown session "admin" (sessions: user-session)',
      'workflows/test.yaml:9:16 steps[0].headers.x-a: $Sequence{second}: step "second" does not run before this step; list it in depends_on (directly or through another dependency)',
      'workflows/test.yaml:9:48 steps[0].headers.x-b: $Env "NOPE" is not defined in any environment (dev)',
      'workflows/test.yaml:9:67 steps[0].headers.x-c: $Secret "NOPE" is not defined in any environment (dev)',
      'workflows/test.yaml:12:5 steps[1].url: $Sequence{first}{bodyy}: a http step\'s result has no field "bodyy" (fields: status, headers, body)',
      'workflows/test.yaml:18:5 steps[2].flag: flag gates need a flag engine: pass `engine` to createWorkflowRunner',
      'workflows/test.yaml:17:5 steps[2].sql: sql must not contain mappings: write placeholders (? for SQLite, $1 for Postgres) and pass the values in params',
      'workflows/test.yaml:22:5 steps[3].if: unknown name "$Foo": expected one of $Input, $Session, $Sequence, $Env, $Secret, $Default, $Concat, $Now, $Lowercase, $Uppercase (write "$$" for a literal "$") (at character 1 of "$Foo{x}")',
      'workflows/test.yaml:21:5 steps[3].url: url must be absolute (http:// or https://) or relative to a base URL named with `base`',
      'workflows/test.yaml:23:11 output.a: $Sequence{ghost}: unknown step "ghost"',
    ]);
  });

  it('reports unknown connections, duplicate tags and feature cycles', () => {
    expect(
      problems(`- tag: a
  product: shop
  steps:
    - { tag: x, type: feature, feature: b }
    - { tag: x, type: publish, broker: kafka, topic: t, message: m }
    - { tag: y, type: storage, action: get, driver: s3, path: p, content: c }
- tag: b
  product: shop
  steps:
    - { tag: z, type: feature, feature: a }
    - { tag: w, type: feature, feature: nowhere }
- tag: b
  product: shop
  steps:
    - { tag: z, type: http, url: "http://x.test" }
`),
    ).toEqual([
      'workflows/test.yaml:12:3 [2].tag: workflow "shop/b" is also defined in workflows/test.yaml',
      'workflows/test.yaml:5:9 [0].steps[1].tag: duplicate step tag "x" (also steps[0])',
      'workflows/test.yaml:5:32 [0].steps[1].broker: broker "kafka" is not defined in any environment (dev)',
      'workflows/test.yaml:6:45 [0].steps[2].driver: storage driver "s3" is not defined in any environment (dev)',
      'workflows/test.yaml:6:66 [0].steps[2].content: content only applies to put, not get',
      'workflows/test.yaml:11:32 [1].steps[1].feature: unknown feature "shop/nowhere"',
      'workflows/test.yaml:4:32 [0].steps[0].feature: feature cycle: shop/a → shop/b → shop/a',
    ]);
  });

  it('validates code-defined workflows the same way, without positions', () => {
    const r = runner();
    expect(() => r.register({ tag: 'c', product: 'p', steps: [{ tag: 's', type: 'http', url: 'http://x.test/$Input{nope}' }] })).toThrow(
      'invalid workflow definition:\n<code:p/c> steps[0].url: $Input{nope}: unknown input field "nope" (this workflow declares no input)',
    );
    const [wf] = r.register({ tag: 'c', product: 'p', steps: [{ tag: 's', type: 'http', url: 'http://x.test/' }] });
    expect(wf!.key).toBe('p/c');
    expect(() => r.register({ tag: 'c', product: 'p', steps: [{ tag: 's', type: 'http', url: 'http://x.test/' }] })).toThrow('workflow "p/c" is already registered (from <code:p/c>)');
  });

  it('reports an unreadable directory', async () => {
    await expect(runner().loadWorkflows('/nonexistent/workflows')).rejects.toThrow('/nonexistent/workflows: cannot read the workflows directory: ENOENT');
  });
});
