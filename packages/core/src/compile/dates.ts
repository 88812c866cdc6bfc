import { DateTime, IANAZone } from 'luxon';

/** Featuris' format, `YYYY-MM-DD HH:mm:ss`, and its minute-precision variant. */
const FEATURIS_DATE = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})(?::(\d{2}))?$/;

export interface ParsedInstant {
  /** Epoch milliseconds of the first instant the text denotes. */
  start: number;
  /** Epoch milliseconds of the last instant it denotes (a date to the second covers the whole second). */
  end: number;
}

/** True for `UTC` and every IANA zone name the runtime knows. */
export function isValidTimezone(zone: string): boolean {
  return zone === 'UTC' || IANAZone.isValidZone(zone);
}

/**
 * Parses a schedule date: ISO 8601 (with or without offset) or `YYYY-MM-DD HH:mm:ss`. Dates without an
 * offset are wall-clock times in `zone`; a wall time skipped by a DST change is read with the offset in force
 * before the change (02:30 on a 02:00→03:00 night is 03:30), and a repeated one is its second occurrence
 * (after the clocks went back).
 * Returns `undefined` for text that is not a date.
 */
export function parseInstant(text: string, zone = 'UTC'): ParsedInstant | undefined {
  if (typeof text !== 'string' || !isValidTimezone(zone)) return undefined;
  const trimmed = text.trim();
  let dt: DateTime | undefined;
  let unit: 'second' | 'minute' | 'day' | 'millisecond' = 'millisecond';
  // Matched directly: luxon's fromFormat builds a token parser on every call, which dominated
  // loading large manifests.
  const m = FEATURIS_DATE.exec(trimmed);
  if (m) {
    const candidate = DateTime.fromObject(
      { year: +m[1]!, month: +m[2]!, day: +m[3]!, hour: +m[4]!, minute: +m[5]!, second: m[6] === undefined ? 0 : +m[6] },
      { zone },
    );
    if (!candidate.isValid) return undefined;
    dt = candidate;
    unit = m[6] === undefined ? 'minute' : 'second';
  }
  if (!dt) {
    const candidate = DateTime.fromISO(trimmed, { zone, setZone: true });
    if (!candidate.isValid) return undefined;
    dt = candidate;
    if (/^\d{4}-\d{2}-\d{2}$/.test(trimmed)) unit = 'day';
    else if (/T\d{2}:\d{2}(?![:\d])/.test(trimmed)) unit = 'minute';
    else if (/T\d{2}:\d{2}:\d{2}(?![.,\d])/.test(trimmed)) unit = 'second';
  }
  const start = dt.toMillis();
  const end = unit === 'millisecond' ? start : unit === 'second' ? start + 999 : unit === 'minute' ? start + 59_999 : dt.endOf(unit).toMillis();
  return { start, end };
}
