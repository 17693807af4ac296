import type { Migration } from './types';

/**
 * "Ready for approval" notices: whether each pick's gates passed when last seen, the notices queued
 * for release managers, the batches they went out in (one message per batch, keyed in the outbox),
 * and the branches whose notices are muted.
 */
export const m011_cherrypick_ready: Migration = {
  version: 11,
  name: 'cherrypick_ready',
  up: `
    CREATE TABLE cherrypick_ready (
      repo TEXT NOT NULL,
      number INTEGER NOT NULL,
      ready INTEGER NOT NULL,           -- 1: all gates passed when last seen
      episode INTEGER NOT NULL DEFAULT 0, -- how many times it became ready after waiting
      changed_at TEXT NOT NULL,
      PRIMARY KEY (repo, number)
    );
    CREATE TABLE cherrypick_ready_batches (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      channel TEXT NOT NULL,
      created_at TEXT NOT NULL,
      state TEXT NOT NULL DEFAULT 'posting' CHECK (state IN ('posting', 'posted')),
      ts TEXT
    );
    CREATE INDEX cherrypick_ready_batches_channel ON cherrypick_ready_batches (channel, created_at);
    CREATE TABLE cherrypick_ready_notices (
      repo TEXT NOT NULL,
      number INTEGER NOT NULL,
      episode INTEGER NOT NULL,
      channel TEXT NOT NULL,
      queued_at TEXT NOT NULL,
      batch_id INTEGER REFERENCES cherrypick_ready_batches (id),
      PRIMARY KEY (repo, number, episode)
    );
    CREATE TABLE cherrypick_ready_mutes (
      branch TEXT PRIMARY KEY,
      actor TEXT NOT NULL,
      muted_at TEXT NOT NULL
    );
  `,
};
