import type { Migration } from './types';

// Tables of the shadows feature.
export const m005_shadows: Migration = {
  version: 5,
  name: 'shadows',
  up: `
    -- One application round per release cycle (e.g. 1.38). At most one is open at a time.
    CREATE TABLE shadow_cycles (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      version TEXT NOT NULL UNIQUE,
      close_date TEXT NOT NULL,          -- the date as the admin gave it (AoE)
      closes_at TEXT NOT NULL,           -- the instant applications close (ISO, UTC)
      state TEXT NOT NULL CHECK (state IN ('open', 'closed', 'published')),
      opened_by TEXT NOT NULL,
      opened_at TEXT NOT NULL,
      closed_by TEXT,
      closed_at TEXT,
      published_by TEXT,
      published_at TEXT
    );
    CREATE UNIQUE INDEX shadow_cycles_one_open ON shadow_cycles (state) WHERE state = 'open';

    -- One application per person per cycle; edits update it in place.
    CREATE TABLE shadow_applications (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      cycle_id INTEGER NOT NULL REFERENCES shadow_cycles (id),
      user TEXT NOT NULL,
      github TEXT NOT NULL,
      time_zone TEXT NOT NULL,
      hours_per_week INTEGER NOT NULL,
      served_before INTEGER NOT NULL,
      served_role TEXT,
      why TEXT NOT NULL,
      choice1 TEXT NOT NULL,
      choice2 TEXT,
      name TEXT,
      slack_name TEXT,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      withdrawn_at TEXT,
      UNIQUE (cycle_id, user)
    );

    -- A lead's decision on one application for one role.
    CREATE TABLE shadow_decisions (
      application_id INTEGER NOT NULL REFERENCES shadow_applications (id) ON DELETE CASCADE,
      cycle_id INTEGER NOT NULL REFERENCES shadow_cycles (id),
      role TEXT NOT NULL,
      decision TEXT NOT NULL CHECK (decision IN ('accepted', 'waitlisted', 'declined')),
      decided_by TEXT NOT NULL,
      decided_at TEXT NOT NULL,
      PRIMARY KEY (application_id, role)
    );
    CREATE INDEX shadow_decisions_role ON shadow_decisions (cycle_id, role, decision);
    -- A person holds at most one accepted seat per cycle.
    CREATE UNIQUE INDEX shadow_decisions_one_seat ON shadow_decisions (application_id)
      WHERE decision = 'accepted';

    -- People of past rosters (release-team.md), to recognise returning applicants.
    CREATE TABLE shadow_past_roster (
      version TEXT NOT NULL,
      role TEXT NOT NULL,
      position TEXT NOT NULL CHECK (position IN ('lead', 'shadow')),
      github TEXT NOT NULL,              -- lower case
      name TEXT NOT NULL,
      slack_name TEXT,
      PRIMARY KEY (version, role, position, github)
    );
    CREATE INDEX shadow_past_roster_github ON shadow_past_roster (github);
  `,
};
