import type { ComponentChildren } from 'preact';
import { AddButton, RemoveButton } from '../components/controls';
import { useEditor } from './editor-context';

interface Props<T> {
  items: readonly T[];
  /** What one item is called in the buttons: "Remove prerequisite 2", "+ prerequisite". */
  noun: string;
  onChange: (next: T[]) => void;
  /** The item "+ noun" appends. */
  create: () => T;
  row: (item: T, index: number) => ComponentChildren;
}

/** One row per item, each with a remove button, and a button that appends one; the buttons are left out when read-only. */
export function EditableRows<T>({ items, noun, onChange, create, row }: Props<T>) {
  const { readOnly } = useEditor();
  return (
    <>
      {items.map((item, i) => (
        <div class="row" key={i}>
          {row(item, i)}
          {!readOnly && <RemoveButton label={`Remove ${noun} ${i + 1}`} onClick={() => onChange(items.filter((_, j) => j !== i))} />}
        </div>
      ))}
      {!readOnly && <AddButton onClick={() => onChange([...items, create()])}>+ {noun}</AddButton>}
    </>
  );
}
