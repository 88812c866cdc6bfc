import type { EvaluationContext } from '../types/context';
import type { UnleashStrategy } from '../types/rule';
import { compileConstraint } from './constraints';
import { inRanges, parseRanges } from './constraints';
import { contextValue } from './context';
import { normalizedHash } from './hash';

/** Whether a strategy (without its constraints) enables the feature for a context. */
export type StrategyTest = (context: EvaluationContext) => boolean;

/** The built-in strategies Unleash's SDKs implement. Any other strategy never enables (as in the SDKs). */
export const UNLEASH_STRATEGIES = new Set([
  'default', 'flexibleRollout', 'userWithId', 'remoteAddress', 'applicationHostname',
  'gradualRolloutUserId', 'gradualRolloutSessionId', 'gradualRolloutRandom',
]);

const NEVER: StrategyTest = () => false;
const ALWAYS: StrategyTest = () => true;

function param(strategy: UnleashStrategy, name: string): string | undefined {
  const v = strategy.parameters?.[name];
  return v === undefined || v === null ? undefined : String(v);
}

/** A comma-separated parameter as a list. */
function list(text: string | undefined): string[] {
  return text === undefined || text === '' ? [] : text.split(/\s*,\s*/);
}

/** The host name `applicationHostname` compares with: `HOSTNAME`, else the OS host name. */
function hostName(): string {
  const proc = (globalThis as { process?: { env?: Record<string, string | undefined>; getBuiltinModule?: (id: string) => unknown } }).process;
  const fromEnv = proc?.env?.HOSTNAME;
  if (fromEnv) return fromEnv.toLowerCase();
  const os = proc?.getBuiltinModule?.('node:os') as { hostname?: () => string } | undefined;
  return (os?.hostname?.() ?? 'undefined').toLowerCase();
}

const randomUnit = () => String(Math.round(Math.random() * 10000) + 1);

/** The unit a rollout hashes: `default` is userId, else sessionId, else random; `random` is random; anything else is that context field. */
export function stickinessValue(context: EvaluationContext, stickiness: string): string | undefined {
  if (stickiness === 'default') return contextValue(context, 'userId') || contextValue(context, 'sessionId') || randomUnit();
  if (stickiness === 'random') return randomUnit();
  return contextValue(context, stickiness);
}

/** Compiles one strategy's own test (not its constraints), Unleash's semantics for each built-in. */
export function compileStrategyTest(strategy: UnleashStrategy, feature: string): StrategyTest {
  switch (strategy.name) {
    case 'default':
      return ALWAYS;
    case 'userWithId': {
      const ids = new Set(list(param(strategy, 'userIds')));
      return (context) => {
        const id = contextValue(context, 'userId');
        return id !== undefined && ids.has(id);
      };
    }
    case 'flexibleRollout': {
      const groupId = param(strategy, 'groupId') || feature;
      const percentage = Number(param(strategy, 'rollout'));
      const stickiness = param(strategy, 'stickiness') || 'default';
      if (!(percentage > 0)) return NEVER;
      return (context) => {
        const unit = stickinessValue(context, stickiness);
        if (!unit) return false;
        return normalizedHash(unit, groupId, 100) <= percentage;
      };
    }
    case 'gradualRolloutUserId':
    case 'gradualRolloutSessionId': {
      const field = strategy.name === 'gradualRolloutUserId' ? 'userId' : 'sessionId';
      const groupId = param(strategy, 'groupId') ?? '';
      const percentage = Number(param(strategy, 'percentage'));
      if (!(percentage > 0)) return NEVER;
      return (context) => {
        const unit = contextValue(context, field);
        return !!unit && normalizedHash(unit, groupId, 100) <= percentage;
      };
    }
    case 'gradualRolloutRandom': {
      const percentage = Number(param(strategy, 'percentage'));
      return () => percentage >= Math.floor(Math.random() * 100) + 1;
    }
    case 'remoteAddress': {
      const entries = list(param(strategy, 'IPs'));
      const exact = new Set(entries);
      const ranges = parseRanges(entries);
      return (context) => {
        const address = contextValue(context, 'remoteAddress');
        return address !== undefined && (exact.has(address) || inRanges(address, ranges));
      };
    }
    case 'applicationHostname': {
      const names = list(param(strategy, 'hostNames')?.toLowerCase());
      const host = hostName();
      const enabled = names.includes(host);
      return () => enabled;
    }
    default:
      return NEVER;
  }
}

/** A strategy's constraints and its own test, combined: all constraints hold and the strategy enables. */
export function compileStrategy(strategy: UnleashStrategy, feature: string, clock: () => number): StrategyTest {
  const constraints = (strategy.constraints ?? []).map((c) => compileConstraint(c, clock));
  const own = compileStrategyTest(strategy, feature);
  if (constraints.length === 0) return own;
  return (context) => {
    for (let i = 0; i < constraints.length; i++) if (!constraints[i]!(context)) return false;
    return own(context);
  };
}
