import { computed, signal } from '@preact/signals';
import { memo } from 'preact/compat';
import { useEffect, useState } from 'preact/hooks';
import { Link, useLocation } from 'wouter-preact';
import type { FlagEntry, StoredValues } from '../api/types';
import { canWrite } from '../auth/session';
import { ColumnResizer } from '../components/column-resizer';
import { columnWidths } from '../lib/column-widths';
import { SearchFilter } from '../components/controls';
import { formatValue } from '../lib/format';
import { cellSummary } from '../lib/rule-summary';
import { environmentsOf, flags, loadAll, loadError, loadState, recentlyChanged, setEnabled, values } from '../state/flags';

/** Filters survive navigating to a flag and back. */
const search = signal('');
const flagSet = signal('');
const environment = signal('');
const tag = signal('');
const enabled = signal<'' | 'on' | 'off'>('');
const type = signal('');

const all = computed(() => [...flags.value.values()]);
const environments = computed(() => environmentsOf(all.value));
const flagSets = computed(() => [...new Set(all.value.map((e) => e.definition.flagSet).filter((s): s is string => !!s))].sort());
const tags = computed(() => [...new Set(all.value.flatMap((e) => e.definition.tags ?? []))].sort());

const columns = computed<readonly (string | undefined)[]>(() => (environment.value ? [environment.value] : [undefined, ...environments.value]));

const visible = computed(() => {
  const q = search.value.trim().toLowerCase();
  const env = environment.value;
  return all.value.filter(({ definition: d }) => {
    if (q && !d.key.toLowerCase().includes(q) && !(d.description ?? '').toLowerCase().includes(q)) return false;
    if (flagSet.value && d.flagSet !== flagSet.value) return false;
    if (tag.value && !(d.tags ?? []).includes(tag.value)) return false;
    if (type.value && d.type !== type.value) return false;
    if (enabled.value === 'on' && d.enabled === false) return false;
    if (enabled.value === 'off' && d.enabled !== false) return false;
    if (env && !d.environments?.[env] && !d.defaultRule) return false;
    return true;
  });
});

function Select({ id, label, value, options, all: allLabel }: { id: string; label: string; value: typeof search; options: readonly (string | [string, string])[]; all: string }) {
  return (
    <div class="field compact-label">
      <label for={id}>{label}</label>
      <select id={id} value={value.value} onChange={(e) => (value.value = e.currentTarget.value)}>
        <option value="">{allLabel}</option>
        {options.map((o) => {
          const [v, text] = typeof o === 'string' ? [o, o] : o;
          return (
            <option key={v} value={v}>
              {text}
            </option>
          );
        })}
      </select>
    </div>
  );
}

interface RowProps {
  entry: FlagEntry;
  stored: StoredValues | undefined;
  columns: readonly (string | undefined)[];
  editable: boolean;
  changed: boolean;
}

const Row = memo(function Row({ entry, stored, columns, editable, changed }: RowProps) {
  const d = entry.definition;
  const on = d.enabled !== false;
  const canFlip = editable && !entry.readOnly;
  const root = stored?.rootValue;
  const scopes = Object.keys(stored?.scopedValues ?? {}).length;
  return (
    <tr class={changed ? 'changed' : undefined} data-key={d.key}>
      <th scope="row" class="col-key">
        {/* A plain link (one delegated handler routes it): a router hook per row would cost a subscription each. */}
        <a href={`/ui/flags/${encodeURIComponent(d.key)}`} class="flag-key">
          {d.key}
        </a>
        {d.description && <span class="muted desc">{d.description}</span>}
        <span class="badges">
          <span class="badge">{d.type}</span>
          {d.flagSet && <span class="badge">{d.flagSet}</span>}
          {entry.readOnly && <span class="badge badge-manifest" title={d.source?.file ? `${d.source.file}${d.source.line ? `:${d.source.line}` : ''}` : undefined}>manifest</span>}
          {(d.tags ?? []).map((t) => (
            <span key={t} class="badge badge-tag">
              #{t}
            </span>
          ))}
        </span>
      </th>
      {columns.map((env) => {
        const cell = cellSummary(d, env);
        return (
          <td key={env ?? '*'} class={`cell cell-${cell.kind}`} data-label={env ?? 'default'}>
            <span class="cell-text">{cell.text}</span>
          </td>
        );
      })}
      <td class="col-values" data-label="maintained">
        {root !== undefined && on ? <span class="badge badge-root">root {formatValue(root)}</span> : null}
        {scopes > 0 && on ? <span class="badge">{scopes} scoped</span> : null}
      </td>
      <td class="col-enabled">
        {editable ? (
          <button
            type="button"
            role="switch"
            class="switch"
            aria-checked={on}
            aria-label={`${d.key} enabled`}
            disabled={!canFlip}
            title={entry.readOnly ? 'Defined by a manifest file: change it there' : undefined}
            onClick={() => void setEnabled(d.key, !on)}
          >
            <span class="switch-thumb" aria-hidden="true" />
          </button>
        ) : (
          <span class={on ? 'state-pill on' : 'state-pill off'}>{on ? 'On' : 'Off'}</span>
        )}
      </td>
    </tr>
  );
});

/** Widths (CSS px) columns start from before the user resizes them; the table scrolls sideways rather than squeeze below them. */
const DEFAULT_WIDTHS = { key: 300, environment: 144, values: 144, enabled: 104 };

/** The resize id of an environment column (`*` is the default rule's column). */
const columnId = (env: string | undefined) => `env:${env ?? '*'}`;

const widthStyle = (width: number) => ({ width: `${width}px` });

/** The narrowest the table may get: every column at its resized or starting width. */
function tableMinWidth(cols: readonly (string | undefined)[], widths: Record<string, number>): number {
  let total = (widths.key ?? DEFAULT_WIDTHS.key) + DEFAULT_WIDTHS.values + DEFAULT_WIDTHS.enabled;
  for (const env of cols) total += widths[columnId(env)] ?? DEFAULT_WIDTHS.environment;
  return total;
}

// The first screenful renders at once; the rest follows in the next frames so the list shows quickly even with thousands of flags.
const FIRST_ROWS = 60;
const ROWS_PER_FRAME = 300;

function useProgressiveCount(total: number): number {
  const [limit, setLimit] = useState(FIRST_ROWS);
  useEffect(() => {
    if (limit >= total) return;
    const frame = requestAnimationFrame(() => setLimit((l) => l + ROWS_PER_FRAME));
    return () => cancelAnimationFrame(frame);
  }, [limit, total]);
  return Math.min(limit, total);
}

/** All flags with search and filters, each environment's rule at a glance, and a one-click kill switch. */
export function FlagList() {
  const [, navigate] = useLocation();
  const state = loadState.value;
  const envs = environments.value;
  const cols = columns.value;
  const rows = visible.value;
  const shownCount = useProgressiveCount(rows.length);
  const follow = (e: MouseEvent) => {
    const a = (e.target as Element).closest('a.flag-key');
    if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate((a.getAttribute('href') ?? '').replace(/^\/ui/, ''));
  };
  const stored = values.value;
  const editable = canWrite.value;
  const changed = recentlyChanged.value;
  const widths = columnWidths.value;
  return (
    <div class="page">
      <div class="page-head">
        <h1>Flags</h1>
        <span class="muted grow" aria-live="polite" data-testid="flag-count">
          {state === 'ready' ? `${rows.length} of ${all.value.length}` : '\u00a0'}
        </span>
        {editable && (
          <Link href="/new" class="button-link">
            New flag
          </Link>
        )}
      </div>
      <div class="filters" role="search">
        <SearchFilter id="flag-search" label="Search" placeholder="key or description" value={search.value} onInput={(t) => (search.value = t)} />
        <Select id="filter-set" label="Flag set" value={flagSet} options={flagSets.value} all="All sets" />
        <Select id="filter-env" label="Environment" value={environment} options={envs} all="All environments" />
        <Select id="filter-tag" label="Tag" value={tag} options={tags.value} all="All tags" />
        <Select id="filter-enabled" label="Enabled" value={enabled} options={[['on', 'Enabled'], ['off', 'Disabled']]} all="Any" />
        <Select id="filter-type" label="Type" value={type} options={['boolean', 'string', 'number', 'object']} all="All types" />
      </div>
      {state === 'error' ? (
        <div class="panel form-error" role="alert">
          Could not load the flags: {loadError.value}{' '}
          <button type="button" onClick={() => void loadAll()}>
            Retry
          </button>
        </div>
      ) : (
        <div class="table-wrap">
          <table class="flag-table" aria-busy={state !== 'ready'} style={{ '--table-min-width': `${tableMinWidth(cols, widths)}px` }}>
            <caption class="sr-only">Flags and what they serve per environment</caption>
            <colgroup>
              <col style={widthStyle(widths.key ?? DEFAULT_WIDTHS.key)} />
              {cols.map((env) => (
                <col key={env ?? '*'} style={widthStyle(widths[columnId(env)] ?? DEFAULT_WIDTHS.environment)} />
              ))}
              <col style={widthStyle(DEFAULT_WIDTHS.values)} />
              <col style={widthStyle(DEFAULT_WIDTHS.enabled)} />
            </colgroup>
            <thead>
              <tr>
                <th scope="col" class="col-key" title="Flag">
                  <span class="col-label">Flag</span>
                  <ColumnResizer id="key" label="Flag" />
                </th>
                {cols.map((env) => (
                  <th scope="col" key={env ?? '*'} title={env ?? 'default'}>
                    <span class="col-label">{env ?? 'default'}</span>
                    <ColumnResizer id={columnId(env)} label={env ?? 'default'} />
                  </th>
                ))}
                <th scope="col" class="col-values">
                  Maintained
                </th>
                <th scope="col" class="col-enabled">
                  Enabled
                </th>
              </tr>
            </thead>
            <tbody onClick={follow}>
              {state !== 'ready'
                ? Array.from({ length: 8 }, (_, i) => (
                    <tr key={i} class="skeleton" aria-hidden="true">
                      <td colSpan={cols.length + 3}>
                        <span />
                      </td>
                    </tr>
                  ))
                : rows.slice(0, shownCount).map((entry) => (
                    <Row key={entry.definition.key} entry={entry} stored={stored[entry.definition.key]} columns={cols} editable={editable} changed={changed.has(entry.definition.key)} />
                  ))}
            </tbody>
          </table>
          {state === 'ready' && rows.length === 0 && <p class="empty">No flag matches these filters.</p>}
        </div>
      )}
    </div>
  );
}
