import type { Migration } from './types';

// Tables of the blockers feature.
//
// blockers_snapshots: what the blocker searches returned, per milestone.
//   kind 'digest': one row per scheduled digest slot (the baseline of the next digest's diff);
//   kind 'latest': the last successful read (shown, with its age, when GitHub is unavailable).
export const m004_blockers: Migration = {
  version: 4,
  name: 'blockers',
  up: `
    CREATE TABLE blockers_snapshots (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      milestone TEXT NOT NULL,
      kind TEXT NOT NULL CHECK (kind IN ('digest', 'latest')),
      slot TEXT NOT NULL,
      taken_at TEXT NOT NULL,
      items_json TEXT NOT NULL,
      requests INTEGER NOT NULL DEFAULT 0,
      UNIQUE (milestone, kind, slot)
    );
    CREATE INDEX blockers_snapshots_by_time ON blockers_snapshots (milestone, kind, taken_at);
  `,
};
