import { STATUS_CODES } from 'node:http';
import type { GitHub } from '../github';
import type { CommitStatus, PullSnapshot } from './gates';
import { type PrRef, parseOriginals } from './refs';

/**
 * The GitHub edge of the cherry-pick feature: reading a PR with its commit statuses, searching for
 * candidates, and the two writes (label, comment). Reads and the label POST (idempotent: adding a
 * label twice is a no-op) use Octokit's retry/throttling with back-off; the comment POST is not
 * idempotent, so its retries are done here, and every attempt after the first looks for relbot's
 * marker comment before posting again.
 */

export class NotFound extends Error {}

export function httpStatus(err: unknown): number | undefined {
  const s = (err as { status?: unknown }).status;
  return typeof s === 'number' ? s : undefined;
}

/** Would trying again later make sense (5xx, rate limits, network errors and timeouts)? */
export function isRetryable(err: unknown): boolean {
  const status = httpStatus(err);
  if (status === undefined) return true;
  if (status >= 500 || status === 429) return true;
  if (status === 403) return /rate limit/i.test(String((err as Error).message));
  return false;
}

/**
 * GitHub's error messages end in a link to its generic REST docs ("Bad Gateway -
 * https://docs.github.com/rest"); a person reading why an approval failed needs the reason, not
 * the link. Also tidies reasons stored before this was done ("HTTP 502 (Bad Gateway - …)").
 */
export function tidyGitHubReason(text: string): string {
  return text
    .replace(/\s*-\s*https?:\/\/docs\.github\.com[^\s)]*/g, '')
    .replace(/HTTP (\d{3}) \(([^()]*)\)/g, 'HTTP $1 $2')
    .trim();
}

/** A short phrase describing a GitHub failure, for the card, the audit and the ephemeral answer. */
export function describeGitHubError(err: unknown): string {
  const status = httpStatus(err);
  const msg = tidyGitHubReason(
    String((err as Error)?.message ?? err)
      .split('\n')[0]!
      .slice(0, 200),
  ).slice(0, 160);
  if (status === undefined) return `GitHub could not be reached (${msg || 'no answer'})`;
  if (status === 429 || (status === 403 && /rate limit/i.test(msg)))
    return `GitHub's rate limit was reached (HTTP ${status})`;
  const standard = STATUS_CODES[status];
  if (!msg || msg === String(status) || msg === standard)
    return `GitHub answered HTTP ${status} ${standard ?? ''}`.trim();
  return standard
    ? `GitHub answered HTTP ${status} ${standard}: ${msg}`
    : `GitHub answered HTTP ${status}: ${msg}`;
}

export async function fetchPull(gh: GitHub, ref: PrRef, titlePrefix: string): Promise<PullSnapshot> {
  let pr: Awaited<ReturnType<GitHub['rest']['pulls']['get']>>['data'];
  try {
    pr = (await gh.rest.pulls.get({ owner: ref.owner, repo: ref.repo, pull_number: ref.number })).data;
  } catch (err) {
    if (httpStatus(err) === 404) throw new NotFound(`${ref.owner}/${ref.repo}#${ref.number} not found`);
    throw err;
  }
  const statuses = await fetchStatuses(gh, ref, pr.head.sha);
  const owner = pr.base.repo.owner.login || ref.owner;
  const repo = pr.base.repo.name || ref.repo;
  return {
    owner,
    repo,
    number: pr.number,
    title: pr.title,
    body: pr.body ?? '',
    author: pr.user?.login ?? 'ghost',
    base: pr.base.ref,
    headSha: pr.head.sha,
    state: pr.state === 'open' ? 'open' : 'closed',
    merged: Boolean(pr.merged || pr.merged_at),
    labels: pr.labels.map((l) => l.name ?? '').filter(Boolean),
    statuses,
    htmlUrl: pr.html_url,
    createdAt: pr.created_at,
    updatedAt: pr.updated_at,
    originals: parseOriginals(pr.title, pr.body, titlePrefix),
  };
}

/** The latest status of each context (GitHub's combined status), as Prow's plugin reads it. */
export async function fetchStatuses(gh: GitHub, ref: PrRef, sha: string): Promise<CommitStatus[]> {
  const { data } = await gh.rest.repos.getCombinedStatusForRef({
    owner: ref.owner,
    repo: ref.repo,
    ref: sha,
    per_page: 100,
  });
  return data.statuses.map((s) => ({ context: s.context, state: s.state }));
}

export interface SearchItem {
  owner: string;
  repo: string;
  number: number;
  title: string;
  body: string;
  author: string;
  state: 'open' | 'closed';
  labels: string[];
  createdAt: string;
  updatedAt: string;
  htmlUrl: string;
}

/** One search query, paginated up to `max` results. */
export async function searchPulls(gh: GitHub, q: string, max: number): Promise<SearchItem[]> {
  const out: SearchItem[] = [];
  for (let page = 1; out.length < max && page <= 10; page++) {
    const { data } = await gh.rest.search.issuesAndPullRequests({ q, per_page: 100, page });
    for (const i of data.items) {
      if (!i.pull_request) continue;
      const m = /\/repos\/([^/]+)\/([^/]+)$/.exec(i.repository_url);
      if (!m) continue;
      out.push({
        owner: decodeURIComponent(m[1]!),
        repo: decodeURIComponent(m[2]!),
        number: i.number,
        title: i.title,
        body: i.body ?? '',
        author: i.user?.login ?? 'ghost',
        state: i.state === 'open' ? 'open' : 'closed',
        labels: i.labels.map((l) => (typeof l === 'string' ? l : (l.name ?? ''))).filter(Boolean),
        createdAt: i.created_at,
        updatedAt: i.updated_at,
        htmlUrl: i.html_url,
      });
    }
    if (data.items.length < 100) break;
  }
  return out.slice(0, max);
}

export async function addLabel(gh: GitHub, ref: PrRef, label: string): Promise<void> {
  await gh.rest.issues.addLabels({
    owner: ref.owner,
    repo: ref.repo,
    issue_number: ref.number,
    labels: [label],
  });
}

/** Is relbot's comment with `marker` already on the PR? */
export async function hasMarkerComment(gh: GitHub, ref: PrRef, marker: string): Promise<boolean> {
  for (let page = 1; page <= 30; page++) {
    const { data } = await gh.rest.issues.listComments({
      owner: ref.owner,
      repo: ref.repo,
      issue_number: ref.number,
      per_page: 100,
      page,
    });
    if (data.some((c) => (c.body ?? '').includes(marker))) return true;
    if (data.length < 100) return false;
  }
  return false;
}

export interface CommentOptions {
  attempts: number;
  backoffMs: number;
  /** True when an earlier attempt (maybe in a process that died) may have posted it. */
  mayExist: boolean;
  /** Called just before each POST. */
  beforePost?: () => void;
  sleep?: (ms: number) => Promise<void>;
}

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref?.());

/**
 * Posts `body` (which contains `marker`) at most once: Octokit's own retries are off for this POST;
 * before any repeat relbot lists the PR's comments and stops if its marker is already there.
 * Returns 'posted' or 'found' (an earlier attempt had landed).
 */
export async function postCommentOnce(
  gh: GitHub,
  ref: PrRef,
  body: string,
  marker: string,
  opts: CommentOptions,
): Promise<'posted' | 'found'> {
  const sleep = opts.sleep ?? realSleep;
  let mayExist = opts.mayExist;
  let lastErr: unknown;
  for (let attempt = 0; attempt < opts.attempts; attempt++) {
    if (attempt > 0) await sleep(opts.backoffMs * 2 ** (attempt - 1));
    try {
      if (mayExist && (await hasMarkerComment(gh, ref, marker))) return 'found';
      opts.beforePost?.();
      mayExist = true;
      await gh.rest.issues.createComment({
        owner: ref.owner,
        repo: ref.repo,
        issue_number: ref.number,
        body,
        request: { retries: 0 },
      });
      return 'posted';
    } catch (err) {
      lastErr = err;
      if (!isRetryable(err)) throw err;
    }
  }
  throw lastErr;
}

/**
 * Removes `label` from a PR. Deleting is idempotent in effect: GitHub answers 404 when the label is
 * not (or no longer) on the PR, which means it is gone, as wanted. Returns whether it was there.
 */
export async function removeLabel(gh: GitHub, ref: PrRef, label: string): Promise<'removed' | 'absent'> {
  try {
    await gh.rest.issues.removeLabel({
      owner: ref.owner,
      repo: ref.repo,
      issue_number: ref.number,
      name: label,
    });
    return 'removed';
  } catch (err) {
    if (httpStatus(err) === 404) return 'absent';
    throw err;
  }
}

/** An open PR on a branch, as the pulls list gives it (labels and head commit included). */
export interface BranchPull {
  owner: string;
  repo: string;
  number: number;
  title: string;
  author: string;
  labels: string[];
  headSha: string;
  htmlUrl: string;
}

/**
 * The open PRs against `base` in one repository (the pulls list, not search: search requests are
 * spaced seconds apart by the throttling plugin, and this list is exact for a branch).
 */
export async function listBranchPulls(
  gh: GitHub,
  repoName: string,
  base: string,
  max = 1000,
): Promise<BranchPull[]> {
  const [owner, repo] = repoName.split('/') as [string, string];
  const out: BranchPull[] = [];
  for (let page = 1; out.length < max && page <= 10; page++) {
    const { data } = await gh.rest.pulls.list({ owner, repo, base, state: 'open', per_page: 100, page });
    for (const p of data)
      out.push({
        owner,
        repo,
        number: p.number,
        title: p.title,
        author: p.user?.login ?? 'ghost',
        labels: p.labels.map((l) => l.name ?? '').filter(Boolean),
        headSha: p.head.sha,
        htmlUrl: p.html_url,
      });
    if (data.length < 100) break;
  }
  return out;
}
