import { randomUUID } from 'node:crypto';
import type { Db } from '../db';
import type { PrRef } from './refs';

/**
 * The freeze ledger in SQLite (migration 010). Each PR of a freeze is a row whose GitHub writes are
 * claimed with one conditional UPDATE, like a pick's approval (store.ts): of any number of
 * concurrent Confirm clicks exactly one removes a PR's label, and only the claim holder finishes it.
 * A claim older than the timeout belongs to a process that died; it may be taken over, and the
 * steps it recorded as done are not repeated.
 */

export type FreezePrState =
  | 'pending'
  | 'removing'
  | 'removed'
  | 'failed'
  | 'dropped'
  | 'restoring'
  | 'restored'
  | 'restore_failed'
  | 'kept';

export interface Freeze {
  id: number;
  branch: string;
  release: string | null;
  state: 'active' | 'lifted';
  actor: string;
  frozenAt: string;
  previewId: string | null;
  liftedBy: string | null;
  liftingAt: string | null;
  liftedAt: string | null;
  dryRun: boolean;
}

export interface FreezePr {
  freezeId: number;
  repo: string;
  number: number;
  reasons: string[];
  state: FreezePrState;
  claimId: string | null;
  claimedAt: string | null;
  actor: string | null;
  labelRemoved: boolean;
  commentDone: boolean;
  commentAttempts: number;
  labelRestored: boolean;
  restoreCommentDone: boolean;
  restoreCommentAttempts: number;
  error: string | null;
  removedAt: string | null;
  restoredAt: string | null;
}

export interface Preview {
  id: string;
  kind: 'freeze' | 'unfreeze';
  branch: string;
  /** The freeze an unfreeze preview is for. */
  freezeId: number | null;
  actor: string;
  keys: string[];
  createdAt: string;
}

type Raw = Record<string, unknown>;

function freezeOf(r: Raw): Freeze {
  return {
    id: r.id as number,
    branch: r.branch as string,
    release: (r.release as string | null) ?? null,
    state: r.state as Freeze['state'],
    actor: r.actor as string,
    frozenAt: r.frozen_at as string,
    previewId: (r.preview_id as string | null) ?? null,
    liftedBy: (r.lifted_by as string | null) ?? null,
    liftingAt: (r.lifting_at as string | null) ?? null,
    liftedAt: (r.lifted_at as string | null) ?? null,
    dryRun: r.dry_run === 1,
  };
}

function prOf(r: Raw): FreezePr {
  return {
    freezeId: r.freeze_id as number,
    repo: r.repo as string,
    number: r.number as number,
    reasons: JSON.parse(r.reasons as string) as string[],
    state: r.state as FreezePrState,
    claimId: (r.claim_id as string | null) ?? null,
    claimedAt: (r.claimed_at as string | null) ?? null,
    actor: (r.actor as string | null) ?? null,
    labelRemoved: r.label_removed === 1,
    commentDone: r.comment_done === 1,
    commentAttempts: r.comment_attempts as number,
    labelRestored: r.label_restored === 1,
    restoreCommentDone: r.restore_comment_done === 1,
    restoreCommentAttempts: r.restore_comment_attempts as number,
    error: (r.error as string | null) ?? null,
    removedAt: (r.removed_at as string | null) ?? null,
    restoredAt: (r.restored_at as string | null) ?? null,
  };
}

const repoOfRef = (ref: PrRef) => `${ref.owner}/${ref.repo}`;

/**
 * The step a claim is for: the state while it runs, the states it may start from (SQL), and how
 * it ends. A restore also starts from a removal that failed after the label was off, and from a
 * removal whose process died (the label may be off: adding it back is a no-op if it is not).
 */
const CLAIMS = {
  remove: {
    busy: 'removing',
    from: "state IN ('pending', 'failed') OR (state = 'removing' AND claimed_at < @staleBefore)",
    done: 'removed',
    failed: 'failed',
  },
  restore: {
    busy: 'restoring',
    from:
      "state IN ('removed', 'restore_failed') OR (state = 'failed' AND label_removed = 1) OR " +
      "(state IN ('removing', 'restoring') AND claimed_at < @staleBefore)",
    done: 'restored',
    failed: 'restore_failed',
  },
} as const;
export type FreezeStep = keyof typeof CLAIMS;

export class FreezeStore {
  constructor(private readonly db: Db) {}

  // ------------------------------------------------------------------------------ previews

  /** Saves a preview under the next id (`p1`, `p2`, …: a Confirm button names it; not a secret). */
  savePreview(p: Omit<Preview, 'id'>): Preview {
    return this.db.transaction(() => {
      const n = this.db.prepare('SELECT COUNT(*) AS n FROM cherrypick_freeze_previews').get() as {
        n: number;
      };
      const id = `p${n.n + 1}`;
      this.db
        .prepare(
          'INSERT INTO cherrypick_freeze_previews (id, kind, branch, freeze_id, actor, keys, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
        )
        .run(id, p.kind, p.branch, p.freezeId, p.actor, JSON.stringify(p.keys), p.createdAt);
      return { id, ...p };
    })();
  }

  preview(id: string): Preview | undefined {
    const r = this.db.prepare('SELECT * FROM cherrypick_freeze_previews WHERE id = ?').get(id) as
      | Raw
      | undefined;
    if (!r) return undefined;
    return {
      id: r.id as string,
      kind: r.kind as Preview['kind'],
      branch: r.branch as string,
      freezeId: (r.freeze_id as number | null) ?? null,
      actor: r.actor as string,
      keys: JSON.parse(r.keys as string) as string[],
      createdAt: r.created_at as string,
    };
  }

  // ------------------------------------------------------------------------------- freezes

  active(branch: string): Freeze | undefined {
    const r = this.db
      .prepare("SELECT * FROM cherrypick_freezes WHERE branch = ? AND state = 'active'")
      .get(branch) as Raw | undefined;
    return r ? freezeOf(r) : undefined;
  }

  byPreview(previewId: string): Freeze | undefined {
    const r = this.db.prepare('SELECT * FROM cherrypick_freezes WHERE preview_id = ?').get(previewId) as
      | Raw
      | undefined;
    return r ? freezeOf(r) : undefined;
  }

  get(id: number): Freeze | undefined {
    const r = this.db.prepare('SELECT * FROM cherrypick_freezes WHERE id = ?').get(id) as Raw | undefined;
    return r ? freezeOf(r) : undefined;
  }

  /**
   * The branch's active freeze, created from `previewId` if there is none, with `prs` added to it
   * (a PR already in it keeps its row). One transaction: of concurrent confirms one creates it.
   */
  openFreeze(
    f: {
      branch: string;
      release: string | null;
      actor: string;
      now: string;
      previewId: string;
      dryRun: boolean;
    },
    prs: Array<{ ref: PrRef; reasons: string[] }>,
  ): { freeze: Freeze; created: boolean } {
    return this.db.transaction(() => {
      let freeze = this.active(f.branch);
      let created = false;
      if (!freeze) {
        this.db
          .prepare(
            `INSERT INTO cherrypick_freezes (branch, release, state, actor, frozen_at, preview_id, dry_run)
             VALUES (?, ?, 'active', ?, ?, ?, ?)`,
          )
          .run(f.branch, f.release, f.actor, f.now, f.previewId, f.dryRun ? 1 : 0);
        freeze = this.active(f.branch)!;
        created = true;
      }
      const ins = this.db.prepare(
        `INSERT OR IGNORE INTO cherrypick_freeze_prs (freeze_id, repo, number, reasons) VALUES (?, ?, ?, ?)`,
      );
      // A pending row not yet worked on takes the newest reasons.
      const upd = this.db.prepare(
        "UPDATE cherrypick_freeze_prs SET reasons = ? WHERE freeze_id = ? AND repo = ? AND number = ? AND state IN ('pending', 'failed') AND label_removed = 0",
      );
      for (const p of prs) {
        const reasons = JSON.stringify(p.reasons);
        ins.run(freeze.id, repoOfRef(p.ref), p.ref.number, reasons);
        upd.run(reasons, freeze.id, repoOfRef(p.ref), p.ref.number);
      }
      return { freeze, created };
    })();
  }

  /** Records that an unfreeze was confirmed (the first one wins the name and time). */
  markLifting(id: number, actor: string, now: string): void {
    this.db
      .prepare(
        'UPDATE cherrypick_freezes SET lifted_by = ?, lifting_at = ? WHERE id = ? AND lifting_at IS NULL',
      )
      .run(actor, now, id);
  }

  /** Lifts the freeze once no PR of it is left to put back; the branch may be frozen again. */
  liftIfDone(id: number, now: string): boolean {
    return this.db.transaction(() => {
      const left = this.db
        .prepare(
          "SELECT COUNT(*) AS n FROM cherrypick_freeze_prs WHERE freeze_id = ? AND state IN ('pending', 'removing', 'removed', 'failed', 'restoring', 'restore_failed')",
        )
        .get(id) as { n: number };
      if (left.n > 0) return false;
      const res = this.db
        .prepare(
          "UPDATE cherrypick_freezes SET state = 'lifted', lifted_at = ? WHERE id = ? AND state = 'active'",
        )
        .run(now, id);
      return res.changes === 1;
    })();
  }

  // ----------------------------------------------------------------------------- their PRs

  prs(freezeId: number): FreezePr[] {
    return (
      this.db
        .prepare('SELECT * FROM cherrypick_freeze_prs WHERE freeze_id = ? ORDER BY repo, number')
        .all(freezeId) as Raw[]
    ).map(prOf);
  }

  pr(freezeId: number, ref: PrRef): FreezePr | undefined {
    const r = this.db
      .prepare('SELECT * FROM cherrypick_freeze_prs WHERE freeze_id = ? AND repo = ? AND number = ?')
      .get(freezeId, repoOfRef(ref), ref.number) as Raw | undefined;
    return r ? prOf(r) : undefined;
  }

  /** The PR's row in an active freeze whose label is off (for its card), if any. */
  frozenRow(ref: PrRef): (FreezePr & { branch: string; release: string | null }) | undefined {
    const r = this.db
      .prepare(
        `SELECT p.*, f.branch AS f_branch, f.release AS f_release FROM cherrypick_freeze_prs p
         JOIN cherrypick_freezes f ON f.id = p.freeze_id
         WHERE f.state = 'active' AND p.repo = ? AND p.number = ? AND p.label_removed = 1
           AND p.state IN ('removing', 'removed', 'failed', 'restoring', 'restore_failed')`,
      )
      .get(repoOfRef(ref), ref.number) as Raw | undefined;
    return r
      ? { ...prOf(r), branch: r.f_branch as string, release: (r.f_release as string | null) ?? null }
      : undefined;
  }

  /**
   * Claims `step` on one PR of a freeze for `actor`: from its waiting states, or from a claim of
   * the same step older than `staleBefore` (a crash). Returns the claim id, or undefined.
   */
  claim(freezeId: number, ref: PrRef, step: FreezeStep, actor: string, now: string, staleBefore: string) {
    const c = CLAIMS[step];
    const claimId = randomUUID();
    const res = this.db
      .prepare(
        `UPDATE cherrypick_freeze_prs SET state = @busy, claim_id = @claimId, claimed_at = @now, actor = @actor
         WHERE freeze_id = @freezeId AND repo = @repo AND number = @number AND (${c.from})`,
      )
      .run({
        busy: c.busy,
        claimId,
        now,
        actor,
        freezeId,
        repo: repoOfRef(ref),
        number: ref.number,
        staleBefore,
      });
    return res.changes === 1 ? claimId : undefined;
  }

  /** Marks one step's progress (only for the claim holder). */
  mark(
    freezeId: number,
    ref: PrRef,
    claimId: string,
    what: 'label_removed' | 'comment_done' | 'label_restored' | 'restore_comment_done',
  ): void {
    this.db
      .prepare(
        `UPDATE cherrypick_freeze_prs SET ${what} = 1 WHERE freeze_id = ? AND repo = ? AND number = ? AND claim_id = ?`,
      )
      .run(freezeId, repoOfRef(ref), ref.number, claimId);
  }

  /** Counted before a comment POST, so a later attempt looks for the marker first. */
  noteCommentAttempt(freezeId: number, ref: PrRef, step: FreezeStep): void {
    const col = step === 'remove' ? 'comment_attempts' : 'restore_comment_attempts';
    this.db
      .prepare(
        `UPDATE cherrypick_freeze_prs SET ${col} = ${col} + 1 WHERE freeze_id = ? AND repo = ? AND number = ?`,
      )
      .run(freezeId, repoOfRef(ref), ref.number);
  }

  /** Finishes a claimed step with its audit row, in one transaction. */
  finish(
    freezeId: number,
    ref: PrRef,
    claimId: string,
    step: FreezeStep,
    opts: { now: string; audit: { action: string; detail: string; dryRun: boolean } },
  ): boolean {
    const c = CLAIMS[step];
    return this.db.transaction(() => {
      const at = step === 'remove' ? 'removed_at' : 'restored_at';
      const res = this.db
        .prepare(
          `UPDATE cherrypick_freeze_prs SET state = ?, ${at} = ?, claim_id = NULL, error = NULL
           WHERE freeze_id = ? AND repo = ? AND number = ? AND claim_id = ? AND state = ?`,
        )
        .run(c.done, opts.now, freezeId, repoOfRef(ref), ref.number, claimId, c.busy);
      if (res.changes !== 1) return false;
      this.audit(ref, opts.now, this.pr(freezeId, ref)!.actor, opts.audit);
      return true;
    })();
  }

  /** A failed step: what was done stays done; Confirm (or Unfreeze) again resumes it. */
  fail(freezeId: number, ref: PrRef, claimId: string, step: FreezeStep, now: string, error: string): boolean {
    const c = CLAIMS[step];
    return this.db.transaction(() => {
      const res = this.db
        .prepare(
          `UPDATE cherrypick_freeze_prs SET state = ?, error = ?, claim_id = NULL
           WHERE freeze_id = ? AND repo = ? AND number = ? AND claim_id = ?`,
        )
        .run(c.failed, error.slice(0, 500), freezeId, repoOfRef(ref), ref.number, claimId);
      if (res.changes !== 1) return false;
      this.audit(ref, now, this.pr(freezeId, ref)!.actor, {
        action: step === 'remove' ? 'freeze_failed' : 'unfreeze_failed',
        detail: error.slice(0, 500),
        dryRun: false,
      });
      return true;
    })();
  }

  /**
   * A PR that needs nothing (any more): `dropped` when its label was never removed (it became
   * ready, or was closed, before relbot got to it), `kept` when the freeze is lifted and it was
   * closed or merged meanwhile. Only from a waiting state, never from a claim in progress.
   */
  settle(freezeId: number, ref: PrRef, to: 'dropped' | 'kept', note: string): boolean {
    const from =
      to === 'dropped'
        ? "state IN ('pending', 'failed') AND label_removed = 0"
        : "state IN ('removed', 'restore_failed')";
    const res = this.db
      .prepare(
        `UPDATE cherrypick_freeze_prs SET state = ?, error = ? WHERE freeze_id = ? AND repo = ? AND number = ? AND ${from}`,
      )
      .run(to, note, freezeId, repoOfRef(ref), ref.number);
    return res.changes === 1;
  }

  private audit(
    ref: PrRef,
    at: string,
    actor: string | null,
    a: { action: string; detail: string; dryRun: boolean },
  ) {
    this.db
      .prepare(
        'INSERT INTO cherrypick_audit (repo, number, at, actor, action, detail, dry_run) VALUES (?, ?, ?, ?, ?, ?, ?)',
      )
      .run(repoOfRef(ref), ref.number, at, actor, a.action, a.detail, a.dryRun ? 1 : 0);
  }
}
