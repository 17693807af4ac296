import { ETAG_CACHE_HEADER, type GitHub } from '../github';
import type { BlockerLabels } from './config';
import { resolutionReason, searchQueries, type TrackedItem } from './model';

/**
 * GitHub reads of the blocker summary: two searches (release-blockers; the milestone's labels),
 * 100 items a page through octokit.paginate, conditional requests through the shared ETag cache
 * (an unchanged page costs a 304), and the throttling/retry plugins of `deps.github`.
 */

export interface RequestCount {
  /** Requests answered with fresh data (200). */
  fresh: number;
  /** Requests answered 304 Not Modified (served from the ETag cache). */
  notModified: number;
  /** Look-ups that failed after the retry plugin gave up. */
  failed: number;
}

export const newCount = (): RequestCount => ({ fresh: 0, notModified: 0, failed: 0 });
export const total = (c: RequestCount) => c.fresh + c.notModified + c.failed;

interface SearchItem {
  number: number;
  title: string;
  html_url: string;
  repository_url: string;
  labels: Array<string | { name?: string }>;
  assignees?: Array<{ login: string }> | null;
  milestone?: { title: string } | null;
  created_at: string;
  updated_at: string;
  pull_request?: unknown;
}

/** The milestone asked is in none of the repos; `known` are the repos' milestones (open first). */
export class MilestoneNotFound extends Error {
  constructor(
    message: string,
    readonly known: { title: string; open: boolean }[] = [],
  ) {
    super(message);
  }
}

function toItem(raw: SearchItem): TrackedItem {
  const repo = raw.repository_url.replace(/^.*\/repos\//, '');
  return {
    repo,
    number: raw.number,
    kind: raw.pull_request ? 'pr' : 'issue',
    title: raw.title,
    url: raw.html_url,
    labels: raw.labels.map((l) => (typeof l === 'string' ? l : (l.name ?? ''))).filter(Boolean),
    assignees: (raw.assignees ?? []).map((a) => a.login),
    milestone: raw.milestone?.title ?? null,
    createdAt: raw.created_at,
    updatedAt: raw.updated_at,
  };
}

async function search(github: GitHub, q: string, count: RequestCount): Promise<TrackedItem[]> {
  const pages = await github.paginate('GET /search/issues', { q, per_page: 100 }, (response) => {
    if (response.headers[ETAG_CACHE_HEADER as 'etag'] === 'hit') count.notModified++;
    else count.fresh++;
    if ((response.data as { incomplete_results?: boolean }).incomplete_results)
      throw new Error('GitHub search returned incomplete results (it timed out); try again in a minute');
    return response.data as unknown as SearchItem[];
  });
  return pages.map(toItem);
}

/** Every open item that may count for `milestone` in `repos` (classification is model.ts's job). */
export async function fetchTracked(
  github: GitHub,
  opts: { repos: string[]; milestone: string; labels: BlockerLabels },
  count: RequestCount = newCount(),
): Promise<TrackedItem[]> {
  const q = searchQueries(opts.repos, opts.milestone, opts.labels);
  const inMilestone = await search(github, q.milestone, count);
  const blockers = await search(github, q.blockers, count);
  if (inMilestone.length === 0) {
    const known = await repoMilestones(github, opts.repos, count);
    if (!known.some((m) => m.title.toLowerCase() === opts.milestone.toLowerCase()))
      throw new MilestoneNotFound(
        `There is no milestone ${opts.milestone} in ${opts.repos.join(', ')}.`,
        known,
      );
  }
  return [...blockers, ...inMilestone];
}

/** The repos' milestones (open or closed), without duplicates. Asked only when a milestone search is empty. */
export async function repoMilestones(
  github: GitHub,
  repos: string[],
  count: RequestCount = newCount(),
): Promise<{ title: string; open: boolean }[]> {
  const all = new Map<string, { title: string; open: boolean }>();
  for (const full of repos) {
    const [owner, repo] = full.split('/') as [string, string];
    const found = await github.paginate(
      'GET /repos/{owner}/{repo}/milestones',
      { owner, repo, state: 'all', per_page: 100 },
      (response) => {
        if (response.headers[ETAG_CACHE_HEADER as 'etag'] === 'hit') count.notModified++;
        else count.fresh++;
        return response.data.map((m) => ({ title: m.title, open: m.state === 'open' }));
      },
    );
    for (const m of found) {
      const was = all.get(m.title.toLowerCase());
      all.set(m.title.toLowerCase(), { title: m.title, open: m.open || Boolean(was?.open) });
    }
  }
  return [...all.values()];
}

/** Why items that vanished from the searches left (at most `limit` look-ups; the rest stay unknown). */
export async function resolutionReasons(
  github: GitHub,
  vanished: TrackedItem[],
  opts: { milestone: string; labels: BlockerLabels; limit?: number },
  count: RequestCount = newCount(),
): Promise<Map<string, string>> {
  const reasons = new Map<string, string>();
  for (const item of vanished.slice(0, opts.limit ?? 20)) {
    const [owner, repo] = item.repo.split('/') as [string, string];
    try {
      const res = await github.request('GET /repos/{owner}/{repo}/issues/{issue_number}', {
        owner,
        repo,
        issue_number: item.number,
      });
      if (res.headers[ETAG_CACHE_HEADER as 'etag'] === 'hit') count.notModified++;
      else count.fresh++;
      const d = res.data;
      reasons.set(
        `${item.repo.toLowerCase()}#${item.number}`,
        resolutionReason(item, opts.milestone, opts.labels, {
          state: d.state,
          merged: Boolean(d.pull_request?.merged_at),
          labels: d.labels.map((l) => (typeof l === 'string' ? l : (l.name ?? ''))),
          milestone: d.milestone?.title ?? null,
        }),
      );
    } catch {
      count.failed++;
      // Unknown reason: the diff says "closed or no longer labelled".
    }
  }
  return reasons;
}
