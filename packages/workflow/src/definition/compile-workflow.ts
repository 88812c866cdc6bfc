import { createHash } from 'node:crypto';
import type { Diagnostic, Engine } from '@switchyard/core';
import { compileValue, type CompiledValue, type FoundReference, type MappingProblem } from '../mapping/compile-value';
import { normalizeOrigin } from '../net/origin-guard';
import { compileUrlTemplate, type CompiledUrl } from '../steps/url-template';
import { closest } from './closest';
import { compileInputValidator, inputDefinitionIssues } from '../input/validate-input';
import { REGISTERED_CLAIMS, type EnvironmentSettings, type SessionSettings } from '../settings';
import { workflowKey, type CompiledStep, type CompiledWorkflow, type EnvironmentNeeds } from './compiled';
import { durationMs, type InputField, type StepDefinition, type WorkflowDefinition } from './schema';
import type { DefinitionLocator } from './source-document';

/** What compiling a workflow checks against. */
export interface CompileContext {
  /** Workflows registered already (feature steps may call them). */
  existing: ReadonlyMap<string, CompiledWorkflow>;
  sessions: Readonly<Record<string, SessionSettings>>;
  environments: Readonly<Record<string, EnvironmentSettings>>;
  /** The flag engine that evaluates flag gates, when one is configured. */
  engine?: Engine;
  /** The engine already defines every flag it will have: unknown flags in gates are definition errors. */
  flagsKnownAtLoad: boolean;
}

type Path = (string | number)[];
type Visible = Set<number> | 'all';

/** One workflow being compiled: its definition, what it was found to need, and where problems go. */
interface Compilation {
  def: WorkflowDefinition;
  ctx: CompileContext;
  batch: ReadonlyMap<string, { def: WorkflowDefinition }>;
  inputs: Record<string, InputField>;
  needs: EnvironmentNeeds;
  sessions: Set<string>;
  sessionClaims: Map<string, Set<string>>;
  /** Step index by tag. */
  tags: Map<string, number>;
  report: (path: Path, message: string) => void;
  /** Records that the workflow needs `name` of `kind`, and reports it when no environment defines it. */
  requireNamed: (kind: keyof EnvironmentNeeds, label: string, name: string, path: Path) => void;
}

const COMMON_KEYS = new Set(['tag', 'type', 'description', 'depends_on', 'parallel', 'if', 'retries', 'timeout', 'allow_fail', 'flag']);
/** Fields that name things or hold SQL: never mapped. */
const CONSTANT_KEYS = new Set(['method', 'base', 'accept_status', 'connection', 'sql', 'channel', 'mailer', 'action', 'driver', 'encoding', 'broker', 'feature', 'product']);

/** What one workflow is compiled from, and where its problems go. */
export interface CompilationInput {
  def: WorkflowDefinition;
  locator: DefinitionLocator;
  /** Where the workflow sits in its file: the start of every diagnostic's path. */
  base: Path;
  ctx: CompileContext;
  /** The workflows checked together, by key. */
  batch: ReadonlyMap<string, { def: WorkflowDefinition }>;
  diagnostics: Diagnostic[];
}

/**
 * Checks one workflow (inputs, step tags, dependencies, mapping references, step settings,
 * origins) and compiles it. Problems go to `diagnostics`; `undefined` when there was any.
 */
export function compileWorkflow(key: string, input: CompilationInput): CompiledWorkflow | undefined {
  const { def, locator, diagnostics } = input;
  const before = diagnostics.length;
  const c = startCompilation(input);
  for (const issue of inputDefinitionIssues(c.inputs)) c.report(['input', ...issue.path], issue.message);
  checkStepTags(c);
  const { deps, ancestors } = stepDependencies(c);
  const steps = def.steps.map((s, i) => compileStep(c, s, i, deps[i]!, ancestors[i]!));
  const allowOrigins = compileAllowOrigins(c);
  const context = def.context !== undefined ? compileMapped(c, def.context, ['context'], new Set()) : undefined;
  const output = def.output !== undefined ? compileMapped(c, def.output, ['output'], 'all') : undefined;
  if (diagnostics.length > before) return undefined;
  return {
    key,
    definition: def,
    file: locator.file,
    steps,
    validateInput: compileInputValidator(c.inputs),
    sessions: c.sessions,
    needs: c.needs,
    sessionClaims: c.sessionClaims,
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

function startCompilation({ def, locator, base, ctx, batch, diagnostics }: CompilationInput): Compilation {
  const needs: EnvironmentNeeds = { vars: new Set(), secrets: new Set(), baseUrls: new Set(), databases: new Set(), brokers: new Set(), mailers: new Set(), storage: new Set() };
  const report = (path: Path, message: string) => void diagnostics.push(locator.diagnostic([...base, ...path], message));
  const envs = Object.values(ctx.environments);
  const requireNamed = (kind: keyof EnvironmentNeeds, label: string, name: string, path: Path) => {
    needs[kind].add(name);
    if (!envs.some((e) => Object.hasOwn(e[kind] ?? {}, name))) {
      const configured = Object.keys(ctx.environments);
      report(path, configured.length ? `${label} "${name}" is not defined in any environment (${configured.join(', ')})` : `${label} "${name}" needs an environment that defines it; no environments are configured`);
    }
  };
  return { def, ctx, batch, inputs: def.input ?? {}, needs, sessions: new Set(), sessionClaims: new Map(), tags: new Map(), report, requireNamed };
}

function checkStepTags(c: Compilation): void {
  c.def.steps.forEach((s, i) => {
    if (c.tags.has(s.tag)) c.report(['steps', i, 'tag'], `duplicate step tag "${s.tag}" (also steps[${c.tags.get(s.tag)}])`);
    else c.tags.set(s.tag, i);
  });
}

/**
 * Each step's dependencies (explicit `depends_on`, otherwise the previous stage: a run of steps
 * sharing `parallel`) and everything that runs before it (its ancestors).
 */
function stepDependencies(c: Compilation): { deps: number[][]; ancestors: Set<number>[] } {
  const { def, tags, report } = c;
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
  return { deps, ancestors };
}

/** Checks the `$Input`, `$Session`, `$Sequence`, `$Env` and `$Secret` references of a mapped value. */
function checkReferences(c: Compilation, refs: readonly FoundReference[], path: Path, visible: Visible): void {
  for (const { node, path: inner } of refs) {
    const where = inner.length ? inner : path;
    const [first, second] = node.path as [string, string | undefined];
    switch (node.source) {
      case 'Input':
        checkInputReference(c, first, second, where);
        break;
      case 'Session':
        checkSessionReference(c, first, second, where);
        break;
      case 'Sequence':
        checkSequenceReference(c, first, second, where, visible);
        break;
      case 'Env':
        c.requireNamed('vars', '$Env', first, where);
        break;
      case 'Secret':
        c.requireNamed('secrets', '$Secret', first, where);
        break;
    }
  }
}

function checkInputReference(c: Compilation, first: string, second: string | undefined, where: Path): void {
  const field = c.inputs[first];
  if (!field) {
    const known = Object.keys(c.inputs);
    c.report(where, `$Input{${first}}: unknown input field "${first}"${known.length ? ` (inputs: ${known.join(', ')})` : ' (this workflow declares no input)'}`);
  } else if (second !== undefined && field.type === 'object' && field.properties && !Object.hasOwn(field.properties, second)) {
    c.report(where, `$Input{${first}}{${second}}: "${first}" has no field "${second}"`);
  }
}

function checkSessionReference(c: Compilation, first: string, second: string | undefined, where: Path): void {
  const [sessionTag, settings] = findSession(c.ctx.sessions, first);
  if (!settings) {
    const known = Object.keys(c.ctx.sessions);
    c.report(where, `$Session{${first}}: unknown session "${first}"${known.length ? ` (sessions: ${known.join(', ')})` : ' (no sessions are configured)'}`);
  } else if (!settings.claims.includes(second!) && !(REGISTERED_CLAIMS as readonly string[]).includes(second!)) {
    c.report(where, `$Session{${first}}{${second}}: session "${first}" has no claim "${second}" (claims: ${settings.claims.join(', ')})`);
  } else {
    c.sessions.add(sessionTag);
    let claims = c.sessionClaims.get(sessionTag);
    if (!claims) c.sessionClaims.set(sessionTag, (claims = new Set()));
    claims.add(second!);
  }
}

function checkSequenceReference(c: Compilation, first: string, second: string | undefined, where: Path, visible: Visible): void {
  const { def, ctx } = c;
  const at = c.tags.get(first);
  if (at === undefined) {
    c.report(where, `$Sequence{${first}}: unknown step "${first}"`);
    return;
  }
  if (visible !== 'all' && !visible.has(at)) {
    c.report(where, `$Sequence{${first}}: step "${first}" does not run before this step; list it in depends_on (directly or through another dependency)`);
    return;
  }
  const stepDef = def.steps[at]!;
  let known = resultFields(stepDef);
  if (!known && stepDef.type === 'feature') {
    const targetKey = workflowKey(stepDef.product ?? def.product, stepDef.feature);
    const target = c.batch.get(targetKey)?.def ?? ctx.existing.get(targetKey)?.definition;
    const out = target?.output;
    if (out && typeof out === 'object' && !Array.isArray(out)) known = Object.keys(out);
  }
  if (second !== undefined && known && !known.includes(second)) {
    c.report(where, `$Sequence{${first}}{${second}}: a ${stepDef.type} step's result has no field "${second}" (fields: ${known.join(', ')})`);
  }
}

/** Compiles a mapped value, reporting its mapping problems and checking its references. */
function compileMapped(c: Compilation, value: unknown, path: Path, visible: Visible): CompiledValue {
  const problems: MappingProblem[] = [];
  const compiled = compileValue(value, problems, path);
  for (const p of problems) c.report(p.path, p.error.message);
  checkReferences(c, compiled.references, path, visible);
  return compiled;
}

function compileStep(c: Compilation, s: StepDefinition, i: number, deps: number[], visible: Set<number>): CompiledStep {
  const takesUrl = s.type === 'http' || (s.type === 'notify' && s.channel === 'webhook');
  const config: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(s)) if (!COMMON_KEYS.has(k) && !CONSTANT_KEYS.has(k) && !(takesUrl && k === 'url')) config[k] = v;
  let url: CompiledUrl | undefined;
  if (takesUrl) {
    const urlPath = ['steps', i, 'url'];
    url = compileUrlTemplate((s as { url: string }).url, (s as { base?: string }).base !== undefined, (message) => c.report(urlPath, message), urlPath);
    if (url) checkReferences(c, url.references, urlPath, visible);
  }
  const compiledConfig = compileMapped(c, config, ['steps', i], visible);
  const condition = s.if !== undefined ? compileMapped(c, s.if, ['steps', i, 'if'], visible) : undefined;
  if (s.flag !== undefined) checkFlagGate(c, s.flag, i);
  const retry = s.retries;
  const step: CompiledStep = {
    tag: s.tag,
    index: i,
    definition: s,
    deps,
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
  checkStepSettings(c, s, i);
  return step;
}

function checkFlagGate(c: Compilation, flag: NonNullable<StepDefinition['flag']>, i: number): void {
  const flagKey = typeof flag === 'string' ? flag : flag.key;
  const flagPath = typeof flag === 'string' ? ['steps', i, 'flag'] : ['steps', i, 'flag', 'key'];
  const engine = c.ctx.engine;
  if (!engine) c.report(flagPath, 'flag gates need a flag engine: pass `engine` to createWorkflowRunner');
  else if (c.ctx.flagsKnownAtLoad && !engine.has(flagKey)) {
    const suggestion = closest(flagKey, engine.keys());
    c.report(flagPath, `unknown flag "${flagKey}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`);
  }
}

/** What each step type requires besides its mappings: named connections, mailers, brokers, targets. */
function checkStepSettings(c: Compilation, s: StepDefinition, i: number): void {
  const { report, requireNamed } = c;
  switch (s.type) {
    case 'http':
      checkUrlStep(c, s, i);
      break;
    case 'database':
      requireNamed('databases', 'database connection', s.connection, ['steps', i, 'connection']);
      if (/\$(Input|Session|Sequence|Env|Secret|Default|Concat|Now|Lowercase|Uppercase)[{(]/.test(s.sql)) {
        report(['steps', i, 'sql'], 'sql must not contain mappings: write placeholders (? for SQLite, $1 for Postgres) and pass the values in params');
      }
      break;
    case 'notify':
      if (s.channel === 'webhook') checkUrlStep(c, s, i);
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
      const target = workflowKey(s.product ?? c.def.product, s.feature);
      if (!c.batch.has(target) && !c.ctx.existing.has(target)) report(['steps', i, 'feature'], `unknown feature "${target}"`);
      break;
    }
  }
}

function checkUrlStep(c: Compilation, s: { url: string; base?: string }, i: number): void {
  if (s.base !== undefined) c.requireNamed('baseUrls', 'base URL', s.base, ['steps', i, 'base']);
  else if (!/^\$|^https?:\/\//i.test(s.url)) c.report(['steps', i, 'url'], 'url must be absolute (http:// or https://) or relative to a base URL named with `base`');
}

/** `allow_origins`: origins (normalized) and base URL names (which must be defined). */
function compileAllowOrigins(c: Compilation): { origins: string[]; bases: string[] } | undefined {
  if (!c.def.allow_origins) return undefined;
  const allowed = { origins: [] as string[], bases: [] as string[] };
  c.def.allow_origins.forEach((entry, j) => {
    if (!entry.includes('://')) {
      c.requireNamed('baseUrls', 'base URL', entry, ['allow_origins', j]);
      allowed.bases.push(entry);
      return;
    }
    try {
      allowed.origins.push(normalizeOrigin(entry));
    } catch (err) {
      c.report(['allow_origins', j], (err as Error).message);
    }
  });
  return allowed;
}

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
function findSession(sessions: Readonly<Record<string, SessionSettings>>, name: string): [string, SessionSettings | undefined] {
  if (Object.hasOwn(sessions, name)) return [name, sessions[name]];
  for (const [tag, settings] of Object.entries(sessions)) if (settings.key === name) return [tag, settings];
  return [name, undefined];
}
