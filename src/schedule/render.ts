import { DateTime } from 'luxon';
import { escapeMrkdwn } from '../slack/escape';
import { timingBounds } from './dates';
import type { Milestone, StoredSchedule, Timing } from './model';
import type { PlannedReminder } from './reminders';

/**
 * Pure renderers: text for answers (in the viewer's time zone, in UTC and relative to `now`) and
 * for channel posts (UTC, plus Slack's <!date> token so every reader sees their own local time).
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

/** "in 3 days", "in 5 hours", "2 days ago", "now". */
export function relative(at: DateTime, now: DateTime): string {
  const ms = at.toMillis() - now.toMillis();
  const abs = Math.abs(ms);
  if (abs < 60_000) return 'now';
  const units: [number, string][] = [
    [7 * 86_400_000, 'week'],
    [86_400_000, 'day'],
    [3_600_000, 'hour'],
    [60_000, 'minute'],
  ];
  // weeks only from 14 days on: "in 9 days" reads better than "in 1 week"
  const [size, name] = units.find(([u, n]) => (n === 'week' ? abs >= 14 * 86_400_000 : abs >= u))!;
  const n = Math.floor(abs / size);
  const phrase = `${n} ${name}${n === 1 ? '' : 's'}`;
  return ms > 0 ? `in ${phrase}` : `${phrase} ago`;
}

/** Relative calendar days from the viewer's today: "today", "tomorrow", "in 5 days", "3 days ago". */
export function relativeDays(date: string, now: DateTime, tz: string): string {
  const today = now.setZone(tz).startOf('day');
  const d = DateTime.fromISO(date, { zone: tz }).startOf('day');
  const days = Math.round(d.diff(today, 'days').days);
  if (days === 0) return 'today';
  if (days === 1) return 'tomorrow';
  if (days === -1) return 'yesterday';
  const abs = Math.abs(days);
  const phrase = abs >= 14 ? `${Math.floor(abs / 7)} weeks` : `${abs} days`;
  return days > 0 ? `in ${phrase}` : `${phrase} ago`;
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

/** Slack renders <!date^...> in each reader's own time zone; the fallback is UTC. */
export function slackDate(at: DateTime): string {
  return `<!date^${Math.floor(at.toSeconds())}^{date_short_pretty} {time}|${formatUtc(at)}>`;
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

/** Groups lines into section-sized texts (Slack: 3000 characters per section). */
export function chunkLines(lines: string[], max = 2900): string[] {
  const out: string[] = [];
  let cur = '';
  for (const line of lines) {
    const l = line.length > max ? `${line.slice(0, max - 1)}…` : line;
    if (cur && cur.length + 1 + l.length > max) {
      out.push(cur);
      cur = l;
    } else cur = cur ? `${cur}\n${l}` : l;
  }
  if (cur) out.push(cur);
  return out;
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

function leadPhrase(lead: string): string {
  if (lead === 'now') return 'now';
  const n = Number(lead.slice(0, -1));
  const unit = ({ m: 'minute', h: 'hour', d: 'day', w: 'week' } as Record<string, string>)[lead.slice(-1)]!;
  return `in ${n} ${unit}${n === 1 ? '' : 's'}`;
}

export function reminderText(r: PlannedReminder, opts: ReminderTextOptions): string {
  const m = r.milestone;
  const name = `*${escapeMrkdwn(m.name)}*`;
  const ctx = context(m);
  const when =
    m.timing.type === 'instant'
      ? `${slackDate(r.milestoneAt)}${opts.zone !== 'UTC' ? ` (${formatLocal(r.milestoneAt, opts.zone)})` : ''}`
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
  if (opts.mentions.length) lines.push(opts.mentions.map((g) => `<!subteam^${g}>`).join(' '));
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
