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

/**
 * The patch releases of a release branch such as `release-1.36` that the stored schedule names, in
 * order (`next`, then the monthly slots after it), each with its cut-off instant; and the branch's
 * end of life. Read once per question.
 */
function patchCuts(
  deps: Deps,
  branch: string,
): { minor: string; endOfLife?: DateTime; cuts: CherryPickDeadline[] } | undefined {
  const minor = /^(?:release-)?v?(\d+\.\d+)$/.exec(branch.trim())?.[1];
  if (!minor) return undefined;
  const stored = loadSchedule(deps.db, deps.config);
  const schedule = stored.patches?.schedules.find((s) => s.release === minor);
  if (!schedule) return undefined;
  const policy = deps.config.schedule.cherryPickCutoff;
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
  const cuts = candidates.flatMap((c): CherryPickDeadline[] =>
    c.entry.cherryPickDeadline
      ? [
          {
            minor,
            release: c.release,
            deadline: cutoffInstant(c.entry.cherryPickDeadline, policy),
            ...(c.entry.targetDate
              ? { targetDate: cutoffInstant(c.entry.targetDate, { zone: 'UTC', time: '00:00' }) }
              : {}),
          },
        ]
      : [],
  );
  return {
    minor,
    ...(schedule.endOfLifeDate ? { endOfLife: cutoffInstant(schedule.endOfLifeDate, policy) } : {}),
    cuts,
  };
}

/** The first cut whose deadline is at or after `from`, unless the branch reached its end of life before `from`. */
function firstCutFrom(
  p: NonNullable<ReturnType<typeof patchCuts>>,
  from: DateTime,
): CherryPickDeadline | undefined {
  if (p.endOfLife && p.endOfLife < from) return undefined;
  return p.cuts.find((c) => c.deadline >= from);
}

/** The next cherry-pick deadline for a release branch such as `release-1.36`, if known. */
export function nextCherryPickDeadline(deps: Deps, branch: string): CherryPickDeadline | undefined {
  const p = patchCuts(deps, branch);
  return p && firstCutFrom(p, deps.clock.now());
}

/**
 * The patch release the branch's next cut makes: its cherry-pick deadline may have passed already
 * (a freeze happens between a release's deadline and its target day). Of the releases that were
 * next at some day of the last `lookbackDays`, the one with the earliest target day not yet over.
 */
export function nextPatchCut(
  deps: Deps,
  branch: string,
  lookbackDays = 21,
): { release: string; deadline: DateTime; target: DateTime } | undefined {
  const p = patchCuts(deps, branch);
  if (!p) return undefined;
  const now = deps.clock.now();
  let best: { release: string; deadline: DateTime; target: DateTime } | undefined;
  for (let days = 0; days <= lookbackDays; days++) {
    const d = firstCutFrom(p, now.minus({ days }));
    if (!d) continue;
    const target = d.targetDate ?? d.deadline;
    if (target.toUTC().endOf('day') < now) continue; // cut already
    if (!best || target < best.target) best = { release: d.release, deadline: d.deadline, target };
  }
  return best;
}

/** The current release cycle, e.g. { version: '1.37', milestone: 'v1.37' }, if known. */
export function currentCycle(deps: Deps): { version: string; milestone: string } | undefined {
  const stored = loadSchedule(deps.db, deps.config);
  const cycle = pickCurrentCycle(stored.cycles, deps.clock.now(), deps.config.schedule.allDayZone);
  return cycle ? { version: cycle.version, milestone: `v${cycle.version}` } : undefined;
}
