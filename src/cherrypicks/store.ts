import { randomUUID } from 'node:crypto';
import type { Db } from '../db';
import type { PullSnapshot } from './gates';
import type { PrRef } from './refs';

/**
 * The cherry-pick rows and their state machine in SQLite. Every transition is one conditional
 * UPDATE (better-sqlite3 is synchronous, and SQLite serialises writers), so of any number of
 * concurrent clicks exactly one claims a transition; only the holder of the claim id may finish it.
 */

export type PickState = 'pending' | 'approving' | 'approved' | 'rejecting' | 'rejected' | 'failed';
export type PickAction = 'approve' | 'reject';

export interface PickRow {
  repo: string;
  number: number;
  snapshot: PullSnapshot;
  base: string;
  prState: 'open' | 'closed' | 'merged';
  prCreatedAt: string;
  prUpdatedAt: string;
  state: PickState;
  action: PickAction | null;
  actor: string | null;
  claimId: string | null;
  claimedAt: string | null;
  reason: string | null;
  labelDone: boolean;
  commentDone: boolean;
  commentAttempts: number;
  decidedAt: string | null;
  dryRun: boolean;
  error: string | null;
  failures: number;
  cardChannel: string | null;
  cardTs: string | null;
  cardHash: string | null;
  firstSeenAt: string;
}

export interface AuditRow {
  id: number;
  repo: string;
  number: number;
  at: string;
  actor: string | null;
  action: string;
  detail: string | null;
  dryRun: boolean;
}

interface RawRow {
  repo: string;
  number: number;
  snapshot: string;
  base: string;
  pr_state: string;
  pr_created_at: string;
  pr_updated_at: string;
  state: string;
  action: string | null;
  actor: string | null;
  claim_id: string | null;
  claimed_at: string | null;
  reason: string | null;
  label_done: number;
  comment_done: number;
  comment_attempts: number;
  decided_at: string | null;
  dry_run: number;
  error: string | null;
  failures: number;
  card_channel: string | null;
  card_ts: string | null;
  card_hash: string | null;
  first_seen_at: string;
}

function fromRaw(r: RawRow): PickRow {
  return {
    repo: r.repo,
    number: r.number,
    snapshot: JSON.parse(r.snapshot) as PullSnapshot,
    base: r.base,
    prState: r.pr_state as PickRow['prState'],
    prCreatedAt: r.pr_created_at,
    prUpdatedAt: r.pr_updated_at,
    state: r.state as PickState,
    action: r.action as PickAction | null,
    actor: r.actor,
    claimId: r.claim_id,
    claimedAt: r.claimed_at,
    reason: r.reason,
    labelDone: r.label_done === 1,
    commentDone: r.comment_done === 1,
    commentAttempts: r.comment_attempts,
    decidedAt: r.decided_at,
    dryRun: r.dry_run === 1,
    error: r.error,
    failures: r.failures,
    cardChannel: r.card_channel,
    cardTs: r.card_ts,
    cardHash: r.card_hash,
    firstSeenAt: r.first_seen_at,
  };
}

export const prStateOf = (s: PullSnapshot): PickRow['prState'] =>
  s.merged ? 'merged' : s.state === 'open' ? 'open' : 'closed';

export class PickStore {
  constructor(private readonly db: Db) {}

  get(ref: { owner: string; repo: string; number: number }): PickRow | undefined {
    const raw = this.db
      .prepare('SELECT * FROM cherrypicks WHERE repo = ? AND number = ?')
      .get(`${ref.owner}/${ref.repo}`, ref.number) as RawRow | undefined;
    return raw ? fromRaw(raw) : undefined;
  }

  /** Inserts or refreshes the PR snapshot (and its originals); the decision state is untouched. */
  upsertSnapshot(s: PullSnapshot, now: string): PickRow {
    const repo = `${s.owner}/${s.repo}`;
    const json = JSON.stringify(s);
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO cherrypicks (repo, number, snapshot, base, pr_state, pr_created_at, pr_updated_at, first_seen_at, refreshed_at)
           VALUES (@repo, @number, @json, @base, @prState, @created, @updated, @now, @now)
           ON CONFLICT (repo, number) DO UPDATE SET snapshot = @json, base = @base, pr_state = @prState,
             pr_created_at = @created, pr_updated_at = @updated, refreshed_at = @now`,
        )
        .run({
          repo,
          number: s.number,
          json,
          base: s.base,
          prState: prStateOf(s),
          created: s.createdAt,
          updated: s.updatedAt,
          now,
        });
      this.db.prepare('DELETE FROM cherrypick_originals WHERE repo = ? AND number = ?').run(repo, s.number);
      const ins = this.db.prepare(
        'INSERT OR IGNORE INTO cherrypick_originals (repo, original, number) VALUES (?, ?, ?)',
      );
      for (const o of s.originals) ins.run(repo, o, s.number);
    })();
    return this.get(s)!;
  }

  /**
   * Claims `action` on a PR for `actor`. Allowed from `pending`, from `failed` of the same action
   * (Retry), and from a claim of the same action older than `staleBefore` (a crash mid-way).
   */
  claim(ref: PrRef, action: PickAction, actor: string, now: string, staleBefore: string): string | undefined {
    const claimId = randomUUID();
    const busy = action === 'approve' ? 'approving' : 'rejecting';
    const res = this.db
      .prepare(
        `UPDATE cherrypicks SET state = @busy, action = @action, actor = @actor, claim_id = @claimId, claimed_at = @now
         WHERE repo = @repo AND number = @number AND pr_state = 'open' AND (
           state = 'pending'
           OR (state = 'failed' AND action = @action)
           OR (state = @busy AND claimed_at < @staleBefore))`,
      )
      .run({
        busy,
        action,
        actor,
        claimId,
        now,
        staleBefore,
        repo: `${ref.owner}/${ref.repo}`,
        number: ref.number,
      });
    return res.changes === 1 ? claimId : undefined;
  }

  /** Gives a claim back (nothing was written to GitHub): the PR is pending again. */
  release(ref: PrRef, claimId: string): boolean {
    const res = this.db
      .prepare(
        `UPDATE cherrypicks SET state = 'pending', action = NULL, actor = NULL, claim_id = NULL, claimed_at = NULL,
           error = NULL WHERE repo = ? AND number = ? AND claim_id = ? AND state IN ('approving', 'rejecting')`,
      )
      .run(`${ref.owner}/${ref.repo}`, ref.number, claimId);
    return res.changes === 1;
  }

  markLabel(ref: PrRef, claimId: string): void {
    this.db
      .prepare('UPDATE cherrypicks SET label_done = 1 WHERE repo = ? AND number = ? AND claim_id = ?')
      .run(`${ref.owner}/${ref.repo}`, ref.number, claimId);
  }

  /** Counted before the comment POST, so a later attempt knows it must look for the marker first. */
  noteCommentAttempt(ref: PrRef): void {
    this.db
      .prepare('UPDATE cherrypicks SET comment_attempts = comment_attempts + 1 WHERE repo = ? AND number = ?')
      .run(`${ref.owner}/${ref.repo}`, ref.number);
  }

  markComment(ref: PrRef, claimId: string): void {
    this.db
      .prepare('UPDATE cherrypicks SET comment_done = 1 WHERE repo = ? AND number = ? AND claim_id = ?')
      .run(`${ref.owner}/${ref.repo}`, ref.number, claimId);
  }

  setReason(ref: PrRef, claimId: string, reason: string): void {
    this.db
      .prepare('UPDATE cherrypicks SET reason = ? WHERE repo = ? AND number = ? AND claim_id = ?')
      .run(reason, `${ref.owner}/${ref.repo}`, ref.number, claimId);
  }

  /** Finishes a claimed action and writes its audit record, in one transaction. */
  complete(ref: PrRef, claimId: string, opts: { now: string; dryRun: boolean; detail: string }): boolean {
    return this.db.transaction(() => {
      const row = this.get(ref);
      if (!row || row.claimId !== claimId || (row.state !== 'approving' && row.state !== 'rejecting'))
        return false;
      const final = row.state === 'approving' ? 'approved' : 'rejected';
      this.db
        .prepare(
          `UPDATE cherrypicks SET state = ?, decided_at = ?, dry_run = ?, error = NULL, claim_id = NULL
           WHERE repo = ? AND number = ?`,
        )
        .run(final, opts.now, opts.dryRun ? 1 : 0, row.repo, row.number);
      this.audit(ref, opts.now, row.actor, final, opts.detail, opts.dryRun);
      return true;
    })();
  }

  /** Records a failed attempt: the card offers Retry; what was already done stays done. */
  fail(ref: PrRef, claimId: string, opts: { now: string; error: string }): boolean {
    return this.db.transaction(() => {
      const row = this.get(ref);
      if (!row || row.claimId !== claimId) return false;
      this.db
        .prepare(
          `UPDATE cherrypicks SET state = 'failed', error = ?, failures = failures + 1, claim_id = NULL
           WHERE repo = ? AND number = ?`,
        )
        .run(opts.error.slice(0, 500), row.repo, row.number);
      this.audit(ref, opts.now, row.actor, `${row.action}_failed`, opts.error.slice(0, 500), false);
      return true;
    })();
  }

  /**
   * Claims older than `staleBefore` belong to a process that died mid-way: they become `failed`
   * ("interrupted") so the card offers Retry, which resumes safely (label is idempotent, the
   * comment is guarded by its marker). Returns the PRs changed.
   */
  expireClaims(staleBefore: string, now: string): PrRef[] {
    const stale = this.db
      .prepare(
        "SELECT repo, number, claim_id FROM cherrypicks WHERE state IN ('approving', 'rejecting') AND claimed_at < ?",
      )
      .all(staleBefore) as Array<{ repo: string; number: number; claim_id: string }>;
    const out: PrRef[] = [];
    for (const r of stale) {
      const [owner, repo] = r.repo.split('/') as [string, string];
      const ref = { owner, repo, number: r.number };
      if (this.fail(ref, r.claim_id, { now, error: 'interrupted before it finished (relbot restarted)' }))
        out.push(ref);
    }
    return out;
  }

  /**
   * A pending PR that got the approval label on GitHub (Prow or a human): approved there. A failed
   * approval is left alone: its Retry finishes relbot's own approval (and its comment).
   */
  markApprovedOnGitHub(ref: PrRef, now: string, label: string): boolean {
    return this.db.transaction(() => {
      const res = this.db
        .prepare(
          `UPDATE cherrypicks SET state = 'approved', action = 'approve', actor = NULL, decided_at = ?,
             label_done = 1, error = NULL WHERE repo = ? AND number = ? AND state = 'pending'`,
        )
        .run(now, `${ref.owner}/${ref.repo}`, ref.number);
      if (res.changes === 1)
        this.audit(ref, now, null, 'approved_on_github', `label ${label} present`, false);
      return res.changes === 1;
    })();
  }

  setCard(ref: PrRef, channel: string, ts: string, hash: string): void {
    this.db
      .prepare(
        'UPDATE cherrypicks SET card_channel = ?, card_ts = ?, card_hash = ? WHERE repo = ? AND number = ?',
      )
      .run(channel, ts, hash, `${ref.owner}/${ref.repo}`, ref.number);
  }

  audit(
    ref: PrRef,
    at: string,
    actor: string | null,
    action: string,
    detail: string | null,
    dryRun: boolean,
  ) {
    this.db
      .prepare(
        'INSERT INTO cherrypick_audit (repo, number, at, actor, action, detail, dry_run) VALUES (?, ?, ?, ?, ?, ?, ?)',
      )
      .run(`${ref.owner}/${ref.repo}`, ref.number, at, actor, action, detail, dryRun ? 1 : 0);
  }

  auditOf(ref: PrRef): AuditRow[] {
    const rows = this.db
      .prepare('SELECT * FROM cherrypick_audit WHERE repo = ? AND number = ? ORDER BY id')
      .all(`${ref.owner}/${ref.repo}`, ref.number) as Array<{
      id: number;
      repo: string;
      number: number;
      at: string;
      actor: string | null;
      action: string;
      detail: string | null;
      dry_run: number;
    }>;
    return rows.map((r) => ({ ...r, dryRun: r.dry_run === 1 }));
  }

  /** Other tracked picks of the same original PR(s), newest branch first. */
  siblings(row: PickRow): PickRow[] {
    const raws = this.db
      .prepare(
        `SELECT DISTINCT c.* FROM cherrypick_originals o
         JOIN cherrypick_originals s ON s.repo = o.repo AND s.original = o.original AND s.number != o.number
         JOIN cherrypicks c ON c.repo = s.repo AND c.number = s.number
         WHERE o.repo = ? AND o.number = ?`,
      )
      .all(row.repo, row.number) as RawRow[];
    return raws.map(fromRaw).sort((a, b) => compareBranches(b.base, a.base) || a.number - b.number);
  }

  /**
   * Open picks that still wait for a decision, oldest PR first. Through the index of open picks
   * (`+base`: never the index on `base`, which would walk a branch's whole history).
   */
  pending(branch?: string): PickRow[] {
    const raws = this.db
      .prepare(
        `SELECT * FROM cherrypicks WHERE pr_state = 'open' AND state IN ('pending', 'failed', 'approving', 'rejecting')
         ${branch ? 'AND +base = ?' : ''} ORDER BY pr_created_at, repo, number`,
      )
      .all(...(branch ? [branch] : [])) as RawRow[];
    return raws.map(fromRaw);
  }

  /** Every branch relbot has tracked a pick on (in any state). */
  branches(): string[] {
    return (this.db.prepare('SELECT DISTINCT base FROM cherrypicks').all() as Array<{ base: string }>).map(
      (r) => r.base,
    );
  }

  /** Open tracked picks (discovery re-checks the ones search no longer returns). */
  openKeys(): Array<{ repo: string; number: number }> {
    return this.db.prepare("SELECT repo, number FROM cherrypicks WHERE pr_state = 'open'").all() as Array<{
      repo: string;
      number: number;
    }>;
  }
}

/** release-1.36 vs release-1.9: by version numbers, then text. */
export function compareBranches(a: string, b: string): number {
  const va = /(\d+)\.(\d+)/.exec(a);
  const vb = /(\d+)\.(\d+)/.exec(b);
  if (va && vb) return Number(va[1]) - Number(vb[1]) || Number(va[2]) - Number(vb[2]);
  return a.localeCompare(b);
}
