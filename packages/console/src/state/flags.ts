import { batch, signal } from '@preact/signals';
import type { FlagDefinition, ValueUpdate } from '@switchyard/core';
import { admin, ApiError } from '../api/client';
import type { FlagEntry, StoredValues } from '../api/types';
import { demoteToReadOnly } from '../auth/session';
import { notify } from './toasts';

/** Every flag by key, as the server last reported it (optimistic edits included). */
export const flags = signal<ReadonlyMap<string, FlagEntry>>(new Map());
/** Maintained values by key. */
export const values = signal<Readonly<Record<string, StoredValues>>>({});
export const loadState = signal<'idle' | 'loading' | 'ready' | 'error'>('idle');
export const loadError = signal<string | null>(null);
/** Keys changed by another client within the last seconds, highlighted in the list. */
export const recentlyChanged = signal<ReadonlySet<string>>(new Set());

let loading: Promise<void> | undefined;

/** Loads every flag (disabled ones included) and every maintained value; concurrent calls share one load. */
export function loadAll(): Promise<void> {
  return (loading ??= load().finally(() => (loading = undefined)));
}

async function load(): Promise<void> {
  if (loadState.value !== 'ready') loadState.value = 'loading';
  try {
    const [f, v] = await Promise.all([
      admin((api, o) => api.listFlags({ includeDisabled: 'true' }, o)),
      admin((api, o) => api.listValues(o)),
    ]);
    batch(() => {
      flags.value = new Map(f.flags.map((e) => [e.definition.key, e]));
      values.value = v.values;
      loadState.value = 'ready';
      loadError.value = null;
    });
  } catch (err) {
    batch(() => {
      loadState.value = 'error';
      loadError.value = (err as Error).message;
    });
  }
}

export async function loadValues(): Promise<void> {
  values.value = (await admin((api, o) => api.listValues(o))).values;
}

/** Re-reads the named flags (a deleted one disappears) and the maintained values. */
export async function refreshKeys(keys: readonly string[]): Promise<void> {
  if (keys.length > 50) return loadAll();
  const fetched = await Promise.all(
    keys.map((key) =>
      admin((api, o) => api.getFlag(key, o)).then(
        (entry) => [key, entry] as const,
        (err: unknown) => {
          if (err instanceof ApiError && err.status === 404) return [key, undefined] as const;
          throw err;
        },
      ),
    ),
  );
  const v = await admin((api, o) => api.listValues(o));
  batch(() => {
    const next = new Map(flags.value);
    for (const [key, entry] of fetched) {
      if (entry) next.set(key, entry);
      else next.delete(key);
    }
    flags.value = next;
    values.value = v.values;
    markChanged(keys);
  });
}

function markChanged(keys: readonly string[]): void {
  recentlyChanged.value = new Set([...recentlyChanged.value, ...keys]);
  setTimeout(() => {
    const next = new Set(recentlyChanged.value);
    for (const k of keys) next.delete(k);
    recentlyChanged.value = next;
  }, 3000);
}

function replace(entry: FlagEntry): void {
  const next = new Map(flags.value);
  next.set(entry.definition.key, entry);
  flags.value = next;
}

/** The definition as the API takes it back: `source` is the server's business. */
export function writableDefinition(definition: FlagDefinition): FlagDefinition {
  const { source: _source, ...rest } = definition;
  return rest;
}

/** Stores a definition (optimistic concurrency on `version`); returns the stored entry. */
export async function saveDefinition(definition: FlagDefinition, version: number | undefined): Promise<FlagEntry> {
  try {
    const { flag } = await admin((api, o) => api.putFlag(writableDefinition(definition), { ...o, ...(version !== undefined ? { expectedVersion: version } : {}) }));
    replace(flag);
    return flag;
  } catch (err) {
    if (err instanceof ApiError && err.status === 403) demoteToReadOnly();
    throw err;
  }
}

/**
 * Flips `enabled` at once in the list, then asks the server; when the server refuses, the switch
 * goes back and the reason is shown.
 */
export async function setEnabled(key: string, enabled: boolean): Promise<void> {
  const before = flags.value.get(key);
  if (!before) return;
  replace({ ...before, definition: { ...before.definition, enabled } });
  try {
    await saveDefinition({ ...before.definition, enabled }, before.version);
  } catch (err) {
    const now = flags.value.get(key);
    // Only undo our own optimistic change, not a newer state the stream brought in meanwhile.
    if (now && now.version === before.version) replace(before);
    notify('error', `Could not ${enabled ? 'enable' : 'disable'} ${key}: ${(err as Error).message}`);
  }
}

/** Applies value updates all-or-nothing, then re-reads the values. */
export async function updateValues(updates: ValueUpdate[]): Promise<void> {
  try {
    await admin((api, o) => api.updateValues({ updates }, o));
  } catch (err) {
    if (err instanceof ApiError && err.status === 403) demoteToReadOnly();
    throw err;
  }
  await loadValues();
}

/** Every environment named by any flag, sorted. */
export function environmentsOf(entries: Iterable<FlagEntry>): string[] {
  const names = new Set<string>();
  for (const e of entries) for (const env of Object.keys(e.definition.environments ?? {})) names.add(env);
  return [...names].sort();
}
