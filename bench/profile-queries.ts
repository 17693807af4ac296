import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { openDb } from '../src/db';
import { m013_cherrypick_branch_index } from '../src/db/migrations/013_cherrypick_branch_index';
import { BENCH_NOW } from './common';
import { insertCherrypickHistory } from './seed-db';

/**
 * Profiling driver (issue 15): the SQLite reads of `/cherrypick list` on the bench history
 * (10,000 picks, 48 pending): µs per query and its plan. `[PROFILE_INDEX=1] tsx bench/profile-queries.ts`
 */
const dir = mkdtempSync(join(tmpdir(), 'relbot-q-'));
const db = openDb(join(dir, 'q.db'));
insertCherrypickHistory(db, DateTime.fromISO(BENCH_NOW, { zone: 'utc' }));
// PROFILE_INDEX=1: with migration 013's index (not yet in the migration list: 008-012 come first)
if (process.env.PROFILE_INDEX === '1') db.exec(m013_cherrypick_branch_index.up);
db.pragma('optimize');
const queries: Array<[string, string, unknown[]]> = [
  [
    'pending (all branches)',
    `SELECT * FROM cherrypicks WHERE pr_state = 'open' AND state IN ('pending', 'failed', 'approving', 'rejecting') ORDER BY pr_created_at, repo, number`,
    [],
  ],
  [
    'pending (one branch)',
    `SELECT * FROM cherrypicks WHERE pr_state = 'open' AND state IN ('pending', 'failed', 'approving', 'rejecting') AND +base = ? ORDER BY pr_created_at, repo, number`,
    ['release-1.35'],
  ],
  ['branches', 'SELECT DISTINCT base FROM cherrypicks', []],
  ['open keys', "SELECT repo, number FROM cherrypicks WHERE pr_state = 'open'", []],
];
for (const [name, sql, args] of queries) {
  const st = db.prepare(sql);
  for (let i = 0; i < 20; i++) st.all(...args);
  const n = 500;
  const t0 = performance.now();
  let rows = 0;
  for (let i = 0; i < n; i++) rows = st.all(...args).length;
  const us = ((performance.now() - t0) * 1000) / n;
  const plan = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as Array<{ detail: string }>)
    .map((p) => p.detail)
    .join('; ');
  console.log(`${name.padEnd(24)} ${rows} rows ${us.toFixed(0).padStart(6)} µs  plan: ${plan}`);
}
db.close();
rmSync(dir, { recursive: true, force: true });
