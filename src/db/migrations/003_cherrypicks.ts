import type { Migration } from './types';

// Tables of the cherrypicks feature.
export const m003_cherrypicks: Migration = {
  version: 3,
  name: 'cherrypicks',
  up: `
    -- One row per cherry-pick PR relbot tracks, with its decision state machine:
    --   pending -> approving -> approved | failed      (failed -> approving on Retry)
    --   pending -> rejecting -> rejected | failed      (failed -> rejecting on Retry)
    --   approving/rejecting -> pending                 (gates failed or PR closed: nothing written)
    -- A transition is claimed with one conditional UPDATE before GitHub is called.
    CREATE TABLE cherrypicks (
      repo TEXT NOT NULL,                 -- owner/name
      number INTEGER NOT NULL,
      snapshot TEXT NOT NULL,             -- JSON of the PR as last read from GitHub
      base TEXT NOT NULL,
      pr_state TEXT NOT NULL,             -- open | closed | merged
      pr_created_at TEXT NOT NULL,
      pr_updated_at TEXT NOT NULL,
      state TEXT NOT NULL DEFAULT 'pending'
        CHECK (state IN ('pending', 'approving', 'approved', 'rejecting', 'rejected', 'failed')),
      action TEXT CHECK (action IN ('approve', 'reject')),
      actor TEXT,                         -- Slack user of the action (NULL: approved on GitHub)
      claim_id TEXT,
      claimed_at TEXT,
      reason TEXT,                        -- rejection reason
      label_done INTEGER NOT NULL DEFAULT 0,
      comment_done INTEGER NOT NULL DEFAULT 0,
      comment_attempts INTEGER NOT NULL DEFAULT 0,
      decided_at TEXT,
      dry_run INTEGER NOT NULL DEFAULT 0,
      error TEXT,
      failures INTEGER NOT NULL DEFAULT 0,
      card_channel TEXT,
      card_ts TEXT,
      card_hash TEXT,
      first_seen_at TEXT NOT NULL,
      refreshed_at TEXT NOT NULL,
      PRIMARY KEY (repo, number)
    );
    CREATE INDEX cherrypicks_open ON cherrypicks (pr_state, state, pr_created_at);
    -- original PR -> cherry-pick PRs (siblings share an original)
    CREATE TABLE cherrypick_originals (
      repo TEXT NOT NULL,
      original INTEGER NOT NULL,
      number INTEGER NOT NULL,
      PRIMARY KEY (repo, original, number)
    );
    CREATE INDEX cherrypick_originals_pick ON cherrypick_originals (repo, number);
    -- Who did what, when.
    CREATE TABLE cherrypick_audit (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      repo TEXT NOT NULL,
      number INTEGER NOT NULL,
      at TEXT NOT NULL,
      actor TEXT,                         -- Slack user ID, or NULL for GitHub/relbot
      action TEXT NOT NULL,               -- approved | rejected | approve_failed | reject_failed | approved_on_github | tracked
      detail TEXT,
      dry_run INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX cherrypick_audit_pr ON cherrypick_audit (repo, number, id);
  `,
};
