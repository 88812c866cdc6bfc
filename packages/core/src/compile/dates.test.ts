import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { parseInstant } from './dates';
import { runs } from '../../../../tooling/testing/property.ts';

describe('parseInstant', () => {
  it('reads Featuris dates as wall-clock times in the zone, covering the whole second or minute', () => {
    expect(parseInstant('2017-12-25 00:00:00')).toEqual({ start: Date.UTC(2017, 11, 25), end: Date.UTC(2017, 11, 25) + 999 });
    expect(parseInstant('2017-12-25 10:30', 'America/New_York')).toEqual({ start: Date.UTC(2017, 11, 25, 15, 30), end: Date.UTC(2017, 11, 25, 15, 30) + 59_999 });
    expect(parseInstant('2024-01-01')).toEqual({ start: Date.UTC(2024, 0, 1), end: Date.UTC(2024, 0, 1) + 86_399_999 });
    expect(parseInstant('2024-01-01T12:00:00.250+02:00')).toEqual({ start: Date.UTC(2024, 0, 1, 10, 0, 0, 250), end: Date.UTC(2024, 0, 1, 10, 0, 0, 250) });
  });

  it('refuses text that is not a date, impossible dates and unknown zones', () => {
    for (const bad of ['', 'tomorrow', '2019-02-30 00:00:00', '2019-13-01 00:00:00', '2019-01-01 24:00:01', '2019-1-1 00:00:00']) expect(parseInstant(bad), bad).toBeUndefined();
    expect(parseInstant('2019-01-01 00:00:00', 'Mars/Base')).toBeUndefined();
  });

  it('agrees with luxon’s own format parser for every valid Featuris date and zone', () => {
    const zones = ['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe'];
    fc.assert(
      fc.property(fc.date({ min: new Date('1990-01-01'), max: new Date('2060-01-01'), noInvalidDate: true }), fc.constantFrom(...zones), fc.boolean(), (d, zone, seconds) => {
        const text = DateTime.fromJSDate(d, { zone: 'UTC' }).toFormat(seconds ? 'yyyy-MM-dd HH:mm:ss' : 'yyyy-MM-dd HH:mm');
        const reference = DateTime.fromFormat(text, seconds ? 'yyyy-MM-dd HH:mm:ss' : 'yyyy-MM-dd HH:mm', { zone });
        const parsed = parseInstant(text, zone);
        expect(parsed?.start).toBe(reference.toMillis());
        expect(parsed?.end).toBe(reference.endOf(seconds ? 'second' : 'minute').toMillis());
      }),
      { numRuns: runs(3000) },
    );
  });
});
