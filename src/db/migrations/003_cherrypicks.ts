import type { Migration } from './index';

// Tables of the cherrypicks feature.
export const m003_cherrypicks: Migration = {
  version: 3,
  name: 'cherrypicks',
  up: `
    SELECT 1;
  `,
};
