import type { KnownBlock } from '@slack/types';
import type { Deps } from '../../deps';
import { homeBlocks } from '../personal-render';
import { linesOf, milestonesOf } from '../personal-service';
import { subscriptions } from '../personal-store';
import { isPast } from '../render';

/**
 * What the Home tab (src/home/) asks the schedule feature: the next milestones and the person's
 * own reminders, as blocks in their zone. The Remove and "Add a reminder" buttons on them are the
 * schedule feature's own (`schedule_remind_off`, `schedule_remind_add`, registered by
 * commands/schedule-remind.ts), so a click from Home runs the same path as one from a DM.
 */

const NEXT_SHOWN = 6;

export function homeScheduleBlocks(deps: Deps, user: string, tz: string): KnownBlock[] {
  const milestones = milestonesOf(deps);
  const now = deps.clock.now();
  const next = milestones
    .filter((m) => !isPast(m, now, deps.config.schedule.allDayZone))
    .slice(0, NEXT_SHOWN);
  const lines = linesOf(deps, subscriptions(deps.db, user), milestones);
  return homeBlocks({ next, lines, milestones, now, tz });
}
