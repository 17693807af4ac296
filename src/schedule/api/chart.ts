import type { DateTime } from 'luxon';
import type { Deps } from '../../deps';
import { timingBounds } from '../dates';
import type { CycleDoc } from '../model';
import { loadSchedule } from '../store';
import { pickCurrentCycle } from '../views';

/**
 * What the release-insight pictures ask the schedule feature (the blocker burndown's vertical
 * rules, the /release page's schedule): one cycle's milestones as instants, and which cycles are
 * known. Synchronous reads of the stored schedule (SQLite).
 */

export type MarkerKind = 'freeze' | 'rc' | 'release';

export interface TimelineMilestone {
  name: string;
  /** Start as an instant (ISO, UTC); all-day rows start at 00:00 in `schedule.allDayZone`. */
  at: string;
  /** End (ISO, UTC): equal to `at` for instants, the end of the day (or span) otherwise. */
  end: string;
  /** Set for the milestones a chart draws as a vertical rule, with its short label. */
  marker?: { kind: MarkerKind; label: string };
  who?: string;
  week?: number;
}

export interface CycleTimeline {
  version: string;
  /** The cycle's first and last milestone. */
  start: string;
  end: string;
  milestones: TimelineMilestone[];
}

const FREEZES: [RegExp, string][] = [
  [/\benhancements? freeze\b/i, 'Enhancements Freeze'],
  [/\bcode freeze\b/i, 'Code Freeze'],
  [/\bdocs freeze\b/i, 'Docs Freeze'],
];

/** The chart label of a milestone row, if it is one the chart draws. */
export function markerOf(m: { name: string; kinds: string[] }): TimelineMilestone['marker'] {
  if (m.kinds.includes('releaseDay')) {
    const v = /^v?(\d+\.\d+\.\d+)/.exec(m.name)?.[1];
    return { kind: 'release', label: v ? `v${v}` : 'release' };
  }
  const rc = /^v?\d+\.\d+\.\d+-(rc\.\d+) released\b/i.exec(m.name);
  if (rc) return { kind: 'rc', label: rc[1]!.toLowerCase() };
  if (!m.kinds.includes('hardFreeze')) return undefined;
  for (const [re, label] of FREEZES) if (re.test(m.name)) return { kind: 'freeze', label };
  return undefined;
}

function timelineOf(cycle: CycleDoc, allDayZone: string): CycleTimeline {
  const milestones = cycle.milestones
    .map((m) => {
      const b = timingBounds(m.timing, allDayZone);
      const marker = markerOf(m);
      return {
        name: m.name,
        at: b.start.toUTC().toISO()!,
        end: b.end.toUTC().toISO()!,
        ...(marker ? { marker } : {}),
        ...(m.who ? { who: m.who } : {}),
        ...(m.week !== undefined ? { week: m.week } : {}),
      };
    })
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || a.name.localeCompare(b.name));
  const start = milestones[0]?.at ?? '';
  const end =
    milestones
      .map((m) => m.end)
      .sort()
      .at(-1) ?? start;
  return { version: cycle.version, start, end, milestones };
}

/** One cycle's timeline ('1.37'), or undefined when the schedule does not have that cycle. */
export function cycleTimeline(deps: Deps, version: string): CycleTimeline | undefined {
  const cycle = loadSchedule(deps.db, deps.config).cycles.find((c) => c.version === version);
  return cycle?.milestones.length ? timelineOf(cycle, deps.config.schedule.allDayZone) : undefined;
}

/** Versions of the stored cycles, newest first. */
export function knownCycles(deps: Deps): string[] {
  const key = (v: string) => v.split('.').map((p) => Number(p) || 0);
  return loadSchedule(deps.db, deps.config)
    .cycles.filter((c) => c.milestones.length)
    .map((c) => c.version)
    .sort((a, b) => {
      const [a1, a2] = key(a);
      const [b1, b2] = key(b);
      return b1! - a1! || b2! - a2!;
    });
}

/** The current cycle's version (the one spanning now, else the next, else the latest). */
export function currentCycleVersion(deps: Deps, now: DateTime = deps.clock.now()): string | undefined {
  const stored = loadSchedule(deps.db, deps.config);
  return pickCurrentCycle(stored.cycles, now, deps.config.schedule.allDayZone)?.version;
}
