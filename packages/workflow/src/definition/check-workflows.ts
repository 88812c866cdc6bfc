import { createHash } from 'node:crypto';
import type { Engine } from '@switchyard/core';
import { compileValue, type CompiledValue, type FoundReference, type MappingProblem } from '../mapping/compile-value';
import { normalizeOrigin } from '../net/origin-guard';
import { compileUrlTemplate, type CompiledUrl } from '../steps/url-template';
import { closest } from './closest';
import { compileInputValidator, inputDefinitionIssues } from '../input/validate-input';
import { REGISTERED_CLAIMS, type EnvironmentSettings, type SessionSettings } from '../settings';
import { workflowKey, type CompiledStep, type CompiledWorkflow, type EnvironmentNeeds } from './compiled';
import type { WorkflowDiagnostic } from './diagnostic';
import { durationMs, workflowSchema, type InputField, type StepDefinition, type WorkflowDefinition } from './schema';
import type { DefinitionLocator } from './source-document';

/** One definition waiting to be checked, with where it came from. */
export interface PendingDefinition {
  value: unknown;
  locator: DefinitionLocator;
  /** Path of the definition inside its document (a file may hold a list). */
  basePath: (string | number)[];
}

export interface CheckContext {
  /** Workflows registered already (feature steps may call them). */
  existing: ReadonlyMap<string, CompiledWorkflow>;
  sessions: Readonly<Record<string, SessionSettings>>;
  environments: Readonly<Record<string, EnvironmentSettings>>;
  /** The flag engine that evaluates flag gates, when one is configured. */
  engine?: Engine;
  /** The engine already defines every flag it will have: unknown flags in gates are definition errors. */
  flagsKnownAtLoad: boolean;
}

const COMMON_KEYS = new Set(['tag', 'type', 'description', 'depends_on', 'parallel', 'if', 'retries', 'timeout', 'allow_fail', 'flag']);
/** Fields that name things or hold SQL: never mapped. */
const CONSTANT_KEYS = new Set(['method', 'base', 'accept_status', 'connection', 'sql', 'channel', 'mailer', 'action', 'driver', 'encoding', 'broker', 'feature', 'product']);

/** Result fields each step type produces, for checking `$Sequence{step}{field}`. */
function resultFields(step: StepDefinition): readonly string[] | undefined {
  switch (step.type) {
    case 'http':
      return ['status', 'headers', 'body'];
    case 'database':
      return ['rows', 'rowCount'];
    case 'notify':
      return step.channel === 'webhook' ? ['status', 'headers', 'body'] : ['messageId', 'accepted', 'rejected'];
    case 'storage':
      return step.action === 'get' ? ['path', 'size', 'content', 'encoding'] : step.action === 'put' ? ['path', 'size'] : ['path', 'deleted'];
    case 'publish':
      return ['topic', 'id', 'receivers'];
    case 'feature':
      return undefined;
  }
}

/**
 * Validates definitions (schema, references, dependencies, feature cycles) and compiles them.
 * Returns every problem found; callers register nothing when there is any.
 */
export function checkWorkflows(pending: readonly PendingDefinition[], ctx: CheckContext): { compiled: CompiledWorkflow[]; diagnostics: WorkflowDiagnostic[] } {
  const diagnostics: WorkflowDiagnostic[] = [];
  const parsed: { def: WorkflowDefinition; locator: DefinitionLocator; basePath: (string | number)[] }[] = [];
  for (const p of pending) {
    const result = workflowSchema.safeParse(p.value);
    if (!result.success) {
      for (const issue of result.error.issues) {
        const path = issue.path.filter((s): s is string | number => typeof s !== 'symbol');
        if (issue.code === 'unrecognized_keys') {
          for (const key of issue.keys) diagnostics.push(p.locator.diagnostic([...p.basePath, ...path, key], `unknown key "${key}"`));
        } else {
          diagnostics.push(p.locator.diagnostic([...p.basePath, ...path], issue.message));
        }
      }
      continue;
    }
    parsed.push({ def: result.data, locator: p.locator, basePath: p.basePath });
  }

  // Duplicates, within the batch and against what is registered.
  const byKey = new Map<string, (typeof parsed)[number]>();
  for (const entry of parsed) {
    const key = workflowKey(entry.def.product, entry.def.tag);
    const first = byKey.get(key);
    if (first) diagnostics.push(entry.locator.diagnostic([...entry.basePath, 'tag'], `workflow "${key}" is also defined in ${first.locator.file}`));
    else if (ctx.existing.has(key)) diagnostics.push(entry.locator.diagnostic([...entry.basePath, 'tag'], `workflow "${key}" is already registered (from ${ctx.existing.get(key)!.file})`));
    else byKey.set(key, entry);
  }

  const compiled: CompiledWorkflow[] = [];
  for (const [key, entry] of byKey) {
    const wf = compileOne(key, entry.def, entry.locator, entry.basePath, ctx, byKey, diagnostics);
    if (wf) compiled.push(wf);
  }

  // Feature cycles across everything that would be registered.
  const graph = new Map<string, { targets: { key: string; step: number }[]; entry?: (typeof parsed)[number] }>();
  for (const [key, wf] of ctx.existing) graph.set(key, { targets: featureTargets(wf.definition) });
  for (const [key, entry] of byKey) graph.set(key, { targets: featureTargets(entry.def), entry });
  const reported = new Set<string>();
  for (const [key, node] of graph) {
    if (!node.entry) continue;
    const cycle = findCycle(key, graph);
    if (cycle && !reported.has(cycle.slice().sort().join(','))) {
      reported.add(cycle.slice().sort().join(','));
      const step = node.targets.find((t) => t.key === cycle[1])!.step;
      diagnostics.push(node.entry.locator.diagnostic([...node.entry.basePath, 'steps', step, 'feature'], `feature cycle: ${[...cycle, cycle[0]].join(' → ')}`));
    }
  }
  return { compiled: diagnostics.length ? [] : compiled, diagnostics };
}

function featureTargets(def: WorkflowDefinition): { key: string; step: number }[] {
  const out: { key: string; step: number }[] = [];
  def.steps.forEach((s, i) => {
    if (s.type === 'feature') out.push({ key: workflowKey(s.product ?? def.product, s.feature), step: i });
  });
  return out;
}

/** The cycle through `start` (as a list of keys beginning with `start`), if any. */
function findCycle(start: string, graph: Map<string, { targets: { key: string }[] }>): string[] | undefined {
  const stack: string[] = [];
  const visited = new Set<string>();
  const visit = (key: string): string[] | undefined => {
    if (key === start && stack.length > 0) return [...stack];
    if (visited.has(key)) return undefined;
    visited.add(key);
    stack.push(key);
    for (const t of graph.get(key)?.targets ?? []) {
      const found = visit(t.key);
      if (found) return found;
    }
    stack.pop();
    return undefined;
  };
  return visit(start);
}

function compileOne(
  key: string,
  def: WorkflowDefinition,
  locator: DefinitionLocator,
  base: (string | number)[],
  ctx: CheckContext,
  batch: ReadonlyMap<string, { def: WorkflowDefinition }>,
  diagnostics: WorkflowDiagnostic[],
): CompiledWorkflow | undefined {
  const before = diagnostics.length;
  const report = (path: (string | number)[], message: string) => diagnostics.push(locator.diagnostic([...base, ...path], message));
  const inputs: Record<string, InputField> = def.input ?? {};
  for (const issue of inputDefinitionIssues(inputs)) report(['input', ...issue.path], issue.message);

  const needs: EnvironmentNeeds = { vars: new Set(), secrets: new Set(), baseUrls: new Set(), databases: new Set(), brokers: new Set(), mailers: new Set(), storage: new Set() };
  const sessions = new Set<string>();
  const sessionClaims = new Map<string, Set<string>>();
  const envs = Object.values(ctx.environments);
  const requireNamed = (kind: keyof EnvironmentNeeds, label: string, name: string, path: (string | number)[]) => {
    needs[kind].add(name);
    if (!envs.some((e) => Object.hasOwn(e[kind as keyof EnvironmentSettings] ?? {}, name))) {
      const configured = Object.keys(ctx.environments);
      report(path, configured.length ? `${label} "${name}" is not defined in any environment (${configured.join(', ')})` : `${label} "${name}" needs an environment that defines it; no environments are configured`);
    }
  };

  const tags = new Map<string, number>();
  def.steps.forEach((s, i) => {
    if (tags.has(s.tag)) report(['steps', i, 'tag'], `duplicate step tag "${s.tag}" (also steps[${tags.get(s.tag)}])`);
    else tags.set(s.tag, i);
  });

  // Dependencies: explicit `depends_on`, otherwise the previous stage (a run of steps sharing `parallel`).
  const deps: number[][] = [];
  let stageStart = 0;
  let previousStage: number[] = [];
  def.steps.forEach((s, i) => {
    if (i > 0) {
      const prev = def.steps[i - 1]!;
      if (!(s.parallel !== undefined && s.parallel === prev.parallel)) {
        previousStage = range(stageStart, i);
        stageStart = i;
      }
    }
    if (s.depends_on) {
      const list: number[] = [];
      s.depends_on.forEach((d, j) => {
        const at = tags.get(d);
        if (at === undefined) report(['steps', i, 'depends_on', j], `unknown step "${d}"`);
        else if (at >= i) report(['steps', i, 'depends_on', j], at === i ? 'a step cannot depend on itself' : `step "${d}" comes later; a step may only depend on earlier steps`);
        else list.push(at);
      });
      deps.push(list);
    } else deps.push(previousStage);
  });
  const ancestors: Set<number>[] = [];
  deps.forEach((list, i) => {
    const set = new Set<number>();
    for (const d of list) {
      set.add(d);
      for (const a of ancestors[d] ?? []) set.add(a);
    }
    ancestors[i] = set;
  });

  const checkRefs = (refs: readonly FoundReference[], path: (string | number)[], visibleSteps: Set<number> | 'all') => {
    for (const { node, path: inner } of refs) {
      const where = inner.length ? inner : path;
      const [first, second] = node.path as [string, string | undefined];
      switch (node.source) {
        case 'Input': {
          const field = inputs[first];
          if (!field) {
            const known = Object.keys(inputs);
            report(where, `$Input{${first}}: unknown input field "${first}"${known.length ? ` (inputs: ${known.join(', ')})` : ' (this workflow declares no input)'}`);
          } else if (second !== undefined && field.type === 'object' && field.properties && !Object.hasOwn(field.properties, second)) {
            report(where, `$Input{${first}}{${second}}: "${first}" has no field "${second}"`);
          }
          break;
        }
        case 'Session': {
          const [sessionTag, settings] = findSession(ctx.sessions, first);
          if (!settings) {
            const known = Object.keys(ctx.sessions);
            report(where, `$Session{${first}}: unknown session "${first}"${known.length ? ` (sessions: ${known.join(', ')})` : ' (no sessions are configured)'}`);
          } else if (!settings.claims.includes(second!) && !(REGISTERED_CLAIMS as readonly string[]).includes(second!)) {
            report(where, `$Session{${first}}{${second}}: session "${first}" has no claim "${second}" (claims: ${settings.claims.join(', ')})`);
          } else {
            sessions.add(sessionTag);
            let claims = sessionClaims.get(sessionTag);
            if (!claims) sessionClaims.set(sessionTag, (claims = new Set()));
            claims.add(second!);
          }
          break;
        }
        case 'Sequence': {
          const at = tags.get(first);
          if (at === undefined) {
            report(where, `$Sequence{${first}}: unknown step "${first}"`);
            break;
          }
          if (visibleSteps !== 'all' && !visibleSteps.has(at)) {
            report(where, `$Sequence{${first}}: step "${first}" does not run before this step; list it in depends_on (directly or through another dependency)`);
            break;
          }
          const fields = resultFields(def.steps[at]!);
          const stepDef = def.steps[at]!;
          let known = fields;
          if (!known && stepDef.type === 'feature') {
            const target = batch.get(workflowKey(stepDef.product ?? def.product, stepDef.feature))?.def ?? ctx.existing.get(workflowKey(stepDef.product ?? def.product, stepDef.feature))?.definition;
            const out = target?.output;
            if (out && typeof out === 'object' && !Array.isArray(out)) known = Object.keys(out);
          }
          if (second !== undefined && known && !known.includes(second)) {
            report(where, `$Sequence{${first}}{${second}}: a ${stepDef.type} step's result has no field "${second}" (fields: ${known.join(', ')})`);
          }
          break;
        }
        case 'Env':
          requireNamed('vars', '$Env', first, where);
          break;
        case 'Secret':
          requireNamed('secrets', '$Secret', first, where);
          break;
      }
    }
  };
  const compile = (value: unknown, path: (string | number)[], visible: Set<number> | 'all'): CompiledValue => {
    const problems: MappingProblem[] = [];
    const compiled = compileValue(value, problems, path);
    for (const p of problems) report(p.path, p.error.message);
    checkRefs(compiled.references, path, visible);
    return compiled;
  };

  const steps: CompiledStep[] = def.steps.map((s, i) => {
    const visible = ancestors[i]!;
    const takesUrl = s.type === 'http' || (s.type === 'notify' && s.channel === 'webhook');
    const config: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(s)) if (!COMMON_KEYS.has(k) && !CONSTANT_KEYS.has(k) && !(takesUrl && k === 'url')) config[k] = v;
    let url: CompiledUrl | undefined;
    if (takesUrl) {
      const urlPath = ['steps', i, 'url'];
      url = compileUrlTemplate((s as { url: string }).url, (s as { base?: string }).base !== undefined, (message) => report(urlPath, message), urlPath);
      if (url) checkRefs(url.references, urlPath, visible);
    }
    const compiledConfig = compile(config, ['steps', i], visible);
    const condition = s.if !== undefined ? compile(s.if, ['steps', i, 'if'], visible) : undefined;
    if (s.flag !== undefined) {
      const flagKey = typeof s.flag === 'string' ? s.flag : s.flag.key;
      const flagPath = typeof s.flag === 'string' ? ['steps', i, 'flag'] : ['steps', i, 'flag', 'key'];
      if (!ctx.engine) report(flagPath, 'flag gates need a flag engine: pass `engine` to createWorkflowRunner');
      else if (ctx.flagsKnownAtLoad && !ctx.engine.has(flagKey)) {
        const suggestion = closest(flagKey, ctx.engine.keys());
        report(flagPath, `unknown flag "${flagKey}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`);
      }
    }
    const retry = s.retries;
    const step: CompiledStep = {
      tag: s.tag,
      index: i,
      definition: s,
      deps: deps[i]!,
      config: compiledConfig,
      retry:
        retry === undefined || typeof retry === 'number'
          ? { retries: retry ?? 0, delayMs: 100, factor: 2, maxDelayMs: 10_000 }
          : { retries: retry.attempts, delayMs: retry.delay === undefined ? 100 : durationMs(retry.delay), factor: retry.factor ?? 2, maxDelayMs: retry.max_delay === undefined ? 10_000 : durationMs(retry.max_delay) },
      ...(condition ? { condition } : {}),
      ...(url ? { url } : {}),
      ...(s.timeout !== undefined ? { timeoutMs: durationMs(s.timeout) } : {}),
      ...(s.flag !== undefined ? { flag: typeof s.flag === 'string' ? { key: s.flag, value: true } : { key: s.flag.key, value: s.flag.value === undefined ? true : s.flag.value } } : {}),
    };
    checkStep(s, i);
    return step;
  });

  function checkStep(s: StepDefinition, i: number) {
    switch (s.type) {
      case 'http':
        checkUrlStep(s, i);
        break;
      case 'database':
        requireNamed('databases', 'database connection', s.connection, ['steps', i, 'connection']);
        if (/\$(Input|Session|Sequence|Env|Secret|Default|Concat|Now|Lowercase|Uppercase)[{(]/.test(s.sql)) {
          report(['steps', i, 'sql'], 'sql must not contain mappings: write placeholders (? for SQLite, $1 for Postgres) and pass the values in params');
        }
        break;
      case 'notify':
        if (s.channel === 'webhook') checkUrlStep(s, i);
        if (s.channel === 'email') {
          requireNamed('mailers', 'mailer', s.mailer, ['steps', i, 'mailer']);
          if (s.text === undefined && s.html === undefined) report(['steps', i], 'an email needs text or html');
        }
        break;
      case 'storage':
        requireNamed('storage', 'storage driver', s.driver, ['steps', i, 'driver']);
        if (s.action === 'put' && s.content === undefined) report(['steps', i], 'a put needs content');
        if (s.action !== 'put' && s.content !== undefined) report(['steps', i, 'content'], `content only applies to put, not ${s.action}`);
        break;
      case 'publish':
        requireNamed('brokers', 'broker', s.broker, ['steps', i, 'broker']);
        break;
      case 'feature': {
        const target = workflowKey(s.product ?? def.product, s.feature);
        if (!batch.has(target) && !ctx.existing.has(target)) report(['steps', i, 'feature'], `unknown feature "${target}"`);
        break;
      }
    }
  }

  function checkUrlStep(s: { url: string; base?: string }, i: number) {
    if (s.base !== undefined) requireNamed('baseUrls', 'base URL', s.base, ['steps', i, 'base']);
    else if (!/^\$|^https?:\/\//i.test(s.url)) report(['steps', i, 'url'], 'url must be absolute (http:// or https://) or relative to a base URL named with `base`');
  }

  let allowOrigins: { origins: string[]; bases: string[] } | undefined;
  if (def.allow_origins) {
    const allowed = (allowOrigins = { origins: [] as string[], bases: [] as string[] });
    def.allow_origins.forEach((entry, j) => {
      if (!entry.includes('://')) {
        requireNamed('baseUrls', 'base URL', entry, ['allow_origins', j]);
        allowed.bases.push(entry);
        return;
      }
      try {
        allowed.origins.push(normalizeOrigin(entry));
      } catch (err) {
        report(['allow_origins', j], (err as Error).message);
      }
    });
  }

  const context = def.context !== undefined ? compile(def.context, ['context'], new Set()) : undefined;
  const output = def.output !== undefined ? compile(def.output, ['output'], 'all') : undefined;
  if (diagnostics.length > before) return undefined;
  return {
    key,
    definition: def,
    file: locator.file,
    steps,
    validateInput: compileInputValidator(inputs),
    sessions,
    needs,
    sessionClaims,
    flagContextReadsSessions: !context && def.steps.some((s) => s.flag !== undefined),
    version: createHash('sha256').update(canonicalJson(def)).digest('base64url'),
    ...(output ? { output } : {}),
    ...(context ? { context } : {}),
    ...(def.cache ? { cacheTtlMs: durationMs(def.cache.ttl) } : {}),
    ...(def.step_timeout !== undefined ? { stepTimeoutMs: durationMs(def.step_timeout) } : {}),
    ...(def.deadline !== undefined ? { deadlineMs: durationMs(def.deadline) } : {}),
    ...(allowOrigins ? { allowOrigins } : {}),
  };
}

/** JSON with object keys sorted, so equal values hash equally. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(v).sort()) sorted[key] = (v as Record<string, unknown>)[key];
    return sorted;
  });
}

function range(from: number, to: number): number[] {
  const out: number[] = [];
  for (let i = from; i < to; i++) out.push(i);
  return out;
}

/** A session by its tag or by its `key` alias: `[tag, settings]`, or `[name, undefined]`. */
function findSession(
  sessions: Readonly<Record<string, SessionSettings>>,
  name: string,
): [string, SessionSettings | undefined] {
  if (Object.hasOwn(sessions, name)) return [name, sessions[name]];
  for (const [tag, settings] of Object.entries(sessions)) if (settings.key === name) return [tag, settings];
  return [name, undefined];
}
