import type { Db } from '../db';
import { BlockerHistory } from './history';
import type { ClassifiedItem } from './model';

/** Snapshots of the blocker list in SQLite (see migration 004). */

export interface Snapshot {
  milestone: string;
  kind: 'digest' | 'latest';
  slot: string;
  takenAt: string;
  items: ClassifiedItem[];
  requests: number;
}

interface Row {
  milestone: string;
  kind: 'digest' | 'latest';
  slot: string;
  taken_at: string;
  items_json: string;
  requests: number;
}

const fromRow = (r: Row): Snapshot => ({
  milestone: r.milestone,
  kind: r.kind,
  slot: r.slot,
  takenAt: r.taken_at,
  items: JSON.parse(r.items_json) as ClassifiedItem[],
  requests: r.requests,
});

/** Digest snapshots kept per milestone (older ones are pruned). */
const KEEP_DIGESTS = 60;

export class BlockerStore {
  constructor(private readonly db: Db) {}

  /** Records the digest snapshot of `slot` (replacing an earlier attempt at the same slot). */
  saveDigest(
    milestone: string,
    slot: string,
    takenAt: string,
    items: ClassifiedItem[],
    requests: number,
  ): void {
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO blockers_snapshots (milestone, kind, slot, taken_at, items_json, requests)
           VALUES (?, 'digest', ?, ?, ?, ?)
           ON CONFLICT (milestone, kind, slot) DO UPDATE SET taken_at = excluded.taken_at,
             items_json = excluded.items_json, requests = excluded.requests`,
        )
        .run(milestone, slot, takenAt, JSON.stringify(items), requests);
      this.db
        .prepare(
          `DELETE FROM blockers_snapshots WHERE milestone = ? AND kind = 'digest' AND id NOT IN (
             SELECT id FROM blockers_snapshots WHERE milestone = ? AND kind = 'digest' ORDER BY slot DESC LIMIT ?)`,
        )
        .run(milestone, milestone, KEEP_DIGESTS);
      // The compact per-day counts the burndown chart reads (kept when the snapshot is pruned).
      new BlockerHistory(this.db).record(milestone, items, takenAt);
    })();
    this.saveLatest(milestone, takenAt, items, requests);
  }

  /** The digest before `slot` (the baseline of its diff). */
  previousDigest(milestone: string, slot: string): Snapshot | undefined {
    const row = this.db
      .prepare(
        `SELECT * FROM blockers_snapshots WHERE milestone = ? AND kind = 'digest' AND slot < ?
         ORDER BY slot DESC LIMIT 1`,
      )
      .get(milestone, slot) as Row | undefined;
    return row ? fromRow(row) : undefined;
  }

  digest(milestone: string, slot: string): Snapshot | undefined {
    const row = this.db
      .prepare(`SELECT * FROM blockers_snapshots WHERE milestone = ? AND kind = 'digest' AND slot = ?`)
      .get(milestone, slot) as Row | undefined;
    return row ? fromRow(row) : undefined;
  }

  /** The last successful read of a milestone. */
  saveLatest(milestone: string, takenAt: string, items: ClassifiedItem[], requests: number): void {
    this.db
      .prepare(
        `INSERT INTO blockers_snapshots (milestone, kind, slot, taken_at, items_json, requests)
         VALUES (?, 'latest', '', ?, ?, ?)
         ON CONFLICT (milestone, kind, slot) DO UPDATE SET taken_at = excluded.taken_at,
           items_json = excluded.items_json, requests = excluded.requests
         WHERE excluded.taken_at >= blockers_snapshots.taken_at`,
      )
      .run(milestone, takenAt, JSON.stringify(items), requests);
  }

  latest(milestone: string): Snapshot | undefined {
    const row = this.db
      .prepare(`SELECT * FROM blockers_snapshots WHERE milestone = ? AND kind = 'latest'`)
      .get(milestone) as Row | undefined;
    return row ? fromRow(row) : undefined;
  }
}
