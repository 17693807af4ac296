import type { Db } from '../db';

/**
 * SQLite state of the roster and user-group pull requests (migration 012): one ledger row per
 * (cycle, upstream repo) with the pull request and the head commit relbot last left, a claim so
 * that of many concurrent Confirm clicks one writes, and an audit row per run and repo.
 */

export type WriteBackState = 'pending' | 'done' | 'up_to_date' | 'failed';

export interface WriteBackRow {
  cycleId: number;
  repo: string;
  branch: string;
  state: WriteBackState;
  prNumber?: number;
  prUrl?: string;
  headSha?: string;
  error?: string;
  claimedBy?: string;
  claimedAt?: string;
  updatedBy?: string;
  updatedAt: string;
}

interface RawRow {
  cycle_id: number;
  repo: string;
  branch: string;
  state: WriteBackState;
  pr_number: number | null;
  pr_url: string | null;
  head_sha: string | null;
  error: string | null;
  claimed_by: string | null;
  claimed_at: string | null;
  updated_by: string | null;
  updated_at: string;
}

function toRow(r: RawRow): WriteBackRow {
  return {
    cycleId: r.cycle_id,
    repo: r.repo,
    branch: r.branch,
    state: r.state,
    ...(r.pr_number !== null ? { prNumber: r.pr_number } : {}),
    ...(r.pr_url !== null ? { prUrl: r.pr_url } : {}),
    ...(r.head_sha !== null ? { headSha: r.head_sha } : {}),
    ...(r.error !== null ? { error: r.error } : {}),
    ...(r.claimed_by !== null ? { claimedBy: r.claimed_by } : {}),
    ...(r.claimed_at !== null ? { claimedAt: r.claimed_at } : {}),
    ...(r.updated_by !== null ? { updatedBy: r.updated_by } : {}),
    updatedAt: r.updated_at,
  };
}

export class WriteBackStore {
  constructor(private readonly db: Db) {}

  rows(cycleId: number): WriteBackRow[] {
    return (
      this.db
        .prepare('SELECT * FROM shadow_write_back WHERE cycle_id = ? ORDER BY repo')
        .all(cycleId) as RawRow[]
    ).map(toRow);
  }

  row(cycleId: number, repo: string): WriteBackRow | undefined {
    const r = this.db
      .prepare('SELECT * FROM shadow_write_back WHERE cycle_id = ? AND repo = ?')
      .get(cycleId, repo) as RawRow | undefined;
    return r ? toRow(r) : undefined;
  }

  /**
   * Claims every repo of a run for `by`, in one IMMEDIATE transaction: all or none. A claim older
   * than `staleBefore` (a run that crashed) can be taken over. Returns the holder when refused.
   */
  claim(
    cycleId: number,
    targets: Array<{ repo: string; branch: string }>,
    by: string,
    now: string,
    staleBefore: string,
  ): { ok: true } | { ok: false; holder: string; since: string } {
    return this.db
      .transaction(() => {
        for (const t of targets) {
          const cur = this.row(cycleId, t.repo);
          if (cur?.claimedAt && cur.claimedAt >= staleBefore)
            return { ok: false as const, holder: cur.claimedBy ?? '?', since: cur.claimedAt };
        }
        for (const t of targets)
          this.db
            .prepare(
              `INSERT INTO shadow_write_back (cycle_id, repo, branch, state, claimed_by, claimed_at, updated_at)
               VALUES (?, ?, ?, 'pending', ?, ?, ?)
               ON CONFLICT (cycle_id, repo) DO UPDATE SET claimed_by = excluded.claimed_by,
                 claimed_at = excluded.claimed_at, branch = excluded.branch`,
            )
            .run(cycleId, t.repo, t.branch, by, now, now);
        return { ok: true as const };
      })
      .immediate();
  }

  /** Records where a repo's run ended (releasing its claim) and its audit row. */
  finish(
    cycleId: number,
    repo: string,
    r: {
      state: WriteBackState;
      outcome: string;
      prNumber?: number;
      prUrl?: string;
      headSha?: string;
      error?: string;
    },
    by: string,
    now: string,
  ): void {
    this.db.transaction(() => {
      this.db
        .prepare(
          `UPDATE shadow_write_back SET state = ?, pr_number = COALESCE(?, pr_number), pr_url = COALESCE(?, pr_url),
             head_sha = COALESCE(?, head_sha), error = ?, claimed_by = NULL, claimed_at = NULL,
             updated_by = ?, updated_at = ?
           WHERE cycle_id = ? AND repo = ?`,
        )
        .run(
          r.state,
          r.prNumber ?? null,
          r.prUrl ?? null,
          r.headSha ?? null,
          r.error ?? null,
          by,
          now,
          cycleId,
          repo,
        );
      this.db
        .prepare(
          `INSERT INTO shadow_write_back_runs (cycle_id, repo, by, at, outcome, pr_number, head_sha, detail)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(cycleId, repo, by, now, r.outcome, r.prNumber ?? null, r.headSha ?? null, r.error ?? null);
    })();
  }

  /** The audit of a cycle's runs, oldest first. */
  runs(cycleId: number): Array<{ repo: string; by: string; at: string; outcome: string; prNumber?: number }> {
    return (
      this.db
        .prepare(
          'SELECT repo, by, at, outcome, pr_number AS prNumber FROM shadow_write_back_runs WHERE cycle_id = ? ORDER BY id',
        )
        .all(cycleId) as Array<{
        repo: string;
        by: string;
        at: string;
        outcome: string;
        prNumber: number | null;
      }>
    ).map((r) => ({ ...r, prNumber: r.prNumber ?? undefined }));
  }
}
