import type { Migration } from './index';

// Tables of the shadows feature.
export const m005_shadows: Migration = {
  version: 5,
  name: 'shadows',
  up: `
    SELECT 1;
  `,
};
