import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Db, openDb } from '../../src/db';
import { m013_cherrypick_branch_index } from '../../src/db/migrations/013_cherrypick_branch_index';

/**
 * The plans of `/cherrypick list`'s reads. Migration 013 (the index on `base`) lets "which
 * branches" read the index alone, and the pending query keeps using the index of open picks.
 */
describe('cherry-pick list queries', () => {
  let dir: string;
  let db: Db;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'relbot-perf-q-'));
    db = openDb(join(dir, 'relbot.db'));
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const plan = (sql: string, ...args: unknown[]) =>
    (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as Array<{ detail: string }>)
      .map((r) => r.detail)
      .join('; ');
  const PENDING = `SELECT * FROM cherrypicks WHERE pr_state = 'open' AND state IN ('pending', 'failed', 'approving', 'rejecting') AND +base = ? ORDER BY pr_created_at, repo, number`;

  test('013 is applied: branches come from the covering index, not a table scan', () => {
    expect(plan('SELECT DISTINCT base FROM cherrypicks')).toContain('USING COVERING INDEX cherrypicks_base');
    expect(plan('SELECT DISTINCT base FROM cherrypicks')).not.toMatch(/SCAN cherrypicks(?! USING)/);
  });

  test('the pending query keeps the open-picks index (`+base` stops the planner from taking 013 instead)', () => {
    expect(plan(PENDING, 'release-1.36')).toContain('USING INDEX cherrypicks_open');
  });

  test('without 013 (dropped), branches scan the table', () => {
    db.exec('DROP INDEX cherrypicks_base');
    expect(plan('SELECT DISTINCT base FROM cherrypicks')).toMatch(/^SCAN cherrypicks/);
    db.exec(m013_cherrypick_branch_index.up);
    expect(plan('SELECT DISTINCT base FROM cherrypicks')).toContain('USING COVERING INDEX cherrypicks_base');
  });
});
