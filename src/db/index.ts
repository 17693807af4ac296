import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { migrations as allMigrations, type Migration } from './migrations';

export type Db = Database.Database;

/** Opens the SQLite file with WAL, a busy timeout and foreign keys, then applies pending migrations. */
export function openDb(path: string, opts: { migrations?: Migration[] } = {}): Db {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = cachePreparedStatements(new Database(path));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  migrate(db, opts.migrations ?? allMigrations);
  return db;
}

/** How many distinct SQL texts keep their prepared statement (least recently used beyond that). */
export const STATEMENT_CACHE_SIZE = 256;

/**
 * Makes `db.prepare(sql)` return the statement already prepared for the same SQL text: the stores
 * call `prepare` where they query, and compiling the SQL each time was the largest single cost of a
 * `/cherrypick list` (better-sqlite3's `prepare`, about 2.5% of relbot's CPU under load in
 * `npm run bench`). Safe because relbot never changes a statement's mode (`pluck`, `raw`, `expand`,
 * `safeIntegers`) and never holds an `iterate()` cursor; SQLite re-prepares a cached statement by
 * itself after a schema change. Bounded, so SQL built with values in it could not grow it forever.
 */
function cachePreparedStatements(db: Db): Db {
  const prepare = db.prepare.bind(db);
  const cache = new Map<string, Database.Statement>();
  db.prepare = ((sql: string) => {
    const hit = cache.get(sql);
    if (hit) {
      cache.delete(sql);
      cache.set(sql, hit);
      return hit;
    }
    const stmt = prepare(sql);
    cache.set(sql, stmt);
    if (cache.size > STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
    return stmt;
  }) as Db['prepare'];
  return db;
}

export function schemaVersion(db: Db): number {
  db.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
  );
  const row = db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null };
  return row.v ?? 0;
}

/**
 * Applies the migrations not yet recorded, in number order, each in its own transaction together
 * with its version row: a migration that throws leaves the database exactly as it was before it.
 * Numbers must increase; gaps are allowed (numbers are handed out to parallel branches), and a
 * migration that fills a gap later is still applied.
 */
export function migrate(db: Db, migrations: Migration[]): number[] {
  const versions = migrations.map((m) => m.version);
  versions.forEach((v, i) => {
    if (!Number.isInteger(v) || v < 1 || (i > 0 && v <= versions[i - 1]!))
      throw new Error(
        `migrations must be numbered in increasing order from 1 (found ${v} at position ${i + 1})`,
      );
  });
  schemaVersion(db);
  const done = new Set(
    (db.prepare('SELECT version FROM schema_migrations').all() as Array<{ version: number }>).map(
      (r) => r.version,
    ),
  );
  const applied: number[] = [];
  for (const m of migrations) {
    if (done.has(m.version)) continue;
    db.transaction(() => {
      db.exec(m.up);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        m.version,
        m.name,
        new Date().toISOString(),
      );
    })();
    applied.push(m.version);
  }
  return applied;
}
