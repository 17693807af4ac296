import type { Deps } from '../../deps';
import { type PickRow, PickStore } from '../store';

/**
 * What the read-only /release page (src/insight/page.ts) asks the cherry-pick feature: the queue,
 * i.e. open picks waiting for a decision and approved picks not merged yet, per release branch.
 * Plain data (the page escapes every text itself).
 */

export interface QueuedPick {
  repo: string;
  number: number;
  title: string;
  author: string;
  url: string;
  branch: string;
  /** 'pending' (includes a decision in progress or one that failed and may be retried), or 'approved'. */
  status: 'pending' | 'approved';
  /** When the PR was opened (ISO). */
  openedAt: string;
  /** For approved picks: when (ISO). */
  decidedAt?: string;
  /** An approval or rejection that failed part-way (shown so nobody thinks it went through). */
  failed?: boolean;
}

function toQueued(r: PickRow, status: QueuedPick['status']): QueuedPick {
  return {
    repo: r.repo,
    number: r.number,
    title: r.snapshot.title,
    author: r.snapshot.author,
    url: r.snapshot.htmlUrl,
    branch: r.base,
    status,
    openedAt: r.prCreatedAt,
    ...(r.decidedAt ? { decidedAt: r.decidedAt } : {}),
    ...(r.state === 'failed' ? { failed: true } : {}),
  };
}

/** The queue, oldest first: pending picks, then approved ones still open (not merged). */
export function cherryPickQueue(deps: Deps): QueuedPick[] {
  const store = new PickStore(deps.db);
  const pending = store.pending().map((r) => toQueued(r, 'pending'));
  const approved = (
    deps.db
      .prepare(
        `SELECT repo, number FROM cherrypicks WHERE pr_state = 'open' AND state = 'approved'
         ORDER BY pr_created_at, repo, number`,
      )
      .all() as { repo: string; number: number }[]
  )
    .map((k) => {
      const [owner = '', repo = ''] = k.repo.split('/');
      return store.get({ owner, repo, number: k.number });
    })
    .filter((r): r is PickRow => r !== undefined)
    .map((r) => toQueued(r, 'approved'));
  return [...pending, ...approved];
}
