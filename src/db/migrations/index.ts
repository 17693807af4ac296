import { m001_core } from './001_core';
import { m002_schedule } from './002_schedule';
import { m003_cherrypicks } from './003_cherrypicks';
import { m004_blockers } from './004_blockers';
import { m005_shadows } from './005_shadows';
import { m006_data_versions } from './006_data_versions';
import { m007_shadow_publish_declines } from './007_shadow_publish_declines';
import { m008_home_personal_reminders } from './008_home_personal_reminders';
import { m009_charts } from './009_charts';
import { m010_cherrypick_freezes } from './010_cherrypick_freezes';
import { m011_cherrypick_ready } from './011_cherrypick_ready';
import { m012_shadow_write_back } from './012_shadow_write_back';
import { m013_cherrypick_branch_index } from './013_cherrypick_branch_index';

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
  m008_home_personal_reminders,
  m009_charts,
  m010_cherrypick_freezes,
  m011_cherrypick_ready,
  m012_shadow_write_back,
  m013_cherrypick_branch_index,
];
