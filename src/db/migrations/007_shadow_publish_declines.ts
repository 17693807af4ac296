import type { Migration } from './types';

/**
 * The audit of "Decline the undecided and publish": who declined whom, for which role, and when.
 * Each row is one (application, role) that had no decision when the Release Team Lead confirmed.
 */
export const m007_shadow_publish_declines: Migration = {
  version: 7,
  name: 'shadow_publish_declines',
  up: `
    CREATE TABLE shadow_publish_declines (
      cycle_id INTEGER NOT NULL REFERENCES shadow_cycles (id),
      application_id INTEGER NOT NULL REFERENCES shadow_applications (id),
      user TEXT NOT NULL,
      role TEXT NOT NULL,
      declined_by TEXT NOT NULL,
      declined_at TEXT NOT NULL,
      PRIMARY KEY (cycle_id, application_id, role)
    );
  `,
};
