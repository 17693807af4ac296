import { DateTime, Duration } from 'luxon';
import type { ReminderRule } from './config';
import { timingBounds } from './dates';
import type { Milestone } from './model';

/**
 * Reminder rules, pure: which reminders a schedule produces (`planReminders`), which fall in a time
 * window (`remindersDue`, for benchmarks of timeliness), and what to do with the ones that are due
 * now given what was already done (`decideReminders`).
 */

export interface PlannedReminder {
  /** Stable key: milestone id, lead and the milestone's instant (a moved milestone gets new keys). */
  key: string;
  milestone: Milestone;
  /** As configured: '7d', '1h', 'now'. */
  lead: string;
  dueAt: DateTime;
  /** When the milestone begins (an all-day row: the start of its day in `allDayZone`). */
  milestoneAt: DateTime;
}

export function leadDuration(lead: string): Duration {
  if (lead === 'now') return Duration.fromMillis(0);
  const n = Number(lead.slice(0, -1));
  const unit = lead.slice(-1);
  const key = ({ m: 'minutes', h: 'hours', d: 'days', w: 'weeks' } as const)[unit as 'm' | 'h' | 'd' | 'w'];
  if (!key || !Number.isFinite(n)) throw new Error(`bad lead time ${lead}`);
  return Duration.fromObject({ [key]: n });
}

export function ruleMatches(rule: ReminderRule, m: Milestone): boolean {
  const kindOk =
    rule.select === 'any' ||
    (rule.select === 'bold' ? m.bold : m.kinds.includes(rule.select as Milestone['kinds'][number]));
  if (!kindOk) return false;
  return rule.match ? new RegExp(rule.match, 'i').test(m.name) : true;
}

export function reminderKey(milestoneId: string, lead: string, at: DateTime): string {
  return `schedule-reminder:${milestoneId}:${lead}:${new Date(at.toMillis()).toISOString().replace(/\.000Z$/, 'Z')}`;
}

/** Every reminder the rules produce for these milestones, sorted by due time. */
export function planReminders(
  milestones: Milestone[],
  rules: ReminderRule[],
  allDayZone = 'UTC',
): PlannedReminder[] {
  const out: PlannedReminder[] = [];
  const leadMs = new Map<string, number>();
  for (const r of rules) for (const l of r.leads) leadMs.set(l, leadDuration(l).toMillis());
  for (const m of milestones) {
    const leads = new Set<string>();
    for (const r of rules) if (ruleMatches(r, m)) for (const l of r.leads) leads.add(l);
    if (leads.size === 0) continue;
    const at = timingBounds(m.timing, allDayZone).start;
    for (const lead of leads) {
      out.push({
        key: reminderKey(m.id, lead, at),
        milestone: m,
        lead,
        dueAt: DateTime.fromMillis(at.toMillis() - leadMs.get(lead)!, { zone: 'utc' }),
        milestoneAt: at,
      });
    }
  }
  return out.sort((a, b) => a.dueAt.toMillis() - b.dueAt.toMillis() || a.key.localeCompare(b.key));
}

/** Reminders due in (from, to]: what an always-on relbot posts in that window. */
export function remindersDue(
  milestones: Milestone[],
  rules: ReminderRule[],
  window: { from: DateTime; to: DateTime },
  allDayZone = 'UTC',
): PlannedReminder[] {
  return planReminders(milestones, rules, allDayZone).filter(
    (r) => r.dueAt > window.from && r.dueAt <= window.to,
  );
}

export type ReminderDecision =
  | { action: 'post'; reminder: PlannedReminder; late: false }
  | { action: 'post'; reminder: PlannedReminder; late: true }
  | { action: 'skip'; reminder: PlannedReminder; reason: string };

export interface DecideOptions {
  /** A "now" reminder missed by less than this is still posted, late (default 12). */
  lateNowInEffectHours?: number;
}

/** A late post is held back when the milestone's next reminder is due sooner than this. */
const NEXT_WITHIN_MS = 60 * 60_000;

/**
 * What to do with the undecided reminders (those not due yet are only looked at, never decided):
 * - due within the grace period: post;
 * - missed (relbot was down, or the milestone was added or moved late): at most one post per
 *   milestone, the latest missed lead, labelled late, while the milestone is still ahead. The older
 *   ones are skipped as superseded. When the milestone's next reminder is due within the hour, that
 *   one is the post and the missed one is skipped too, so no older lead is followed by a newer one
 *   within the hour;
 * - a missed "now" (a freeze in effect, a deadline passed) is posted late if it happened less than
 *   `lateNowInEffectHours` ago;
 * - anything else missed once the milestone has begun: skipped.
 */
export function decideReminders(
  undecided: PlannedReminder[],
  now: DateTime,
  graceMinutes: number,
  opts: DecideOptions = {},
): ReminderDecision[] {
  const graceMs = graceMinutes * 60_000;
  const lateNowMs = (opts.lateNowInEffectHours ?? 12) * 3_600_000;
  const decisions: ReminderDecision[] = [];
  const byInstance = new Map<string, { due: PlannedReminder[]; next?: PlannedReminder }>();
  for (const r of undecided) {
    const k = `${r.milestone.id}@${r.milestoneAt.toMillis()}`;
    const group = byInstance.get(k) ?? { due: [] };
    byInstance.set(k, group);
    if (r.dueAt <= now) group.due.push(r);
    else if (!group.next || r.dueAt < group.next.dueAt) group.next = r;
  }
  for (const { due, next } of byInstance.values()) {
    // latest due first: the one that says the most about "now"
    due.sort((a, b) => b.dueAt.toMillis() - a.dueAt.toMillis());
    let chosen = false;
    for (const r of due) {
      const overdue = now.toMillis() - r.dueAt.toMillis();
      if (chosen) {
        decisions.push({ action: 'skip', reminder: r, reason: 'superseded by a later reminder' });
      } else if (overdue <= graceMs) {
        decisions.push({ action: 'post', reminder: r, late: false });
        chosen = true;
      } else if (r.lead === 'now' && overdue < lateNowMs) {
        decisions.push({ action: 'post', reminder: r, late: true });
        chosen = true;
      } else if (r.milestoneAt > now && next && next.dueAt.toMillis() - now.toMillis() < NEXT_WITHIN_MS) {
        decisions.push({
          action: 'skip',
          reminder: r,
          reason: `superseded by the ${next.lead} reminder, due within the hour`,
        });
        chosen = true;
      } else if (r.milestoneAt > now) {
        decisions.push({ action: 'post', reminder: r, late: true });
        chosen = true;
      } else {
        decisions.push({ action: 'skip', reminder: r, reason: 'missed, and the milestone has begun' });
      }
    }
  }
  return decisions.sort(
    (a, b) =>
      a.reminder.dueAt.toMillis() - b.reminder.dueAt.toMillis() ||
      a.reminder.key.localeCompare(b.reminder.key),
  );
}
