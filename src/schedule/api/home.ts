import type { KnownBlock } from '@slack/types';
import { dataVersion } from '../../db/versions';
import type { Deps } from '../../deps';
import { homeBlocks, nextMilestonesText } from '../personal-render';
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

/**
 * "Next milestones" is the same for everyone in one zone within one minute and one version of the
 * stored schedule: the refresh job renders it once per zone, not once per person.
 */
const nextCache = new WeakMap<object, { stamp: string; byZone: Map<string, string> }>();

function nextText(deps: Deps, tz: string): string {
  const now = deps.clock.now();
  const stamp = `${Math.floor(now.toMillis() / 60_000)}|${dataVersion(deps.db, 'schedule')}`;
  let cache = nextCache.get(deps.db);
  if (!cache || cache.stamp !== stamp) {
    cache = { stamp, byZone: new Map() };
    nextCache.set(deps.db, cache);
  }
  let text = cache.byZone.get(tz);
  if (text === undefined) {
    const zone = deps.config.schedule.allDayZone;
    const next = milestonesOf(deps)
      .filter((m) => !isPast(m, now, zone))
      .slice(0, NEXT_SHOWN);
    text = nextMilestonesText(next, now, tz);
    cache.byZone.set(tz, text);
  }
  return text;
}

export function homeScheduleBlocks(deps: Deps, user: string, tz: string): KnownBlock[] {
  const milestones = milestonesOf(deps);
  const lines = linesOf(deps, subscriptions(deps.db, user), milestones);
  return homeBlocks({ nextText: nextText(deps, tz), lines, milestones, tz });
}
