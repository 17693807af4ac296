import type { Migration } from './types';

/**
 * Issue 16's burndown pictures.
 *
 * blockers_history: one compact row per (milestone, UTC day) of the blocker counts a digest saw
 *   (the digest snapshots of blockers_snapshots are pruned; this is what the chart reads). Written
 *   with each digest snapshot (the day's last digest wins) and backfilled from the snapshots that
 *   exist (src/blockers/history.ts).
 * slack_uploads: the exactly-once ledger of file uploads (src/slack/files.ts): the file_id after
 *   files.getUploadURLExternal, 'uploaded' after the bytes went up, 'completing' while
 *   files.completeUploadExternal is in flight (outcome unknown after a crash), 'done' after.
 */
export const m009_charts: Migration = {
  version: 9,
  name: 'charts',
  up: `
    CREATE TABLE blockers_history (
      milestone TEXT NOT NULL,
      day TEXT NOT NULL,
      taken_at TEXT NOT NULL,
      blocking INTEGER NOT NULL,
      tracked INTEGER NOT NULL,
      by_sig_json TEXT NOT NULL,
      by_kind_json TEXT NOT NULL,
      PRIMARY KEY (milestone, day)
    );
    CREATE TABLE slack_uploads (
      key TEXT PRIMARY KEY,
      channel TEXT NOT NULL,
      filename TEXT NOT NULL,
      state TEXT NOT NULL CHECK (state IN ('pending', 'url', 'uploaded', 'completing', 'done')),
      file_id TEXT,
      length INTEGER,
      attempts INTEGER NOT NULL DEFAULT 0,
      error TEXT,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    );
  `,
};
