import { feature as blockers } from '../commands/blockers';
import { feature as cherrypick } from '../commands/cherrypick';
import { feature as home } from '../commands/home';
import { feature as release } from '../commands/release';
import { feature as schedule } from '../commands/schedule';
import { feature as shadow } from '../commands/shadow';
import { feature as backup } from './backup/feature';
import type { Feature } from './feature';

/** Every feature relbot runs, in the order their commands are registered. */
export const features: Feature[] = [schedule, cherrypick, blockers, shadow, backup, release, home];
