import type { Deps } from '../deps';
import { escapeEntities } from '../slack/escape';
import { refreshCard, track } from './cards';
import { remindFreezes } from './freeze-reminder';
import { type GateResult, hasLabel, type PullSnapshot } from './gates';
import {
  describeGitHubError,
  fetchPull,
  fetchStatuses,
  NotFound,
  type SearchItem,
  searchPulls,
} from './github';
import { flushReadyNotices } from './ready';
import { isScriptTitle, type PrRef, parseOriginals, refKey, rowRef } from './refs';
import { claimsStaleBefore, cpConfig, gatesOf, nowIso, storeOf, watchedRepo, watchedRepos } from './shared';
import type { PickRow } from './store';

/** How picks become tracked: a PR a person names (`lookup`) and the discovery job's GitHub searches (`discover`). */

/** Why a PR a person named cannot be tracked, with a hint; `commands/` turns it into the answer. */
export class LookupError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

/** Reads a PR named by a person; it must be open and on a release branch. Tracks it (one card). */
export async function lookup(deps: Deps, ref: PrRef): Promise<{ row: PickRow; gates: GateResult }> {
  const repoName = watchedRepo(deps, ref.owner, ref.repo);
  const shown = escapeEntities(refKey(ref));
  if (!repoName)
    throw new LookupError(
      `relbot does not handle cherry-picks for \`${escapeEntities(`${ref.owner}/${ref.repo}`)}\`.`,
      `Watched repositories: ${watchedRepos(deps)
        .map((r) => `\`${r}\``)
        .join(', ')}.`,
    );
  const [owner, repo] = repoName.split('/') as [string, string];
  const canonical = { owner, repo, number: ref.number };
  let s: PullSnapshot;
  try {
    s = await fetchPull(deps.github, canonical, cpConfig(deps).titlePrefix);
  } catch (err) {
    if (err instanceof NotFound)
      throw new LookupError(
        `${shown} does not exist or is not a pull request.`,
        'Check the number and the repository.',
      );
    throw new LookupError(
      `Could not read ${shown} from GitHub: ${escapeEntities(describeGitHubError(err))}.`,
      'Try again in a minute.',
    );
  }
  if (s.merged) throw new LookupError(`${shown} is already merged; there is nothing to approve.`);
  if (s.state !== 'open')
    throw new LookupError(`${shown} is closed; only open cherry-picks can be approved.`);
  if (!new RegExp(cpConfig(deps).branchPattern).test(s.base))
    throw new LookupError(
      `${shown} targets \`${escapeEntities(s.base)}\`, not a release branch (pattern \`${escapeEntities(cpConfig(deps).branchPattern)}\`).`,
      `Cherry-picks are PRs against a release branch. To pick a merged change, run \`hack/cherry_pick_pull.sh upstream/release-1.XX ${ref.number}\` in a kubernetes/kubernetes checkout.`,
    );
  const row = await track(deps, s);
  return { row, gates: gatesOf(deps, row.snapshot) };
}

/**
 * Finds open cherry-picks with two search queries over all watched repos (label, and the
 * script-made title), reads a PR's details only when search says it changed since the last run,
 * and reads commit statuses with ETags (an unchanged answer is a free 304).
 */
export async function discover(deps: Deps): Promise<string> {
  const cfg = cpConfig(deps);
  const repos = watchedRepos(deps);
  const scope = repos.map((r) => `repo:${r}`).join(' ');
  const prefixWords = cfg.titlePrefix.replace(/#\s*$/, '').trim().replace(/"/g, '');
  const byLabel = await searchPulls(
    deps.github,
    `${scope} is:pr is:open label:"${cfg.unapprovedLabel}"`,
    cfg.maxCandidates,
  );
  const byTitle = await searchPulls(
    deps.github,
    `${scope} is:pr is:open in:title "${prefixWords}"`,
    cfg.maxCandidates,
  );
  const seen = new Map<string, SearchItem>();
  for (const i of [...byLabel, ...byTitle]) {
    if (!watchedRepo(deps, i.owner, i.repo)) continue;
    if (!hasLabel(i.labels, cfg.unapprovedLabel) && !isScriptTitle(i.title, cfg.titlePrefix)) continue;
    seen.set(refKey(i), i);
  }
  const store = storeOf(deps);
  const staleBefore = claimsStaleBefore(deps);
  for (const ref of store.expireClaims(staleBefore, nowIso(deps))) await refreshCard(deps, ref);
  const pattern = new RegExp(cfg.branchPattern);
  let tracked = 0;
  let skipped = 0;
  let failed = 0;
  for (const item of seen.values()) {
    try {
      const row = store.get(item);
      let s: PullSnapshot;
      if (row && row.prUpdatedAt === item.updatedAt && row.snapshot.headSha) {
        // Unchanged since last run: only the statuses may have moved.
        s = { ...row.snapshot, statuses: await fetchStatuses(deps.github, item, row.snapshot.headSha) };
      } else {
        s = await fetchPull(deps.github, item, cfg.titlePrefix);
      }
      if (!pattern.test(s.base)) {
        skipped++;
        continue;
      }
      s.originals = parseOriginals(s.title, s.body, cfg.titlePrefix);
      await track(deps, s);
      tracked++;
    } catch (err) {
      failed++;
      deps.log.warn({ err, pr: refKey(item) }, 'cherry-pick discovery could not read a PR');
    }
  }
  // Tracked picks search no longer returns were closed, merged or approved: read them once more.
  let gone = 0;
  for (const k of store.openKeys()) {
    const ref = rowRef(k);
    if (seen.has(refKey(ref))) continue;
    try {
      await track(deps, await fetchPull(deps.github, ref, cfg.titlePrefix));
      gone++;
    } catch (err) {
      failed++;
      deps.log.warn({ err, pr: refKey(ref) }, 'cherry-pick discovery could not re-read a PR');
    }
  }
  const notices = await flushReadyNotices(deps);
  const reminders = await remindFreezes(deps);
  const detail = `${seen.size} found, ${tracked} tracked, ${skipped} not on a release branch, ${gone} re-read, ${failed} failed${notices ? `, ${notices} ready-for-approval notice${notices === 1 ? '' : 's'} posted` : ''}${reminders ? ', freeze reminder posted' : ''}`;
  if (failed > 0 && tracked === 0 && gone === 0 && seen.size > 0)
    throw new Error(`discovery failed: ${detail}`);
  return detail;
}
