import type { Db } from '../db';
import { ShadowStore, ShadowStoreError } from './store';

/**
 * SQLite state of "Decline the undecided and publish" (migration 007): the declines it wrote and
 * who confirmed them, written in the same transaction as the decisions and the publish.
 */
export class ShadowPublishStore {
  private readonly shadows: ShadowStore;
  constructor(private readonly db: Db) {
    this.shadows = new ShadowStore(db);
  }

  /**
   * "Decline the undecided and publish", in one IMMEDIATE transaction: `undecided` is read again
   * under the write lock and must still match `fingerprint` (what the Release Team Lead was shown),
   * else nothing changes (`changed`). Each undecided (application, role) gets a declined decision
   * and an audit row, and the cycle is marked published. False when it was not in state closed.
   */
  declineUndecidedAndPublish(
    cycleId: number,
    fingerprint: string,
    undecided: () => {
      fingerprint: string;
      pairs: Array<{ applicationId: number; user: string; role: string }>;
    },
    by: string,
    now: string,
  ): boolean {
    return this.db
      .transaction((): boolean => {
        const cycle = this.shadows.cycle(cycleId);
        if (cycle?.state !== 'closed') return false;
        const current = undecided();
        if (current.fingerprint !== fingerprint)
          throw new ShadowStoreError('changed', 'the undecided applicants changed');
        const decide = this.db.prepare(
          `INSERT INTO shadow_decisions (application_id, cycle_id, role, decision, decided_by, decided_at)
           VALUES (?, ?, ?, 'declined', ?, ?)`,
        );
        const audit = this.db.prepare(
          `INSERT INTO shadow_publish_declines (cycle_id, application_id, user, role, declined_by, declined_at)
           VALUES (?, ?, ?, ?, ?, ?)`,
        );
        for (const p of current.pairs) {
          decide.run(p.applicationId, cycleId, p.role, by, now);
          audit.run(cycleId, p.applicationId, p.user, p.role, by, now);
        }
        return this.shadows.markPublished(cycleId, by, now);
      })
      .immediate();
  }

  /** The audit of "Decline the undecided and publish" for a cycle (empty when it was not used). */
  publishDeclines(cycleId: number): Array<{ user: string; role: string; by: string; at: string }> {
    return this.db
      .prepare(
        `SELECT user, role, declined_by AS by, declined_at AS at FROM shadow_publish_declines
         WHERE cycle_id = ? ORDER BY application_id, role`,
      )
      .all(cycleId) as Array<{ user: string; role: string; by: string; at: string }>;
  }
}
