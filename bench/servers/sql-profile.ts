import type { CustomRoute } from '@slack/bolt';
import type { Db } from '../../src/db';

/**
 * Bench-only: times every SQLite statement relbot runs (a wrapper around the one Database
 * instance's `prepare`, so relbot's code is unchanged) and serves the totals per SQL text at
 * GET /bench/sql[?reset=1]: count, total and max microseconds, sorted by total.
 */

export interface SqlStat {
  sql: string;
  count: number;
  totalMicros: number;
  maxMicros: number;
}

const stats = new Map<string, SqlStat>();
/** relbot's Db caches prepared statements (src/db): wrap each statement once. */
const wrapped = new WeakSet<object>();

export function profileStatements(db: Db): Db {
  const prepare = db.prepare.bind(db);
  (db as { prepare: unknown }).prepare = (source: string) => {
    const stmt = prepare(source);
    if (wrapped.has(stmt)) return stmt;
    wrapped.add(stmt);
    const stat = stats.get(source) ?? { sql: source, count: 0, totalMicros: 0, maxMicros: 0 };
    stats.set(source, stat);
    for (const method of ['run', 'get', 'all', 'iterate'] as const) {
      const original = (stmt as unknown as Record<string, (...a: unknown[]) => unknown>)[method]!.bind(stmt);
      (stmt as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
        const t = process.hrtime.bigint();
        try {
          // iterate() is lazy: only its start is timed.
          return original(...args);
        } finally {
          const us = Number(process.hrtime.bigint() - t) / 1000;
          stat.count++;
          stat.totalMicros += us;
          if (us > stat.maxMicros) stat.maxMicros = us;
        }
      };
    }
    return stmt;
  };
  return db;
}

export function sqlRoute(): CustomRoute {
  return {
    path: '/bench/sql',
    method: ['GET'],
    handler: (req, res) => {
      const out = [...stats.values()]
        .filter((s) => s.count > 0)
        .sort((a, b) => b.totalMicros - a.totalMicros);
      if ((req.url ?? '').includes('reset=1'))
        for (const s of stats.values()) Object.assign(s, { count: 0, totalMicros: 0, maxMicros: 0 });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(out));
    },
  };
}
