import { DateTime, Settings } from 'luxon';
import { cachedZoneCount, MAX_ZONES, wallClock } from '../../src/schedule/format';
import {
  formatDate,
  formatLocal,
  formatSpan,
  formatUtc,
  monthYear,
  relative,
  relativeDays,
  relativeDaysLuxon,
  relativeLuxon,
  viewerToday,
} from '../../src/schedule/render';

/**
 * The /schedule dates are written without luxon on the hot path (src/schedule/format.ts). Every
 * text must be luxon's, byte for byte: here both are compared on many instants in every zone the
 * runtime knows, around each zone's 2026 offset changes, and on relative phrases in every unit.
 */

/** A fixed pseudo-random sequence (mulberry32), so a failure can be reproduced. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ZONES = [...Intl.supportedValuesOf('timeZone'), 'UTC', 'utc', 'GMT', 'Etc/UTC', 'Etc/GMT+12', 'UTC+3'];
const FROM = Date.UTC(2020, 0, 1);
const TO = Date.UTC(2031, 0, 1);
const luxonLocal = (ms: number, tz: string) =>
  DateTime.fromMillis(ms, { zone: 'utc' }).setZone(tz).toFormat('ccc d LLL yyyy, HH:mm ZZZZ');

/** Instants around a zone's offset changes in 2026 (15-minute steps over the day of each change). */
function aroundChanges(tz: string): number[] {
  const out: number[] = [];
  const day = 86_400_000;
  let prev = DateTime.fromMillis(Date.UTC(2026, 0, 1), { zone: tz }).offset;
  for (let ms = Date.UTC(2026, 0, 1); ms < Date.UTC(2027, 0, 1); ms += day) {
    const off = DateTime.fromMillis(ms, { zone: tz }).offset;
    if (off !== prev) for (let t = ms - day; t <= ms; t += 15 * 60_000) out.push(t);
    prev = off;
  }
  return out;
}

describe('schedule dates without luxon give luxon’s text', () => {
  test('local time in every zone: random instants and each 2026 offset change', () => {
    const next = rng(15);
    let compared = 0;
    const wrong: string[] = [];
    for (const tz of ZONES) {
      const instants = [...aroundChanges(tz)];
      for (let i = 0; i < 120; i++) instants.push(Math.floor(FROM + next() * (TO - FROM)));
      for (const ms of instants) {
        const at = DateTime.fromMillis(ms, { zone: 'utc' });
        const got = formatLocal(at, tz);
        const want = luxonLocal(ms, tz);
        compared++;
        if (got !== want && wrong.length < 10) wrong.push(`${tz} ${at.toISO()}: ${got} ≠ ${want}`);
        if (viewerToday(at, tz) !== at.setZone(tz).toISODate() && wrong.length < 10)
          wrong.push(`${tz} ${at.toISO()}: today ${viewerToday(at, tz)}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(compared).toBeGreaterThan(60_000);
  });

  test('UTC times, dates, spans and months', () => {
    const next = rng(16);
    const wrong: string[] = [];
    for (let i = 0; i < 20_000; i++) {
      const ms = Math.floor(FROM + next() * (TO - FROM));
      const at = DateTime.fromMillis(ms, { zone: 'utc' });
      const date = at.toISODate()!;
      const later = at.plus({ days: Math.floor(next() * 400) }).toISODate()!;
      const pairs: Array<[string, string]> = [
        [formatUtc(at), at.toFormat("ccc d LLL yyyy, HH:mm 'UTC'")],
        [formatDate(date), at.toFormat('ccc d LLL yyyy')],
        [monthYear(date), at.toFormat('LLLL yyyy')],
        [
          formatSpan(date, later),
          `${
            at.year !== DateTime.fromISO(later).year
              ? at.toFormat('ccc d LLL yyyy')
              : at.month !== DateTime.fromISO(later).month
                ? at.toFormat('ccc d LLL')
                : at.toFormat('ccc d')
          } – ${DateTime.fromISO(later, { zone: 'utc' }).toFormat('ccc d LLL yyyy')}`,
        ],
      ];
      for (const [got, want] of pairs) if (got !== want && wrong.length < 10) wrong.push(`${got} ≠ ${want}`);
    }
    expect(wrong).toEqual([]);
  });

  test('relative phrases: 150,000 pairs of instants from seconds to a year apart', () => {
    const next = rng(17);
    const wrong: string[] = [];
    const base = Date.UTC(2026, 5, 1);
    const spans = [90_000, 3_600_000 * 3, 86_400_000 * 3, 86_400_000 * 20, 86_400_000 * 400];
    for (let i = 0; i < 150_000; i++) {
      const now = DateTime.fromMillis(base + Math.floor(next() * 86_400_000 * 365), { zone: 'utc' });
      const span = spans[i % spans.length]!;
      const at = DateTime.fromMillis(now.toMillis() + Math.floor((next() * 2 - 1) * span), { zone: 'utc' });
      const got = relative(at, now);
      const want = relativeLuxon(at, now);
      if (got !== want && wrong.length < 10)
        wrong.push(`${at.toISO()} from ${now.toISO()}: ${got} ≠ ${want}`);
    }
    // whole units exactly: 1 minute, 1 hour, 1 day, 14 days and a millisecond either side
    const now = DateTime.fromMillis(base, { zone: 'utc' });
    for (const edge of [60_000, 3_600_000, 86_400_000, 14 * 86_400_000, 21 * 86_400_000])
      for (const d of [-1, 0, 1])
        for (const sign of [-1, 1]) {
          const at = DateTime.fromMillis(base + sign * (edge + d), { zone: 'utc' });
          if (relative(at, now) !== relativeLuxon(at, now)) wrong.push(`edge ${sign * (edge + d)} ms`);
        }
    expect(wrong).toEqual([]);
  });

  test('relative calendar days in every zone', () => {
    const next = rng(18);
    const wrong: string[] = [];
    for (const tz of ZONES) {
      for (let i = 0; i < 60; i++) {
        const now = DateTime.fromMillis(Date.UTC(2026, 0, 1) + Math.floor(next() * 86_400_000 * 365), {
          zone: 'utc',
        });
        const date = now.plus({ days: Math.round((next() * 2 - 1) * (i % 2 ? 20 : 200)) }).toISODate()!;
        const got = relativeDays(date, now, tz);
        const want = relativeDaysLuxon(date, now, tz);
        if (got !== want && wrong.length < 10)
          wrong.push(`${tz} ${date} from ${now.toISO()}: ${got} ≠ ${want}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  test('another default locale: luxon writes the dates (in that language), the phrases stay English', () => {
    const was = Settings.defaultLocale;
    Settings.defaultLocale = 'de-DE';
    try {
      const at = DateTime.fromISO('2026-06-16T12:00:00Z', { zone: 'utc' });
      expect(formatLocal(at, 'Europe/Berlin')).toBe(luxonLocal(at.toMillis(), 'Europe/Berlin'));
      expect(formatLocal(at, 'Europe/Berlin')).toMatch(/^Di 16 Jun 2026, 14:00 MESZ$/);
      expect(formatDate('2026-06-16')).toBe(DateTime.fromISO('2026-06-16').toFormat('ccc d LLL yyyy'));
      expect(relative(at.plus({ days: 3 }), at)).toBe('in 3 days');
    } finally {
      Settings.defaultLocale = was;
    }
    expect(formatLocal(DateTime.fromISO('2026-06-16T12:00:00Z'), 'Europe/Berlin')).toBe(
      'Tue 16 Jun 2026, 14:00 GMT+2',
    );
  });

  test('the formatter cache is bounded, and a zone Intl does not know is left to luxon', () => {
    for (let i = 0; i < MAX_ZONES + 200; i++) wallClock(0, `Made/Up_${i}`, 'en-US');
    expect(cachedZoneCount()).toBeLessThanOrEqual(MAX_ZONES);
    expect(wallClock(0, 'Made/Up_1', 'en-US')).toBeUndefined();
    const at = DateTime.fromISO('2026-06-16T12:00:00Z');
    expect(formatLocal(at, 'Made/Up_1')).toBe(luxonLocal(at.toMillis(), 'Made/Up_1'));
  });
});
