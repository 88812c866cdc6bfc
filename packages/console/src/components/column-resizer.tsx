import { columnWidths, MIN_COLUMN_WIDTH, setColumnWidth } from '../lib/column-widths';

const KEY_STEP = 16;

/**
 * The draggable right edge of a table header cell: drag (mouse, pen or touch) to resize the column,
 * arrow keys to resize by 16 px, double-click or Escape to return it to its automatic width.
 */
export function ColumnResizer({ id, label }: { id: string; label: string }) {
  const width = columnWidths.value[id];
  const startDrag = (e: PointerEvent) => {
    if (e.button !== 0) return;
    const handle = e.currentTarget as HTMLElement;
    const cell = handle.closest('th');
    if (!cell) return;
    e.preventDefault();
    const startX = e.clientX;
    const startWidth = cell.getBoundingClientRect().width;
    handle.setPointerCapture(e.pointerId);
    const move = (m: PointerEvent) => setColumnWidth(id, startWidth + m.clientX - startX);
    const end = () => {
      handle.removeEventListener('pointermove', move);
      handle.removeEventListener('pointerup', end);
      handle.removeEventListener('pointercancel', end);
    };
    handle.addEventListener('pointermove', move);
    handle.addEventListener('pointerup', end);
    handle.addEventListener('pointercancel', end);
  };
  const onKey = (e: KeyboardEvent) => {
    const cell = (e.currentTarget as HTMLElement).closest('th');
    const current = width ?? cell?.getBoundingClientRect().width ?? 0;
    if (e.key === 'ArrowRight') setColumnWidth(id, current + KEY_STEP);
    else if (e.key === 'ArrowLeft') setColumnWidth(id, current - KEY_STEP);
    else if (e.key === 'Escape') setColumnWidth(id, undefined);
    else return;
    e.preventDefault();
  };
  return (
    <span
      class="col-resizer"
      role="separator"
      aria-orientation="vertical"
      aria-label={`Resize the ${label} column`}
      aria-valuenow={width}
      aria-valuemin={MIN_COLUMN_WIDTH}
      tabIndex={0}
      title="Drag to resize; double-click to reset"
      onPointerDown={startDrag}
      onKeyDown={onKey}
      onDblClick={() => setColumnWidth(id, undefined)}
      onClick={(e) => e.stopPropagation()}
    />
  );
}
