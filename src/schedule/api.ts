import type { DateTime } from 'luxon';
import type { Deps } from '../deps';

/**
 * What other features may ask the schedule feature. Cherry-pick cards show a branch's next
 * cherry-pick deadline; blocker summaries default to the current cycle's milestone.
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

/** The next cherry-pick deadline for a release branch such as `release-1.36`, if known. */
export function nextCherryPickDeadline(_deps: Deps, _branch: string): CherryPickDeadline | undefined {
  return undefined;
}

/** The current release cycle, e.g. { version: '1.37', milestone: 'v1.37' }, if known. */
export function currentCycle(_deps: Deps): { version: string; milestone: string } | undefined {
  return undefined;
}
