import type { ComponentChildren } from 'preact';
import type { ApiIssue } from '../api/types';

let ids = 0;
/** A stable id for label/input pairs. */
export function nextId(prefix: string): string {
  return `${prefix}-${++ids}`;
}

/** Messages shown under an input; tied to it with `aria-describedby`. */
export function FieldErrors({ id, issues, extra }: { id: string; issues: readonly ApiIssue[]; extra?: string | undefined }) {
  const messages = [...issues.map((i) => i.message), ...(extra ? [extra] : [])];
  if (messages.length === 0) return null;
  return (
    <ul class="field-errors" id={id} role="alert">
      {messages.map((m) => (
        <li key={m}>{m}</li>
      ))}
    </ul>
  );
}

export function Section({ title, children, actions }: { title: string; children: ComponentChildren; actions?: ComponentChildren }) {
  return (
    <section class="panel" aria-label={title}>
      <header class="panel-head">
        <h2>{title}</h2>
        {actions}
      </header>
      {children}
    </section>
  );
}
