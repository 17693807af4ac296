import { CronExpressionParser } from 'cron-parser';
import { DateTime } from 'luxon';
import type { ManualClock } from '../clock';
import type { Job } from '../jobs/runner';

/** What passing time needs of relbot: its jobs (with their cron from relbot.yaml `jobs:`) and a way to run one. */
export interface JobClock {
  clock: ManualClock;
  jobs: readonly Pick<Job, 'name' | 'cron'>[];
  run(name: string): Promise<void>;
}

/**
 * Moves the sandbox clock to `target` as time passing, not as downtime: wake-up by wake-up from
 * each job's cron, the clock stops at every instant one or more jobs are due and runs those (in
 * relbot's job order), so reminders and digests are posted in order, each at its own time.
 * Returns how many job runs it made.
 */
export async function passTime(jc: JobClock, target: DateTime): Promise<number> {
  const start = jc.clock.now();
  if (target <= start) {
    jc.clock.set(target);
    return 0;
  }
  const iters = jc.jobs.map((j) =>
    CronExpressionParser.parse(j.cron, {
      currentDate: start.toJSDate(),
      endDate: target.toJSDate(),
      tz: 'UTC',
    }),
  );
  const next = iters.map((it) => (it.hasNext() ? it.next().getTime() : Number.POSITIVE_INFINITY));
  let runs = 0;
  for (;;) {
    const at = Math.min(...next);
    if (!Number.isFinite(at) || at > target.toMillis()) break;
    jc.clock.set(DateTime.fromMillis(at, { zone: 'utc' }));
    for (let i = 0; i < jc.jobs.length; i++) {
      if (next[i] !== at) continue;
      await jc.run(jc.jobs[i]!.name);
      runs += 1;
      next[i] = iters[i]!.hasNext() ? iters[i]!.next().getTime() : Number.POSITIVE_INFINITY;
    }
  }
  jc.clock.set(target);
  return runs;
}
