import { CronExpressionParser } from 'cron-parser';
import { DateTime } from 'luxon';
import { feature as scheduleFeature } from '../commands/schedule';
import { ManualClock } from '../src/clock';
import { seedSchedule } from '../src/sandbox/seed-schedule';
import { remindersDue } from '../src/schedule/reminders';
import { allMilestones, loadSchedule } from '../src/schedule/store';
import { startHarness } from '../test/helpers/harness';
import { benchRawConfig, derivedCycleFiles } from './common';

/**
 * Reminder timeliness over a simulated 15-week cycle (v1.37: 18 May – 31 Aug 2026, plus the week
 * before it so the first 7-day reminders are inside): relbot's real `schedule-reminders` and
 * `schedule-sync` jobs against the emulated Slack and GitHub, with a ManualClock set to every
 * instant their cron expressions wake them (reminders: every 5 minutes). Lateness is the Slack
 * message's timestamp minus the reminder's due instant; duplicates are messages with a reminder
 * key already seen; missed are reminders due in the window (per `remindersDue`) never posted.
 */

export interface TimelinessResult {
  window: { from: string; to: string };
  wakeEveryMinutes: number;
  jobRuns: number;
  expected: number;
  posted: number;
  duplicates: number;
  missed: number;
  lateMaxMinutes: number;
  lateMeanMinutes: number;
  /** Reminders posted more than the grace period after their due minute. */
  postedLate: number;
  wallSeconds: number;
}

const CYCLE_START = '2026-05-18T00:00:00Z';

export async function measureTimeliness(opts: { weeks?: number } = {}): Promise<TimelinessResult> {
  const weeks = opts.weeks ?? 15;
  const from = DateTime.fromISO(CYCLE_START, { zone: 'utc' }).minus({ days: 7 });
  const to = DateTime.fromISO(CYCLE_START, { zone: 'utc' }).plus({ weeks });
  const clock = new ManualClock(from);
  const started = Date.now();
  const h = await startHarness({
    clock,
    features: [scheduleFeature],
    config: (raw) => {
      raw.schedule = (benchRawConfig() as { schedule: unknown }).schedule;
    },
  });
  try {
    seedSchedule(h.github);
    for (const f of derivedCycleFiles()) {
      const [owner, repo] = f.repo.split('/') as [string, string];
      h.github.setFile(owner, repo, f.path, f.text, f.ref);
    }
    // The jobs, at every instant their cron expressions fire, in time order.
    const jobs = h.relbot.jobs.jobs.filter(
      (j) => j.name === 'schedule-sync' || j.name === 'schedule-reminders',
    );
    const ticks: Array<{ at: number; job: string }> = [];
    for (const job of jobs) {
      const it = CronExpressionParser.parse(job.cron, {
        currentDate: new Date(from.toMillis() - 1),
        endDate: new Date(to.toMillis()),
        tz: 'UTC',
      });
      while (it.hasNext()) ticks.push({ at: it.next().getTime(), job: job.name });
    }
    // sync before reminders when both fire at the same minute (the order runAll uses)
    ticks.sort((a, b) => a.at - b.at || (a.job === 'schedule-sync' ? -1 : 1));
    await h.relbot.jobs.run('schedule-sync');
    for (const t of ticks) {
      clock.set(DateTime.fromMillis(t.at, { zone: 'utc' }));
      await h.relbot.jobs.run(t.job);
    }
    const reminderCron = jobs.find((j) => j.name === 'schedule-reminders')!.cron;
    const it = CronExpressionParser.parse(reminderCron, {
      currentDate: new Date(from.toMillis()),
      tz: 'UTC',
    });
    const wakeEveryMinutes = (it.next().getTime() - it.prev().getTime()) / 60_000 || 5;

    const config = h.relbot.deps.config;
    const expected = remindersDue(
      allMilestones(loadSchedule(h.db, config), config),
      config.schedule.reminders.rules,
      { from, to },
      config.schedule.allDayZone,
    );
    const dueByKey = new Map(expected.map((r) => [r.key, r.dueAt.toMillis()]));
    const seen = new Map<string, number>();
    const late: number[] = [];
    let duplicates = 0;
    for (const m of h.slack.channelMessages()) {
      const key = String(m.metadata?.event_payload?.key ?? '');
      if (!key.startsWith('schedule-reminder:')) continue;
      seen.set(key, (seen.get(key) ?? 0) + 1);
      if (seen.get(key)! > 1) {
        duplicates++;
        continue;
      }
      const due = dueByKey.get(key);
      if (due === undefined) continue; // due before the window (decided at the first run)
      late.push((Number(m.ts.split('.')[0]) * 1000 - due) / 60_000);
    }
    const grace = config.schedule.reminders.graceMinutes;
    const missed = expected.filter((r) => !seen.has(r.key)).length;
    return {
      window: { from: from.toISO()!, to: to.toISO()! },
      wakeEveryMinutes,
      jobRuns: ticks.length + 1,
      expected: expected.length,
      posted: late.length,
      duplicates,
      missed,
      lateMaxMinutes: late.length ? Math.max(...late) : Number.NaN,
      lateMeanMinutes: late.length ? late.reduce((a, b) => a + b, 0) / late.length : Number.NaN,
      postedLate: late.filter((l) => l > grace).length,
      wallSeconds: (Date.now() - started) / 1000,
    };
  } finally {
    await h.stop();
  }
}
