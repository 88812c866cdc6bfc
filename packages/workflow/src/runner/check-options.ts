import { ValidationError } from '@switchyard/core';
import { AddressPolicy } from '../net/address-policy';
import { normalizeOrigin } from '../net/origin-guard';
import type { WorkflowRunnerOptions } from './types';

type Issue = { path: (string | number)[]; message: string };

/**
 * Checks the runner options that decide where requests go and how long runs take; throws
 * `ValidationError` naming every bad entry (e.g. `environments.prd.secrets.TOKEN.origins[0]`).
 */
export function checkRunnerOptions(options: WorkflowRunnerOptions): void {
  const issues: Issue[] = [];
  const positive = (value: unknown, path: (string | number)[]) => {
    if (value !== undefined && !(Number.isInteger(value) && (value as number) > 0)) issues.push({ path, message: 'must be a positive whole number of milliseconds' });
  };
  const capacity = options.recentRuns;
  if (capacity !== undefined && !(Number.isInteger(capacity) && capacity >= 0)) issues.push({ path: ['recentRuns'], message: 'must be a non-negative integer' });
  positive(options.stepTimeoutMs, ['stepTimeoutMs']);
  positive(options.runDeadlineMs, ['runDeadlineMs']);

  const network = options.network;
  if (network !== undefined) {
    if (network === null || typeof network !== 'object') issues.push({ path: ['network'], message: 'must be an object' });
    else {
      for (const key of Object.keys(network)) if (!['allowOrigins', 'allowPrivate', 'maxResponseBytes', 'lookup'].includes(key)) issues.push({ path: ['network', key], message: `unknown key "${key}" (keys: allowOrigins, allowPrivate, maxResponseBytes, lookup)` });
      list(network.allowOrigins, ['network', 'allowOrigins'], issues, (entry, path) => {
        try {
          normalizeOrigin(entry);
        } catch (err) {
          issues.push({ path, message: (err as Error).message });
        }
      });
      list(network.allowPrivate, ['network', 'allowPrivate'], issues, (entry, path) => {
        try {
          new AddressPolicy([entry]);
        } catch (err) {
          issues.push({ path, message: (err as Error).message });
        }
      });
      if (network.maxResponseBytes !== undefined && !(Number.isInteger(network.maxResponseBytes) && network.maxResponseBytes > 0)) issues.push({ path: ['network', 'maxResponseBytes'], message: 'must be a positive whole number of bytes' });
      if (network.lookup !== undefined && typeof network.lookup !== 'function') issues.push({ path: ['network', 'lookup'], message: 'must be a function with the signature of dns.lookup' });
    }
  }

  for (const [env, settings] of Object.entries(options.environments ?? {})) {
    const base = ['environments', env];
    for (const [name, url] of Object.entries(settings.baseUrls ?? {})) {
      const problem = baseUrlProblem(url);
      if (problem) issues.push({ path: [...base, 'baseUrls', name], message: problem });
    }
    for (const [name, secret] of Object.entries(settings.secrets ?? {})) {
      const path = [...base, 'secrets', name];
      if (typeof secret === 'string') continue;
      if (secret === null || typeof secret !== 'object' || Array.isArray(secret)) {
        issues.push({ path, message: 'must be a string, or { value, origins } to bind it to origins' });
        continue;
      }
      for (const key of Object.keys(secret)) if (key !== 'value' && key !== 'origins') issues.push({ path: [...path, key], message: `unknown key "${key}" (a bound secret is { value, origins })` });
      if (typeof secret.value !== 'string') issues.push({ path: [...path, 'value'], message: 'must be a string' });
      if (!Array.isArray(secret.origins)) issues.push({ path: [...path, 'origins'], message: 'must list the origins the secret may be sent to, e.g. ["https://api.example.com"]' });
      else
        list(secret.origins, [...path, 'origins'], issues, (entry, p) => {
          try {
            normalizeOrigin(entry);
          } catch (err) {
            issues.push({ path: p, message: (err as Error).message });
          }
        });
    }
  }
  if (issues.length) throw new ValidationError(issues);
}

function list(value: unknown, path: (string | number)[], issues: Issue[], each: (entry: string, path: (string | number)[]) => void): void {
  if (value === undefined) return;
  if (!Array.isArray(value)) {
    issues.push({ path, message: 'must be a list' });
    return;
  }
  value.forEach((entry, i) => {
    if (typeof entry !== 'string') issues.push({ path: [...path, i], message: 'must be a string' });
    else each(entry, [...path, i]);
  });
}

/** Why a base URL is unusable: not absolute http(s), or holding credentials, a query or a fragment. */
function baseUrlProblem(url: unknown): string | undefined {
  if (typeof url !== 'string') return 'must be an absolute http or https URL';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `"${url}" is not an absolute http or https URL`;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return `"${url}" is not an http or https URL`;
  if (parsed.username || parsed.password) return `"${parsed.origin}…" must not hold credentials: send them in headers from $Secret`;
  if (parsed.search || parsed.hash || /[?#]/.test(url)) return `"${url}" must not have a query or fragment: steps add their own`;
  return undefined;
}
