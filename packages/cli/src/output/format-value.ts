import type { JsonValue } from '@switchyard/core';

/** A value as one short line: strings plain, everything else as JSON. */
export function formatValue(value: JsonValue | undefined): string {
  if (value === undefined) return '-';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Prints JSON for scripts: two-space indented, one trailing newline. */
export function jsonText(value: unknown): string {
  return JSON.stringify(value, null, 2);
}
