import type { Migration } from './types';

/**
 * The roster and user-group pull requests of a published cycle: one ledger row per (cycle, repo)
 * with the branch, the pull request and the head commit relbot last left there, the claim that
 * lets one click at a time write, and an audit row per confirmed run.
 */
export const m012_shadow_write_back: Migration = {
  version: 12,
  name: 'shadow_write_back',
  up: `
    CREATE TABLE shadow_write_back (
      cycle_id INTEGER NOT NULL REFERENCES shadow_cycles (id),
      repo TEXT NOT NULL,                 -- upstream owner/name
      branch TEXT NOT NULL,               -- owner:branch in the fork
      state TEXT NOT NULL CHECK (state IN ('pending', 'done', 'up_to_date', 'failed')),
      pr_number INTEGER,
      pr_url TEXT,
      head_sha TEXT,
      error TEXT,
      claimed_by TEXT,
      claimed_at TEXT,
      updated_by TEXT,
      updated_at TEXT NOT NULL,
      PRIMARY KEY (cycle_id, repo)
    );
    CREATE TABLE shadow_write_back_runs (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      cycle_id INTEGER NOT NULL REFERENCES shadow_cycles (id),
      repo TEXT NOT NULL,
      by TEXT NOT NULL,
      at TEXT NOT NULL,
      outcome TEXT NOT NULL,              -- opened, updated, up_to_date, failed
      pr_number INTEGER,
      head_sha TEXT,
      detail TEXT
    );
  `,
};
