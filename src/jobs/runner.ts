import cron, { type ScheduledTask } from 'node-cron';
import type { Deps } from '../deps';
import type { JobName } from './config';

/**
 * Scheduled jobs. node-cron only wakes a job up; what is due is decided by the job itself from the
 * injected clock and its ledger in SQLite, so a job that was down catches up, one that runs twice
 * does nothing twice, and tests drive the same code by moving a ManualClock and calling `runAll()`.
 */
export interface Job {
  name: string;
  /** node-cron expression (UTC) for how often the job wakes up. */
  cron: string;
  run(deps: Deps): Promise<string | undefined>;
}

export class JobRunner {
  private readonly tasks: ScheduledTask[] = [];
  private readonly running = new Map<string, Promise<void>>();
  private stopped = false;

  constructor(
    private readonly deps: Deps,
    readonly jobs: Job[],
  ) {
    for (const job of jobs) {
      if (!cron.validate(job.cron)) throw new Error(`job ${job.name}: invalid cron expression ${job.cron}`);
    }
  }

  /** Starts the cron triggers (production). */
  start(): void {
    for (const job of this.jobs) {
      const task = cron.schedule(job.cron, () => void this.run(job.name), {
        name: `relbot-${job.name}`,
        timezone: 'UTC',
        noOverlap: true,
      });
      this.tasks.push(task);
    }
  }

  /** Runs one job now; a run already in progress is joined, not repeated. */
  run(name: string): Promise<void> {
    if (this.stopped) return Promise.resolve();
    const job = this.jobs.find((j) => j.name === name);
    if (!job) return Promise.reject(new Error(`no job named ${name}`));
    const current = this.running.get(name);
    if (current) return current;
    const p = this.execute(job).finally(() => this.running.delete(name));
    this.running.set(name, p);
    return p;
  }

  /** Runs every job once, in order (the sandbox and tests call this after moving the clock). */
  async runAll(): Promise<void> {
    for (const job of this.jobs) await this.run(job.name);
  }

  private async execute(job: Job): Promise<void> {
    const { db, clock, log, metrics } = this.deps;
    const started = clock.now().toISO();
    const id = db
      .prepare("INSERT INTO job_runs (job, started_at, status) VALUES (?, ?, 'running')")
      .run(job.name, started).lastInsertRowid;
    try {
      const detail = await job.run(this.deps);
      db.prepare("UPDATE job_runs SET status = 'ok', finished_at = ?, detail = ? WHERE id = ?").run(
        clock.now().toISO(),
        detail ?? null,
        id,
      );
      metrics.jobRuns.inc({ job: job.name, status: 'ok' });
    } catch (err) {
      log.error({ err, job: job.name }, 'job failed');
      db.prepare("UPDATE job_runs SET status = 'error', finished_at = ?, detail = ? WHERE id = ?").run(
        clock.now().toISO(),
        String((err as Error).message).slice(0, 1000),
        id,
      );
      metrics.jobRuns.inc({ job: job.name, status: 'error' });
    }
  }

  /** Stops the triggers and waits for runs in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.tasks) await t.destroy();
    this.tasks.length = 0;
    await Promise.allSettled([...this.running.values()]);
  }
}

/** The one way to define a scheduled job: its name, its wake-up from `jobs:` in relbot.yaml, its run. */
export function defineJob(deps: Deps, name: JobName, run: Job['run']): Job {
  return { name, cron: deps.config.jobs[name], run };
}
