import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { CronExpressionParser } from 'cron-parser';
import { DateTime } from 'luxon';
import type { Db } from '../db';
import type { BackupConfig } from './config';

/**
 * Online backups of relbot's SQLite file with SQLite's backup API (better-sqlite3 `db.backup`):
 * consistent while relbot keeps writing, WAL included. Each backup is written to `<name>.partial`,
 * checked (quick_check, schema version), switched to a single self-contained file (journal_mode
 * DELETE) and only then renamed to its final name, so a file named like a backup is always whole.
 */

const NAME = /^relbot-(\d{8}T\d{6}Z)\.db$/;

/** `relbot-20260701T033000Z.db` for `now` (UTC, to the second). Sorting the names sorts by time. */
export function backupFileName(now: DateTime): string {
  return `relbot-${now.toUTC().toFormat("yyyyLLdd'T'HHmmss'Z'")}.db`;
}

/** The time a backup name stands for, or undefined for any other file. */
export function backupTime(name: string): DateTime | undefined {
  const m = NAME.exec(name);
  if (!m) return undefined;
  const t = DateTime.fromFormat(m[1]!, "yyyyLLdd'T'HHmmss'Z'", { zone: 'utc' });
  return t.isValid ? t : undefined;
}

/** The backup names among `names`, oldest first. */
export function backupNames(names: string[]): string[] {
  return names.filter((n) => backupTime(n) !== undefined).sort();
}

/** The backups to delete so that only the newest `keep` remain (other files are never touched). */
export function backupsToPrune(names: string[], keep: number): string[] {
  const backups = backupNames(names);
  return backups.slice(0, Math.max(0, backups.length - keep));
}

/** The last time at or before `now` that `cron` (UTC) names. */
export function lastScheduled(cron: string, now: DateTime): DateTime {
  // prev() is strictly before its start; start a second later so a run exactly on time counts.
  const it = CronExpressionParser.parse(cron, {
    currentDate: now.plus({ seconds: 1 }).toJSDate(),
    tz: 'UTC',
  });
  return DateTime.fromJSDate(it.prev().toDate(), { zone: 'utc' });
}

/**
 * Whether the scheduled backup is due: no backup exists that was taken at or after the last
 * scheduled time. A run that was missed (relbot down) is made up at the next wake-up; a second
 * run in the same period does nothing.
 */
export function backupDue(names: string[], cron: string, now: DateTime): { due: boolean; since: DateTime } {
  const since = lastScheduled(cron, now);
  const newest = backupNames(names).at(-1);
  const newestAt = newest ? backupTime(newest) : undefined;
  return { due: !newestAt || newestAt < since, since };
}

/** Where backups go: `config.dir` (relative to the database's directory), else `<dbdir>/backups`. */
export function backupDir(config: Pick<BackupConfig, 'dir'>, dbPath: string): string {
  const dbDir = dirname(resolve(dbPath));
  if (!config.dir) return join(dbDir, 'backups');
  return isAbsolute(config.dir) ? config.dir : resolve(dbDir, config.dir);
}

export interface BackupResult {
  path: string;
  bytes: number;
  schemaVersion: number;
  pages: number;
}

export class BackupError extends Error {}

/**
 * Writes a verified backup of `db` to `path` (which must not exist yet). `pagesPerStep` bounds how
 * long each step holds the event loop; writes made through `db` meanwhile are carried into the
 * backup by SQLite, writes by other connections restart it (so the CLI copies in one step).
 */
export async function writeBackup(
  db: Db,
  path: string,
  opts: { pagesPerStep?: number } = {},
): Promise<BackupResult> {
  if (existsSync(path)) throw new BackupError(`${path} already exists; not overwriting it`);
  if (!existsSync(dirname(path))) throw new BackupError(`directory ${dirname(path)} does not exist`);
  const partial = `${path}.partial`;
  rmSync(partial, { force: true });
  const step = opts.pagesPerStep ?? 1000;
  try {
    const progress = await db.backup(partial, { progress: () => step });
    const checked = verifyBackup(partial);
    if (existsSync(path))
      throw new BackupError(`${path} appeared while the backup was written; not overwriting it`);
    renameSync(partial, path);
    return {
      path,
      bytes: statSync(path).size,
      schemaVersion: checked.schemaVersion,
      pages: progress.totalPages,
    };
  } catch (err) {
    for (const suffix of ['', '-journal', '-wal', '-shm']) rmSync(`${partial}${suffix}`, { force: true });
    throw err;
  }
}

/**
 * Opens a backup file, makes it self-contained (rollback journal instead of WAL, so the one file
 * is the whole database), runs SQLite's quick_check and reads its schema version.
 */
export function verifyBackup(path: string): { schemaVersion: number } {
  const copy = new Database(path, { fileMustExist: true });
  try {
    copy.pragma('journal_mode = DELETE');
    const check = copy.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new BackupError(`backup ${path} failed SQLite's quick_check: ${String(check)}`);
    return { schemaVersion: schemaVersionOf(copy) };
  } finally {
    copy.close();
  }
}

/** The highest applied migration, or 0 for a database relbot never migrated. */
export function schemaVersionOf(db: Db): number {
  const table = db
    .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'")
    .get();
  if (!table) return 0;
  return (db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null }).v ?? 0;
}

/** Deletes the backups beyond the newest `keep` in `dir`, and leftovers of interrupted backups. */
export function pruneBackups(dir: string, keep: number): string[] {
  const names = readdirSync(dir);
  const removed = backupsToPrune(names, keep);
  const newest = backupNames(names).at(-1);
  // `<name>.partial` of an interrupted backup older than the newest whole one.
  const stale = names.filter((n) => {
    const base = n.replace(/\.partial(-journal|-wal|-shm)?$/, '');
    return base !== n && backupTime(base) !== undefined && newest !== undefined && base < newest;
  });
  for (const n of [...removed, ...stale]) rmSync(join(dir, n), { force: true });
  return removed;
}
