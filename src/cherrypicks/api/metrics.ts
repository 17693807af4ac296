import type { Deps } from '../../deps';

/**
 * What the per-cycle metrics (src/insight/) read from the cherry-pick feature: each tracked pick
 * with the instants of its request, its decision (the first decision row of its audit) and its
 * merge. Plain data from SQLite (migration 003).
 */

export interface PickRecord {
  /** owner/name#N */
  pr: string;
  branch: string;
  /** When the cherry-pick PR was opened on GitHub: the request. */
  requestedAt: string;
  decision?: 'approved' | 'rejected';
  /** The first `approved`, `approved_on_github` or `rejected` audit row. */
  decidedAt?: string;
  /** Approved by a label put on GitHub, not through relbot. */
  onGitHub: boolean;
  /** Decided while relbot was in dry run (nothing was written to GitHub). */
  dryRun: boolean;
  prState: 'open' | 'closed' | 'merged';
  /**
   * For a merged PR: GitHub's updated_at in the snapshot relbot read when it saw the PR merged
   * (relbot stops re-reading merged PRs, so this is the merge, or an event minutes after it).
   */
  mergedAt?: string;
  /** Decision attempts that failed on GitHub (`approve_failed` / `reject_failed` audit rows). */
  failedAttempts: number;
}

/** The picks requested in [from, to) (ISO instants), oldest request first. */
export function pickRecords(deps: Deps, from: string, to: string): PickRecord[] {
  const rows = deps.db
    .prepare(
      `SELECT c.repo, c.number, c.base, c.pr_created_at, c.pr_updated_at, c.pr_state,
         (SELECT a.action FROM cherrypick_audit a WHERE a.repo = c.repo AND a.number = c.number
            AND a.action IN ('approved', 'approved_on_github', 'rejected') ORDER BY a.id LIMIT 1) AS decision,
         (SELECT a.at FROM cherrypick_audit a WHERE a.repo = c.repo AND a.number = c.number
            AND a.action IN ('approved', 'approved_on_github', 'rejected') ORDER BY a.id LIMIT 1) AS decided_at,
         (SELECT a.dry_run FROM cherrypick_audit a WHERE a.repo = c.repo AND a.number = c.number
            AND a.action IN ('approved', 'approved_on_github', 'rejected') ORDER BY a.id LIMIT 1) AS dry_run,
         (SELECT COUNT(*) FROM cherrypick_audit a WHERE a.repo = c.repo AND a.number = c.number
            AND a.action IN ('approve_failed', 'reject_failed')) AS failed
       FROM cherrypicks c WHERE c.pr_created_at >= ? AND c.pr_created_at < ?
       ORDER BY c.pr_created_at, c.repo, c.number`,
    )
    .all(from, to) as Array<{
    repo: string;
    number: number;
    base: string;
    pr_created_at: string;
    pr_updated_at: string;
    pr_state: PickRecord['prState'];
    decision: string | null;
    decided_at: string | null;
    dry_run: number | null;
    failed: number;
  }>;
  return rows.map((r) => ({
    pr: `${r.repo}#${r.number}`,
    branch: r.base,
    requestedAt: r.pr_created_at,
    ...(r.decision
      ? { decision: r.decision === 'rejected' ? ('rejected' as const) : ('approved' as const) }
      : {}),
    ...(r.decided_at ? { decidedAt: r.decided_at } : {}),
    onGitHub: r.decision === 'approved_on_github',
    dryRun: r.dry_run === 1,
    prState: r.pr_state,
    ...(r.pr_state === 'merged' ? { mergedAt: r.pr_updated_at } : {}),
    failedAttempts: r.failed,
  }));
}
