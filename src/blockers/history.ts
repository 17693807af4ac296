import { DateTime } from 'luxon';
import type { Db } from '../db';
import type { ClassifiedItem } from './model';

/**
 * The compact per-day history of a milestone's blockers (migration 009, blockers_history): what
 * the burndown chart reads. One row per (milestone, UTC day), written with each digest snapshot
 * (the day's last digest wins); the digest snapshots themselves are pruned, so the history is
 * backfilled from whatever snapshots exist the first time it is read.
 */

/** Why a blocking item blocks, one bucket each (they add up to `blocking`). */
export type BlockerKind = 'blocking-issues' | 'blocking-prs' | 'critical-urgent' | 'failing-tests';
export const BLOCKER_KINDS: BlockerKind[] = [
  'blocking-issues',
  'blocking-prs',
  'critical-urgent',
  'failing-tests',
];

export interface DayCounts {
  /** UTC date, 2026-07-06. */
  day: string;
  /** When the digest that wrote the row read GitHub (ISO). */
  takenAt: string;
  /** Release-blocking items (the digest's "N blockers open"). */
  blocking: number;
  /** Items tracked in every section. */
  tracked: number;
  /** Blocking items by their first SIG ('' = no SIG label), as the summary groups them. */
  bySig: Record<string, number>;
  byKind: Record<BlockerKind, number>;
}

/** The counts of one snapshot's items (pure). */
export function countsOf(items: ClassifiedItem[], takenAt: string): DayCounts {
  const bySig: Record<string, number> = {};
  const byKind: Record<BlockerKind, number> = {
    'blocking-issues': 0,
    'blocking-prs': 0,
    'critical-urgent': 0,
    'failing-tests': 0,
  };
  let blocking = 0;
  for (const i of items) {
    if (!i.blocking) continue;
    blocking++;
    const sig = i.sigs[0] ?? '';
    bySig[sig] = (bySig[sig] ?? 0) + 1;
    // A blocking item is in one of these sections (important-soon items never block).
    const kind: BlockerKind = (BLOCKER_KINDS as string[]).includes(i.section)
      ? (i.section as BlockerKind)
      : 'critical-urgent';
    byKind[kind]++;
  }
  return { day: utcDay(takenAt), takenAt, blocking, tracked: items.length, bySig, byKind };
}

export const utcDay = (iso: string): string =>
  DateTime.fromISO(iso, { zone: 'utc' }).toISODate() ?? iso.slice(0, 10);

interface Row {
  day: string;
  taken_at: string;
  blocking: number;
  tracked: number;
  by_sig_json: string;
  by_kind_json: string;
}

export class BlockerHistory {
  constructor(private readonly db: Db) {}

  /** Records a digest's counts for its UTC day; a later digest of the same day replaces it. */
  record(milestone: string, items: ClassifiedItem[], takenAt: string): DayCounts {
    const c = countsOf(items, takenAt);
    this.db
      .prepare(
        `INSERT INTO blockers_history (milestone, day, taken_at, blocking, tracked, by_sig_json, by_kind_json)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (milestone, day) DO UPDATE SET taken_at = excluded.taken_at, blocking = excluded.blocking,
           tracked = excluded.tracked, by_sig_json = excluded.by_sig_json, by_kind_json = excluded.by_kind_json
         WHERE excluded.taken_at >= blockers_history.taken_at`,
      )
      .run(
        milestone,
        c.day,
        takenAt,
        c.blocking,
        c.tracked,
        JSON.stringify(c.bySig),
        JSON.stringify(c.byKind),
      );
    return c;
  }

  /**
   * Fills the days that have a digest snapshot but no history row (snapshots taken before migration
   * 009). Returns how many days it wrote. Cheap once done: only the missing days' items are parsed.
   */
  backfill(milestone: string): number {
    const have = new Set(
      (
        this.db.prepare('SELECT day FROM blockers_history WHERE milestone = ?').all(milestone) as {
          day: string;
        }[]
      ).map((r) => r.day),
    );
    const snaps = this.db
      .prepare(
        `SELECT id, taken_at FROM blockers_snapshots WHERE milestone = ? AND kind = 'digest' ORDER BY taken_at`,
      )
      .all(milestone) as { id: number; taken_at: string }[];
    // The last snapshot of each missing day.
    const lastOfDay = new Map<string, number>();
    for (const s of snaps) if (!have.has(utcDay(s.taken_at))) lastOfDay.set(utcDay(s.taken_at), s.id);
    const read = this.db.prepare('SELECT taken_at, items_json FROM blockers_snapshots WHERE id = ?');
    this.db.transaction(() => {
      for (const id of lastOfDay.values()) {
        const row = read.get(id) as { taken_at: string; items_json: string };
        this.record(milestone, JSON.parse(row.items_json) as ClassifiedItem[], row.taken_at);
      }
    })();
    return lastOfDay.size;
  }

  /** The milestone's days, oldest first (backfilled first). */
  days(milestone: string): DayCounts[] {
    this.backfill(milestone);
    const rows = this.db
      .prepare('SELECT * FROM blockers_history WHERE milestone = ? ORDER BY day')
      .all(milestone) as Row[];
    return rows.map((r) => ({
      day: r.day,
      takenAt: r.taken_at,
      blocking: r.blocking,
      tracked: r.tracked,
      bySig: JSON.parse(r.by_sig_json) as Record<string, number>,
      byKind: JSON.parse(r.by_kind_json) as Record<BlockerKind, number>,
    }));
  }

  /** Milestones with any history or digest snapshot. */
  milestones(): string[] {
    return (
      this.db
        .prepare(
          `SELECT milestone FROM blockers_history UNION SELECT milestone FROM blockers_snapshots WHERE kind = 'digest'`,
        )
        .all() as { milestone: string }[]
    ).map((r) => r.milestone);
  }
}
