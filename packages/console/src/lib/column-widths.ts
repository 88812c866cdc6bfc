import { signal } from '@preact/signals';

const KEY = 'switchyard.console.columnWidths';
/** Narrowest a resized column may get, in CSS pixels: room for a value and the resize handle. */
export const MIN_COLUMN_WIDTH = 64;
const MAX_COLUMN_WIDTH = 1200;

function initial(): Record<string, number> {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(KEY) ?? '{}');
    if (typeof parsed !== 'object' || parsed === null) return {};
    const out: Record<string, number> = {};
    for (const [id, width] of Object.entries(parsed)) if (typeof width === 'number' && Number.isFinite(width)) out[id] = clampWidth(width);
    return out;
  } catch {
    return {};
  }
}

function clampWidth(width: number): number {
  return Math.round(Math.min(MAX_COLUMN_WIDTH, Math.max(MIN_COLUMN_WIDTH, width)));
}

/**
 * Widths the user gave the flag table's columns by dragging their edge, by column id (`key`, an
 * environment name, …). Kept in localStorage (layout, not a credential), so they survive reloads.
 */
export const columnWidths = signal<Record<string, number>>(initial());

/** Sets one column's width (clamped), or forgets it (`undefined`: back to the automatic width). */
export function setColumnWidth(id: string, width: number | undefined): void {
  const next = { ...columnWidths.value };
  if (width === undefined) delete next[id];
  else next[id] = clampWidth(width);
  columnWidths.value = next;
  try {
    localStorage.setItem(KEY, JSON.stringify(next));
  } catch {
    // storage disabled: the widths last for this page only
  }
}
