import type { Migration } from './types';

export const m001_core: Migration = {
  version: 1,
  name: 'core',
  up: `
    -- Every Slack post that must happen once: intent first, then the post, then 'done' with its ts.
    CREATE TABLE outbox (
      key TEXT PRIMARY KEY,
      channel TEXT NOT NULL,
      state TEXT NOT NULL CHECK (state IN ('pending', 'done', 'failed')),
      ts TEXT,
      attempts INTEGER NOT NULL DEFAULT 0,
      error TEXT,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    );
    -- Each run of a scheduled job.
    CREATE TABLE job_runs (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      job TEXT NOT NULL,
      started_at TEXT NOT NULL,
      finished_at TEXT,
      status TEXT NOT NULL CHECK (status IN ('running', 'ok', 'error')),
      detail TEXT
    );
    CREATE INDEX job_runs_job ON job_runs (job, started_at);
    -- Small named values (last sync, cursors).
    CREATE TABLE kv (
      key TEXT PRIMARY KEY,
      value TEXT NOT NULL,
      updated_at TEXT NOT NULL
    );
  `,
};
