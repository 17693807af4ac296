import type { SectionBlock } from '@slack/types';
import { DateTime } from 'luxon';
import { groupRef, lineSections, type Message, message, slackDate } from '../slack/blocks';
import { escapeMrkdwn } from '../slack/escape';
import { timingBounds } from './dates';
import type { Milestone, StoredSchedule, Timing } from './model';
import { leadDuration, type PlannedReminder } from './reminders';
import type { Change } from './sync';

/**
 * Pure renderers: text for answers (in the viewer's time zone, in UTC and relative to `now`) and
 * for channel posts (UTC, plus Slack's <!date> token so every reader sees their own local time),
 * packed into blocks with the kit (src/slack/blocks.ts).
 */

const DAY_FMT = 'ccc d LLL yyyy';

export function formatLocal(at: DateTime, tz: string): string {
  return at.setZone(tz).toFormat(`${DAY_FMT}, HH:mm ZZZZ`);
}

export function formatUtc(at: DateTime): string {
  return at.toUTC().toFormat(`${DAY_FMT}, HH:mm 'UTC'`);
}

export function formatDate(date: string): string {
  return DateTime.fromISO(date, { zone: 'utc' }).toFormat(DAY_FMT);
}

/** 'Thu 18 – Fri 19 Jun 2026' */
export function formatSpan(start: string, end: string): string {
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
const EN = { locale: 'en' } as const;

/**
 * "in 3 days", "in 5 hours", "2 days ago", "now": luxon's wording (`toRelative`) in whole units
 * relbot chooses, so that it never says "in 1 week" for 9 days nor "in 30 seconds".
 */
export function relative(at: DateTime, now: DateTime): string {
  const minutes = Math.abs(at.diff(now).as('minutes'));
  if (minutes < 1) return 'now';
  const days = minutes / 1440;
  // weeks only from 14 days on: "in 9 days" reads better than "in 1 week"
  const unit = days >= 14 ? 'weeks' : days >= 1 ? 'days' : minutes >= 60 ? 'hours' : 'minutes';
  // In UTC a day is always 24 hours: the count is of elapsed time, not of the viewer's calendar.
  return at.toUTC().toRelative({ ...EN, base: now.toUTC(), unit })!;
}

/**
 * Relative calendar days from the viewer's today (`toRelativeCalendar`): "today", "tomorrow",
 * "yesterday", "in 5 days", "3 days ago"; from 14 days on in whole weeks ("in 2 weeks").
 */
export function relativeDays(date: string, now: DateTime, tz: string): string {
  // Both as calendar dates (the viewer's today, the row's date), compared in UTC: whole days
  // whatever daylight saving does to the viewer's zone.
  const today = DateTime.fromISO(now.setZone(tz).toISODate()!, { zone: 'utc' });
  const day = DateTime.fromISO(date, { zone: 'utc' }).startOf('day');
  return Math.abs(day.diff(today, 'days').days) >= 14
    ? day.toRelative({ ...EN, base: today, unit: 'weeks' })!
    : day.toRelativeCalendar({ ...EN, base: today, unit: 'days' })!;
}

/** When a milestone is, for a viewer: local time, UTC and relative (instants); dates (all-day rows). */
export function describeTiming(t: Timing, now: DateTime, tz: string): string {
  if (t.type === 'instant') {
    const at = DateTime.fromISO(t.at, { zone: 'utc' });
    const local = formatLocal(at, tz);
    const utc = formatUtc(at);
    return tz === 'UTC' || tz === 'Etc/UTC'
      ? `${utc} · _${relative(at, now)}_`
      : `${local} · ${utc} · _${relative(at, now)}_`;
  }
  if (t.type === 'day') return `${formatDate(t.date)} (all day) · _${relativeDays(t.date, now, tz)}_`;
  const started = relativeDays(t.start, now, tz);
  return `${formatSpan(t.start, t.end)} · _${started}_`;
}

/** Plain description for channel posts and changes (no relative part). */
export function timingText(t: Timing): string {
  if (t.type === 'instant') return formatUtc(DateTime.fromISO(t.at, { zone: 'utc' }));
  if (t.type === 'day') return formatDate(t.date);
  return formatSpan(t.start, t.end);
}

export function isPast(m: Milestone, now: DateTime, allDayZone: string): boolean {
  return timingBounds(m.timing, allDayZone).end <= now;
}

function context(m: Milestone): string {
  const parts: string[] = [];
  if (m.source === 'cycle' && m.cycle) parts.push(`v${m.cycle}`);
  if (m.week) parts.push(`week ${m.week}`);
  if (m.who) parts.push(escapeMrkdwn(m.who));
  return parts.join(', ');
}

export function milestoneLine(m: Milestone, now: DateTime, tz: string): string {
  const name = m.kinds.includes('hardFreeze') || m.bold ? `*${escapeMrkdwn(m.name)}*` : escapeMrkdwn(m.name);
  const ctx = context(m);
  return `${name}${ctx ? ` (${ctx})` : ''} — ${describeTiming(m.timing, now, tz)}`;
}

/**
 * Lines packed into sections (the kit's `lineSections`), at most 2,900 characters each: the size
 * /schedule answers and channel posts have always been packed to.
 */
const PACK_AT = 2900;
export const packLines = (lines: string[]): SectionBlock[] => lineSections(lines, PACK_AT);

/** A channel post (reminder, announcement): its text, in as many sections as it needs. */
export function channelPost(text: string): Message {
  return message(text, packLines(text.split('\n')));
}

function label(m: Milestone): string {
  return `*${escapeMrkdwn(m.name)}*${m.cycle && m.source === 'cycle' ? ` (v${m.cycle})` : ''}`;
}

/** Milestone changes as posted and answered: one line each, at most `max`. */
export function changesText(changes: Change[], max = 25): string {
  const lines = changes.slice(0, max).map((c) => {
    if (c.type === 'added') return `• Added ${label(c.milestone)}: ${timingText(c.milestone.timing)}`;
    if (c.type === 'removed')
      return `• Removed ${label(c.milestone)} (was ${timingText(c.milestone.timing)})`;
    return `• Moved ${label(c.milestone)} from ${timingText(c.from!)} → ${timingText(c.milestone.timing)}`;
  });
  if (changes.length > max) lines.push(`• …and ${changes.length - max} more`);
  return lines.join('\n');
}

export function syncFooter(stored: StoredSchedule, now: DateTime, tz: string): string {
  const parts: string[] = ['`/schedule 1.XX` whole timeline · `/schedule patches` · `/schedule help`'];
  if (stored.lastSyncAt) {
    const at = DateTime.fromISO(stored.lastSyncAt, { zone: 'utc' });
    parts.push(`Last synced ${formatLocal(at, tz)} (${relative(at, now)})`);
  } else parts.push('Never synced');
  for (const s of stored.sources)
    if (s.error)
      parts.push(
        `:warning: ${escapeMrkdwn(s.label)}: ${escapeMrkdwn(s.error.slice(0, 200))}${s.syncedAt ? ` — showing the data imported ${relative(DateTime.fromISO(s.syncedAt, { zone: 'utc' }), now)}` : ''}`,
      );
  return parts.join('\n');
}

// ------------------------------------------------------------------ reminder posts

export interface ReminderTextOptions {
  now: DateTime;
  late: boolean;
  /** User group IDs to mention. */
  mentions: string[];
  moved?: { from: Timing };
  /** Channel display zone (config.timezone). */
  zone: string;
}

/** A configured lead as said: '7d' is "in 7 days", '90m' "in 90 minutes" (luxon's `Duration#toHuman`). */
function leadPhrase(lead: string): string {
  if (lead === 'now') return 'now';
  return `in ${leadDuration(lead).reconfigure(EN).toHuman({ useGrouping: false })}`;
}

export function reminderText(r: PlannedReminder, opts: ReminderTextOptions): string {
  const m = r.milestone;
  const name = `*${escapeMrkdwn(m.name)}*`;
  const ctx = context(m);
  const when =
    m.timing.type === 'instant'
      ? `${slackDate(r.milestoneAt, '{date_short_pretty} {time}', formatUtc(r.milestoneAt))}${opts.zone !== 'UTC' ? ` (${formatLocal(r.milestoneAt, opts.zone)})` : ''}`
      : `${timingText(m.timing)} (all day)`;
  const deadline = m.kinds.includes('cherryPickDeadline');
  let head: string;
  if (r.lead === 'now') {
    head = deadline
      ? `:rotating_light: ${name} has passed (${when}). Cherry-picks not merge-ready now wait for the next patch release.`
      : m.timing.type === 'instant'
        ? `:rotating_light: ${name} is now in effect (since ${when}).`
        : `:rotating_light: Today: ${name} (${when}).`;
  } else {
    const phrase = opts.late ? relative(r.milestoneAt, opts.now) : leadPhrase(r.lead);
    head = `:alarm_clock: ${name} is ${phrase}: ${when}.`;
    if (deadline && m.releases?.length)
      head +=
        ' Cherry-picks must be merge-ready (approved, lgtm, release-note, CI green) before the cut-off.';
  }
  const lines = [head];
  if (ctx) lines.push(`_${ctx}_`);
  if (opts.mentions.length) lines.push(opts.mentions.map(groupRef).join(' '));
  if (opts.moved) lines.push(`:arrows_counterclockwise: Moved: it was ${timingText(opts.moved.from)}.`);
  if (opts.late)
    lines.push(`_Posted late: this reminder was due ${formatUtc(r.dueAt)}, when relbot could not post it._`);
  return lines.join('\n');
}

/** Which user groups to mention for a Who value ("Comms / Docs" -> both, if configured). */
export function mentionsFor(who: string | undefined, mentions: Record<string, string>): string[] {
  if (!who) return [];
  const table = new Map(Object.entries(mentions).map(([k, v]) => [k.trim().toLowerCase(), v]));
  const whole = table.get(who.trim().toLowerCase());
  if (whole) return [whole];
  const out = new Set<string>();
  for (const part of who.split(/\s*(?:\/|,|&|\band\b)\s*/i)) {
    const g = table.get(part.trim().toLowerCase());
    if (g) out.add(g);
  }
  return [...out];
}
