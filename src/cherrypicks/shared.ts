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

/**
 * Runs `fn` after every earlier call with the same key has settled, within this process (one relbot
 * replica): a card's post and updates, a freeze's summary post. Keys name what they guard
 * (`refKey(pr)`, `cherrypick-freeze:<id>`), so different things never wait on each other.
 */
const locks = new WeakMap<Deps, Map<string, Promise<unknown>>>();
export async function serialised<T>(deps: Deps, key: string, fn: () => Promise<T>): Promise<T> {
  let map = locks.get(deps);
  if (!map) {
    map = new Map();
    locks.set(deps, map);
  }
  const next = (map.get(key) ?? Promise.resolve()).catch(() => {}).then(fn);
  map.set(key, next);
  try {
    return await next;
  } finally {
    if (map.get(key) === next) map.delete(key);
  }
}
