import { z } from 'zod';
import { cronExpression } from '../config-types';

/**
 * `backup:` in relbot.yaml: the scheduled online backup of the SQLite file (job `db-backup`).
 * On-demand backups: `npm run backup` (src/backup/cli.ts).
 */
export const backupConfig = z
  .object({
    /** Turn the scheduled backup off (e.g. when the volume is snapshotted some other way). */
    enabled: z.boolean().default(true),
    /**
     * Directory for the backups. Default: `backups` next to the database (RELBOT_DB), i.e.
     * /data/backups in the container. A relative path is relative to the database's directory.
     */
    dir: z.string().min(1).optional(),
    /**
     * When the job wakes up (UTC). A backup is written when none exists since the last such time,
     * so this also sets the backup period: the one job whose cron lives in its own block, not `jobs:`.
     */
    cron: cronExpression.default('30 3 * * *'),
    /** How many backups (relbot-YYYYMMDDTHHMMSSZ.db) to keep; older ones are deleted. */
    keep: z.number().int().min(1).max(1000).default(7),
  })
  .strict()
  .default({ enabled: true, cron: '30 3 * * *', keep: 7 });

export type BackupConfig = z.infer<typeof backupConfig>;
