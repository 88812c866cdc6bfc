import Table from 'cli-table3';
import type { Colors } from '../io';

/**
 * A borderless table for terminals: a bold header row, then one row per item, columns separated
 * by two spaces. Cells must be plain or already coloured strings.
 */
export function renderTable(colors: Colors, head: readonly string[], rows: readonly (readonly string[])[]): string {
  const table = new Table({
    head: head.map((h) => colors.bold(h)),
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 2, compact: true },
    chars: {
      top: '', 'top-mid': '', 'top-left': '', 'top-right': '',
      bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '',
      left: '', 'left-mid': '', mid: '', 'mid-mid': '',
      right: '', 'right-mid': '', middle: '',
    },
  });
  for (const row of rows) table.push([...row]);
  return table
    .toString()
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n');
}
