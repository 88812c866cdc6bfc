import type { ComponentChildren, InputHTMLAttributes } from 'preact';

/** A table's caption (read by screen readers only) and its column headers; `actions` adds a hidden "Actions" header. */
export function TableHead({ caption, columns, actions }: { caption?: string; columns: readonly string[]; actions?: boolean }) {
  return (
    <>
      {caption && <caption class="sr-only">{caption}</caption>}
      <thead>
        <tr>
          {columns.map((c) => (
            <th scope="col" key={c}>
              {c}
            </th>
          ))}
          {actions && (
            <th scope="col" class="sr-only">
              Actions
            </th>
          )}
        </tr>
      </thead>
    </>
  );
}

/** A search box in a page's filter bar. */
export function SearchFilter({ id, label, placeholder, value, onInput }: { id: string; label: string; placeholder?: string; value: string; onInput: (text: string) => void }) {
  return (
    <div class="field grow compact-label">
      <label for={id}>{label}</label>
      <input id={id} type="search" placeholder={placeholder} value={value} onInput={(e) => onInput(e.currentTarget.value)} />
    </div>
  );
}

/** A message announced to screen readers when it appears; nothing without one. */
export function ErrorAlert({ message, id }: { message: string | undefined; id?: string }) {
  if (!message) return null;
  return (
    <p class="form-error" id={id} role="alert">
      {message}
    </p>
  );
}

/** The × button that removes one item of a list. */
export function RemoveButton({ label, onClick, disabled }: { label: string; onClick: () => void; disabled?: boolean }) {
  return (
    <button type="button" class="ghost danger" aria-label={label} disabled={disabled} onClick={onClick}>
      ×
    </button>
  );
}

/** The small button that appends an item to a list ("+ condition"). */
export function AddButton({ onClick, children }: { onClick: () => void; children: ComponentChildren }) {
  return (
    <button type="button" class="small" onClick={onClick}>
      {children}
    </button>
  );
}

/** `<option>`s whose values are their labels. */
export function Options({ values }: { values: readonly string[] }) {
  return (
    <>
      {values.map((v) => (
        <option key={v} value={v}>
          {v}
        </option>
      ))}
    </>
  );
}

/** A compact input whose label is read by screen readers only (the placeholder shows what goes in). */
export function CompactInput({ id, label, class: className, ...input }: { id: string; label: string; class?: string } & InputHTMLAttributes<HTMLInputElement>) {
  return (
    <div class={className ? `field compact ${className}` : 'field compact'}>
      <label for={id} class="sr-only">
        {label}
      </label>
      <input id={id} {...input} />
    </div>
  );
}

/** "Loading…" until `items` arrive, then `empty` when there are none, else what `children` renders of them. */
export function LoadedList<T>({ items, empty, children }: { items: readonly T[] | null; empty: ComponentChildren; children: (items: readonly T[]) => ComponentChildren }) {
  if (items === null) return <p class="muted">Loading…</p>;
  if (items.length === 0) return <p class="empty">{empty}</p>;
  return <>{children(items)}</>;
}
