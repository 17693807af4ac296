import type { SectionBlock } from '@slack/types';
import { DateTime } from 'luxon';
import { groupRef, lineSections, type Message, message, slackDate } from '../slack/blocks';
import { escapeMrkdwn } from '../slack/escape';
import { instantMs, timingBounds } from './dates';
import { utcWallClock, wallDate } from './format';
import type { Change, Milestone, StoredSchedule, Timing } from './model';
import { leadDuration, type PlannedReminder } from './reminders';
import {
  EN,
  exactText,
  formatDate,
  formatLocal,
  formatSpan,
  formatUtc,
  localText,
  relative,
  relativeDays,
  relativeText,
  shortDay,
  viewerToday,
} from './when';

export {
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
} from './when';

/**
 * Pure renderers: text for answers (in the viewer's time zone, in UTC and relative to `now`) and
 * for channel posts (UTC, plus Slack's <!date> token so every reader sees their own local time),
 * packed into blocks with the kit (src/slack/blocks.ts). The dates themselves: ./when.ts.
 */

const DAY_MS = 86_400_000;

/** When a milestone is, for a viewer: local time, UTC and relative (instants); dates (all-day rows). */
export function describeTiming(t: Timing, now: DateTime, tz: string): string {
  if (t.type === 'instant') {
    const ms = instantMs(t.at);
    return `${exactText(ms, tz)} · _${relativeText(ms, now)}_`;
  }
  if (t.type === 'day') return `${formatDate(t.date)} (all day) · _${relativeDays(t.date, now, tz)}_`;
  // A span is ahead (counted to its first day), under way (until its last day) or over.
  const today = viewerToday(now, tz);
  const phase =
    today < t.start
      ? relativeDays(t.start, now, tz)
      : today <= t.end
        ? `under way, until ${shortDay(t.end)}`
        : `ended ${relativeDays(t.end, now, tz)}`;
  return `${formatSpan(t.start, t.end)} · _${phase}_`;
}

/** A deadline published as a day, with its cut-off policy: "end of Fri 10 Jul 2026 AoE". */
export interface DueDay {
  date: string;
  zone: string;
  time: string;
}

/**
 * The day a deadline was published as: a schedule.yaml cherry-pick deadline (its cut-off policy),
 * or a Timeline row written "Wednesday 22nd July 2026 (AoE) / Thursday 23rd July 2026, 12:00 UTC".
 */
export function dueDayOf(m: Milestone): DueDay | undefined {
  if (m.dueDay) return m.dueDay;
  if (m.timing.type !== 'instant' || !m.when || !/\(aoe\)/i.test(m.when)) return undefined;
  const ms = instantMs(m.timing.at);
  // Only when the UTC time is the end of an AoE day (12:00 UTC); otherwise the page disagrees with itself.
  if (!Number.isFinite(ms) || Math.floor((((ms % DAY_MS) + DAY_MS) % DAY_MS) / 60_000) !== 12 * 60)
    return undefined;
  const day = utcWallClock(ms - DAY_MS);
  return { date: wallDate(day), zone: 'AoE', time: '24:00' };
}

/** "end of Fri 10 Jul 2026 AoE", or "Fri 10 Jul 2026, 18:00 Europe/Berlin" for another policy. */
export function dueDayText(d: DueDay): string {
  return d.time === '24:00'
    ? `end of ${formatDate(d.date)} ${d.zone}`
    : `${formatDate(d.date)}, ${d.time} ${d.zone}`;
}

/**
 * When a milestone is, for a viewer. A deadline published as a day says that day first, then the
 * instant in the viewer's zone and UTC: "end of Fri 10 Jul 2026 AoE (Sat 11 Jul 2026, 20:00 GMT+8 ·
 * Sat 11 Jul 2026, 12:00 UTC) · _in 10 days_", the same in every view.
 */
export function describeWhen(m: Milestone, now: DateTime, tz: string): string {
  const day = dueDayOf(m);
  if (!day || m.timing.type !== 'instant') return describeTiming(m.timing, now, tz);
  const ms = instantMs(m.timing.at);
  return `${dueDayText(day)} (${exactText(ms, tz)}) · _${relativeText(ms, now)}_`;
}

/** An instant as Slack's date token: each reader sees their own zone; the fallback names `zone`. */
export function instantToken(at: DateTime, zone = 'UTC'): string {
  const fallback = zone === 'UTC' || zone === 'Etc/UTC' ? formatUtc(at) : formatLocal(at, zone);
  return slackDate(at, '{date_short_pretty} {time}', fallback);
}

/** Plain description for channel posts and changes (no relative part): instants as date tokens. */
export function timingText(t: Timing, zone = 'UTC'): string {
  if (t.type === 'instant') return instantToken(DateTime.fromMillis(instantMs(t.at), { zone: 'utc' }), zone);
  if (t.type === 'day') return formatDate(t.date);
  return formatSpan(t.start, t.end);
}

/** When a milestone is, in a channel post: "end of Wed 22 Jul 2026 AoE (<date token>)". */
export function postWhen(m: Milestone, zone = 'UTC', allDayZone = 'UTC'): string {
  if (m.timing.type === 'instant') {
    const token = timingText(m.timing, zone);
    const day = dueDayOf(m);
    return day ? `${dueDayText(day)} (${token})` : token;
  }
  const dayZone = allDayZone === 'UTC' || allDayZone === 'Etc/UTC' ? 'UTC' : allDayZone;
  if (m.timing.type === 'day') return `${formatDate(m.timing.date)} (all day, ${dayZone})`;
  return `${formatSpan(m.timing.start, m.timing.end)} (${dayZone})`;
}

export function isPast(m: Milestone, now: DateTime, allDayZone: string): boolean {
  return timingBounds(m.timing, allDayZone).endMs <= now.toMillis();
}

/** "v1.37, week 10, Branch Manager"; in posts, with `mentions`, a mapped Who is its group's mention. */
function context(m: Milestone, mentions?: Record<string, string>): string {
  const parts: string[] = [];
  if (m.source === 'cycle' && m.cycle) parts.push(`v${m.cycle}`);
  if (m.week) parts.push(`week ${m.week}`);
  if (m.who) parts.push(mentions ? whoText(m.who, mentions) : escapeMrkdwn(m.who));
  return parts.join(', ');
}

export function milestoneLine(m: Milestone, now: DateTime, tz: string): string {
  const name = m.kinds.includes('hardFreeze') || m.bold ? `*${escapeMrkdwn(m.name)}*` : escapeMrkdwn(m.name);
  const ctx = context(m);
  return `${name}${ctx ? ` (${ctx})` : ''} — ${describeWhen(m, now, tz)}`;
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

/** Milestone changes as posted and answered: one line each, at most `max`, then how many more. */
export function changesText(changes: Change[], max = 25): string {
  const lines = changes.slice(0, max).map((c) => {
    if (c.type === 'added') return `• Added ${label(c.milestone)}: ${timingText(c.milestone.timing)}`;
    if (c.type === 'removed')
      return `• Removed ${label(c.milestone)} (was ${timingText(c.milestone.timing)})`;
    return `• Moved ${label(c.milestone)} from ${timingText(c.from!)} → ${timingText(c.milestone.timing)}`;
  });
  if (changes.length > max)
    lines.push(
      `• …and ${changes.length - max} more changes, not listed here. \`/schedule 1.XX all\` shows a cycle's whole timeline.`,
    );
  return lines.join('\n');
}

/** At most `max` characters of a message from elsewhere (an error), saying when it is cut. */
function clip(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max
    ? text
    : `${chars.slice(0, max).join('')}… (${chars.length - max} more characters)`;
}

export function syncFooter(stored: StoredSchedule, now: DateTime, tz: string): string {
  const parts: string[] = [
    '`/schedule 1.XX` a cycle · `/schedule 1.XX all` its whole timeline · `/schedule patches` · `/schedule help`',
  ];
  if (stored.lastSyncAt) {
    const at = instantMs(stored.lastSyncAt);
    parts.push(`Last synced ${localText(at, tz)} (${relativeText(at, now)})`);
  } else parts.push('Never synced');
  for (const s of stored.sources)
    if (s.error) {
      const at = s.syncedAt ? instantMs(s.syncedAt) : undefined;
      parts.push(
        `:warning: ${escapeMrkdwn(s.label)}: ${escapeMrkdwn(clip(s.error, 200))}${at !== undefined ? `. Shown: the data imported ${localText(at, tz)} (${relativeText(at, now)}).` : ''}`,
      );
    }
  return parts.join('\n');
}

/** "1 row", "3 rows". */
export const rowCount = (n: number): string => `${n} row${n === 1 ? '' : 's'}`;

/** The unreadable rows of a page, at most `max`, then how many more and where to see them all. */
export function problemLines(problems: string[], max = 10, indent = ''): string {
  const lines = problems.slice(0, max).map((p) => `${indent}• ${escapeMrkdwn(p)}`);
  if (problems.length > max)
    lines.push(
      `${indent}• …and ${rowCount(problems.length - max)} more. \`/schedule 1.XX\` lists every row of a cycle that could not be read.`,
    );
  return lines.join('\n');
}

// ------------------------------------------------------------------ reminder posts

export interface ReminderTextOptions {
  now: DateTime;
  late: boolean;
  /** Timeline Who value -> user group ID (`schedule.reminders.mentions`). */
  mentions: Record<string, string>;
  moved?: { from: Timing };
  /** Channel display zone (config.timezone): what the date tokens' fallback text is in. */
  zone: string;
  /** The zone all-day rows are days of (`schedule.allDayZone`). */
  allDayZone?: string;
  /**
   * Why a late post is late: the reminders job's last finished run before this one (`from`) and
   * this run (`to`), when relbot was not running at the due time. Absent: relbot had never run.
   */
  offline?: { from?: DateTime; to: DateTime };
}

/** A configured lead as said: '7d' is "in 7 days", '90m' "in 90 minutes" (luxon's `Duration#toHuman`). */
function leadPhrase(lead: string): string {
  if (lead === 'now') return 'now';
  let phrase = leadPhrases.get(lead);
  if (phrase === undefined) {
    phrase = `in ${leadDuration(lead).reconfigure(EN).toHuman({ useGrouping: false })}`;
    // leads come from relbot.yaml (a handful); the bound only guards against anything else
    if (leadPhrases.size >= 256) leadPhrases.clear();
    leadPhrases.set(lead, phrase);
  }
  return phrase;
}
const leadPhrases = new Map<string, string>();

/** Why a reminder is late, with the real gap: one sentence per thought. */
function lateNote(r: PlannedReminder, opts: ReminderTextOptions): string {
  const due = instantToken(r.dueAt, opts.zone);
  const off = opts.offline;
  if (off?.from && off.from < r.dueAt)
    return `_Posted late: relbot was offline from ${instantToken(off.from, opts.zone)} to ${instantToken(off.to, opts.zone)}. This reminder was due ${due}._`;
  if (off && !off.from)
    return `_Posted late: relbot was not running yet when this reminder was due (${due})._`;
  if (opts.moved) return `_Posted late: the milestone moved after this reminder was due (${due})._`;
  return `_Posted late: this reminder was due ${due}, when relbot could not post it._`;
}

export function reminderText(r: PlannedReminder, opts: ReminderTextOptions): string {
  const m = r.milestone;
  const name = `*${escapeMrkdwn(m.name)}*`;
  const ctx = context(m, opts.mentions);
  const when = postWhen(m, opts.zone, opts.allDayZone);
  const ago = relative(r.milestoneAt, opts.now);
  const deadline = m.kinds.includes('cherryPickDeadline');
  let head: string;
  if (r.lead === 'now') {
    if (deadline)
      head = `:rotating_light: ${name} ${opts.late ? `passed ${ago}` : 'has passed'}: ${when}. Cherry-picks that were not merge-ready by then wait for the next patch release.`;
    else if (m.timing.type === 'instant')
      head = opts.late
        ? `:rotating_light: ${name} has been in effect since ${when}, ${ago}.`
        : `:rotating_light: ${name} is now in effect, since ${when}.`;
    else if (m.timing.type === 'day') head = `:rotating_light: ${name} is today: ${when}.`;
    else head = `:rotating_light: ${name} begins today: ${when}.`;
  } else {
    const phrase = opts.late ? relative(r.milestoneAt, opts.now) : leadPhrase(r.lead);
    head = `:alarm_clock: ${name} is ${phrase}: ${when}.`;
    if (deadline && m.releases?.length)
      head +=
        ' Cherry-picks must be merge-ready (approved, lgtm, release-note, CI green) before the cut-off.';
  }
  const lines = [head];
  if (ctx) lines.push(ctx);
  if (opts.moved)
    lines.push(`:arrows_counterclockwise: Moved: it was ${timingText(opts.moved.from, opts.zone)}.`);
  if (opts.late) lines.push(lateNote(r, opts));
  return lines.join('\n');
}

const WHO_SEPARATOR = /(\s*(?:\/|,|&|\band\b)\s*)/i;

/**
 * A Who value as posted: a mapped Who (or each mapped part of "Comms / Docs") becomes its user
 * group's mention; what is not mapped stays plain words.
 */
export function whoText(who: string, mentions: Record<string, string>): string {
  const table = new Map(Object.entries(mentions).map(([k, v]) => [k.trim().toLowerCase(), v]));
  const whole = table.get(who.trim().toLowerCase());
  if (whole) return groupRef(whole);
  return who
    .split(WHO_SEPARATOR)
    .map((part, i) => {
      if (i % 2 === 1) return escapeMrkdwn(part);
      const g = table.get(part.trim().toLowerCase());
      return g ? groupRef(g) : escapeMrkdwn(part);
    })
    .join('');
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
