import { signal } from '@preact/signals';
import { useState } from 'preact/hooks';
import type { EvaluationDetails } from '@switchyard/core';
import { admin } from '../api/client';
import { ErrorAlert, TableHead } from '../components/controls';
import { formatValue } from '../lib/format';
import { environmentsOf, flags } from '../state/flags';

// Kept across navigation so a context typed once can be reused.
const targetingKey = signal('');
const environment = signal('');
const attributes = signal('{\n  "country": "DE"\n}');
const results = signal<EvaluationDetails[] | null>(null);
const filter = signal('');
const RESULT_COLUMNS = ['Flag', 'Value', 'Variant', 'Reason', 'Why'];

/** Why a value was served: the matching targeting rule, scope, rollout or acceptance source. */
export function explain(r: EvaluationDetails): string {
  const m = r.metadata;
  const parts: string[] = [];
  if (m.scope !== undefined) parts.push(`scope ${String(m.scope)}`);
  if (m.rule !== undefined) parts.push(`rule ${typeof m.rule === 'number' ? `#${m.rule + 1}` : `“${m.rule}”`}`);
  if (m.rollout !== undefined) parts.push(`rollout ${String(m.rollout)}%`);
  if (m.acceptance !== undefined) parts.push(`acceptance ${String(m.acceptance)}`);
  if (r.errorCode) parts.push(`${r.errorCode}${r.errorMessage ? `: ${r.errorMessage}` : ''}`);
  return parts.join(' · ');
}

/** Evaluate every flag for a context and see value, variant, reason and why. */
export function Playground() {
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const envs = environmentsOf(flags.value.values());

  const evaluate = async (e?: Event) => {
    e?.preventDefault();
    let attrs: Record<string, unknown> = {};
    try {
      const parsed = attributes.value.trim() ? (JSON.parse(attributes.value) as unknown) : {};
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('attributes must be a JSON object');
      attrs = parsed as Record<string, unknown>;
    } catch (err) {
      setError(`Attributes: ${(err as Error).message}`);
      return;
    }
    setError(undefined);
    setBusy(true);
    try {
      const context = { ...attrs, ...(targetingKey.value ? { targetingKey: targetingKey.value } : {}) };
      const res = await admin((api, o) => api.evaluate({ context, ...(environment.value ? { environment: environment.value } : {}) }, o));
      results.value = [...res.results].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const q = filter.value.trim().toLowerCase();
  const shown = results.value?.filter((r) => !q || r.key.toLowerCase().includes(q)) ?? [];
  return (
    <div class="page">
      <div class="page-head">
        <h1>Evaluation playground</h1>
      </div>
      <form class="panel playground-form" onSubmit={(e) => void evaluate(e)} onKeyDown={(e) => e.key === 'Enter' && (e.ctrlKey || e.metaKey) && void evaluate(e)}>
        <div class="row">
          <div class="field">
            <label for="pg-key">Targeting key</label>
            <input id="pg-key" placeholder="e.g. user-42" value={targetingKey.value} onInput={(e) => (targetingKey.value = e.currentTarget.value)} />
          </div>
          <div class="field">
            <label for="pg-env">Environment</label>
            <input id="pg-env" list="pg-envs" placeholder="server default" value={environment.value} onInput={(e) => (environment.value = e.currentTarget.value)} />
            <datalist id="pg-envs">
              {envs.map((env) => (
                <option key={env} value={env} />
              ))}
            </datalist>
          </div>
        </div>
        <div class="field">
          <label for="pg-attrs">Attributes (JSON object)</label>
          <textarea id="pg-attrs" rows={5} spellcheck={false} value={attributes.value} onInput={(e) => (attributes.value = e.currentTarget.value)} aria-invalid={error?.startsWith('Attributes') ?? false} aria-describedby="pg-error" />
        </div>
        <ErrorAlert id="pg-error" message={error} />
        <div class="row">
          <button type="submit" class="primary" disabled={busy}>
            {busy ? 'Evaluating…' : 'Evaluate all flags'}
          </button>
          <span class="muted small-text">Ctrl+Enter evaluates from any field</span>
        </div>
      </form>
      {results.value && (
        <section class="panel" aria-label="Results">
          <div class="row">
            <div class="field compact-label grow">
              <label for="pg-filter">Filter results</label>
              <input id="pg-filter" type="search" value={filter.value} onInput={(e) => (filter.value = e.currentTarget.value)} />
            </div>
            <span class="muted">{shown.length} results</span>
          </div>
          <div class="table-wrap">
            <table class="results-table" data-testid="results">
              <TableHead caption="Evaluation results" columns={RESULT_COLUMNS} />
              <tbody>
                {shown.map((r) => (
                  <tr key={r.key} data-key={r.key}>
                    <th scope="row">{r.key}</th>
                    <td data-label="value">
                      <code>{formatValue(r.value)}</code>
                    </td>
                    <td data-label="variant">{r.variant ?? ''}</td>
                    <td data-label="reason">
                      <span class={`badge reason reason-${r.reason.toLowerCase()}`}>{r.reason}</span>
                    </td>
                    <td data-label="why">{explain(r)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      )}
    </div>
  );
}
