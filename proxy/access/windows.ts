/**
 * Access windows: "Mon–Fri 08:00–18:00 Europe/Berlin". Pure time-zone math on epoch ms with Intl
 * (no date library): a window occurrence starts on a listed local day at `from` and ends at `to`,
 * on the next local day when `to` is at or before `from` (22:00–06:00 runs overnight, and the day
 * listed is the day it starts). Local times are turned into instants per occurrence, so DST days
 * get their real length (a 22:00–06:00 window is 7 h on the spring-forward night in Berlin).
 */

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';

export interface AccessWindow {
  readonly days: readonly Weekday[];
  /** "HH:MM", local to timeZone. */
  readonly from: string;
  readonly to: string;
  /** IANA name, e.g. Europe/Berlin. */
  readonly timeZone: string;
}

/** One concrete opening of a window, as instants. */
export interface Occurrence {
  start: number;
  end: number;
}

const MINUTE = 60_000;
const DAY = 86_400_000;
// Indexed by (epochDay + 4) % 7: 1970-01-01 was a Thursday.
const WEEKDAYS: readonly Weekday[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
/** Adjacent occurrences are joined up to this many times (a week of back-to-back days, and then some). */
const MAX_CHAIN = 8;

// Building a DateTimeFormat is far slower than using one; time zones in config are few.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, format);
  }
  return format;
}

/** The wall-clock reading at `instant` in `timeZone`, as if that reading were UTC (epoch ms). */
function wallClock(instant: number, timeZone: string): number {
  const fields: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(instant)) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  const field = (name: string) => fields[name] ?? 0;
  // Some ICU versions still print midnight as 24 despite h23.
  const hour = field('hour') % 24;
  return Date.UTC(
    field('year'),
    field('month') - 1,
    field('day'),
    hour,
    field('minute'),
    field('second'),
  );
}

/** Offset of `timeZone` from UTC at `instant`, in ms (Berlin in summer: +7_200_000). */
export function offsetAt(instant: number, timeZone: string): number {
  const whole = Math.floor(instant / 1000) * 1000;
  return wallClock(whole, timeZone) - whole;
}

/** Local calendar day (days since 1970-01-01) and minute of the day at `instant`. */
export function localDayAndMinute(
  instant: number,
  timeZone: string,
): { day: number; minute: number } {
  const wall = wallClock(instant, timeZone);
  const day = Math.floor(wall / DAY);
  return { day, minute: Math.floor((wall - day * DAY) / MINUTE) };
}

export function weekdayOf(day: number): Weekday {
  return WEEKDAYS[(((day + 4) % 7) + 7) % 7] ?? 'sun';
}

/**
 * The instant a local day and minute happen in `timeZone`. Like Temporal's "compatible"
 * disambiguation: a time skipped by DST moves forward by the gap (02:30 → 03:30), and a time that
 * happens twice (autumn) is the earlier one.
 */
export function localToInstant(day: number, minute: number, timeZone: string): number {
  const wall = day * DAY + minute * MINUTE;
  // Zones change offset at most once within a day or so: the offsets a day before, at and a day
  // after the wall reading cover both sides of any transition near it.
  const offsets = new Set([wall - DAY, wall, wall + DAY].map((t) => offsetAt(t, timeZone)));
  const valid = [...offsets]
    .map((offset) => wall - offset)
    .filter((instant) => wall - offsetAt(instant, timeZone) === instant);
  if (valid.length > 0) return Math.min(...valid);
  // In a gap: read the wall time with the offset from before the jump.
  return wall - offsetAt(wall - DAY, timeZone);
}

export function minutesOf(time: string): number {
  const [hours = 0, minutes = 0] = time.split(':').map(Number);
  return hours * 60 + minutes;
}

/** The occurrence of `window` that starts on local `day`, or null when the day is not listed. */
export function occurrenceOn(window: AccessWindow, day: number): Occurrence | null {
  if (!window.days.includes(weekdayOf(day))) return null;
  const from = minutesOf(window.from);
  const to = minutesOf(window.to);
  const start = localToInstant(day, from, window.timeZone);
  const end = localToInstant(to <= from ? day + 1 : day, to, window.timeZone);
  // A window lying wholly inside a DST gap has no real length.
  return end > start ? { start, end } : null;
}

/** Occurrences (of any window) open at `instant`: start ≤ instant < end. */
export function occurrencesAt(windows: readonly AccessWindow[], instant: number): Occurrence[] {
  const open: Occurrence[] = [];
  for (const window of windows) {
    const { day } = localDayAndMinute(instant, window.timeZone);
    // An occurrence lasts at most a local day, so only those starting today or yesterday qualify.
    for (const start of [day - 1, day]) {
      const occurrence = occurrenceOn(window, start);
      if (occurrence && occurrence.start <= instant && instant < occurrence.end) {
        open.push(occurrence);
      }
    }
  }
  return open;
}

/**
 * When access that starts at `instant` must end: the end of the open occurrence, carried on
 * through occurrences that begin exactly when (or before) it ends, so back-to-back windows
 * (Mon 22:00–06:00 then Tue 06:00–18:00) don't cut a grant at the seam. Null when `instant` is
 * outside every window.
 */
export function windowEndsAt(windows: readonly AccessWindow[], instant: number): number | null {
  let open = occurrencesAt(windows, instant);
  if (open.length === 0) return null;
  let end = Math.max(...open.map((o) => o.end));
  for (let step = 0; step < MAX_CHAIN; step++) {
    open = occurrencesAt(windows, end);
    if (open.length === 0) break;
    end = Math.max(...open.map((o) => o.end));
  }
  return end;
}

/** Whether `instant` is inside the windows; no windows means any time. */
export function isInsideWindows(windows: readonly AccessWindow[], instant: number): boolean {
  return windows.length === 0 || occurrencesAt(windows, instant).length > 0;
}
