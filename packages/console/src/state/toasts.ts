import { signal } from '@preact/signals';

export interface Toast {
  id: number;
  kind: 'error' | 'info';
  text: string;
}

/** Messages shown in the live region at the bottom of the screen. */
export const toasts = signal<Toast[]>([]);
let nextId = 1;

/** Shows a message for a few seconds (errors stay longer). */
export function notify(kind: Toast['kind'], text: string): void {
  const toast = { id: nextId++, kind, text };
  toasts.value = [...toasts.value.slice(-3), toast];
  setTimeout(() => dismiss(toast.id), kind === 'error' ? 10_000 : 4_000);
}

export function dismiss(id: number): void {
  toasts.value = toasts.value.filter((t) => t.id !== id);
}
