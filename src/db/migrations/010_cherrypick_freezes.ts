import type { Migration } from './types';

/**
 * The patch-cut freeze ledger: which `cherry-pick-approved` labels a freeze removed (and why), and
 * which an unfreeze put back. Every GitHub write is claimed here first, per (freeze, PR), so
 * concurrent Confirm clicks, retries and a restart after a crash do each removal once.
 */
export const m010_cherrypick_freezes: Migration = {
  version: 10,
  name: 'cherrypick_freezes',
  up: `
    -- A preview shown to a release manager: the not-ready set it showed, so Confirm can say
    -- whether the set changed since.
    CREATE TABLE cherrypick_freeze_previews (
      id TEXT PRIMARY KEY,
      kind TEXT NOT NULL CHECK (kind IN ('freeze', 'unfreeze')),
      branch TEXT NOT NULL,
      freeze_id INTEGER,                -- the freeze an unfreeze preview lifts
      actor TEXT NOT NULL,
      keys TEXT NOT NULL,               -- JSON array of owner/repo#N shown as affected
      created_at TEXT NOT NULL
    );
    -- One freeze of a release branch; at most one active per branch.
    CREATE TABLE cherrypick_freezes (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      branch TEXT NOT NULL,
      release TEXT,                     -- the patch release it is for, e.g. 1.36.3 (NULL: unknown)
      state TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'lifted')),
      actor TEXT NOT NULL,
      frozen_at TEXT NOT NULL,
      preview_id TEXT,
      lifted_by TEXT,
      lifting_at TEXT,                  -- an unfreeze was confirmed (it may still be finishing)
      lifted_at TEXT,
      dry_run INTEGER NOT NULL DEFAULT 0
    );
    CREATE UNIQUE INDEX cherrypick_freezes_active ON cherrypick_freezes (branch) WHERE state = 'active';
    -- One PR of a freeze:
    --   pending -> removing -> removed -> restoring -> restored
    --   removing -> failed (Confirm again resumes) ; pending|failed (nothing removed) -> dropped
    --   removed -> kept (closed or merged when the freeze was lifted: nothing to put back)
    --   restoring -> restore_failed (Unfreeze again resumes)
    CREATE TABLE cherrypick_freeze_prs (
      freeze_id INTEGER NOT NULL REFERENCES cherrypick_freezes (id),
      repo TEXT NOT NULL,
      number INTEGER NOT NULL,
      reasons TEXT NOT NULL,            -- JSON array: why it was not ready
      state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'removing', 'removed', 'failed',
        'dropped', 'restoring', 'restored', 'restore_failed', 'kept')),
      claim_id TEXT,
      claimed_at TEXT,
      actor TEXT,
      label_removed INTEGER NOT NULL DEFAULT 0,
      comment_done INTEGER NOT NULL DEFAULT 0,
      comment_attempts INTEGER NOT NULL DEFAULT 0,
      label_restored INTEGER NOT NULL DEFAULT 0,
      restore_comment_done INTEGER NOT NULL DEFAULT 0,
      restore_comment_attempts INTEGER NOT NULL DEFAULT 0,
      error TEXT,
      removed_at TEXT,
      restored_at TEXT,
      PRIMARY KEY (freeze_id, repo, number)
    );
    CREATE INDEX cherrypick_freeze_prs_pr ON cherrypick_freeze_prs (repo, number);
  `,
};
