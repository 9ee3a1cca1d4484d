// Access windows: local days and hours in a time zone, across midnight, across DST changes, in
// zones far from UTC, and the end a grant is capped to.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  isInsideWindows,
  localToInstant,
  offsetAt,
  weekdayOf,
  windowEndsAt,
  type AccessWindow,
  type Weekday,
} from '../../../proxy/access/windows.js';

const WEEKDAYS: Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri'];
const EVERY_DAY: Weekday[] = [...WEEKDAYS, 'sat', 'sun'];
const utc = (y: number, m: number, d: number, h = 0, min = 0) => Date.UTC(y, m - 1, d, h, min);
const win = (days: Weekday[], from: string, to: string, timeZone = 'Europe/Berlin') => ({
  days,
  from,
  to,
  timeZone,
});

/** [name, windows, instant, expected windowEndsAt (null = outside)] */
type Row = [string, AccessWindow[], number, number | null];

const OFFICE = win(WEEKDAYS, '08:00', '18:00');
const FRI_NIGHT = win(['fri'], '22:00', '06:00');
const SAT_NIGHT = win(['sat'], '22:00', '06:00');
const AKL = win(['mon'], '09:00', '17:00', 'Pacific/Auckland');
const LA_EVENING = win(['fri'], '16:00', '02:00', 'America/Los_Angeles');
const LA_NIGHT = win(['sat'], '22:00', '06:00', 'America/Los_Angeles');

// prettier-ignore
const rows: Row[] = [
  // Berlin office hours in winter (CET, UTC+1) and summer (CEST, UTC+2).
  ['Mon 08:00 CET opens', [OFFICE], utc(2024, 1, 15, 7), utc(2024, 1, 15, 17)],
  ['Mon 07:59 CET is before', [OFFICE], utc(2024, 1, 15, 6, 59), null],
  ['Mon 18:00 CET has closed (the end is exclusive)', [OFFICE], utc(2024, 1, 15, 17), null],
  ['Sat is not listed', [OFFICE], utc(2024, 1, 20, 9), null],
  ['Mon 08:00 CEST in summer', [OFFICE], utc(2024, 7, 15, 6), utc(2024, 7, 15, 16)],
  ['Mon 07:30 CEST is before (07:30 CET would not be)', [OFFICE], utc(2024, 7, 15, 5, 30), null],
  // Across midnight: the listed day is the day the window starts.
  ['Fri 23:00 in a Fri 22:00–06:00 window', [FRI_NIGHT], utc(2024, 1, 19, 22), utc(2024, 1, 20, 5)],
  ['Sat 03:00 is still Friday night', [FRI_NIGHT], utc(2024, 1, 20, 2), utc(2024, 1, 20, 5)],
  ['Sat 23:00: Saturday night is not listed', [FRI_NIGHT], utc(2024, 1, 20, 22), null],
  ['Fri 03:00: Thursday night is not listed', [FRI_NIGHT], utc(2024, 1, 19, 2), null],
  // DST in Europe/Berlin: 2024-03-31 02:00 → 03:00, 2024-10-27 03:00 → 02:00.
  ['spring-forward night is 7 h long', [SAT_NIGHT], utc(2024, 3, 31, 1, 30), utc(2024, 3, 31, 4)],
  ['spring-forward night opened at 22:00 CET', [SAT_NIGHT], utc(2024, 3, 30, 21), utc(2024, 3, 31, 4)],
  ['fall-back night is 9 h long', [SAT_NIGHT], utc(2024, 10, 27, 4, 30), utc(2024, 10, 27, 5)],
  ['fall-back night opened at 22:00 CEST', [SAT_NIGHT], utc(2024, 10, 26, 20), utc(2024, 10, 27, 5)],
  ['a start DST skips moves forward (02:30 → 03:30 CEST)', [win(['sun'], '02:30', '05:00')], utc(2024, 3, 31, 1, 30), utc(2024, 3, 31, 3)],
  ['not open before the moved start', [win(['sun'], '02:30', '05:00')], utc(2024, 3, 31, 1, 29), null],
  ['a start that happens twice is the first one', [win(['sun'], '02:30', '04:00')], utc(2024, 10, 27, 0, 30), utc(2024, 10, 27, 3)],
  // Far from UTC: Auckland (UTC+13 in January) is already Monday while UTC is on Sunday.
  ['Auckland Mon 09:00 is Sunday 20:00 UTC', [AKL], utc(2024, 1, 14, 20), utc(2024, 1, 15, 4)],
  ['Auckland Mon 18:00 has closed', [AKL], utc(2024, 1, 15, 5), null],
  ['Auckland in July (UTC+12)', [AKL], utc(2024, 7, 14, 21), utc(2024, 7, 15, 5)],
  // Los Angeles (UTC-8): a Friday-evening window that ends on Saturday, local and in UTC.
  ['LA Fri 23:30 is Sat 07:30 UTC', [LA_EVENING], utc(2024, 1, 20, 7, 30), utc(2024, 1, 20, 10)],
  ['LA Sat 02:00 has closed', [LA_EVENING], utc(2024, 1, 20, 10), null],
  ['LA spring-forward night is 7 h long', [LA_NIGHT], utc(2024, 3, 10, 7, 30), utc(2024, 3, 10, 13)],
  // Ends on the next local day; back-to-back occurrences join up.
  ['09:00–09:00 lasts a full day', [win(['mon'], '09:00', '09:00')], utc(2024, 1, 16, 7), utc(2024, 1, 16, 8)],
  ['Mon night then Tue day: one stretch', [win(['mon'], '22:00', '06:00'), win(['tue'], '06:00', '18:00')], utc(2024, 1, 15, 22), utc(2024, 1, 16, 17)],
  ['every day, all day: joined a bounded number of times', [win(EVERY_DAY, '00:00', '00:00')], utc(2024, 1, 15, 9), utc(2024, 1, 23, 23)],
  ['overlapping windows: the later end wins', [OFFICE, win(['mon'], '12:00', '20:00')], utc(2024, 1, 15, 12), utc(2024, 1, 15, 19)],
];

void describe('windowEndsAt and isInsideWindows', () => {
  for (const [name, windows, at, endsAt] of rows) {
    void test(name, () => {
      assert.equal(windowEndsAt(windows, at), endsAt);
      assert.equal(isInsideWindows(windows, at), endsAt !== null);
    });
  }

  void test('no windows: any time, and nothing to cap to', () => {
    assert.equal(isInsideWindows([], utc(2024, 1, 20, 3)), true);
    assert.equal(windowEndsAt([], utc(2024, 1, 20, 3)), null);
  });
});

void describe('time-zone helpers', () => {
  void test('the epoch day 0 was a Thursday', () => {
    assert.equal(weekdayOf(0), 'thu');
    assert.equal(weekdayOf(-1), 'wed');
    assert.equal(weekdayOf(Math.floor(utc(2024, 1, 15) / 86_400_000)), 'mon');
  });

  void test('offsets follow DST', () => {
    assert.equal(offsetAt(utc(2024, 1, 15), 'Europe/Berlin'), 3_600_000);
    assert.equal(offsetAt(utc(2024, 7, 15), 'Europe/Berlin'), 7_200_000);
    assert.equal(offsetAt(utc(2024, 1, 15), 'Pacific/Auckland'), 13 * 3_600_000);
    assert.equal(offsetAt(utc(2024, 1, 15), 'America/Los_Angeles'), -8 * 3_600_000);
    assert.equal(offsetAt(utc(2024, 1, 15), 'UTC'), 0);
  });

  void test('local day and minute to an instant, on ordinary and DST days', () => {
    const day = (y: number, m: number, d: number) => Math.floor(utc(y, m, d) / 86_400_000);
    assert.equal(localToInstant(day(2024, 1, 15), 9 * 60, 'Europe/Berlin'), utc(2024, 1, 15, 8));
    assert.equal(localToInstant(day(2024, 3, 31), 150, 'Europe/Berlin'), utc(2024, 3, 31, 1, 30));
    assert.equal(localToInstant(day(2024, 10, 27), 150, 'Europe/Berlin'), utc(2024, 10, 27, 0, 30));
    assert.equal(localToInstant(day(2024, 1, 15), 0, 'Pacific/Auckland'), utc(2024, 1, 14, 11));
  });
});
