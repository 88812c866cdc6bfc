import { useId } from 'preact/hooks';
import type { AttributeCondition, Condition } from '@switchyard/core';
import { AddButton, CompactInput, Options, RemoveButton } from '../components/controls';
import { FieldErrors } from '../components/field';
import { defaultCondition } from '../lib/defaults';
import { looseText, parseLoose } from '../lib/format';
import { OPERATORS } from '../lib/operators';
import type { Path } from '../lib/paths';
import { useEditor } from './editor-context';

type Kind = 'attribute' | 'all' | 'any' | 'not';

function kindOf(c: Condition): Kind {
  return 'all' in c ? 'all' : 'any' in c ? 'any' : 'not' in c ? 'not' : 'attribute';
}

/** Switching kind keeps what was there: a test becomes the first child of a group, a group's first child becomes the test. */
function convert(c: Condition, to: Kind): Condition {
  const children = 'all' in c ? c.all : 'any' in c ? c.any : 'not' in c ? [c.not] : [c];
  const first = children[0] ?? defaultCondition();
  switch (to) {
    case 'attribute':
      return kindOf(first) === 'attribute' ? first : defaultCondition();
    case 'all':
      return { all: children };
    case 'any':
      return { any: children };
    case 'not':
      return { not: first };
  }
}

interface Props {
  condition: Condition;
  path: Path;
  onChange: (c: Condition) => void;
  onRemove?: () => void;
  depth?: number;
}

/** Edits a condition tree: attribute tests combined with all / any / not, to any depth. */
export function ConditionEditor({ condition, path, onChange, onRemove, depth = 0 }: Props) {
  const { readOnly, at } = useEditor();
  const id = useId();
  const kind = kindOf(condition);
  return (
    <div class={`condition depth-${depth % 2}`} role="group" aria-label={kind === 'attribute' ? 'Condition' : `${kind} of`}>
      <div class="row">
        <div class="field compact">
          <label for={`${id}-kind`} class="sr-only">
            Condition kind
          </label>
          <select id={`${id}-kind`} disabled={readOnly} value={kind} onChange={(e) => onChange(convert(condition, e.currentTarget.value as Kind))}>
            <option value="attribute">attribute test</option>
            <option value="all">all of</option>
            <option value="any">any of</option>
            <option value="not">not</option>
          </select>
        </div>
        {kind === 'attribute' && <AttributeFields condition={condition as AttributeCondition} path={path} onChange={onChange} />}
        {onRemove && !readOnly && (
          <RemoveButton label="Remove condition" onClick={onRemove} />
        )}
      </div>
      <FieldErrors id={`${id}-errors`} issues={at(path)} />
      {'all' in condition || 'any' in condition ? (
        <GroupChildren condition={condition} path={path} onChange={onChange} depth={depth} />
      ) : 'not' in condition ? (
        <div class="children">
          <ConditionEditor condition={condition.not} path={[...path, 'not']} onChange={(c) => onChange({ not: c })} depth={depth + 1} />
        </div>
      ) : null}
    </div>
  );
}

function GroupChildren({ condition, path, onChange, depth }: { condition: { all: Condition[] } | { any: Condition[] }; path: Path; onChange: (c: Condition) => void; depth: number }) {
  const { readOnly } = useEditor();
  const key = 'all' in condition ? 'all' : 'any';
  const list = 'all' in condition ? condition.all : condition.any;
  const set = (next: Condition[]) => onChange(key === 'all' ? { all: next } : { any: next });
  return (
    <div class="children">
      {list.map((child, i) => (
        <ConditionEditor
          key={i}
          condition={child}
          path={[...path, key, i]}
          depth={depth + 1}
          onChange={(c) => set(list.map((x, j) => (j === i ? c : x)))}
          onRemove={() => set(list.filter((_, j) => j !== i))}
        />
      ))}
      {!readOnly && (
        <AddButton onClick={() => set([...list, defaultCondition()])}>+ condition</AddButton>
      )}
    </div>
  );
}

function AttributeFields({ condition, path, onChange }: { condition: AttributeCondition; path: Path; onChange: (c: Condition) => void }) {
  const { readOnly, at } = useEditor();
  const id = useId();
  const set = (patch: Partial<AttributeCondition>) => {
    const next: AttributeCondition = { ...condition, ...patch };
    if (!next.negate) delete next.negate;
    if (!next.caseInsensitive) delete next.caseInsensitive;
    onChange(next);
  };
  const valueIssues = at([...path, 'value']);
  return (
    <>
      <CompactInput id={`${id}-attr`} label="Attribute" placeholder="attribute" disabled={readOnly} value={condition.attribute} onInput={(e) => set({ attribute: e.currentTarget.value })} aria-invalid={at([...path, 'attribute']).length > 0} />
      <div class="field compact">
        <label for={`${id}-op`} class="sr-only">
          Operator
        </label>
        <select id={`${id}-op`} disabled={readOnly} value={condition.operator} onChange={(e) => set({ operator: e.currentTarget.value })}>
          {(OPERATORS as readonly string[]).includes(condition.operator) ? null : <option value={condition.operator}>{condition.operator}</option>}
          <Options values={OPERATORS} />
        </select>
      </div>
      <div class="field compact grow">
        <label for={`${id}-value`} class="sr-only">
          Value (text, or JSON such as 42 or ["a","b"])
        </label>
        <input
          id={`${id}-value`}
          placeholder='value, e.g. DE or ["DE","AT"]'
          disabled={readOnly}
          value={looseText(condition.value)}
          onInput={(e) => set({ value: parseLoose(e.currentTarget.value) })}
          aria-invalid={valueIssues.length > 0}
          aria-describedby={valueIssues.length ? `${id}-value-errors` : undefined}
        />
        <FieldErrors id={`${id}-value-errors`} issues={valueIssues} />
      </div>
      <label class="check">
        <input type="checkbox" disabled={readOnly} checked={condition.negate === true} onChange={(e) => set({ negate: e.currentTarget.checked })} />
        negate
      </label>
      <label class="check">
        <input type="checkbox" disabled={readOnly} checked={condition.caseInsensitive === true} onChange={(e) => set({ caseInsensitive: e.currentTarget.checked })} />
        ignore case
      </label>
    </>
  );
}
