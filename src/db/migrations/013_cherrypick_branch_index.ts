import type { Migration } from './types';

/**
 * The branches relbot has tracked picks on (`SELECT DISTINCT base FROM cherrypicks`, asked by
 * `/cherrypick list release-1.XX` and the branch checks) read every row, and with each row's PR
 * snapshot stored before `base` that meant every overflow page too: 34 ms on the bench's 10,000
 * picks, growing with the history. An index on `base` answers it from the index alone.
 */
export const m013_cherrypick_branch_index: Migration = {
  version: 13,
  name: 'cherrypick_branch_index',
  up: `
    CREATE INDEX cherrypicks_base ON cherrypicks (base);
  `,
};
