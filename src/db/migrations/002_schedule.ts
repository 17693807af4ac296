import type { Migration } from './index';

// Tables of the schedule feature.
export const m002_schedule: Migration = {
  version: 2,
  name: 'schedule',
  up: `
    SELECT 1;
  `,
};
