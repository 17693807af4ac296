import type { GitHub } from './index';

/**
 * Git plumbing through GitHub's REST API, for features that propose a change as a pull request
 * from a fork: the authenticated login, repos and forks, branches (refs), file contents read and
 * written (one commit per file), and pull requests found, opened and updated. Thin calls: no
 * feature knowledge, no retries beyond the Octokit plugins'. A missing thing is `undefined`;
 * every other failure is Octokit's error (with its `status`), for the caller to report.
 */

export interface RepoRef {
  owner: string;
  repo: string;
}

export interface RepoInfo {
  fullName: string;
  defaultBranch: string;
  fork: boolean;
  /** owner/name of the repo it was forked from. */
  parent?: string;
}

export interface FileAt {
  content: string;
  /** The blob sha: needed to update the file. */
  sha: string;
}

export interface PullInfo {
  number: number;
  url: string;
  title: string;
  body: string;
  headSha: string;
  state: string;
}

/** The HTTP status of an Octokit error (undefined for network errors and timeouts). */
export function statusOf(err: unknown): number | undefined {
  const s = (err as { status?: unknown })?.status;
  return typeof s === 'number' ? s : undefined;
}

/** GitHub's own words for a failed request: its message and each validation error's. */
export function errorText(err: unknown): string {
  const e = err as { status?: number; message?: string; response?: { data?: unknown } };
  const data = e.response?.data as { message?: string; errors?: Array<{ message?: string; code?: string }> };
  const details = (data?.errors ?? []).map((x) => x.message ?? x.code).filter(Boolean);
  const base = data?.message ?? e.message ?? String(err);
  return [e.status ? `HTTP ${e.status}` : '', base, ...details].filter(Boolean).join(': ');
}

async function orUndefined<T>(p: Promise<T>): Promise<T | undefined> {
  try {
    return await p;
  } catch (err) {
    if (statusOf(err) === 404) return undefined;
    throw err;
  }
}

/** The login of the token (undefined when GitHub does not say, e.g. for a GitHub App). */
export async function viewerLogin(gh: GitHub): Promise<string | undefined> {
  try {
    return (await gh.rest.users.getAuthenticated()).data.login;
  } catch {
    return undefined;
  }
}

export async function getRepo(gh: GitHub, r: RepoRef): Promise<RepoInfo | undefined> {
  const res = await orUndefined(gh.rest.repos.get({ owner: r.owner, repo: r.repo }));
  if (!res) return undefined;
  const d = res.data as {
    full_name: string;
    default_branch: string;
    fork: boolean;
    parent?: { full_name: string };
  };
  return {
    fullName: d.full_name,
    defaultBranch: d.default_branch,
    fork: d.fork,
    ...(d.parent ? { parent: d.parent.full_name } : {}),
  };
}

/**
 * Forks `r` into `organization` (or the token's own account). GitHub answers 202 and creates the
 * fork in the background; asking again for an existing fork returns it.
 */
export async function createFork(gh: GitHub, r: RepoRef, organization?: string): Promise<RepoInfo> {
  const res = await gh.rest.repos.createFork({
    owner: r.owner,
    repo: r.repo,
    ...(organization ? { organization } : {}),
    default_branch_only: true,
  });
  const d = res.data as { full_name: string; default_branch: string };
  return {
    fullName: d.full_name,
    defaultBranch: d.default_branch,
    fork: true,
    parent: `${r.owner}/${r.repo}`,
  };
}

/** The commit sha a branch points at; undefined when there is no such branch. */
export async function branchSha(gh: GitHub, r: RepoRef, branch: string): Promise<string | undefined> {
  const res = await orUndefined(gh.rest.git.getRef({ owner: r.owner, repo: r.repo, ref: `heads/${branch}` }));
  return res?.data.object.sha;
}

export async function createBranch(gh: GitHub, r: RepoRef, branch: string, sha: string): Promise<void> {
  await gh.rest.git.createRef({ owner: r.owner, repo: r.repo, ref: `refs/heads/${branch}`, sha });
}

/** Points a branch at `sha`; `force` allows what is not a fast forward. */
export async function moveBranch(gh: GitHub, r: RepoRef, branch: string, sha: string, force: boolean) {
  await gh.rest.git.updateRef({ owner: r.owner, repo: r.repo, ref: `heads/${branch}`, sha, force });
}

/** A file at a ref (branch or sha); undefined when it does not exist there. */
export async function getFile(
  gh: GitHub,
  r: RepoRef,
  path: string,
  ref: string,
): Promise<FileAt | undefined> {
  const res = await orUndefined(gh.rest.repos.getContent({ owner: r.owner, repo: r.repo, path, ref }));
  if (!res) return undefined;
  const d = res.data as { type?: string; content?: string; encoding?: string; sha: string };
  if (Array.isArray(res.data) || d.type !== 'file' || d.content === undefined)
    throw new Error(`${r.owner}/${r.repo}/${path} is not a file`);
  const content =
    d.encoding === 'base64'
      ? Buffer.from(d.content.replace(/\s/g, ''), 'base64').toString('utf8')
      : d.content;
  return { content, sha: d.sha };
}

/** Writes a file on a branch as one commit (`sha`: the blob it replaces). Returns the commit sha. */
export async function putFile(
  gh: GitHub,
  r: RepoRef,
  f: { path: string; branch: string; content: string; message: string; sha?: string },
): Promise<string> {
  const res = await gh.rest.repos.createOrUpdateFileContents({
    owner: r.owner,
    repo: r.repo,
    path: f.path,
    branch: f.branch,
    message: f.message,
    content: Buffer.from(f.content, 'utf8').toString('base64'),
    ...(f.sha ? { sha: f.sha } : {}),
  });
  return res.data.commit.sha ?? '';
}

function pullInfo(d: {
  number: number;
  html_url: string;
  title: string;
  body?: string | null;
  head: { sha: string };
  state: string;
}): PullInfo {
  return {
    number: d.number,
    url: d.html_url,
    title: d.title,
    body: d.body ?? '',
    headSha: d.head.sha,
    state: d.state,
  };
}

/** The open pull request into `r`'s `base` from `headOwner:branch`, if any. */
export async function findOpenPull(
  gh: GitHub,
  r: RepoRef,
  headOwner: string,
  branch: string,
  base: string,
): Promise<PullInfo | undefined> {
  const res = await gh.rest.pulls.list({
    owner: r.owner,
    repo: r.repo,
    state: 'open',
    head: `${headOwner}:${branch}`,
    base,
    per_page: 10,
  });
  const d = res.data[0];
  return d ? pullInfo(d) : undefined;
}

export async function createPull(
  gh: GitHub,
  r: RepoRef,
  p: { title: string; body: string; head: string; base: string },
): Promise<PullInfo> {
  const res = await gh.rest.pulls.create({ owner: r.owner, repo: r.repo, ...p, maintainer_can_modify: true });
  return pullInfo(res.data);
}

export async function updatePull(
  gh: GitHub,
  r: RepoRef,
  number: number,
  p: { title: string; body: string },
): Promise<PullInfo> {
  const res = await gh.rest.pulls.update({ owner: r.owner, repo: r.repo, pull_number: number, ...p });
  return pullInfo(res.data);
}
