import type { Migration } from './types';

// Tables of the schedule feature.
export const m002_schedule: Migration = {
  version: 2,
  name: 'schedule',
  up: `
    -- One row per configured source (cycle README, schedule.yaml, eol.yaml): the last document that
    -- parsed (never replaced by one that did not), and the last attempt's error.
    CREATE TABLE schedule_sources (
      key TEXT PRIMARY KEY,
      kind TEXT NOT NULL CHECK (kind IN ('cycle', 'patches', 'eol')),
      label TEXT NOT NULL,
      doc TEXT,
      content_sha TEXT,
      synced_at TEXT,
      checked_at TEXT,
      error TEXT,
      error_sha TEXT,
      error_at TEXT
    );
    -- Milestones a sync saw move (from -> to), so reminders can say so.
    CREATE TABLE schedule_moves (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      milestone_id TEXT NOT NULL,
      from_timing TEXT NOT NULL,
      to_timing TEXT NOT NULL,
      at TEXT NOT NULL
    );
    CREATE INDEX schedule_moves_milestone ON schedule_moves (milestone_id, id);
    -- Channel posts about the schedule itself (what a sync changed, a source that fails to parse):
    -- written in the same transaction as the data they describe, posted through the outbox.
    CREATE TABLE schedule_announcements (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      key TEXT NOT NULL UNIQUE,
      text TEXT NOT NULL,
      state TEXT NOT NULL CHECK (state IN ('pending', 'posted')),
      created_at TEXT NOT NULL,
      posted_at TEXT
    );
    -- The reminder ledger: one row per (milestone, instant, lead) once decided. 'posting' is written
    -- before the Slack post (the outbox key is the row key), 'posted' after; 'skipped' never posts.
    CREATE TABLE schedule_reminders (
      key TEXT PRIMARY KEY,
      milestone_id TEXT NOT NULL,
      lead TEXT NOT NULL,
      due_at TEXT NOT NULL,
      milestone_at TEXT NOT NULL,
      state TEXT NOT NULL CHECK (state IN ('posting', 'posted', 'skipped')),
      late INTEGER NOT NULL DEFAULT 0,
      reason TEXT,
      channel TEXT,
      text TEXT,
      ts TEXT,
      decided_at TEXT NOT NULL,
      posted_at TEXT
    );
    CREATE INDEX schedule_reminders_state ON schedule_reminders (state);
  `,
};
