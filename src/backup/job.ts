import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Deps } from '../deps';
import type { Job } from '../jobs/runner';
import { backupDir, backupDue, backupFileName, pruneBackups, writeBackup } from './backup';

export const BACKUP_JOB = 'db-backup';

/**
 * `db-backup`: cron wakes it (backup.cron, UTC); it writes a backup when none exists since the
 * last scheduled time (so a missed night is made up at the next wake-up and a second run in the
 * same period writes nothing), named from the clock, then keeps the newest `backup.keep`.
 */
export function backupJob(deps: Deps): Job {
  return {
    name: BACKUP_JOB,
    cron: deps.config.backup.cron,
    run: runBackupJob,
  };
}

export async function runBackupJob(deps: Deps): Promise<string> {
  const { config, env, db, clock, log } = deps;
  const bc = config.backup;
  if (!bc.enabled) return 'backups disabled';
  if (env.dbPath === ':memory:') return 'in-memory database: nothing to back up';
  const dir = backupDir(bc, env.dbPath);
  mkdirSync(dir, { recursive: true });
  const now = clock.now().toUTC();
  const { due, since } = backupDue(readdirSync(dir), bc.cron, now);
  if (!due) return `not due: a backup since ${since.toISO()} exists in ${dir}`;
  const result = await writeBackup(db, join(dir, backupFileName(now)));
  const removed = pruneBackups(dir, bc.keep);
  log.info({ path: result.path, bytes: result.bytes, removed }, 'database backup written');
  return `wrote ${result.path} (${result.bytes} bytes, schema v${result.schemaVersion}); removed ${removed.length} old backup(s), keeping ${bc.keep}`;
}
