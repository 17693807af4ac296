import type { Deps } from '../deps';
import type { CherrypicksConfig } from './config';
import { evaluateGates, type GateResult, type PullSnapshot } from './gates';
import { PickStore } from './store';

/** What the cherry-pick modules share, read from Deps: config, dry run, watched repos, store, gates, the time. */

export const cpConfig = (deps: Deps): CherrypicksConfig => deps.config.cherrypicks;
export const isDryRun = (deps: Deps) => deps.dryRun || cpConfig(deps).dryRun;
export const watchedRepos = (deps: Deps) => cpConfig(deps).repos ?? deps.config.github.repos;
export const storeOf = (deps: Deps) => new PickStore(deps.db);
export const gatesOf = (deps: Deps, s: PullSnapshot): GateResult => evaluateGates(s, cpConfig(deps));

/** The configured spelling of a repo (case-insensitive match), or undefined when not watched. */
export function watchedRepo(deps: Deps, owner: string, repo: string): string | undefined {
  return watchedRepos(deps).find((r) => r.toLowerCase() === `${owner}/${repo}`.toLowerCase());
}

/** Now, as the ISO instant the store keeps. */
export const nowIso = (deps: Deps) => deps.clock.now().toUTC().toISO()!;

/** Claims taken before this instant are stale: their holder is presumed gone. */
export const claimsStaleBefore = (deps: Deps) =>
  deps.clock
    .now()
    .minus({ minutes: cpConfig(deps).claimTimeoutMinutes })
    .toUTC()
    .toISO()!;
