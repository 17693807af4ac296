import { copyFileSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { backupNames } from '../../src/backup/backup';
import { BACKUP_JOB } from '../../src/backup/job';
import { schemaVersion } from '../../src/db';
import { people } from '../../src/sandbox/seed';
import { CP } from '../../src/sandbox/seed-cherrypicks';
import { allText, REPO, startCherrypickHarness, trackByCommand } from '../helpers/cherrypicks';
import { type Harness, startHarness } from '../helpers/harness';

/** The db-backup job inside a real relbot (harness), and restoring a backup it wrote. */

type Row = { status: string; detail: string | null };
const runs = (h: Harness) =>
  h.db.prepare('SELECT status, detail FROM job_runs WHERE job = ? ORDER BY id').all(BACKUP_JOB) as Row[];
const backupsIn = (dir: string) => backupNames(readdirSync(dir));
const count = (db: Database.Database, table: string) =>
  (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
const tables = (db: Database.Database) =>
  (
    db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as {
      name: string;
    }[]
  ).map((t) => t.name);

describe('db-backup job', () => {
  let h: Harness;
  let dir: string;
  beforeEach(async () => {
    h = await startHarness({
      config: (raw) => {
        raw.backup = { keep: 3, dir: 'snapshots' };
      },
    });
    dir = join(h.dir, 'snapshots');
  });
  afterEach(async () => {
    await h.stop();
  });

  it('is registered, and writes a consistent backup while relbot keeps writing and answering', async () => {
    expect(h.relbot.jobs.jobs.map((j) => j.name)).toContain(BACKUP_JOB);
    expect(h.relbot.jobs.jobs.find((j) => j.name === BACKUP_JOB)?.cron).toBe('30 3 * * *');
    // ~20 MB of data so the copy takes many steps, then writes in batches of 10 (one transaction
    // each) through relbot's own connection on every turn of the event loop during the backup.
    const now = h.clock.now().toISO()!;
    const insert = h.db.prepare('INSERT INTO kv (key, value, updated_at) VALUES (?, ?, ?)');
    const big = 'x'.repeat(4000);
    h.db.transaction(() => {
      for (let i = 0; i < 5000; i++) insert.run(`seed:${i}`, big, now);
    })();
    let batches = 0;
    let writing = true;
    // The first batch written while the copy is in progress (its .partial file exists).
    const partial = join(dir, 'relbot-20260701T090000Z.db.partial');
    let firstDuringCopy: number | undefined;
    const batch = h.db.transaction((n: number) => {
      for (let i = 0; i < 10; i++) insert.run(`live:${n}:${i}`, 'v', now);
    });
    const writer = new Promise<void>((resolve) => {
      const tick = () => {
        if (!writing) return resolve();
        if (firstDuringCopy === undefined && existsSync(partial)) firstDuringCopy = batches;
        batch(batches++);
        setImmediate(tick);
      };
      setImmediate(tick);
    });
    const before = count(h.db, 'kv');
    const [, answer] = await Promise.all([
      h.relbot.jobs.run(BACKUP_JOB),
      h.driver.command(people.member.id, '/cherrypick', 'help'),
    ]);
    writing = false;
    await writer;
    expect(answer.status).toBe(200);
    expect(batches).toBeGreaterThan(1);

    const [run] = runs(h);
    expect(run?.status).toBe('ok');
    const names = backupsIn(dir);
    expect(names).toEqual(['relbot-20260701T090000Z.db']);
    expect(run?.detail).toContain(join(dir, names[0]!));
    expect(run?.detail).toMatch(/schema v\d+/);

    const live = h.db;
    const copy = new Database(join(dir, names[0]!), { readonly: true });
    try {
      expect(copy.pragma('journal_mode', { simple: true })).toBe('delete');
      expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(schemaVersion(copy)).toBe(schemaVersion(live));
      expect(tables(copy).sort()).toEqual(tables(live).sort());
      // A snapshot: every batch whole, nothing from after the copy finished.
      const kv = count(copy, 'kv');
      expect(kv).toBeGreaterThanOrEqual(before);
      expect(kv).toBeLessThanOrEqual(count(live, 'kv'));
      expect((kv - 5000) % 10).toBe(0);
      // Writes relbot made while the copy was in progress are in it (SQLite carries writes made
      // through the same connection into a running backup).
      expect(firstDuringCopy).toBeDefined();
      expect(copy.prepare('SELECT 1 FROM kv WHERE key = ?').get(`live:${firstDuringCopy}:9`)).toBeDefined();
      // Every table nobody wrote to during the backup has exactly the live rows.
      for (const t of tables(live).filter((t) => !['kv', 'job_runs'].includes(t)))
        expect([t, count(copy, t)]).toEqual([t, count(live, t)]);
    } finally {
      copy.close();
    }
    expect(readdirSync(dir).filter((f) => f.includes('.partial'))).toEqual([]);
    expect(h.slack.violations).toEqual([]);
  });

  it('writes once per scheduled period, makes up a missed one, and keeps the newest 3', async () => {
    // 09:00: nothing yet, so the first run writes; a second run the same morning does not.
    await h.relbot.jobs.run(BACKUP_JOB);
    await h.relbot.jobs.run(BACKUP_JOB);
    expect(backupsIn(dir)).toEqual(['relbot-20260701T090000Z.db']);
    expect(runs(h).map((r) => r.status)).toEqual(['ok', 'ok']);
    expect(runs(h)[1]?.detail).toMatch(/^not due: a backup since 2026-07-01T03:30:00.000Z exists/);

    // Files that are not relbot backups, and the leftover of an interrupted backup.
    writeFileSync(join(dir, 'notes.txt'), 'keep me');
    writeFileSync(join(dir, 'relbot-20260701T100000Z.db.partial'), 'half a backup');

    // Nightly wake-ups at 03:30 for four nights, then relbot down for two nights.
    const wakes = [
      '2026-07-02T03:30:00Z',
      '2026-07-03T03:30:00Z',
      '2026-07-04T03:30:00Z',
      '2026-07-05T03:30:00Z',
    ];
    for (const t of wakes) {
      h.clock.set(t);
      await h.relbot.jobs.run(BACKUP_JOB);
    }
    h.clock.set('2026-07-07T14:00:00Z'); // restarted in the afternoon; the job wakes once (e.g. by hand)
    await h.relbot.jobs.run(BACKUP_JOB);
    await h.relbot.jobs.run(BACKUP_JOB);
    expect(backupsIn(dir)).toEqual([
      'relbot-20260704T033000Z.db',
      'relbot-20260705T033000Z.db',
      'relbot-20260707T140000Z.db',
    ]);
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('keep me');
    expect(existsSync(join(dir, 'relbot-20260701T100000Z.db.partial'))).toBe(false);
    expect(runs(h).map((r) => r.status)).toEqual(Array(8).fill('ok'));
    expect(runs(h).filter((r) => r.detail?.startsWith('wrote'))).toHaveLength(6);
    expect(runs(h)[6]?.detail).toMatch(/removed 1 old backup\(s\), keeping 3/);
  });

  it('a failed backup is recorded as an error, and the next run succeeds', async () => {
    // A plain file where the backup directory should be.
    writeFileSync(dir, 'not a directory');
    await h.relbot.jobs.run(BACKUP_JOB);
    const [run] = runs(h);
    expect(run?.status).toBe('error');
    expect(run?.detail).toMatch(/EEXIST|ENOTDIR|not a directory/i);
    rmSync(dir);
    // The next run succeeds.
    await h.relbot.jobs.run(BACKUP_JOB);
    expect(runs(h)[1]?.status).toBe('ok');
    expect(backupsIn(dir)).toHaveLength(1);
  });
});

describe('restore', () => {
  it('a backup copied over RELBOT_DB (without -wal/-shm) brings relbot back to the backed-up state', async () => {
    const h = await startCherrypickHarness();
    try {
      const tracked = () =>
        (h.db.prepare('SELECT number FROM cherrypicks ORDER BY number').all() as { number: number }[]).map(
          (r) => r.number,
        );
      // Tracked before the backup ...
      await trackByCommand(h, people.member.id, CP.green136);
      await h.relbot.jobs.run(BACKUP_JOB);
      const [backup] = backupsIn(join(h.dir, 'backups'));
      expect(backup).toBeDefined();
      // ... and after it (lost by the restore).
      await trackByCommand(h, people.member.id, CP.missingLgtm);
      expect(tracked()).toEqual([CP.green136, CP.missingLgtm]);

      // Restore: stop relbot, copy the backup over the database, remove -wal/-shm, start.
      await h.stopRelbot();
      copyFileSync(join(h.dir, 'backups', backup!), h.dbPath);
      for (const suffix of ['-wal', '-shm']) rmSync(`${h.dbPath}${suffix}`, { force: true });
      await h.restart();

      expect(tracked()).toEqual([CP.green136]);
      expect(h.db.pragma('journal_mode', { simple: true })).toBe('wal');
      const res = await h.driver.command(people.member.id, '/cherrypick', 'list');
      expect(res.status).toBe(200);
      const text = allText(res.body);
      expect(text).toContain(`${REPO}#${CP.green136}`);
      expect(text).not.toContain(`${REPO}#${CP.missingLgtm}`);
      expect(h.slack.violations).toEqual([]);
    } finally {
      await h.stop();
    }
  });
});
