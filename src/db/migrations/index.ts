import { m001_core } from './001_core';
import { m002_schedule } from './002_schedule';
import { m003_cherrypicks } from './003_cherrypicks';
import { m004_blockers } from './004_blockers';
import { m005_shadows } from './005_shadows';
import { m006_data_versions } from './006_data_versions';
import { m007_shadow_publish_declines } from './007_shadow_publish_declines';
import { m010_cherrypick_freezes } from './010_cherrypick_freezes';
import { m011_cherrypick_ready } from './011_cherrypick_ready';

import type { Migration } from './types';

export type { Migration };

export const migrations: Migration[] = [
  m001_core,
  m002_schedule,
  m003_cherrypicks,
  m004_blockers,
  m005_shadows,
  m006_data_versions,
  m007_shadow_publish_declines,
  // Worktree only, until the migrations numbered 8 and 9 (other branches) are merged: delete these
  // two lines at the merge. migrate() wants 1..n without gaps.
  { version: 8, name: 'reserved_008', up: 'SELECT 1' },
  { version: 9, name: 'reserved_009', up: 'SELECT 1' },
  m010_cherrypick_freezes,
  m011_cherrypick_ready,
];
