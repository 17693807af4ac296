import type { DateTime } from 'luxon';
import type { Deps } from '../deps';
import { cutoffInstant } from './dates';
import type { PatchEntry } from './model';
import { loadSchedule } from './store';
import { pickCurrentCycle } from './views';

/**
 * What other features may ask the schedule feature. Cherry-pick cards show a branch's next
 * cherry-pick deadline; blocker summaries default to the current cycle's milestone.
 * Both are synchronous reads of the stored schedule (SQLite) and the clock.
 */

export interface CherryPickDeadline {
  /** Minor version, e.g. '1.36'. */
  minor: string;
  /** The next patch release, e.g. '1.36.2'. */
  release: string;
  /** The cut-off instant (the configured policy applied to the date-only value). */
  deadline: DateTime;
  targetDate?: DateTime;
}

function bumpPatch(release: string, by: number): string {
  const parts = release.split('.');
  if (parts.length !== 3) return release;
  return `${parts[0]}.${parts[1]}.${Number(parts[2]) + by}`;
}

/** The next cherry-pick deadline for a release branch such as `release-1.36`, if known. */
export function nextCherryPickDeadline(deps: Deps, branch: string): CherryPickDeadline | undefined {
  const minor = /^(?:release-)?v?(\d+\.\d+)$/.exec(branch.trim())?.[1];
  if (!minor) return undefined;
  const stored = loadSchedule(deps.db, deps.config);
  const schedule = stored.patches?.schedules.find((s) => s.release === minor);
  if (!schedule) return undefined;
  const now = deps.clock.now();
  const policy = deps.config.schedule.cherryPickCutoff;
  if (schedule.endOfLifeDate && cutoffInstant(schedule.endOfLifeDate, policy) < now) return undefined;
  const candidates: { entry: PatchEntry; release: string }[] = [];
  const next = schedule.next;
  if (next?.release) candidates.push({ entry: next, release: next.release });
  // Monthly slots after `next` (schedule-builder moves `next` forward only when it runs).
  const after = (stored.patches?.upcoming ?? [])
    .filter((u) => u.targetDate && (!next?.targetDate || u.targetDate > next.targetDate))
    .sort((a, b) => a.targetDate!.localeCompare(b.targetDate!));
  if (next?.release) {
    let i = 1;
    for (const u of after) candidates.push({ entry: u, release: bumpPatch(next.release, i++) });
  }
  for (const c of candidates) {
    if (!c.entry.cherryPickDeadline) continue;
    const deadline = cutoffInstant(c.entry.cherryPickDeadline, policy);
    if (deadline < now) continue;
    return {
      minor,
      release: c.release,
      deadline,
      ...(c.entry.targetDate
        ? { targetDate: cutoffInstant(c.entry.targetDate, { zone: 'UTC', time: '00:00' }) }
        : {}),
    };
  }
  return undefined;
}

/** The current release cycle, e.g. { version: '1.37', milestone: 'v1.37' }, if known. */
export function currentCycle(deps: Deps): { version: string; milestone: string } | undefined {
  const stored = loadSchedule(deps.db, deps.config);
  const cycle = pickCurrentCycle(stored.cycles, deps.clock.now(), deps.config.schedule.allDayZone);
  return cycle ? { version: cycle.version, milestone: `v${cycle.version}` } : undefined;
}
