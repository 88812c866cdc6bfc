import type { ComponentChildren } from 'preact';
import { useId, useState } from 'preact/hooks';
import { parseInstant, type JsonObject, type Rule, type ScheduleWindow, type WeightedVariant } from '@switchyard/core';
import { AddButton, Options, RemoveButton, TableHead } from '../components/controls';
import { FieldErrors } from '../components/field';
import { ValueInput } from '../components/value-input';
import { defaultCondition, defaultRule, RULE_TYPES, sampleValue } from '../lib/defaults';
import type { Path } from '../lib/paths';
import { weightSum } from '../lib/rule-summary';
import { ConditionEditor } from './condition-editor';
import { useEditor } from './editor-context';

interface Props {
  rule: Rule;
  path: Path;
  onChange: (rule: Rule) => void;
  label: string;
}

const TIMEZONES: readonly string[] = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];

/** Edits one rule of any type; `otherwise` and targeting clauses nest further rule editors. */
export function RuleEditor({ rule, path, onChange, label }: Props) {
  const { type, readOnly, at } = useEditor();
  const id = useId();
  const set = (patch: Partial<Rule>) => onChange({ ...rule, ...patch } as Rule);
  return (
    <div class="rule" role="group" aria-label={label}>
      <div class="field compact-label rule-type">
        <label for={`${id}-type`}>{label}</label>
        <select id={`${id}-type`} disabled={readOnly} value={rule.type} onChange={(e) => onChange(defaultRule(e.currentTarget.value as Rule['type'], type))}>
          <Options values={RULE_TYPES} />
        </select>
      </div>
      <FieldErrors id={`${id}-errors`} issues={at(path)} />
      {rule.type === 'static' && (
        <div class="row">
          <ValueInput label="Value" type={type} value={rule.value} readOnly={readOnly} issues={at([...path, 'value'])} onChange={(value) => set({ value })} />
          <TextField label="Variant name (optional)" value={rule.variant ?? ''} path={[...path, 'variant']} onChange={(v) => set({ variant: v || undefined })} />
        </div>
      )}
      {rule.type === 'variant' && <VariantFields rule={rule} path={path} onChange={onChange} />}
      {rule.type === 'rollout' && (
        <>
          <div class="row">
            <NumberField label="Rollout %" value={rule.percentage} path={[...path, 'percentage']} onChange={(percentage) => set({ percentage })} />
            <ValueInput label="Value for the rollout" type={type} value={rule.value} readOnly={readOnly} issues={at([...path, 'value'])} onChange={(value) => set({ value })} />
            <TextField label="Stickiness attribute" value={rule.stickiness ?? ''} placeholder="targetingKey" path={[...path, 'stickiness']} onChange={(v) => set({ stickiness: v || undefined })} />
          </div>
          <Otherwise rule={rule} path={path} onChange={onChange} />
        </>
      )}
      {rule.type === 'schedule' && (
        <>
          <ScheduleFields rule={rule} path={path} onChange={onChange} />
          <div class="row">
            <ValueInput
              label={type === 'boolean' ? 'Value inside the windows (default true)' : 'Value inside the windows'}
              type={type}
              value={rule.value}
              readOnly={readOnly}
              issues={at([...path, 'value'])}
              onChange={(value) => set({ value })}
            />
          </div>
          <Otherwise rule={rule} path={path} onChange={onChange} />
        </>
      )}
      {rule.type === 'targeting' && (
        <>
          <ol class="clauses">
            {rule.rules.map((clause, i) => {
              const setClause = (next: typeof clause | undefined) =>
                set({ rules: next ? rule.rules.map((c, j) => (j === i ? next : c)) : rule.rules.filter((_, j) => j !== i) });
              const move = (by: number) => {
                const list = [...rule.rules];
                const [item] = list.splice(i, 1);
                list.splice(i + by, 0, item!);
                set({ rules: list });
              };
              return (
                <li key={i} class="clause">
                  <div class="row">
                    <TextField label={`Rule ${i + 1} name`} value={clause.name ?? ''} path={[...path, 'rules', i, 'name']} onChange={(v) => setClause({ ...clause, name: v || undefined })} />
                    {!readOnly && (
                      <div class="row-actions">
                        <button type="button" class="small" disabled={i === 0} onClick={() => move(-1)} aria-label={`Move rule ${i + 1} up`}>
                          ↑
                        </button>
                        <button type="button" class="small" disabled={i === rule.rules.length - 1} onClick={() => move(1)} aria-label={`Move rule ${i + 1} down`}>
                          ↓
                        </button>
                        <button type="button" class="small danger" onClick={() => setClause(undefined)}>
                          Remove rule
                        </button>
                      </div>
                    )}
                  </div>
                  <p class="label">When</p>
                  <ConditionEditor condition={clause.when} path={[...path, 'rules', i, 'when']} onChange={(when) => setClause({ ...clause, when })} />
                  <RuleEditor label="Then serve" rule={clause.serve} path={[...path, 'rules', i, 'serve']} onChange={(serve) => setClause({ ...clause, serve })} />
                </li>
              );
            })}
          </ol>
          {!readOnly && (
            <AddButton onClick={() => set({ rules: [...rule.rules, { name: `rule ${rule.rules.length + 1}`, when: defaultCondition(), serve: { type: 'static', value: sampleValue(type) } }] })}>+ targeting rule</AddButton>
          )}
          <Otherwise rule={rule} path={path} onChange={onChange} />
        </>
      )}
      {rule.type === 'acceptance' && (
        <>
          <div class="row">
            <TextField label="Source" value={rule.source} path={[...path, 'source']} onChange={(source) => set({ source })} />
            <TextField label="Required state" value={rule.state} path={[...path, 'state']} onChange={(state) => set({ state })} />
          </div>
          <JsonField label="Items (JSON list of objects)" value={rule.items} path={[...path, 'items']} onChange={(items) => set({ items: items as JsonObject[] })} />
          <ValueInput label={type === 'boolean' ? 'Value when accepted (default true)' : 'Value when accepted'} type={type} value={rule.value} readOnly={readOnly} issues={at([...path, 'value'])} onChange={(value) => set({ value })} />
          <Otherwise rule={rule} path={path} onChange={onChange} />
        </>
      )}
    </div>
  );
}

function Otherwise({ rule, path, onChange }: { rule: Rule & { otherwise?: Rule }; path: Path; onChange: (r: Rule) => void }) {
  const { type, readOnly } = useEditor();
  const set = (otherwise: Rule | undefined) => {
    const next = { ...rule, otherwise } as Rule & { otherwise?: Rule };
    if (!otherwise) delete next.otherwise;
    onChange(next);
  };
  if (!rule.otherwise) {
    return readOnly ? null : (
      <AddButton onClick={() => set({ type: 'static', value: sampleValue(type) })}>+ otherwise</AddButton>
    );
  }
  return (
    <div class="otherwise">
      <RuleEditor label="Otherwise" rule={rule.otherwise} path={[...path, 'otherwise']} onChange={set} />
      {!readOnly && (
        <button type="button" class="small danger" onClick={() => set(undefined)}>
          Remove otherwise
        </button>
      )}
    </div>
  );
}

function VariantFields({ rule, path, onChange }: { rule: Extract<Rule, { type: 'variant' }>; path: Path; onChange: (r: Rule) => void }) {
  const { type, readOnly, at } = useEditor();
  const id = useId();
  const sum = weightSum(rule.variants.map((v) => v.weight));
  const ok = Math.abs(sum - 100) <= 1e-9;
  const setVariants = (variants: WeightedVariant[]) => onChange({ ...rule, variants });
  const setOne = (i: number, patch: Partial<WeightedVariant>) => {
    setVariants(
      rule.variants.map((v, j) => {
        if (j !== i) return v;
        const next = { ...v, ...patch };
        if (!next.name) delete next.name;
        return next;
      }),
    );
  };
  const even = () => {
    const n = rule.variants.length;
    const base = Math.floor((100 / n) * 100) / 100;
    setVariants(rule.variants.map((v, i) => ({ ...v, weight: i === n - 1 ? Math.round((100 - base * (n - 1)) * 100) / 100 : base })));
  };
  return (
    <div class="variants">
      <table class="variant-table">
        <TableHead caption="Variants" columns={['Name', 'Value', 'Weight %']} actions={!readOnly} />
        <tbody>
          {rule.variants.map((v, i) => (
            <tr key={i}>
              <td>
                <TextField compact label={`Variant ${i + 1} name`} value={v.name ?? ''} placeholder="(from value)" path={[...path, 'variants', i, 'name']} onChange={(name) => setOne(i, { name })} />
              </td>
              <td>
                <ValueInput compact label={`Variant ${i + 1} value`} type={type} value={v.value} readOnly={readOnly} issues={at([...path, 'variants', i, 'value'])} onChange={(value) => setOne(i, { value })} />
              </td>
              <td>
                <NumberField compact label={`Variant ${i + 1} weight`} value={v.weight} path={[...path, 'variants', i, 'weight']} onChange={(weight) => setOne(i, { weight })} />
              </td>
              {!readOnly && (
                <td>
                  <RemoveButton label={`Remove variant ${i + 1}`} disabled={rule.variants.length === 1} onClick={() => setVariants(rule.variants.filter((_, j) => j !== i))} />
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      <div class="row variant-foot">
        <output id={`${id}-sum`} class={ok ? 'sum ok' : 'sum bad'} aria-live="polite" data-testid="weight-sum">
          Sum {sum}%{ok ? '' : ' — must be 100'}
        </output>
        {!readOnly && (
          <>
            <AddButton onClick={() => setVariants([...rule.variants, { value: sampleValue(type, 1), weight: 0, ...(type === 'object' ? { name: `v${rule.variants.length + 1}` } : {}) }])}>+ variant</AddButton>
            <button type="button" class="small" onClick={even}>
              Split evenly
            </button>
          </>
        )}
        <TextField label="Stickiness attribute" value={rule.stickiness ?? ''} placeholder="targetingKey" path={[...path, 'stickiness']} onChange={(v) => onChange({ ...rule, stickiness: v || undefined })} />
      </div>
    </div>
  );
}

function ScheduleFields({ rule, path, onChange }: { rule: Extract<Rule, { type: 'schedule' }>; path: Path; onChange: (r: Rule) => void }) {
  const { readOnly } = useEditor();
  const zone = rule.timezone ?? 'UTC';
  const setWindows = (windows: ScheduleWindow[]) => onChange({ ...rule, windows });
  const setWindow = (i: number, end: 'from' | 'to', text: string) =>
    setWindows(
      rule.windows.map((w, j) => {
        if (j !== i) return w;
        const next = { ...w, [end]: text };
        if (!text) delete next[end];
        return next;
      }),
    );
  const listId = useId();
  return (
    <div class="windows">
      <div class="row">
        <TextField label="Time zone (IANA)" value={rule.timezone ?? ''} placeholder="UTC" list={listId} path={[...path, 'timezone']} onChange={(tz) => onChange({ ...rule, timezone: tz || undefined })} />
        <datalist id={listId}>
          {TIMEZONES.map((tz) => (
            <option key={tz} value={tz} />
          ))}
        </datalist>
      </div>
      {rule.windows.map((w, i) => (
        <div class="row window" key={i}>
          <TextField label={`Window ${i + 1} from`} value={w.from ?? ''} placeholder="YYYY-MM-DD HH:mm:ss" path={[...path, 'windows', i, 'from']} hint={instantHint(w.from, zone)} onChange={(v) => setWindow(i, 'from', v)} />
          <TextField label={`Window ${i + 1} to`} value={w.to ?? ''} placeholder="open-ended" path={[...path, 'windows', i, 'to']} hint={instantHint(w.to, zone)} onChange={(v) => setWindow(i, 'to', v)} />
          {!readOnly && (
            <RemoveButton label={`Remove window ${i + 1}`} disabled={rule.windows.length === 1} onClick={() => setWindows(rule.windows.filter((_, j) => j !== i))} />
          )}
        </div>
      ))}
      <WindowIssues path={path} count={rule.windows.length} />
      {!readOnly && (
        <AddButton onClick={() => setWindows([...rule.windows, {}])}>+ window</AddButton>
      )}
    </div>
  );
}

function WindowIssues({ path, count }: { path: Path; count: number }) {
  const { at } = useEditor();
  const id = useId();
  const issues = Array.from({ length: count }, (_, i) => at([...path, 'windows', i])).flat();
  return <FieldErrors id={id} issues={issues} />;
}

/** The instant a window end denotes, in UTC, so the time zone's effect is visible. */
function instantHint(text: string | undefined, zone: string): string | undefined {
  if (!text) return undefined;
  try {
    const parsed = parseInstant(text, zone);
    return parsed ? `= ${new Date(parsed.start).toISOString().replace('.000Z', 'Z')}` : undefined;
  } catch {
    return undefined;
  }
}

interface TextFieldProps {
  label: string;
  value: string;
  path: Path;
  onChange: (v: string) => void;
  placeholder?: string;
  compact?: boolean;
  list?: string;
  hint?: string | undefined;
}

/** A field of the editor: its label, hidden in compact rows, over the input and messages given as children. */
function LabeledField({ id, label, compact, children }: { id: string; label: string; compact?: boolean | undefined; children: ComponentChildren }) {
  return (
    <div class={compact ? 'field compact' : 'field'}>
      <label for={id} class={compact ? 'sr-only' : undefined}>
        {label}
      </label>
      {children}
    </div>
  );
}

export function TextField({ label, value, path, onChange, placeholder, compact, list, hint }: TextFieldProps) {
  const { readOnly, at } = useEditor();
  const id = useId();
  const issues = at(path);
  return (
    <LabeledField id={id} label={label} compact={compact}>
      <input id={id} value={value} placeholder={placeholder} list={list} disabled={readOnly} aria-invalid={issues.length > 0} aria-describedby={issues.length ? `${id}-errors` : hint ? `${id}-hint` : undefined} onInput={(e) => onChange(e.currentTarget.value)} />
      {hint && (
        <span class="hint" id={`${id}-hint`}>
          {hint}
        </span>
      )}
      <FieldErrors id={`${id}-errors`} issues={issues} />
    </LabeledField>
  );
}

/** A number input that keeps what is being typed ("12.") and reports text that is not a number. */
export function NumberField({ label, value, path, onChange, compact }: { label: string; value: number; path: Path; onChange: (n: number) => void; compact?: boolean }) {
  const { readOnly, at } = useEditor();
  const id = useId();
  const [text, setText] = useState(String(value));
  const [error, setError] = useState<string | undefined>();
  const shown = Number(text) === value ? text : String(value);
  const issues = at(path);
  return (
    <LabeledField id={id} label={label} compact={compact}>
      <input
        id={id}
        type="text"
        inputMode="decimal"
        value={error ? text : shown}
        disabled={readOnly}
        aria-invalid={issues.length > 0 || error !== undefined}
        aria-describedby={issues.length || error ? `${id}-errors` : undefined}
        onInput={(e) => {
          const t = e.currentTarget.value;
          setText(t);
          const n = t.trim() === '' ? Number.NaN : Number(t);
          if (Number.isFinite(n)) {
            setError(undefined);
            onChange(n);
          } else setError('must be a number');
        }}
      />
      <FieldErrors id={`${id}-errors`} issues={issues} extra={error} />
    </LabeledField>
  );
}

function JsonField({ label, value, path, onChange }: { label: string; value: unknown; path: Path; onChange: (v: unknown) => void }) {
  const { readOnly, at } = useEditor();
  const id = useId();
  const [text, setText] = useState(JSON.stringify(value, null, 2));
  const [error, setError] = useState<string | undefined>();
  const issues = at(path);
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <textarea
        id={id}
        rows={3}
        spellcheck={false}
        disabled={readOnly}
        value={text}
        aria-invalid={issues.length > 0 || error !== undefined}
        onInput={(e) => {
          const t = e.currentTarget.value;
          setText(t);
          try {
            onChange(JSON.parse(t));
            setError(undefined);
          } catch (err) {
            setError(`not JSON: ${(err as Error).message}`);
          }
        }}
      />
      <FieldErrors id={`${id}-errors`} issues={issues} extra={error} />
    </div>
  );
}
