import type { Deps } from '../deps';
import { UserError } from '../errors';
import { currentCycle, nextCherryPickDeadline } from '../schedule/api';
import { escapeEntities } from '../slack/escape';
import { editDistance } from '../text';
import { storeOf } from './shared';
import { compareBranches } from './store';

/**
 * Which release branches relbot knows, so `/cherrypick list release-9.99` is an error that says so
 * instead of the false comfort of "No cherry-picks are waiting". A branch is known when:
 *
 * - relbot has tracked a pick on it (any state, at any time: the store remembers every pick); or
 * - the schedule feature has a next cherry-pick deadline for it (a supported release, not past its
 *   end of life); or
 * - it is the release branch of the cycle in progress (picks start once it is cut).
 *
 * The schedule offers no list of minors, so its supported ones are found by asking for the deadline
 * of the few minors around the current cycle and the branches already seen.
 */

const MINOR = /^release-(\d+)\.(\d+)$/;

/** How many minors below the current cycle (or the newest seen) are asked about. */
const LOOK_BACK = 6;

function fromSchedule(deps: Deps, branch: string): boolean {
  try {
    return nextCherryPickDeadline(deps, branch) !== undefined;
  } catch {
    return false;
  }
}

function cycleBranch(deps: Deps): string | undefined {
  try {
    const c = currentCycle(deps);
    return c ? `release-${c.version}` : undefined;
  } catch {
    return undefined;
  }
}

/** Is `branch` one relbot knows (see above)? Cheap when a pick was seen on it. */
export function isKnownBranch(deps: Deps, branch: string): boolean {
  if (storeOf(deps).branches().includes(branch)) return true;
  return branch === cycleBranch(deps) || fromSchedule(deps, branch);
}

/** Every branch relbot knows, newest first. */
export function knownBranches(deps: Deps): string[] {
  const known = new Set(storeOf(deps).branches());
  const cycle = cycleBranch(deps);
  if (cycle) known.add(cycle);
  const versions = [...known].map((b) => MINOR.exec(b)).filter((m): m is RegExpExecArray => !!m);
  const newest = versions.sort((a, b) => Number(b[1]) - Number(a[1]) || Number(b[2]) - Number(a[2]))[0];
  if (newest) {
    const major = Number(newest[1]);
    for (let minor = Number(newest[2]); minor >= Math.max(0, Number(newest[2]) - LOOK_BACK); minor--) {
      const b = `release-${major}.${minor}`;
      if (!known.has(b) && fromSchedule(deps, b)) known.add(b);
    }
  }
  return [...known].sort((a, b) => compareBranches(b, a));
}

/** How far apart two release versions are (1.38 is 1 from 1.37), or a large number when either is not one. */
function versionDistance(a: string, b: string): number {
  const va = MINOR.exec(a);
  const vb = MINOR.exec(b);
  if (!va || !vb) return 1e9;
  return Math.abs(Number(va[1]) - Number(vb[1])) * 1000 + Math.abs(Number(va[2]) - Number(vb[2]));
}

/**
 * `known` ordered closest to `typed` first: fewest edits (a typo), then the nearest version (digits
 * all differ by one edit), then the newest branch.
 */
export function closestFirst(typed: string, known: string[]): string[] {
  return [...known].sort(
    (a, b) =>
      editDistance(typed, a) - editDistance(typed, b) ||
      versionDistance(typed, a) - versionDistance(typed, b) ||
      compareBranches(b, a),
  );
}

/** Throws a UserError naming the known branches, closest first, unless relbot knows `branch`. */
export function assertKnownBranch(deps: Deps, branch: string): void {
  if (isKnownBranch(deps, branch)) return;
  const known = closestFirst(branch, knownBranches(deps));
  const shown = `\`${escapeEntities(branch)}\``;
  if (!known.length)
    throw new UserError(
      `relbot does not know ${shown}. It has seen no cherry-pick on any branch yet, and the schedule names no supported release.`,
      'Use `/cherrypick list` to see every pick waiting for approval.',
    );
  const names = known.slice(0, 8).map((b) => `\`${escapeEntities(b)}\``);
  throw new UserError(
    `relbot does not know ${shown}. No cherry-pick was seen on it, and the schedule does not list it as a supported release.`,
    `Branches relbot knows, closest first: ${names.join(', ')}${known.length > 8 ? `, and ${known.length - 8} more` : ''}. ` +
      `For example: \`/cherrypick list ${escapeEntities(known[0]!)}\`.`,
  );
}
