import { dismiss, toasts } from '../state/toasts';

/** Messages announced to screen readers and shown at the bottom of the screen. */
export function Toasts() {
  return (
    <div class="toasts" role="status" aria-live="polite">
      {toasts.value.map((t) => (
        <div key={t.id} class={`toast toast-${t.kind}`} data-testid="toast">
          <span>{t.text}</span>
          <button type="button" class="ghost" aria-label="Dismiss" onClick={() => dismiss(t.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
