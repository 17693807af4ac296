import { z } from 'zod';
import { cronExpression } from '../config-types';

/**
 * `jobs:` in relbot.yaml: when each scheduled job wakes up (5-field cron, UTC). Waking is all cron
 * does: what is due is decided by the job from the clock and its ledger (src/jobs/runner.ts), so a
 * coarser cron only makes a job later, never doubles or skips a post. The backup job is the one
 * exception: its wake-up is also its period, so it stays `backup.cron`.
 */
export const JOB_DEFAULTS = {
  /** Re-read the schedule sources (cycle READMEs, schedule.yaml) and post what changed. */
  'schedule-sync': '17 * * * *',
  /** Post the milestone reminders that are due. */
  'schedule-reminders': '*/5 * * * *',
  /** Find new cherry-pick PRs and refresh their cards (two search requests a run). */
  'cherrypick-discovery': '*/5 * * * *',
  /** Post the blockers digest when a slot of `blockers.digest.schedule` is due. */
  'blockers-digest': '*/5 * * * *',
  /** Close a shadow application round once its AoE deadline has passed. */
  'shadows-close': '*/5 * * * *',
  /** Send the personal reminders (`/schedule remind`) that are due, as DMs. */
  'schedule-personal-reminders': '*/5 * * * *',
  /** Republish the Home tab of people who opened it, when what it shows changed (at most once a minute each). */
  'home-refresh': '* * * * *',
} as const;

export type JobName = keyof typeof JOB_DEFAULTS;

export const jobsConfig = z
  .object(
    Object.fromEntries(
      Object.keys(JOB_DEFAULTS).map((k) => [k, cronExpression.default(JOB_DEFAULTS[k as JobName])]),
    ) as {
      [K in JobName]: z.ZodDefault<typeof cronExpression>;
    },
  )
  .strict()
  .default({ ...JOB_DEFAULTS });

export type JobsConfig = z.infer<typeof jobsConfig>;
