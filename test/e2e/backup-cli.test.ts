import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { stringify } from 'yaml';
import { backupNames } from '../../src/backup/backup';
import { type Db, openDb, schemaVersion } from '../../src/db';
import { seedConfig } from '../../src/sandbox/seed';

/** `npm run backup` (src/backup/cli.ts) in a child process against a live WAL database. */

const ROOT = resolve(__dirname, '..', '..');
const TSX = resolve(ROOT, 'node_modules', '.bin', 'tsx');

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(cmd: string, args: string[], env: Record<string, string>): Promise<Result> {
  return new Promise((done) => {
    const child = spawn(cmd, args, {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('exit', (code) => done({ code, stdout, stderr }));
  });
}
const cli = (args: string[], env: Record<string, string>) => run(TSX, ['src/backup/cli.ts', ...args], env);
const kvCount = (db: Database.Database) =>
  (db.prepare('SELECT COUNT(*) AS n FROM kv').get() as { n: number }).n;

describe('backup CLI', () => {
  let dir: string;
  let dbPath: string;
  let db: Db;
  let env: Record<string, string>;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'relbot-backup-cli-'));
    dbPath = join(dir, 'data', 'relbot.db');
    // relbot's own way of opening its database: WAL, migrations applied.
    db = openDb(dbPath);
    // Keep everything in the -wal file, as between checkpoints of a running relbot.
    db.pragma('wal_autocheckpoint = 0');
    env = { RELBOT_DB: dbPath, RELBOT_CONFIG: join(dir, 'relbot.yaml') };
  });
  afterEach(() => {
    if (db.open) db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const insert = (prefix: string, n: number) => {
    const stmt = db.prepare("INSERT INTO kv (key, value, updated_at) VALUES (?, ?, '2026-07-01T00:00:00Z')");
    db.transaction(() => {
      for (let i = 0; i < n; i++) stmt.run(`${prefix}:${i}`, 'y'.repeat(500));
    })();
  };

  it('backs up a live WAL database while it is written, printing the path', async () => {
    insert('seed', 2000);
    expect(statSync(`${dbPath}-wal`).size).toBeGreaterThan(1_000_000);
    // The "relbot" process keeps writing batches of 10 while the CLI runs.
    let batches = 0;
    let writing = true;
    const timer = setInterval(() => {
      if (writing) insert(`live${batches++}`, 10);
    }, 1);
    const res = await cli([], env);
    writing = false;
    clearInterval(timer);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    const printed = res.stdout.trim();
    const backups = join(dir, 'data', 'backups');
    expect(backupNames(readdirSync(backups)).map((n) => join(backups, n))).toEqual([printed]);

    const copy = new Database(printed, { readonly: true });
    try {
      expect(copy.pragma('journal_mode', { simple: true })).toBe('delete');
      expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(schemaVersion(copy)).toBe(schemaVersion(db));
      const n = kvCount(copy);
      expect(n).toBeGreaterThanOrEqual(2000);
      expect(n).toBeLessThanOrEqual(kvCount(db));
      expect((n - 2000) % 10).toBe(0);
    } finally {
      copy.close();
    }
    expect(existsSync(`${printed}-wal`)).toBe(false);
    // The live database is untouched and still writable.
    insert('after', 1);
    expect(kvCount(db)).toBe(2001 + batches * 10);
  });

  it('writes to --out, or to relbot.yaml backup.dir; npm run backup runs it', async () => {
    insert('seed', 10);
    const out = join(dir, 'manual.db');
    const res = await cli(['--out', out], env);
    expect(res.code).toBe(0);
    expect(res.stdout).toBe(`${out}\n`);
    const copy = new Database(out, { readonly: true });
    expect(kvCount(copy)).toBe(10);
    copy.close();

    writeFileSync(join(dir, 'relbot.yaml'), stringify({ ...seedConfig(), backup: { dir: 'snapshots' } }));
    const viaNpm = await run('npm', ['run', '--silent', 'backup'], env);
    expect(viaNpm.stderr).toBe('');
    expect(viaNpm.code).toBe(0);
    expect(viaNpm.stdout.trim()).toMatch(
      new RegExp(`^${join(dir, 'data', 'snapshots')}/relbot-\\d{8}T\\d{6}Z\\.db$`),
    );
  });

  it('fails clearly, writing nothing, for a missing database, an existing target, a broken config or bad arguments', async () => {
    const missing = join(dir, 'nope', 'relbot.db');
    const a = await cli([], { ...env, RELBOT_DB: missing });
    expect(a.code).toBe(1);
    expect(a.stderr).toContain(`no database at ${missing}`);
    expect(existsSync(join(dir, 'nope'))).toBe(false);

    const out = join(dir, 'existing.db');
    writeFileSync(out, 'precious');
    const b = await cli(['--out', out], env);
    expect(b.code).toBe(1);
    expect(b.stderr).toContain('already exists');
    expect(readFileSync(out, 'utf8')).toBe('precious');

    writeFileSync(join(dir, 'relbot.yaml'), stringify({ ...seedConfig(), backup: { keep: 0 } }));
    const c = await cli([], env);
    expect(c.code).toBe(1);
    expect(c.stderr).toMatch(/backup\.keep/);

    const d = await cli(['--outt', 'x.db'], env);
    expect(d.code).toBe(1);
    expect(d.stderr).toContain('unknown argument "--outt"');
    expect(d.stderr).toContain('usage: npm run backup');
    const e = await cli(['--out'], env);
    expect(e.code).toBe(1);
    expect(e.stderr).toContain('--out needs a value');

    const backups = join(dir, 'data', 'backups');
    expect(existsSync(backups) ? backupNames(readdirSync(backups)) : []).toEqual([]);
    expect(readdirSync(dir).filter((f) => f.endsWith('.partial'))).toEqual([]);
  });
});
