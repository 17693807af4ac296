import type { Deps } from '../deps';
import type { GitHub } from '../github';
import {
  branchSha,
  createBranch,
  createFork,
  createPull,
  errorText,
  findOpenPull,
  getFile,
  getRepo,
  moveBranch,
  type PullInfo,
  putFile,
  statusOf,
  updatePull,
} from '../github/pulls';
import { fullName, type TargetKey, type TargetPlan } from './write-back-plan';

/**
 * Runs a planned pull request against GitHub, converging rather than replaying: each step reads
 * what is there first (the fork, the branch, each file, the open pull request), so a retry after a
 * fault, a second click or a crash finishes what is missing and repeats nothing. A file already as
 * planned is not committed again; an open pull request for the branch is updated, never duplicated.
 */

export type Outcome = 'opened' | 'updated' | 'unchanged' | 'up_to_date' | 'failed';

export interface TargetResult {
  key: TargetKey;
  repo: string;
  outcome: Outcome;
  pull?: PullInfo;
  headSha?: string;
  commits: number;
  /** What was done before a failure (and stays done). */
  done: string[];
  error?: string;
}

export interface RunOptions {
  /** Waits between looks at a fork GitHub is still creating (ms); the default waits 1, 2, 4, 8 s. */
  forkWaitsMs?: number[];
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function ensureFork(
  gh: GitHub,
  t: TargetPlan,
  viewer: string | undefined,
  o: RunOptions,
  done: string[],
) {
  const fork = await getRepo(gh, t.fork);
  if (fork) {
    if (!fork.fork || fork.parent?.toLowerCase() !== fullName(t.upstream).toLowerCase())
      throw new Error(`${fullName(t.fork)} exists but is not a fork of ${fullName(t.upstream)}`);
    return;
  }
  const org = viewer && viewer.toLowerCase() === t.fork.owner.toLowerCase() ? undefined : t.fork.owner;
  await createFork(gh, t.upstream, org);
  done.push(`asked GitHub to create the fork ${fullName(t.fork)}`);
  for (const ms of [0, ...(o.forkWaitsMs ?? [1000, 2000, 4000, 8000])]) {
    if (ms) await (o.sleep ?? defaultSleep)(ms);
    if ((await getRepo(gh, t.fork)) && (await branchSha(gh, t.fork, t.base))) return;
  }
  throw new Error(`GitHub is still creating the fork ${fullName(t.fork)}; run it again in a minute`);
}

async function writeFile(gh: GitHub, t: TargetPlan, path: string, after: string, message: string) {
  for (let attempt = 0; ; attempt++) {
    const at = await getFile(gh, t.fork, path, t.branch);
    if (at?.content === after) return false;
    try {
      await putFile(gh, t.fork, {
        path,
        branch: t.branch,
        content: after,
        message,
        ...(at ? { sha: at.sha } : {}),
      });
      return true;
    } catch (err) {
      // 409: the file moved under us (or an earlier attempt landed); 422: its sha was not sent.
      const s = statusOf(err);
      if (attempt > 0 || (s !== 409 && s !== 422)) throw err;
    }
  }
}

async function ensurePull(
  gh: GitHub,
  t: TargetPlan,
): Promise<{ pull: PullInfo; created: boolean; edited: boolean }> {
  const open = await findOpenPull(gh, t.upstream, t.fork.owner, t.branch, t.base);
  if (open) {
    if (open.title === t.title && open.body === t.body) return { pull: open, created: false, edited: false };
    return { pull: await updatePull(gh, t.upstream, open.number, t), created: false, edited: true };
  }
  try {
    const pull = await createPull(gh, t.upstream, {
      title: t.title,
      body: t.body,
      head: `${t.fork.owner}:${t.branch}`,
      base: t.base,
    });
    return { pull, created: true, edited: false };
  } catch (err) {
    // An attempt whose answer was lost (a timeout, then the retry) opened it: adopt that one. It
    // did not exist when this run looked, so this run opened it.
    if (statusOf(err) !== 422) throw err;
    const again = await findOpenPull(gh, t.upstream, t.fork.owner, t.branch, t.base);
    if (!again) throw err;
    return { pull: again, created: true, edited: false };
  }
}

/** Brings one target to its plan. Never throws: a failure is a result naming what was done. */
export async function runTarget(
  deps: Deps,
  t: TargetPlan,
  viewer: string | undefined,
  o: RunOptions = {},
): Promise<TargetResult> {
  const gh = deps.github;
  const repo = fullName(t.upstream);
  const done: string[] = [];
  let commits = 0;
  if (t.error) return { key: t.key, repo, outcome: 'failed', commits, done, error: t.error };
  if (t.upToDate) return { key: t.key, repo, outcome: 'up_to_date', commits, done };
  try {
    const base = await branchSha(gh, t.upstream, t.base);
    if (!base) throw new Error(`${repo} has no branch ${t.base}`);
    await ensureFork(gh, t, viewer, o, done);
    let head = await branchSha(gh, t.fork, t.branch);
    const open = await findOpenPull(gh, t.upstream, t.fork.owner, t.branch, t.base);
    if (!head) {
      try {
        await createBranch(gh, t.fork, t.branch, base);
        done.push(`created the branch ${t.branch}`);
      } catch (err) {
        if (statusOf(err) !== 422) throw err;
      }
      head = await branchSha(gh, t.fork, t.branch);
    } else if (!open) {
      // No open pull request uses the branch: start it again from upstream, unless it already holds the files.
      const stale = [];
      for (const f of t.files)
        if ((await getFile(gh, t.fork, f.path, t.branch))?.content !== f.after) stale.push(f);
      if (stale.length) {
        await moveBranch(gh, t.fork, t.branch, base, true);
        done.push(`reset the branch ${t.branch} to ${t.base}`);
      }
    }
    for (const f of t.files) {
      const message = `${f.before ? 'Update' : 'Add'} ${f.path} for v${t.branch.replace(/^.*?(\d+\.\d+)$/, '$1')}`;
      if (await writeFile(gh, t, f.path, f.after, message)) {
        commits += 1;
        done.push(`committed ${f.path}`);
      }
    }
    const { pull, created, edited } = await ensurePull(gh, t);
    done.push(created ? `opened PR #${pull.number}` : `found PR #${pull.number}`);
    const headSha = await branchSha(gh, t.fork, t.branch);
    const outcome: Outcome = created ? 'opened' : commits || edited ? 'updated' : 'unchanged';
    return { key: t.key, repo, outcome, pull, ...(headSha ? { headSha } : {}), commits, done };
  } catch (err) {
    deps.log.warn({ err, repo }, 'shadows: write-back failed');
    return { key: t.key, repo, outcome: 'failed', commits, done, error: errorText(err) };
  }
}
