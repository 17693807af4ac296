import type { Migration } from './index';

// Tables of the blockers feature.
export const m004_blockers: Migration = {
  version: 4,
  name: 'blockers',
  up: `
    SELECT 1;
  `,
};
