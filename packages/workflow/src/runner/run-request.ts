import { ValidationError } from '@switchyard/core';
import type { CompiledWorkflow } from '../definition/compiled';
import { SessionError } from '../errors';
import { compileValue, type MappingProblem } from '../mapping/compile-value';
import type { MappingScope } from '../mapping/evaluate';
import type { EnvironmentSettings } from '../settings';
import type { FeatureRunInput } from './types';

// The checks a run request passes before any step runs, and the input it hands to the workflow.

/** Refuses a run request that is not `{ env, product, feature_tag, input, cache?, session? }`, listing every problem. */
export function checkRequest(request: FeatureRunInput): void {
  const issues: { path: string[]; message: string }[] = [];
  if (request === null || typeof request !== 'object') throw new ValidationError([{ path: [], message: 'the run request must be an object' }]);
  for (const k of ['env', 'product', 'feature_tag'] as const) if (typeof request[k] !== 'string' || request[k] === '') issues.push({ path: [k], message: 'must be a non-empty string' });
  if (request.input === null || typeof request.input !== 'object' || Array.isArray(request.input)) issues.push({ path: ['input'], message: 'must be an object' });
  if (request.cache !== undefined && (typeof request.cache !== 'string' || request.cache === '')) issues.push({ path: ['cache'], message: 'must be a non-empty string' });
  if (request.session !== undefined) {
    const s = request.session as unknown;
    if (s === null || typeof s !== 'object') issues.push({ path: ['session'], message: 'must be { tag, token }' });
    else {
      if (typeof request.session.tag !== 'string' || !request.session.tag) issues.push({ path: ['session', 'tag'], message: 'must be a non-empty string' });
      if (typeof request.session.token !== 'string' || !request.session.token) issues.push({ path: ['session', 'token'], message: 'must be a non-empty string' });
    }
  }
  if (issues.length) throw new ValidationError(issues);
}

/** Names of vars, secrets and connections the workflow uses must exist in the chosen environment. */
export function checkNeeds(wf: CompiledWorkflow, env: string, settings: EnvironmentSettings): void {
  const issues: { path: string[]; message: string }[] = [];
  const check = (names: Set<string>, group: Record<string, unknown> | undefined, label: string) => {
    for (const name of names) if (!group || !Object.hasOwn(group, name)) issues.push({ path: ['env'], message: `environment "${env}" defines no ${label} "${name}", which feature "${wf.key}" uses` });
  };
  check(wf.needs.vars, settings.vars, 'var');
  check(wf.needs.secrets, settings.secrets, 'secret');
  check(wf.needs.baseUrls, settings.baseUrls, 'base URL');
  check(wf.needs.databases, settings.databases, 'database');
  check(wf.needs.brokers, settings.brokers, 'broker');
  check(wf.needs.mailers, settings.mailers, 'mailer');
  check(wf.needs.storage, settings.storage, 'storage driver');
  if (issues.length) throw new ValidationError(issues);
}

/**
 * Resolves `$Session{tag}{claim}` written in input values (as in Ductape's examples). Other
 * mappings are not evaluated in input: input is data.
 */
export function injectSession(input: Record<string, unknown>, scope: MappingScope): Record<string, unknown> {
  const problems: { path: (string | number)[]; error: Error }[] = [];
  const syntax: MappingProblem[] = [];
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(input)) {
    if (typeof v !== 'string' || !v.includes('$Session{')) {
      out[k] = v;
      continue;
    }
    const compiled = compileValue(v, syntax, ['input', k]);
    for (const ref of compiled.references) {
      if (ref.node.source !== 'Session') problems.push({ path: ['input', k], error: new Error(`only $Session{…} is resolved in input, not $${ref.node.source}`) });
      else {
        const [tag, claim] = ref.node.path as [string, string];
        if (!scope.sessions[tag]) throw new SessionError(tag, `input "${k}" reads this session; pass session: { tag: "${tag}", token }`);
        if (scope.sessions[tag][claim] === undefined) problems.push({ path: ['input', k], error: new Error(`the session "${tag}" token has no claim "${claim}"`) });
      }
    }
    out[k] = compiled.resolve(scope);
  }
  for (const p of syntax) problems.push(p);
  if (problems.length) throw new ValidationError(problems.map((p) => ({ path: p.path, message: p.error.message })));
  return out;
}
