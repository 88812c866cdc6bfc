import { useEffect, useId, useState } from 'preact/hooks';
import type { FlagType, FlagValue } from '@switchyard/core';
import type { ApiIssue } from '../api/types';
import { parseTyped, valueToText } from '../lib/format';
import { FieldErrors } from './field';

interface Props {
  label: string;
  type: FlagType;
  value: FlagValue | undefined;
  onChange: (value: FlagValue) => void;
  readOnly?: boolean;
  issues?: readonly ApiIssue[];
  /** Hide the label visually (it still names the input). */
  compact?: boolean;
}

/** Edits one flag value with the input its type calls for; text that does not parse is reported, not sent. */
export function ValueInput({ label, type, value, onChange, readOnly, issues = [], compact }: Props) {
  const id = useId();
  const [text, setText] = useState(valueToText(type, value));
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    // Follow outside changes (another editor, the live stream) unless the text already means that value.
    const parsed = parseTyped(type, text);
    if (!parsed.ok || JSON.stringify(parsed.value) !== JSON.stringify(value)) {
      setText(valueToText(type, value));
      setError(undefined);
    }
  }, [type, JSON.stringify(value)]);
  const update = (t: string) => {
    setText(t);
    const parsed = parseTyped(type, t);
    if (parsed.ok) {
      setError(undefined);
      onChange(parsed.value);
    } else setError(parsed.error);
  };
  const errorId = `${id}-errors`;
  const invalid = error !== undefined || issues.length > 0;
  const common = {
    id,
    disabled: readOnly,
    'aria-invalid': invalid,
    'aria-describedby': invalid ? errorId : undefined,
  };
  return (
    <div class={compact ? 'field compact' : 'field'}>
      <label for={id} class={compact ? 'sr-only' : undefined}>
        {label}
      </label>
      {type === 'boolean' ? (
        <select {...common} value={text} onChange={(e) => update(e.currentTarget.value)}>
          {text !== 'true' && text !== 'false' && <option value={text}>choose…</option>}
          <option value="true">true</option>
          <option value="false">false</option>
        </select>
      ) : type === 'object' ? (
        <textarea {...common} rows={3} spellcheck={false} value={text} onInput={(e) => update(e.currentTarget.value)} />
      ) : (
        <input {...common} type="text" inputMode={type === 'number' ? 'decimal' : undefined} value={text} onInput={(e) => update(e.currentTarget.value)} />
      )}
      <FieldErrors id={errorId} issues={issues} extra={error} />
    </div>
  );
}
