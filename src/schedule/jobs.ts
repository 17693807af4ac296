import { DateTime } from 'luxon';
import type { Deps } from '../deps';
import { defineJob, type Job } from '../jobs/runner';
import type { Timing } from './model';
import { decideReminders, type PlannedReminder, planReminders } from './reminders';
import { channelPost, reminderText } from './render';
import { allMilestones, insertLedger, latestMoves, ledger, loadSchedule, markPosted } from './store';
import { postAnnouncements, reminderChannel, syncDue, syncSchedule } from './sync';

/**
 * The two jobs. Cron only wakes them; what is due comes from the clock and the ledger.
 *
 * Reminders: each (milestone, instant, lead) is decided once. A post is recorded as 'posting' (with
 * its text) before Slack is called and goes through `outbox.postOnce` with the same key, so:
 * - a crash after the post but before any record: the outbox finds the message in the channel
 *   history on the next run and adopts it (no second post);
 * - a crash after the outbox recorded it but before the ledger did: postOnce returns the existing
 *   message; the ledger catches up.
 */

export async function runReminders(deps: Deps): Promise<string> {
  const { db, config, clock, log } = deps;
  const rc = config.schedule.reminders;
  if (!rc.enabled) return 'reminders disabled';
  const now = clock.now().toUTC();
  const channel = reminderChannel(deps);
  const known = ledger(db);
  let posted = 0;
  let skipped = 0;
  let failed = 0;

  // 1. Finish posts a previous run began (crash or Slack error between intent and record).
  for (const row of known.values()) {
    if (row.state !== 'posting') continue;
    try {
      const res = await deps.outbox.postOnce(row.key, row.channel ?? channel, channelPost(row.text ?? ''));
      markPosted(db, row.key, res.ts, now.toISO()!);
      if (res.posted) posted++;
    } catch (err) {
      failed++;
      log.error({ err, key: row.key }, 'schedule reminder: could not finish a post; will retry');
    }
  }

  // 2. Decide what became due (the undecided ones not due yet only tell what comes next).
  const milestones = allMilestones(loadSchedule(db, config), config);
  const undecided = planReminders(milestones, rc.rules, config.schedule.allDayZone).filter(
    (r) => !known.has(r.key),
  );
  const moves = latestMoves(db);
  const decisions = decideReminders(undecided, now, rc.graceMinutes, {
    lateNowInEffectHours: rc.lateNowInEffectHours,
  });
  const offline = { from: lastFinishedRun(deps, 'schedule-reminders'), to: now };
  const record = (
    r: PlannedReminder,
    state: 'posting' | 'skipped',
    late: boolean,
    reason: string | null,
    text: string | null,
  ) =>
    insertLedger(db, {
      key: r.key,
      milestone_id: r.milestone.id,
      lead: r.lead,
      due_at: r.dueAt.toISO()!,
      milestone_at: r.milestoneAt.toISO()!,
      state,
      late: late ? 1 : 0,
      reason,
      channel: state === 'posting' ? channel : null,
      text,
      decided_at: now.toISO()!,
    });
  const skippedNow: string[] = [];
  db.transaction(() => {
    for (const d of decisions)
      if (d.action === 'skip') {
        record(d.reminder, 'skipped', false, d.reason, null);
        skippedNow.push(`${d.reminder.milestone.id} ${d.reminder.lead} (${d.reason})`);
      }
  })();
  skipped = skippedNow.length;
  if (skipped)
    log.info(
      { skipped: skippedNow.slice(0, 20), count: skipped },
      'schedule reminders skipped (missed while relbot was down, and the milestone has begun)',
    );

  for (const d of decisions) {
    if (d.action !== 'post') continue;
    const r = d.reminder;
    const move = moves.get(r.milestone.id);
    const moved: { from: Timing } | undefined =
      move && JSON.stringify(move.to) === JSON.stringify(r.milestone.timing)
        ? { from: move.from }
        : undefined;
    const text = reminderText(r, {
      now,
      late: d.late,
      mentions: rc.mentions,
      ...(moved ? { moved } : {}),
      zone: config.timezone,
      allDayZone: config.schedule.allDayZone,
      offline,
    });
    record(r, 'posting', d.late, d.late ? 'posted late' : null, text);
    try {
      const res = await deps.outbox.postOnce(r.key, channel, channelPost(text));
      markPosted(db, r.key, res.ts, clock.now().toISO()!);
      if (res.posted) posted++;
      if (d.late) log.warn({ key: r.key, dueAt: r.dueAt.toISO() }, 'schedule reminder posted late');
    } catch (err) {
      failed++;
      log.error({ err, key: r.key }, 'schedule reminder: post failed; the next run retries it');
    }
  }
  return `posted ${posted}, skipped ${skipped}, failed ${failed}`;
}

/**
 * When a job last finished (the run ledger, `job_runs`), before the run in progress: the start of
 * a gap when relbot was down. Undefined when it never ran.
 */
function lastFinishedRun(deps: Deps, job: string): DateTime | undefined {
  const row = deps.db
    .prepare(
      'SELECT finished_at FROM job_runs WHERE job = ? AND finished_at IS NOT NULL ORDER BY id DESC LIMIT 1',
    )
    .get(job) as { finished_at: string } | undefined;
  return row ? DateTime.fromISO(row.finished_at, { zone: 'utc' }) : undefined;
}

export async function runSync(deps: Deps): Promise<string> {
  if (!syncDue(deps)) {
    // Still finish announcements a crash may have left behind.
    await postAnnouncements(deps);
    return 'not due';
  }
  const report = await syncSchedule(deps);
  const errors = report.sources.filter((s) => s.status === 'error');
  const summary = `${report.milestones} milestones; ${report.changes.length} change(s); ${errors.length} source error(s)`;
  if (errors.length) throw new Error(`${summary}: ${errors.map((e) => e.error).join('; ')}`);
  return summary;
}

export function scheduleJobs(deps: Deps): Job[] {
  return [defineJob(deps, 'schedule-sync', runSync), defineJob(deps, 'schedule-reminders', runReminders)];
}
