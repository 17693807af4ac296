import { DateTime } from 'luxon';
import {
  daysBetween,
  dayText,
  englishLocale,
  isoDateParts,
  MONTHS_LONG,
  relativeCalendarDays,
  relativeIn,
  utcWallClock,
  type WallClock,
  wallClock,
  wallDate,
  wallText,
} from './format';

/**
 * How answers say dates (src/schedule/render.ts re-exports these): "Tue 16 Jun 2026, 14:00 CEST",
 * "in 3 days", "tomorrow". Written by format.ts where that gives luxon's text, by luxon otherwise.
 */

export const DAY_FMT = 'ccc d LLL yyyy';

/*
 * The dates below are written by src/schedule/format.ts (cached Intl, no luxon on the hot path)
 * where that gives luxon's text, and by luxon itself where it would not (see `englishLocale`).
 */

/** The wall clock in `tz` at `ms`, when format.ts writes what luxon would for `at`'s locale. */
function fastWall(ms: number, tz: string, at?: DateTime): WallClock | undefined {
  const locale = englishLocale();
  if (!locale || (at && at.locale !== locale)) return undefined;
  return wallClock(ms, tz, locale);
}

export function formatLocal(at: DateTime, tz: string): string {
  const w = fastWall(at.toMillis(), tz, at);
  return w ? wallText(w) : at.setZone(tz).toFormat(`${DAY_FMT}, HH:mm ZZZZ`);
}

/** formatLocal of a stored instant (epoch ms). */
export function localText(ms: number, tz: string): string {
  const w = fastWall(ms, tz);
  return w ? wallText(w) : formatLocal(DateTime.fromMillis(ms, { zone: 'utc' }), tz);
}

export function formatUtc(at: DateTime): string {
  const fast = englishLocale() === at.locale ? utcFast(at.toMillis()) : undefined;
  return fast ?? at.toUTC().toFormat(`${DAY_FMT}, HH:mm 'UTC'`);
}

function utcFast(ms: number): string | undefined {
  if (!Number.isFinite(ms)) return undefined;
  const w = utcWallClock(ms);
  return w.year >= 1 ? wallText(w) : undefined;
}

/** formatUtc of a stored instant (epoch ms). */
export const utcText = (ms: number): string =>
  (englishLocale() ? utcFast(ms) : undefined) ?? formatUtc(DateTime.fromMillis(ms, { zone: 'utc' }));

export function formatDate(date: string): string {
  const d = englishLocale() ? isoDateParts(date) : undefined;
  return d ? dayText(d.year, d.month, d.day) : DateTime.fromISO(date, { zone: 'utc' }).toFormat(DAY_FMT);
}

/** 'Thu 18 Jun' (luxon 'ccc d LLL') of a plain date. */
export function shortDay(date: string): string {
  const d = englishLocale() ? isoDateParts(date) : undefined;
  return d
    ? dayText(d.year, d.month, d.day).slice(0, -5)
    : DateTime.fromISO(date, { zone: 'utc' }).toFormat('ccc d LLL');
}

/** 'June 2026' (luxon 'LLLL yyyy') of a plain date. */
export function monthYear(date: string): string {
  const d = englishLocale() ? isoDateParts(date) : undefined;
  return d
    ? `${MONTHS_LONG[d.month - 1]} ${String(d.year).padStart(4, '0')}`
    : DateTime.fromISO(date, { zone: 'utc' }).toFormat('LLLL yyyy');
}

/** 'Thu 18 – Fri 19 Jun 2026' */
export function formatSpan(start: string, end: string): string {
  const a = englishLocale() ? isoDateParts(start) : undefined;
  const b = a && isoDateParts(end);
  if (a && b) {
    const left =
      a.year !== b.year
        ? formatDate(start)
        : a.month !== b.month
          ? shortDay(start)
          : shortDay(start).replace(/ [A-Z][a-z]{2}$/, '');
    return `${left} – ${formatDate(end)}`;
  }
  const s = DateTime.fromISO(start, { zone: 'utc' });
  const e = DateTime.fromISO(end, { zone: 'utc' });
  const left =
    s.year !== e.year
      ? s.toFormat(DAY_FMT)
      : s.month !== e.month
        ? s.toFormat('ccc d LLL')
        : s.toFormat('ccc d');
  return `${left} – ${e.toFormat(DAY_FMT)}`;
}

/** English, whatever the machine's locale: the wording tests and people read. */
export const EN = { locale: 'en' } as const;

/**
 * "in 3 days", "in 5 hours", "2 days ago", "now": luxon's wording (`toRelative`) in whole units
 * relbot chooses, so that it never says "in 1 week" for 9 days nor "in 30 seconds".
 */
export function relative(at: DateTime, now: DateTime): string {
  return relativeMs(at.toMillis(), now.toMillis()) ?? relativeLuxon(at, now);
}

/** `relative` of epoch ms (format.ts, luxon's English wording); undefined for an invalid instant. */
function relativeMs(at: number, now: number): string | undefined {
  const diff = at - now;
  if (!Number.isFinite(diff)) return undefined;
  const minutes = Math.abs(diff) / 60_000;
  if (minutes < 1) return 'now';
  const days = minutes / 1440;
  // weeks only from 14 days on: "in 9 days" reads better than "in 1 week"
  return relativeIn(diff, days >= 14 ? 'weeks' : days >= 1 ? 'days' : minutes >= 60 ? 'hours' : 'minutes');
}

/** The luxon original of `relative` (test/unit/perf-format.test.ts compares the two). */
export function relativeLuxon(at: DateTime, now: DateTime): string {
  const minutes = Math.abs(at.diff(now).as('minutes'));
  if (minutes < 1) return 'now';
  const days = minutes / 1440;
  const unit = days >= 14 ? 'weeks' : days >= 1 ? 'days' : minutes >= 60 ? 'hours' : 'minutes';
  // In UTC a day is always 24 hours: the count is of elapsed time, not of the viewer's calendar.
  return at.toUTC().toRelative({ ...EN, base: now.toUTC(), unit })!;
}

/** The viewer's today ('2026-06-16') in `tz`. */
export function viewerToday(now: DateTime, tz: string): string {
  const w = wallClock(now.toMillis(), tz, englishLocale() ?? 'en-US');
  return w ? wallDate(w) : now.setZone(tz).toISODate()!;
}

/**
 * Relative calendar days from the viewer's today (`toRelativeCalendar`): "today", "tomorrow",
 * "yesterday", "in 5 days", "3 days ago"; from 14 days on in whole weeks ("in 2 weeks").
 */
export function relativeDays(date: string, now: DateTime, tz: string): string {
  const days = daysBetween(viewerToday(now, tz), date);
  return days === undefined ? relativeDaysLuxon(date, now, tz) : relativeCalendarDays(days);
}

/** The luxon original of `relativeDays` (test/unit/perf-format.test.ts compares the two). */
export function relativeDaysLuxon(date: string, now: DateTime, tz: string): string {
  // Both as calendar dates (the viewer's today, the row's date), compared in UTC: whole days
  // whatever daylight saving does to the viewer's zone.
  const today = DateTime.fromISO(now.setZone(tz).toISODate()!, { zone: 'utc' });
  const day = DateTime.fromISO(date, { zone: 'utc' }).startOf('day');
  return Math.abs(day.diff(today, 'days').days) >= 14
    ? day.toRelative({ ...EN, base: today, unit: 'weeks' })!
    : day.toRelativeCalendar({ ...EN, base: today, unit: 'days' })!;
}

/** An instant as an answer says it: local time and UTC (UTC viewers: UTC only). */
export function exactText(ms: number, tz: string): string {
  const utc = utcText(ms);
  return tz === 'UTC' || tz === 'Etc/UTC' ? utc : `${localText(ms, tz)} · ${utc}`;
}

export const relativeText = (ms: number, now: DateTime): string =>
  relativeMs(ms, now.toMillis()) ?? relativeLuxon(DateTime.fromMillis(ms, { zone: 'utc' }), now);
