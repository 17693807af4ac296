import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { migrate, openDb, STATEMENT_CACHE_SIZE, schemaVersion } from '../../src/db';
import { migrations } from '../../src/db/migrations';

describe('store and migrations', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'relbot-db-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const schema = (db: Database.Database) =>
    db
      .prepare("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name")
      .all();

  it('migrates an empty file to the latest version with WAL, busy timeout and foreign keys', () => {
    const db = openDb(join(dir, 'a', 'relbot.db'));
    expect(schemaVersion(db)).toBe(migrations.at(-1)!.version);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
    const names = (
      db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all() as {
        version: number;
      }[]
    ).map((r) => r.version);
    expect(names).toEqual(migrations.map((m) => m.version));
    db.close();
  });

  it('re-running on an up-to-date database changes nothing', () => {
    const path = join(dir, 'relbot.db');
    const db = openDb(path);
    const before = schema(db);
    const rows = db.prepare('SELECT * FROM schema_migrations').all();
    expect(migrate(db, migrations)).toEqual([]);
    db.close();
    const again = openDb(path);
    expect(schema(again)).toEqual(before);
    expect(again.prepare('SELECT * FROM schema_migrations').all()).toEqual(rows);
    again.close();
  });

  it('a failing migration leaves the database as it was', () => {
    const path = join(dir, 'relbot.db');
    const db = openDb(path);
    const before = schema(db);
    const broken = [
      ...migrations,
      {
        version: migrations.at(-1)!.version + 1,
        name: 'broken',
        up: 'CREATE TABLE half_done (id INTEGER); INSERT INTO nope VALUES (1);',
      },
    ];
    expect(() => migrate(db, broken)).toThrow(/no such table: nope/);
    expect(schema(db)).toEqual(before);
    expect(schemaVersion(db)).toBe(migrations.at(-1)!.version);
    db.close();
  });

  it('refuses duplicate or decreasing migration numbers', () => {
    const db = new Database(':memory:');
    const m = (version: number) => ({ version, name: `m${version}`, up: 'SELECT 1' });
    expect(() => migrate(db, [m(1), m(1)])).toThrow(/increasing order/);
    expect(() => migrate(db, [m(2), m(1)])).toThrow(/increasing order/);
    db.close();
  });

  it('applies a migration that fills a gap after a later one was applied', () => {
    const db = new Database(':memory:');
    const m = (version: number) => ({
      version,
      name: `m${version}`,
      up: `CREATE TABLE t${version} (a INTEGER)`,
    });
    expect(migrate(db, [m(1), m(3)])).toEqual([1, 3]);
    expect(migrate(db, [m(1), m(2), m(3)])).toEqual([2]);
    expect(schemaVersion(db)).toBe(3);
    db.close();
  });

  it('reuses a prepared statement per SQL text, bounded, and sees schema changes', () => {
    const db = openDb(join(dir, 'relbot.db'));
    db.exec('CREATE TABLE t (a INTEGER)');
    const sql = 'SELECT * FROM t';
    expect(db.prepare(sql)).toBe(db.prepare(sql));
    db.prepare('INSERT INTO t (a) VALUES (?)').run(1);
    expect(db.prepare(sql).all()).toEqual([{ a: 1 }]);
    db.exec('ALTER TABLE t ADD COLUMN b TEXT');
    expect(db.prepare(sql).all()).toEqual([{ a: 1, b: null }]);
    const first = db.prepare(sql);
    for (let i = 0; i < STATEMENT_CACHE_SIZE; i++) db.prepare(`SELECT ${i} AS n`).get();
    expect(db.prepare(sql)).not.toBe(first); // evicted, prepared again, still correct
    expect(db.prepare(sql).all()).toEqual([{ a: 1, b: null }]);
    db.close();
  });
});
