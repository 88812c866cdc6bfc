import { compilePattern, ValidationError, type LinearRegex, type ValidationIssue } from '@switchyard/core';
import type { InputField } from '../definition/schema';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
/** `2024-05-01`, or an RFC 3339 instant with a zone (`Z` or `±hh:mm`). */
const DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/;

export type InputValidator = (input: Readonly<Record<string, unknown>>) => Record<string, unknown>;

/** Checks the definition of input fields themselves; problems are returned with their path. */
export function inputDefinitionIssues(fields: Readonly<Record<string, InputField>>): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const visit = (field: InputField, path: (string | number)[]) => {
    const numeric = field.type === 'integer' || field.type === 'number';
    const lengthy = field.type === 'string' || field.type === 'email' || field.type === 'array';
    for (const bound of ['min', 'max'] as const) {
      const v = field[bound];
      if (v === undefined) continue;
      if (field.type === 'date') {
        if (typeof v !== 'string' || !isValidDate(v)) issues.push({ path: [...path, bound], message: `${bound} of a date must be an ISO date such as "2024-01-31"` });
      } else if (numeric || lengthy) {
        if (typeof v !== 'number') issues.push({ path: [...path, bound], message: `${bound} of ${field.type} must be a number` });
        else if (lengthy && (!Number.isInteger(v) || v < 0)) issues.push({ path: [...path, bound], message: `${bound} is a length here and must be a non-negative integer` });
      } else {
        issues.push({ path: [...path, bound], message: `${bound} does not apply to ${field.type}` });
      }
    }
    if (field.min !== undefined && field.max !== undefined && compareBound(field, field.min, field.max) > 0) {
      issues.push({ path: [...path, 'min'], message: `min (${field.min}) is greater than max (${field.max})` });
    }
    if (field.pattern !== undefined) {
      if (field.type !== 'string') issues.push({ path: [...path, 'pattern'], message: `pattern only applies to string fields` });
      else {
        // The linear-time engine every user-supplied pattern runs on: refused here, at load time, with the reason.
        const compiled = compilePattern(field.pattern);
        if (!compiled.ok) issues.push({ path: [...path, 'pattern'], message: `invalid regular expression ${JSON.stringify(field.pattern)}: ${compiled.reason}` });
      }
    }
    if (field.items !== undefined) {
      if (field.type !== 'array') issues.push({ path: [...path, 'items'], message: 'items only applies to array fields' });
      else visit(field.items, [...path, 'items']);
    }
    if (field.properties !== undefined) {
      if (field.type !== 'object') issues.push({ path: [...path, 'properties'], message: 'properties only applies to object fields' });
      else for (const [k, f] of Object.entries(field.properties)) visit(f, [...path, 'properties', k]);
    }
    if (field.enum !== undefined) {
      field.enum.forEach((v, i) => {
        const problem = fieldProblem(field, v, true);
        if (problem) issues.push({ path: [...path, 'enum', i], message: problem });
      });
    }
    if (field.default !== undefined) {
      const collected: ValidationIssue[] = [];
      checkValue(field, field.default, [], collected);
      for (const i of collected) issues.push({ path: [...path, 'default', ...i.path], message: i.message });
    }
  };
  for (const [name, field] of Object.entries(fields)) visit(field, [name]);
  return issues;
}

/**
 * Builds a validator for a workflow's input. It returns the input with defaults applied and
 * throws one `ValidationError` naming every bad field (`input.email: must be an email address`).
 * Keys the definition does not declare are refused.
 */
export function compileInputValidator(fields: Readonly<Record<string, InputField>>): InputValidator {
  const entries = Object.entries(fields);
  return (input) => {
    const issues: ValidationIssue[] = [];
    const out: Record<string, unknown> = {};
    for (const [name, field] of entries) {
      const value = Object.hasOwn(input, name) ? input[name] : undefined;
      if (value === undefined || value === null) {
        if (field.default !== undefined) out[name] = structuredClone(field.default);
        else if (field.required) issues.push({ path: ['input', name], message: 'is required' });
        continue;
      }
      checkValue(field, value, ['input', name], issues);
      out[name] = value;
    }
    for (const key of Object.keys(input)) {
      if (!Object.hasOwn(fields, key)) issues.push({ path: ['input', key], message: 'is not an input of this feature' });
    }
    if (issues.length) throw new ValidationError(issues);
    return out;
  };
}

function checkValue(field: InputField, value: unknown, path: (string | number)[], issues: ValidationIssue[]): void {
  const problem = fieldProblem(field, value, false);
  if (problem) {
    issues.push({ path, message: problem });
    return;
  }
  if (field.type === 'array' && field.items) {
    (value as unknown[]).forEach((item, i) => {
      if (item === undefined || item === null) issues.push({ path: [...path, i], message: 'is required' });
      else checkValue(field.items!, item, [...path, i], issues);
    });
  }
  if (field.type === 'object' && field.properties) {
    const obj = value as Record<string, unknown>;
    for (const [k, f] of Object.entries(field.properties)) {
      const v = Object.hasOwn(obj, k) ? obj[k] : undefined;
      if (v === undefined || v === null) {
        if (f.required && f.default === undefined) issues.push({ path: [...path, k], message: 'is required' });
      } else checkValue(f, v, [...path, k], issues);
    }
    for (const k of Object.keys(obj)) if (!Object.hasOwn(field.properties, k)) issues.push({ path: [...path, k], message: 'is not a known field' });
  }
}

/** The first problem of a single value (type, bounds, pattern, enum), or undefined. */
function fieldProblem(field: InputField, value: unknown, skipEnum: boolean): string | undefined {
  switch (field.type) {
    case 'string':
    case 'email':
    case 'uuid': {
      if (typeof value !== 'string') return `must be a string, got ${describe(value)}`;
      if (field.type === 'email' && !EMAIL.test(value)) return `must be an email address, got ${JSON.stringify(value)}`;
      if (field.type === 'uuid' && !UUID.test(value)) return `must be a UUID, got ${JSON.stringify(value)}`;
      const len = [...value].length;
      if (typeof field.min === 'number' && len < field.min) return `must be at least ${field.min} characters long, got ${len}`;
      if (typeof field.max === 'number' && len > field.max) return `must be at most ${field.max} characters long, got ${len}`;
      if (field.pattern !== undefined && !safeRegex(field.pattern)?.test(value)) return `must match /${field.pattern}/`;
      break;
    }
    case 'integer':
    case 'number': {
      if (typeof value !== 'number' || !Number.isFinite(value)) return `must be a ${field.type === 'integer' ? 'whole number' : 'number'}, got ${describe(value)}`;
      if (field.type === 'integer' && !Number.isInteger(value)) return `must be a whole number, got ${value}`;
      if (typeof field.min === 'number' && value < field.min) return `must be at least ${field.min}, got ${value}`;
      if (typeof field.max === 'number' && value > field.max) return `must be at most ${field.max}, got ${value}`;
      break;
    }
    case 'boolean':
      if (typeof value !== 'boolean') return `must be true or false, got ${describe(value)}`;
      break;
    case 'date': {
      if (typeof value !== 'string' || !isValidDate(value)) return `must be an ISO date such as "2024-01-31" or "2024-01-31T09:30:00Z", got ${describe(value)}`;
      const t = Date.parse(value);
      if (typeof field.min === 'string' && t < Date.parse(field.min)) return `must not be before ${field.min}`;
      if (typeof field.max === 'string' && t > Date.parse(field.max)) return `must not be after ${field.max}`;
      break;
    }
    case 'array':
      if (!Array.isArray(value)) return `must be an array, got ${describe(value)}`;
      if (typeof field.min === 'number' && value.length < field.min) return `must have at least ${field.min} items, got ${value.length}`;
      if (typeof field.max === 'number' && value.length > field.max) return `must have at most ${field.max} items, got ${value.length}`;
      break;
    case 'object':
      if (value === null || typeof value !== 'object' || Array.isArray(value)) return `must be an object, got ${describe(value)}`;
      break;
  }
  if (!skipEnum && field.enum !== undefined && !field.enum.includes(value as string | number)) {
    return `must be one of ${field.enum.map((v) => JSON.stringify(v)).join(', ')}, got ${JSON.stringify(value)}`;
  }
  return undefined;
}

function isValidDate(value: string): boolean {
  if (!DATE.test(value) || Number.isNaN(Date.parse(value))) return false;
  // Date.parse rolls 2024-02-31 over to March; the calendar date must survive the round trip.
  const [y, m, d] = value.slice(0, 10).split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

function compareBound(field: InputField, a: number | string, b: number | string): number {
  if (field.type === 'date' && typeof a === 'string' && typeof b === 'string') return Date.parse(a) - Date.parse(b);
  return typeof a === 'number' && typeof b === 'number' ? a - b : 0;
}

/** The compiled pattern (core caches compilations), or `undefined` for one the definition check refused. */
function safeRegex(pattern: string): LinearRegex | undefined {
  const compiled = compilePattern(pattern);
  return compiled.ok ? compiled.regex : undefined;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- objects returned above: only primitives reach `String`
  return `${typeof value} ${String(value)}`;
}
