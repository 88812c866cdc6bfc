import { useEffect, useId, useMemo, useState } from 'preact/hooks';
import { useLocation } from 'wouter-preact';
import { definitionIssues, type FlagDefinition, type FlagType, type Prerequisite, type Rule, type Validation } from '@switchyard/core';
import { ApiError } from '../api/client';
import type { ApiIssue } from '../api/types';
import { canWrite } from '../auth/session';
import { AddButton, ErrorAlert } from '../components/controls';
import { FieldErrors, Section } from '../components/field';
import { ValueInput } from '../components/value-input';
import { defaultRule, sampleValue } from '../lib/defaults';
import { formatInstant, looseText, parseLoose } from '../lib/format';
import { pathText, setAt, type Path } from '../lib/paths';
import { flags, loadState, saveDefinition } from '../state/flags';
import { notify } from '../state/toasts';
import { EditableRows } from './editable-rows';
import { EditorContext, useEditor } from './editor-context';
import { RuleEditor, TextField } from './rule-editor';
import { ScopedValues } from './scoped-values';

const NEW_FLAG: FlagDefinition = { key: '', type: 'boolean', enabled: true, fallbackValue: false };

/** One flag: its definition per environment, validations and prerequisites (edited and validated here), and its maintained values. */
export default function FlagDetail({ flagKey }: { flagKey: string | undefined }) {
  const creating = flagKey === undefined;
  const entry = creating ? undefined : flags.value.get(flagKey);
  const [, navigate] = useLocation();
  const [draft, setDraft] = useState<FlagDefinition | undefined>(creating ? NEW_FLAG : entry?.definition);
  const [baseVersion, setBaseVersion] = useState<number | undefined>(entry?.version);
  const [dirty, setDirty] = useState(false);
  const [serverIssues, setServerIssues] = useState<ApiIssue[]>([]);
  const [saving, setSaving] = useState(false);
  const [message, setMessage] = useState<string | undefined>();

  // Follow changes made elsewhere while nothing is being edited here.
  useEffect(() => {
    if (!entry || dirty) return;
    setDraft(entry.definition);
    setBaseVersion(entry.version);
  }, [entry, dirty]);

  const issues = useMemo(() => (draft ? definitionIssues(draft) : []), [draft]);
  const allIssues = useMemo(() => [...issues, ...serverIssues.filter((s) => !issues.some((i) => pathText(i.path) === pathText(s.path) && i.message === s.message))], [issues, serverIssues]);

  if (!creating && !entry) {
    if (loadState.value !== 'ready') return <div class="page"><p class="muted">Loading…</p></div>;
    return (
      <div class="page">
        <h1>Flag not found</h1>
        <p>There is no flag “{flagKey}”. It may have been deleted.</p>
      </div>
    );
  }
  if (!draft) return null;

  const readOnly = (entry?.readOnly ?? false) || !canWrite.value;
  const staleBase = entry !== undefined && dirty && entry.version !== baseVersion;
  const edit = (path: Path, value: unknown) => {
    setDraft((d) => setAt(d, path, value));
    setDirty(true);
    setServerIssues([]);
    setMessage(undefined);
  };

  const save = async () => {
    setSaving(true);
    setMessage(undefined);
    try {
      const stored = await saveDefinition(draft, creating ? 0 : baseVersion);
      setDirty(false);
      setServerIssues([]);
      setDraft(stored.definition);
      setBaseVersion(stored.version);
      notify('info', `Saved ${stored.definition.key} (version ${stored.version})`);
      if (creating) navigate(`/flags/${encodeURIComponent(stored.definition.key)}`, { replace: true });
    } catch (err) {
      if (err instanceof ApiError) {
        setServerIssues(err.issues);
        setMessage(err.code === 'CONFLICT' ? `${err.message}. Someone changed this flag meanwhile: revert to see their version.` : err.message);
      } else setMessage((err as Error).message);
    } finally {
      setSaving(false);
    }
  };
  const revert = () => {
    setDirty(false);
    setServerIssues([]);
    setMessage(undefined);
    setDraft(entry?.definition ?? NEW_FLAG);
    setBaseVersion(entry?.version);
  };

  const source = draft.source;
  return (
    <EditorContext.Provider value={{ type: draft.type, readOnly, issues: allIssues, keys: [...flags.value.keys()].filter((k) => k !== draft.key) }}>
      <div class="page detail">
        <div class="page-head sticky">
          <div>
            <h1 class="flag-title">{creating ? 'New flag' : draft.key}</h1>
            {entry && (
              <p class="muted small-text">
                {draft.type} · version {entry.version} · updated {formatInstant(entry.updatedAt)}
              </p>
            )}
          </div>
          {!readOnly && (
            <div class="actions">
              <button type="button" onClick={revert} disabled={!dirty || saving}>
                Revert
              </button>
              <button type="button" class="primary" onClick={() => void save()} disabled={!dirty || saving || issues.length > 0} aria-describedby="save-status">
                {saving ? 'Saving…' : creating ? 'Create flag' : 'Save changes'}
              </button>
            </div>
          )}
        </div>
        {entry?.readOnly && <ManifestNotice source={source} />}
        {!entry?.readOnly && !canWrite.value && <p class="notice">You have read-only access.</p>}
        {staleBase && <p class="notice warn">This flag was changed elsewhere while you were editing (now version {entry?.version}). Saving will be refused; revert to load it.</p>}
        <SaveStatus issues={readOnly ? [] : allIssues} message={message} />

        <General draft={draft} creating={creating} edit={edit} />
        <Section title="Rules">
          <p class="muted small-text">Maintained values (below) take precedence over these rules. Environments without their own rule use the default rule, else the fallback.</p>
          <Rules draft={draft} edit={edit} />
        </Section>
        <Prerequisites draft={draft} edit={edit} />
        <Validations draft={draft} edit={edit} />
        {!creating && <ScopedValues definition={draft} />}
        <JsonView draft={draft} onApply={(d) => { setDraft(d); setDirty(true); setServerIssues([]); }} />
      </div>
    </EditorContext.Provider>
  );
}

/** Where a manifest flag is defined: it is read-only here. */
function ManifestNotice({ source }: { source: FlagDefinition['source'] }) {
  return (
    <p class="notice" data-testid="manifest-notice">
      Defined in <code>{source?.file ?? 'a manifest file'}</code>
      {source?.line !== undefined && (
        <>
          {' '}
          line <code>{source.line}</code>
        </>
      )}
      : change it there. It is read-only here.
    </p>
  );
}

/** The problems that block saving and the outcome of the last save, announced to screen readers. */
function SaveStatus({ issues, message }: { issues: readonly ApiIssue[]; message: string | undefined }) {
  return (
    <div id="save-status" role="status" aria-live="polite">
      {issues.length > 0 && (
        <div class="issues" data-testid="issues">
          <strong>{issues.length === 1 ? '1 problem' : `${issues.length} problems`} to fix before saving:</strong>
          <ul>
            {issues.map((i) => (
              <li key={`${pathText(i.path)}:${i.message}`}>
                <code>{pathText(i.path)}</code>: {i.message}
              </li>
            ))}
          </ul>
        </div>
      )}
      <ErrorAlert message={message} />
    </div>
  );
}

type Edit = (path: Path, value: unknown) => void;

function General({ draft, creating, edit }: { draft: FlagDefinition; creating: boolean; edit: Edit }) {
  const { readOnly, at } = useEditor();
  const id = useId();
  const on = draft.enabled !== false;
  return (
    <Section title="General">
      {creating && (
        <div class="row">
          <TextField label="Key" value={draft.key} path={['key']} placeholder="e.g. checkout.new-flow" onChange={(v) => edit(['key'], v)} />
          <div class="field">
            <label for={`${id}-type`}>Type</label>
            <select
              id={`${id}-type`}
              value={draft.type}
              onChange={(e) => {
                const type = e.currentTarget.value as FlagType;
                edit([], { key: draft.key, type, enabled: draft.enabled, fallbackValue: sampleValue(type, 1) });
              }}
            >
              {['boolean', 'string', 'number', 'object'].map((t) => (
                <option key={t}>{t}</option>
              ))}
            </select>
          </div>
        </div>
      )}
      <div class="row">
        <div class="field">
          <span class="label" id={`${id}-enabled`}>
            Enabled
          </span>
          <button type="button" role="switch" class="switch" aria-checked={on} aria-labelledby={`${id}-enabled`} disabled={readOnly} onClick={() => edit(['enabled'], !on)}>
            <span class="switch-thumb" aria-hidden="true" />
          </button>
        </div>
        <ValueInput label="Fallback value" type={draft.type} value={draft.fallbackValue} readOnly={readOnly} issues={at(['fallbackValue'])} onChange={(v) => edit(['fallbackValue'], v)} />
        <TextField label="Flag set" value={draft.flagSet ?? ''} path={['flagSet']} onChange={(v) => edit(['flagSet'], v || undefined)} />
      </div>
      <TextField label="Description" value={draft.description ?? ''} path={['description']} onChange={(v) => edit(['description'], v || undefined)} />
      <TextField
        label="Tags (comma separated)"
        value={(draft.tags ?? []).join(', ')}
        path={['tags']}
        onChange={(v) => {
          const tags = v.split(',').map((t) => t.trim()).filter(Boolean);
          edit(['tags'], tags.length ? tags : undefined);
        }}
      />
    </Section>
  );
}

function Rules({ draft, edit }: { draft: FlagDefinition; edit: Edit }) {
  const { readOnly, type } = useEditor();
  const [newEnv, setNewEnv] = useState('');
  const id = useId();
  const envs = Object.entries(draft.environments ?? {});
  const removeEnv = (name: string) => {
    const { [name]: _gone, ...rest } = draft.environments ?? {};
    edit(['environments'], Object.keys(rest).length ? rest : undefined);
  };
  return (
    <>
      {envs.map(([name, rule]) => (
        <div class="env-rule" key={name} data-env={name}>
          <div class="env-head">
            <h3>{name}</h3>
            {!readOnly && (
              <button type="button" class="small danger" onClick={() => removeEnv(name)}>
                Remove {name}
              </button>
            )}
          </div>
          <RuleEditor label={`Rule in ${name}`} rule={rule} path={['environments', name]} onChange={(r: Rule) => edit(['environments', name], r)} />
        </div>
      ))}
      <div class="env-rule" data-env="default">
        <div class="env-head">
          <h3>Default rule</h3>
          {!readOnly && draft.defaultRule && (
            <button type="button" class="small danger" onClick={() => edit(['defaultRule'], undefined)}>
              Remove default rule
            </button>
          )}
        </div>
        {draft.defaultRule ? (
          <RuleEditor label="Default rule" rule={draft.defaultRule} path={['defaultRule']} onChange={(r: Rule) => edit(['defaultRule'], r)} />
        ) : readOnly ? (
          <p class="muted">None: environments without their own rule serve the fallback.</p>
        ) : (
          <AddButton onClick={() => edit(['defaultRule'], defaultRule('static', type))}>+ default rule</AddButton>
        )}
      </div>
      {!readOnly && (
        <form
          class="row add-env"
          onSubmit={(e) => {
            e.preventDefault();
            const name = newEnv.trim();
            if (!name || draft.environments?.[name]) return;
            edit(['environments', name], defaultRule('static', type));
            setNewEnv('');
          }}
        >
          <div class="field">
            <label for={`${id}-env`}>Add an environment rule</label>
            <input id={`${id}-env`} placeholder="e.g. production" value={newEnv} onInput={(e) => setNewEnv(e.currentTarget.value)} />
          </div>
          <button type="submit" class="small" disabled={!newEnv.trim() || draft.environments?.[newEnv.trim()] !== undefined}>
            Add
          </button>
        </form>
      )}
    </>
  );
}

function Prerequisites({ draft, edit }: { draft: FlagDefinition; edit: Edit }) {
  const { readOnly, keys, at } = useEditor();
  const id = useId();
  const list = draft.prerequisites ?? [];
  const set = (next: Prerequisite[]) => edit(['prerequisites'], next.length ? next : undefined);
  if (readOnly && list.length === 0) return null;
  return (
    <Section title="Prerequisites">
      <p class="muted small-text">This flag applies only when every listed flag evaluates to the given value (default true); otherwise it serves its fallback.</p>
      <datalist id={`${id}-keys`}>
        {keys.map((k) => (
          <option key={k} value={k} />
        ))}
      </datalist>
      <EditableRows
        items={list}
        noun="prerequisite"
        onChange={set}
        create={(): Prerequisite => ({ flag: '' })}
        row={(p, i) => (
          <>
            <TextField label={`Prerequisite ${i + 1} flag`} value={p.flag} list={`${id}-keys`} path={['prerequisites', i, 'flag']} onChange={(flag) => set(list.map((x, j) => (j === i ? { ...x, flag } : x)))} />
            <div class="field">
              <label for={`${id}-v${i}`}>Required value</label>
              <input
                id={`${id}-v${i}`}
                placeholder="true"
                disabled={readOnly}
                value={looseText(p.value)}
                onInput={(e) => {
                  const t = e.currentTarget.value;
                  set(list.map((x, j) => (j === i ? (t.trim() ? { ...x, value: parseLoose(t) as Prerequisite['value'] } : { flag: x.flag }) : x)));
                }}
              />
              <FieldErrors id={`${id}-v${i}-errors`} issues={at(['prerequisites', i, 'value'])} />
            </div>
          </>
        )}
      />
    </Section>
  );
}

function Validations({ draft, edit }: { draft: FlagDefinition; edit: Edit }) {
  const { readOnly } = useEditor();
  const id = useId();
  const list = draft.validations ?? [];
  const set = (next: Validation[]) => edit(['validations'], next.length ? next : undefined);
  const replace = (i: number, v: Validation) => set(list.map((x, j) => (j === i ? v : x)));
  if (readOnly && list.length === 0) return null;
  return (
    <Section title="Validations of maintained values">
      <EditableRows
        items={list}
        noun="validation"
        onChange={set}
        create={(): Validation => ({ regex: '.*' })}
        row={(v, i) => {
          const kind = 'regex' in v ? 'regex' : 'scopes' in v ? 'scopes' : 'validator';
          return (
            <>
                <div class="field">
                  <label for={`${id}-k${i}`}>Validation {i + 1}</label>
                  <select
                    id={`${id}-k${i}`}
                    disabled={readOnly}
                    value={kind}
                    onChange={(e) => {
                      const k = e.currentTarget.value;
                      replace(i, k === 'regex' ? { regex: '.*' } : k === 'scopes' ? { scopes: ['tenant'] } : { validator: 'name' });
                    }}
                  >
                    <option value="regex">matches a regular expression</option>
                    <option value="scopes">only these scope keys</option>
                    <option value="validator">registered validator</option>
                  </select>
                </div>
                {'regex' in v && (
                  <>
                    <TextField label="Pattern" value={v.regex} path={['validations', i, 'regex']} onChange={(regex) => replace(i, { ...v, regex })} />
                    <TextField label="Message (optional)" value={v.message ?? ''} path={['validations', i, 'message']} onChange={(m) => replace(i, m ? { ...v, message: m } : { regex: v.regex })} />
                  </>
                )}
                {'scopes' in v && (
                  <TextField
                    label="Scope keys (comma separated)"
                    value={v.scopes.join(', ')}
                    path={['validations', i, 'scopes']}
                    onChange={(t) => replace(i, { scopes: t.split(',').map((s) => s.trim()).filter(Boolean) })}
                  />
                )}
                {'validator' in v && (
                  <>
                    <TextField label="Validator name" value={v.validator} path={['validations', i, 'validator']} onChange={(validator) => replace(i, { ...v, validator })} />
                    <TextField label="Message (optional)" value={v.message ?? ''} path={['validations', i, 'message']} onChange={(m) => replace(i, m ? { ...v, message: m } : { validator: v.validator })} />
                  </>
                )}
            </>
          );
        }}
      />
    </Section>
  );
}

function JsonView({ draft, onApply }: { draft: FlagDefinition; onApply: (d: FlagDefinition) => void }) {
  const { readOnly } = useEditor();
  const id = useId();
  const formatted = JSON.stringify(draft, null, 2);
  const [text, setText] = useState<string | undefined>();
  const [error, setError] = useState<string | undefined>();
  const apply = () => {
    try {
      const parsed = JSON.parse(text ?? formatted) as FlagDefinition;
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('expected an object');
      onApply({ ...parsed, key: draft.key || parsed.key });
      setText(undefined);
      setError(undefined);
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <details class="panel json-view">
      <summary>Definition as JSON</summary>
      <div class="field">
        <label for={id} class="sr-only">
          Definition JSON
        </label>
        <textarea id={id} rows={14} spellcheck={false} readOnly={readOnly} value={text ?? formatted} onInput={(e) => setText(e.currentTarget.value)} />
        <FieldErrors id={`${id}-errors`} issues={[]} extra={error} />
      </div>
      {!readOnly && (
        <button type="button" class="small" disabled={text === undefined} onClick={apply}>
          Apply JSON to the form
        </button>
      )}
    </details>
  );
}
