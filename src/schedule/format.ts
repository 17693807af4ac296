import { DateTime, Settings } from 'luxon';

/**
 * The dates of /schedule answers, written without luxon on the hot path: the same text luxon's
 * `toFormat('ccc d LLL yyyy, HH:mm ZZZZ')`, `toRelative` and `toRelativeCalendar` give, from epoch
 * milliseconds, with one cached `Intl.DateTimeFormat` per time zone. A rendered `/schedule` spent
 * about half its CPU in luxon (a DateTime per field, a new formatter per token, ~60 µs per relative
 * phrase); this is a few µs a date. test/unit/perf-format.test.ts compares both on many instants in
 * every zone. Where luxon would write something else (a default locale that is not English, a
 * fixed-offset or unknown zone), the callers in render.ts use luxon itself.
 */

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
export const MONTHS_LONG = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const DAY_MS = 86_400_000;

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));
const pad4 = (n: number): string => String(n).padStart(4, '0');

/** A wall-clock reading: what a zone's clock shows at an instant. */
export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  /** Luxon's short offset name ("CEST", "GMT+8", "UTC"). */
  zoneName: string;
}

// -------------------------------------------------------------------- is luxon writing English?

let gateKey: string | undefined;
let gateLocale: string | undefined;

/**
 * The locale luxon formats dates in when it writes them with its own English tables (luxon's
 * `listingMode() === 'en'`); undefined when it would ask Intl for another language. Re-read when
 * luxon's defaults change (a test sets `Settings.defaultLocale`).
 */
export function englishLocale(): string | undefined {
  const key = `${Settings.defaultLocale}|${Settings.defaultNumberingSystem}|${Settings.defaultOutputCalendar}`;
  if (key === gateKey) return gateLocale;
  const dt = DateTime.utc();
  const loc = dt.locale ?? '';
  const english =
    loc === 'en' ||
    loc.toLowerCase() === 'en-us' ||
    new Intl.DateTimeFormat(loc).resolvedOptions().locale.startsWith('en-us');
  const plain =
    (!dt.numberingSystem || dt.numberingSystem === 'latn') &&
    (!dt.outputCalendar || dt.outputCalendar === 'gregory');
  gateKey = key;
  gateLocale = english && plain ? loc : undefined;
  return gateLocale;
}

// ------------------------------------------------------------------------ one formatter per zone

/**
 * At most this many zones' formatters are kept (oldest out first). The IANA database has about
 * 600 names with their aliases and one formatter is a few kB, so the bound is never reached by
 * real viewers and caps the memory if something passes made-up names.
 */
export const MAX_ZONES = 1000;
const zoneFormats = new Map<string, Intl.DateTimeFormat | null>();

function zoneFormat(locale: string, zone: string): Intl.DateTimeFormat | null {
  const key = `${locale}|${zone}`;
  let f = zoneFormats.get(key);
  if (f !== undefined) return f;
  try {
    f = new Intl.DateTimeFormat(locale, {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      timeZoneName: 'short',
    });
  } catch {
    f = null;
  }
  if (zoneFormats.size >= MAX_ZONES) zoneFormats.delete(zoneFormats.keys().next().value!);
  zoneFormats.set(key, f);
  return f;
}

/** How many zones' formatters are kept now (tests). */
export const cachedZoneCount = (): number => zoneFormats.size;

function utcWall(ms: number): WallClock {
  const d = new Date(ms);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    zoneName: 'UTC',
  };
}

/**
 * What the clock in `zone` shows at `ms`, as luxon's `setZone(zone)` would read it; undefined
 * where luxon reads the zone differently from Intl (a fixed offset like "UTC+3", "local") or the
 * zone is unknown: the caller uses luxon then.
 */
export function wallClock(ms: number, zone: string, locale: string): WallClock | undefined {
  const lower = zone.toLowerCase();
  // luxon's normalizeZone: "utc" and "gmt" are its fixed UTC zone, named "UTC"
  if (lower === 'utc' || lower === 'gmt') return utcWall(ms);
  if (lower === 'default' || lower === 'local' || lower === 'system' || /^utc[+-]/.test(lower))
    return undefined;
  const f = zoneFormat(locale, zone);
  if (!f || !Number.isFinite(ms)) return undefined;
  // `format` and one regex are twice as fast as `formatToParts`; English writes "6/16/2026, 14:00 CEST"
  const m = EN_US.exec(f.format(ms));
  const w: WallClock = m
    ? {
        year: Number(m[3]),
        month: Number(m[1]),
        day: Number(m[2]),
        hour: Number(m[4]) % 24,
        minute: Number(m[5]),
        zoneName: m[6]!,
      }
    : fromParts(f.formatToParts(ms));
  // years before 1 (BC) and anything Intl writes unexpectedly: luxon's path
  if (!(w.year >= 1 && w.month >= 1 && w.day >= 1) || !w.zoneName) return undefined;
  return w;
}

const EN_US = /^(\d{1,2})\/(\d{1,2})\/(\d{4,}), (\d{2}):(\d{2}) (\S+)$/;

function fromParts(parts: Intl.DateTimeFormatPart[]): WallClock {
  const w: WallClock = { year: 0, month: 0, day: 0, hour: 0, minute: 0, zoneName: '' };
  for (const p of parts) {
    switch (p.type) {
      case 'year':
        w.year = Number(p.value);
        break;
      case 'month':
        w.month = Number(p.value);
        break;
      case 'day':
        w.day = Number(p.value);
        break;
      case 'hour':
        w.hour = Number(p.value) % 24;
        break;
      case 'minute':
        w.minute = Number(p.value);
        break;
      case 'timeZoneName':
        w.zoneName = p.value;
        break;
      default:
    }
  }
  return w;
}

/** Monday = 0 … Sunday = 6, of a calendar date. */
function weekdayIndex(year: number, month: number, day: number): number {
  const d = new Date(Date.UTC(2000, month - 1, day));
  d.setUTCFullYear(year);
  return (d.getUTCDay() + 6) % 7;
}

/** 'Tue 16 Jun 2026' (luxon 'ccc d LLL yyyy'). */
export function dayText(year: number, month: number, day: number): string {
  return `${WEEKDAYS[weekdayIndex(year, month, day)]} ${day} ${MONTHS[month - 1]} ${pad4(year)}`;
}

/** 'Tue 16 Jun 2026, 14:00 CEST' (luxon 'ccc d LLL yyyy, HH:mm ZZZZ'). */
export function wallText(w: WallClock): string {
  return `${dayText(w.year, w.month, w.day)}, ${pad2(w.hour)}:${pad2(w.minute)} ${w.zoneName}`;
}

/** '2026-06-16' of a wall clock (luxon `toISODate`). */
export function wallDate(w: WallClock): string {
  return `${pad4(w.year)}-${pad2(w.month)}-${pad2(w.day)}`;
}

export function utcWallClock(ms: number): WallClock {
  return utcWall(ms);
}

/** A plain 'YYYY-MM-DD' as its parts, or undefined for anything else (luxon's path then). */
export function isoDateParts(date: string): { year: number; month: number; day: number } | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return undefined;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const d = new Date(Date.UTC(year, month - 1, day));
  if (year < 1 || d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day)
    return undefined;
  return { year, month, day };
}

/** Days from `from` to `to` (both plain dates, as their UTC midnights). */
export function daysBetween(from: string, to: string): number | undefined {
  const a = isoDateParts(from);
  const b = isoDateParts(to);
  if (!a || !b) return undefined;
  return Math.round((Date.UTC(b.year, b.month - 1, b.day) - Date.UTC(a.year, a.month - 1, a.day)) / DAY_MS);
}

// ------------------------------------------------------------------------- relative, in English

type Unit = 'weeks' | 'days' | 'hours' | 'minutes';
const SINGULAR: Record<Unit, string> = { weeks: 'week', days: 'day', hours: 'hour', minutes: 'minute' };
const UNIT_MS: Record<Unit, number> = {
  weeks: 7 * DAY_MS,
  days: DAY_MS,
  hours: 3_600_000,
  minutes: 60_000,
};

/** luxon's English `formatRelativeTime` with numeric 'always'. */
function counted(count: number, unit: Unit): string {
  const n = Math.abs(count);
  const word = n === 1 ? SINGULAR[unit] : unit;
  return Object.is(count, -0) || count < 0 ? `${n} ${word} ago` : `in ${n} ${word}`;
}

/**
 * luxon's `at.toUTC().toRelative({ locale: 'en', base: now.toUTC(), unit })`: whole units of
 * elapsed time (a UTC day is 24 hours), truncated toward zero.
 */
export function relativeIn(diffMs: number, unit: Unit): string {
  return counted(Math.trunc(diffMs / UNIT_MS[unit]), unit);
}

/**
 * luxon's relative days between two calendar dates (`days` = to - from): `toRelative` in weeks
 * from 14 days on, else `toRelativeCalendar` in days ("today", "tomorrow", "yesterday").
 */
export function relativeCalendarDays(days: number): string {
  if (Math.abs(days) >= 14) return counted(Math.trunc(days / 7), 'weeks');
  if (days === 0) return 'today';
  if (days === 1) return 'tomorrow';
  if (days === -1) return 'yesterday';
  return counted(days, 'days');
}
