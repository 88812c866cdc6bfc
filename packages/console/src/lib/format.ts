import type { FlagType, FlagValue, JsonValue } from '@switchyard/core';

/** A value as one short line: strings bare, everything else as JSON. */
export function formatValue(value: JsonValue | undefined): string {
  if (value === undefined) return '—';
  if (typeof value === 'string') return value === '' ? '""' : value;
  return JSON.stringify(value);
}

/** What an input shows for a value of a flag of `type`. */
export function valueToText(type: FlagType, value: FlagValue | undefined): string {
  if (value === undefined) return '';
  if (type === 'string' && typeof value === 'string') return value;
  return type === 'object' ? JSON.stringify(value, null, 2) : JSON.stringify(value);
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

/**
 * Reads what was typed for a flag of `type`: strings are taken as typed, booleans and numbers must
 * be literals, objects must be JSON objects or arrays.
 */
export function parseTyped(type: FlagType, text: string): Parsed<FlagValue> {
  switch (type) {
    case 'string':
      return { ok: true, value: text };
    case 'boolean':
      if (text === 'true') return { ok: true, value: true };
      if (text === 'false') return { ok: true, value: false };
      return { ok: false, error: 'must be true or false' };
    case 'number': {
      const n = text.trim() === '' ? Number.NaN : Number(text);
      return Number.isFinite(n) ? { ok: true, value: n } : { ok: false, error: 'must be a finite number' };
    }
    case 'object': {
      try {
        const v = JSON.parse(text) as unknown;
        if (typeof v === 'object' && v !== null) return { ok: true, value: v as FlagValue };
        return { ok: false, error: 'must be a JSON object or array' };
      } catch (err) {
        return { ok: false, error: `not JSON: ${(err as Error).message}` };
      }
    }
  }
}

/**
 * Reads a condition operand: JSON when it parses (numbers, lists, `true`), otherwise the text
 * itself, so `alice` and `"alice"` both mean the string.
 */
export function parseLoose(text: string): JsonValue {
  const t = text.trim();
  if (t === '') return '';
  try {
    return JSON.parse(t) as JsonValue;
  } catch {
    return text;
  }
}

/** The text `parseLoose` reads back as `value`. */
export function looseText(value: JsonValue | undefined): string {
  if (value === undefined) return '';
  if (typeof value === 'string') {
    try {
      JSON.parse(value);
      return JSON.stringify(value);
    } catch {
      return value;
    }
  }
  return JSON.stringify(value);
}

/** A date-time as the browser's locale writes it. */
export function formatInstant(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

/** A duration in milliseconds, short: `840 ms`, `2.35 s`, `3 min 4 s`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${s % 60} s`;
}
