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

/**
 * What to do with reminders that are due (dueAt <= now) and not yet decided:
 * - due within the grace period: post;
 * - missed (relbot was down, or the milestone was added or moved late): post late only while the
 *   milestone is still ahead, and only the latest missed lead of that milestone (no burst of
 *   "7 days", "1 day", "1 hour" at once); the others are skipped as superseded;
 * - missed and the milestone has begun: skipped.
 */
export function decideReminders(
  due: PlannedReminder[],
  now: DateTime,
  graceMinutes: number,
): ReminderDecision[] {
  const graceMs = graceMinutes * 60_000;
  const decisions: ReminderDecision[] = [];
  const byInstance = new Map<string, PlannedReminder[]>();
  for (const r of due) {
    if (r.dueAt > now) continue;
    const k = `${r.milestone.id}@${r.milestoneAt.toMillis()}`;
    byInstance.set(k, [...(byInstance.get(k) ?? []), r]);
  }
  for (const group of byInstance.values()) {
    // latest due first: the one that says the most about "now"
    group.sort((a, b) => b.dueAt.toMillis() - a.dueAt.toMillis());
    let chosen = false;
    for (const r of group) {
      const overdue = now.toMillis() - r.dueAt.toMillis();
      if (chosen) {
        decisions.push({ action: 'skip', reminder: r, reason: 'superseded by a later reminder' });
      } else if (overdue <= graceMs) {
        decisions.push({ action: 'post', reminder: r, late: false });
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
