import { useId, useState } from 'preact/hooks';
import { parseScopeKey, validateValue, type FlagDefinition, type FlagValue, type ScopeMap, type ValueUpdate } from '@switchyard/core';
import type { ApiError } from '../api/client';
import type { ApiIssue } from '../api/types';
import { canWrite } from '../auth/session';
import { AddButton, CompactInput, RemoveButton, TableHead } from '../components/controls';
import { FieldErrors, Section } from '../components/field';
import { ValueInput } from '../components/value-input';
import { formatValue } from '../lib/format';
import { updateValues, values } from '../state/flags';
import { notify } from '../state/toasts';

interface ScopeRow {
  name: string;
  value: string;
}

function scopeLabel(scope: ScopeMap): string {
  const entries = Object.entries(scope);
  return entries.length ? entries.map(([k, v]) => `${k}=${v}`).join(' · ') : 'root (every scope)';
}

/**
 * Problems the browser can find before sending (type, allowed scopes, patterns, scope syntax); named
 * validators run only on the server, whose answer is shown the same way.
 */
function localIssues(definition: FlagDefinition, value: FlagValue, scope: ScopeMap | undefined): ApiIssue[] {
  const checkable = { ...definition, validations: (definition.validations ?? []).filter((v) => !('validator' in v)) };
  return validateValue(checkable, value, scope);
}

/** Root and scoped values of one flag (cds): set a value for a scope, clear one (optionally with its sub-scopes). */
export function ScopedValues({ definition }: { definition: FlagDefinition }) {
  const stored = values.value[definition.key];
  const editable = canWrite.value;
  const id = useId();
  const [rows, setRows] = useState<ScopeRow[]>([{ name: 'tenant', value: '' }]);
  const [value, setValue] = useState<FlagValue | undefined>(undefined);
  const [clearSubScopes, setClearSubScopes] = useState(false);
  const [issues, setIssues] = useState<ApiIssue[]>([]);
  const [busy, setBusy] = useState(false);

  const entries: [ScopeMap, FlagValue][] = [];
  if (stored?.rootValue !== undefined) entries.push([{}, stored.rootValue]);
  for (const [key, v] of Object.entries(stored?.scopedValues ?? {})) entries.push([parseScopeKey(key) ?? { scope: key }, v]);

  const scopeOfRows = (): ScopeMap | undefined => {
    const filled = rows.filter((r) => r.name.trim() || r.value.trim());
    if (!filled.length) return undefined;
    return Object.fromEntries(filled.map((r) => [r.name.trim(), r.value.trim()]));
  };

  const send = async (update: ValueUpdate, done: string) => {
    setBusy(true);
    try {
      await updateValues([update]);
      setIssues([]);
      notify('info', done);
      return true;
    } catch (err) {
      const e = err as ApiError;
      // The API numbers issues by update ([0, 'value']); shown next to the form without the index.
      setIssues(e.issues?.length ? e.issues.map((i) => ({ path: i.path.slice(typeof i.path[0] === 'number' ? 1 : 0), message: i.message })) : [{ path: [], message: e.message }]);
      return false;
    } finally {
      setBusy(false);
    }
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    if (value === undefined) {
      setIssues([{ path: ['value'], message: 'enter a value' }]);
      return;
    }
    const scope = scopeOfRows();
    const local = localIssues(definition, value, scope);
    if (local.length) {
      setIssues(local);
      return;
    }
    const ok = await send({ key: definition.key, value, ...(scope ? { scope } : {}), ...(clearSubScopes ? { clearSubScopes: true } : {}) }, `Set ${definition.key} for ${scope ? scopeLabel(scope) : 'root'}`);
    if (ok) setValue(undefined);
  };

  const clear = (scope: ScopeMap, withSub: boolean) =>
    void send(
      { key: definition.key, value: null, ...(Object.keys(scope).length ? { scope } : {}), ...(withSub ? { clearSubScopes: true } : {}) },
      `Cleared ${definition.key} for ${scopeLabel(scope)}${withSub ? ' and its sub-scopes' : ''}`,
    );

  const at = (name: string) => issues.filter((i) => i.path[0] === name);
  const other = issues.filter((i) => i.path[0] !== 'value' && i.path[0] !== 'scope');

  return (
    <Section title="Maintained values">
      <p class="muted small-text">Values set at runtime override the rules: the most specific matching scope wins, then the root value.</p>
      <ValuesTable entries={entries} editable={editable} busy={busy} clear={clear} />
      {editable && (
        <form class="add-value" onSubmit={(e) => void submit(e)} aria-labelledby={`${id}-title`}>
          <h3 id={`${id}-title`}>Set a value</h3>
          <fieldset>
            <legend>Scope (leave empty for the root value)</legend>
            {rows.map((r, i) => (
              <div class="row" key={i}>
                <CompactInput id={`${id}-n${i}`} label={`Scope key ${i + 1}`} placeholder="scope key, e.g. tenant" value={r.name} onInput={(e) => setRows(rows.map((x, j) => (j === i ? { ...x, name: e.currentTarget.value } : x)))} />
                <CompactInput id={`${id}-v${i}`} label={`Scope value ${i + 1}`} placeholder="value, e.g. people" value={r.value} onInput={(e) => setRows(rows.map((x, j) => (j === i ? { ...x, value: e.currentTarget.value } : x)))} />
                <RemoveButton label={`Remove scope key ${i + 1}`} onClick={() => setRows(rows.filter((_, j) => j !== i))} />
              </div>
            ))}
            {rows.length < 4 && (
              <AddButton onClick={() => setRows([...rows, { name: '', value: '' }])}>+ scope key</AddButton>
            )}
            <FieldErrors id={`${id}-scope-errors`} issues={at('scope')} />
          </fieldset>
          <div class="row">
            <ValueInput label="Value" type={definition.type} value={value} issues={at('value')} onChange={setValue} />
            <label class="check">
              <input type="checkbox" checked={clearSubScopes} onChange={(e) => setClearSubScopes(e.currentTarget.checked)} />
              Clear sub-scopes
            </label>
            <button type="submit" class="primary" disabled={busy}>
              Set value
            </button>
          </div>
          <FieldErrors id={`${id}-other-errors`} issues={other} />
        </form>
      )}
    </Section>
  );
}

/** The maintained values by scope, each with its clear actions when the user may write. */
function ValuesTable({ entries, editable, busy, clear }: { entries: [ScopeMap, FlagValue][]; editable: boolean; busy: boolean; clear: (scope: ScopeMap, withSubScopes: boolean) => unknown }) {
  return (
    <>
    {entries.length === 0 ? (
      <p class="muted" data-testid="no-values">
        No maintained values.
      </p>
    ) : (
      <table class="values-table" data-testid="values-table">
        <TableHead caption="Maintained values by scope" columns={['Scope', 'Value']} actions={editable} />
        <tbody>
          {entries.map(([scope, v]) => {
            const label = scopeLabel(scope);
            return (
              <tr key={label}>
                <th scope="row">{label}</th>
                <td>
                  <code>{formatValue(v)}</code>
                </td>
                {editable && (
                  <td>
                    <div class="row-actions">
                    <button type="button" class="small" disabled={busy} onClick={() => clear(scope, false)} aria-label={`Clear ${label}`}>
                      Clear
                    </button>
                    <button type="button" class="small" disabled={busy} onClick={() => clear(scope, true)} aria-label={`Clear ${label} and its sub-scopes`}>
                      Clear with sub-scopes
                    </button>
                    </div>
                  </td>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
    )}
    </>
  );
}
