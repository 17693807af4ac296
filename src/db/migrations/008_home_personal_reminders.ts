import type { Migration } from './types';

/**
 * Personal reminders (`/schedule remind`) and the App Home tab.
 *
 * - personal_reminders: one row per subscription (a person, a milestone or a kind of milestone, a
 *   lead time). AUTOINCREMENT, so an id is never reused: the Stop button of an old DM can never
 *   remove a newer subscription.
 * - personal_reminder_sends: the ledger, one row per (subscription, milestone instant, lead) once
 *   decided; 'posting' is written (with its text) before the DM, 'posted' after; 'skipped' never
 *   posts (missed while relbot was down and the milestone has begun, or superseded).
 * - home_views: who opened the Home tab, when, and what relbot last published there (its hash), so
 *   the refresh job republishes only what changed, at most once a minute per person.
 */
export const m008_home_personal_reminders: Migration = {
  version: 8,
  name: 'home_personal_reminders',
  up: `
    CREATE TABLE personal_reminders (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      user TEXT NOT NULL,
      target TEXT NOT NULL,
      lead TEXT NOT NULL,
      lead_minutes INTEGER NOT NULL,
      created_at TEXT NOT NULL,
      UNIQUE (user, target, lead_minutes)
    );
    CREATE INDEX personal_reminders_user ON personal_reminders (user, id);
    CREATE TABLE personal_reminder_sends (
      key TEXT PRIMARY KEY,
      subscription_id INTEGER NOT NULL,
      user TEXT NOT NULL,
      milestone_id TEXT NOT NULL,
      lead TEXT NOT NULL,
      due_at TEXT NOT NULL,
      milestone_at TEXT NOT NULL,
      state TEXT NOT NULL CHECK (state IN ('posting', 'posted', 'skipped')),
      late INTEGER NOT NULL DEFAULT 0,
      reason TEXT,
      text TEXT,
      ts TEXT,
      decided_at TEXT NOT NULL,
      posted_at TEXT
    );
    CREATE INDEX personal_reminder_sends_state ON personal_reminder_sends (state);
    CREATE TABLE home_views (
      user TEXT PRIMARY KEY,
      opened_at TEXT NOT NULL,
      tz TEXT,
      published_at TEXT,
      hash TEXT,
      notice TEXT,
      notice_at TEXT
    );
  `,
};
