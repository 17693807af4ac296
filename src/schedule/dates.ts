import { DateTime } from 'luxon';
import type { Timing } from './model';

/**
 * The date formats of the SIG Release cycle pages, turned into exact timings:
 *
 * - `Tuesday 16th June 2026 (AoE) / Wednesday 17th June 2026, 12:00 UTC` (v1.35+ hard deadlines):
 *   the UTC part is the instant.
 * - `02:00 UTC Friday 25th July 2025 / 19:00 PDT Thursday 24th July 2025` (v1.34 and earlier): the
 *   UTC part is authoritative; the other zone label is ignored (real pages say "PST" in June).
 * - `Monday 18th May 2026`: an all-day milestone.
 * - `Thursday 18th - Friday 19th June 2026`: a span of days.
 */

const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];
const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

const WEEKDAY = '(?:(mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*,?\\s+)?';
const DAY = '(\\d{1,2})(?:st|nd|rd|th)?';
const MONTH = '([a-z]+)\\.?';
const YEAR = '(\\d{4})';
const DATE = `${WEEKDAY}${DAY}\\s+${MONTH},?\\s+${YEAR}`;
const TIME = '(\\d{1,2}):(\\d{2})';

const AOE = new RegExp(`^${DATE}\\s*\\(aoe\\)\\s*/\\s*${DATE}\\s*,?\\s*(?:at\\s+)?${TIME}\\s*utc$`, 'i');
const UTC_FIRST = new RegExp(`^${TIME}\\s*utc\\s+${DATE}(?:\\s*/.*)?$`, 'i');
const PLAIN = new RegExp(`^${DATE}$`, 'i');
const RANGE = new RegExp(
  `^${WEEKDAY}${DAY}(?:\\s+${MONTH})?(?:\\s+${YEAR})?\\s*[-–—]\\s*${WEEKDAY}${DAY}\\s+${MONTH},?\\s+${YEAR}$`,
  'i',
);

export class DateFormatError extends Error {}

function monthIndex(name: string): number {
  const lower = name.toLowerCase();
  const i = MONTHS.findIndex((m) => m === lower || (lower.length >= 3 && m.startsWith(lower)));
  if (i < 0) throw new DateFormatError(`unknown month "${name}"`);
  return i + 1;
}

function ymd(year: string, month: string, day: string): DateTime {
  const d = DateTime.fromObject(
    { year: Number(year), month: monthIndex(month), day: Number(day) },
    { zone: 'utc' },
  );
  if (!d.isValid) throw new DateFormatError(`no such date: ${day} ${month} ${year}`);
  return d;
}

/** A weekday that disagrees with its date: a warning, not an error (the date wins). */
function weekdayMismatch(weekday: string | undefined, d: DateTime): string | undefined {
  if (!weekday) return undefined;
  const expected = WEEKDAYS[d.weekday - 1]!;
  return expected.startsWith(weekday.toLowerCase().slice(0, 3))
    ? undefined
    : `"${weekday}" does not match ${d.toISODate()} (a ${expected}); the date is used`;
}

export interface ParsedWhen {
  timing: Timing;
  warnings: string[];
}

/** Parses the "When" cell of a Timeline row (markdown already stripped). Throws DateFormatError. */
export function parseWhen(raw: string): ParsedWhen {
  const text = raw
    .replace(/\u00a0/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (!text) throw new DateFormatError('the date is empty');
  const warnings: string[] = [];
  const check = (w: string | undefined, d: DateTime) => {
    const m = weekdayMismatch(w, d);
    if (m) warnings.push(m);
  };

  let m = AOE.exec(text);
  if (m) {
    const [, w1, d1, mo1, y1, w2, d2, mo2, y2, hh, mm] = m;
    const local = ymd(y1!, mo1!, d1!);
    check(w1, local);
    const utcDay = ymd(y2!, mo2!, d2!);
    check(w2, utcDay);
    const at = utcDay.set({ hour: Number(hh), minute: Number(mm) });
    if (!at.isValid || Number(hh) > 23 || Number(mm) > 59) throw new DateFormatError(`bad time ${hh}:${mm}`);
    const aoeEnd = local.plus({ days: 1 }).set({ hour: 12 });
    if (+aoeEnd !== +at)
      warnings.push(`the AoE date and the UTC time disagree; the UTC time ${at.toISO()} is used`);
    return { timing: { type: 'instant', at: iso(at) }, warnings };
  }
  m = UTC_FIRST.exec(text);
  if (m) {
    const [, hh, mm, w, d, mo, y] = m;
    const day = ymd(y!, mo!, d!);
    check(w, day);
    if (Number(hh) > 23 || Number(mm) > 59) throw new DateFormatError(`bad time ${hh}:${mm}`);
    return {
      timing: { type: 'instant', at: iso(day.set({ hour: Number(hh), minute: Number(mm) })) },
      warnings,
    };
  }
  m = PLAIN.exec(text);
  if (m) {
    const [, w, d, mo, y] = m;
    const day = ymd(y!, mo!, d!);
    check(w, day);
    return { timing: { type: 'day', date: day.toISODate()! }, warnings };
  }
  m = RANGE.exec(text);
  if (m) {
    const [, w1, d1, mo1, y1, w2, d2, mo2, y2] = m;
    const end = ymd(y2!, mo2!, d2!);
    check(w2, end);
    let start = ymd(y1 ?? y2!, mo1 ?? mo2!, d1!);
    // "Monday 28th December - Friday 1st January 2027": the start is in the year before.
    if (!y1 && start > end) start = start.minus({ years: 1 });
    check(w1, start);
    if (start > end) throw new DateFormatError('the range ends before it starts');
    return { timing: { type: 'span', start: start.toISODate()!, end: end.toISODate()! }, warnings };
  }
  throw new DateFormatError(`unknown date format "${text.slice(0, 120)}"`);
}

function iso(d: DateTime): string {
  return d.toUTC().toISO({ suppressMilliseconds: true })!;
}

/** A date-only value of schedule.yaml ('2026-06-05'); undefined for missing, empty or N/A. */
export function parseIsoDate(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  const text = String(value).trim();
  if (!text || /^(n\/a|na|none|tbd|-)$/i.test(text)) return undefined;
  const d = DateTime.fromISO(text.slice(0, 10), { zone: 'utc' });
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || !d.isValid) return undefined;
  return d.toISODate()!;
}

/** Where a milestone begins and ends, as instants (DateTime and epoch ms). */
export interface Bounds {
  start: DateTime;
  end: DateTime;
  startMs: number;
  endMs: number;
}

/**
 * Bounds computed once per timing and zone, not once per render (a sort alone asked for them
 * 2 n log n times). Timings are never changed in place: the stored schedule is parsed once per
 * version (commands/schedule.ts) and a sync makes new objects, so a WeakMap keyed by the timing
 * object holds exactly as long as the schedule that has it.
 */
const boundsCache = new WeakMap<Timing, Map<string, Bounds>>();

/** Where an all-day or span milestone begins and ends, as instants, for a zone. */
export function timingBounds(t: Timing, allDayZone: string): Bounds {
  let perZone = boundsCache.get(t);
  const hit = perZone?.get(allDayZone);
  if (hit) return hit;
  const { start, end } = computeBounds(t, allDayZone);
  const b: Bounds = { start, end, startMs: start.toMillis(), endMs: end.toMillis() };
  if (!perZone) {
    perZone = new Map();
    boundsCache.set(t, perZone);
  }
  perZone.set(allDayZone, b);
  return b;
}

function computeBounds(t: Timing, allDayZone: string): { start: DateTime; end: DateTime } {
  if (t.type === 'instant') {
    const at = DateTime.fromMillis(Date.parse(t.at), { zone: 'utc' });
    return { start: at, end: at };
  }
  const first = t.type === 'day' ? t.date : t.start;
  const last = t.type === 'day' ? t.date : t.end;
  if (allDayZone === 'UTC' || allDayZone === 'utc' || allDayZone === 'Etc/UTC') {
    // fast path (this runs for every milestone on every reminder run)
    return {
      start: DateTime.fromMillis(Date.parse(`${first}T00:00:00Z`), { zone: 'utc' }),
      end: DateTime.fromMillis(Date.parse(`${last}T00:00:00Z`) + 86_400_000, { zone: 'utc' }),
    };
  }
  const start = DateTime.fromISO(first, { zone: allDayZone }).startOf('day').toUTC();
  const end = DateTime.fromISO(last, { zone: allDayZone }).plus({ days: 1 }).startOf('day').toUTC();
  return { start, end };
}

/**
 * An instant of the stored schedule ('2026-06-16T12:00:00Z') as epoch ms, read as luxon's
 * `DateTime.fromISO(at, { zone: 'utc' })` reads it: with its zone designator by `Date.parse`,
 * without one (never written by relbot) through luxon, as UTC.
 */
export function instantMs(at: string): number {
  const ms = /(?:z|[+-]\d{2}(?::?\d{2})?)$/i.test(at) ? Date.parse(at) : Number.NaN;
  return Number.isNaN(ms) ? DateTime.fromISO(at, { zone: 'utc' }).toMillis() : ms;
}

/**
 * The cut-off policy for date-only patch deadlines: the date at `time` in `zone`. 'AoE' is UTC-12;
 * '24:00' means the end of that day (so the default, end of the day AoE, is the next day 12:00 UTC).
 */
export function cutoffInstant(date: string, policy: { zone: string; time: string }): DateTime {
  const [hh, mm] = policy.time.split(':').map(Number) as [number, number];
  const fixedOffsetHours = policy.zone === 'AoE' ? -12 : policy.zone === 'UTC' ? 0 : undefined;
  if (fixedOffsetHours !== undefined) {
    const ms = Date.parse(`${date}T00:00:00Z`) + ((hh - fixedOffsetHours) * 60 + mm) * 60_000;
    return DateTime.fromMillis(ms, { zone: 'utc' });
  }
  const zone = policy.zone;
  const day = DateTime.fromISO(date, { zone });
  return day.startOf('day').plus({ hours: hh, minutes: mm }).toUTC();
}
