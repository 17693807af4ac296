import type { Deps } from '../../deps';

/**
 * What the per-cycle metrics (src/insight/) read from the blockers feature: the stored digest
 * snapshots of a milestone (blockers_snapshots, kind 'digest', migration 004), each reduced to the
 * items' identity, kind, section and creation time. Only the newest digests are kept (older ones
 * are pruned), so this is what there is, not the whole cycle.
 */

export interface SnapshotItem {
  /** owner/name#N */
  key: string;
  kind: 'issue' | 'pr';
  section: string;
  /** release-blocker, or critical-urgent in the milestone. */
  blocking: boolean;
  createdAt: string;
}

export interface DigestSnapshot {
  slot: string;
  takenAt: string;
  items: SnapshotItem[];
}

/** The kept digest snapshots of `milestone` (e.g. 'v1.37'), oldest first. */
export function digestSnapshots(deps: Deps, milestone: string): DigestSnapshot[] {
  // json_each reads the few fields needed inside SQLite: no snapshot is parsed whole.
  const rows = deps.db
    .prepare(
      `SELECT s.id, s.slot, s.taken_at,
         lower(json_extract(j.value, '$.repo')) || '#' || json_extract(j.value, '$.number') AS key,
         json_extract(j.value, '$.kind') AS kind,
         json_extract(j.value, '$.section') AS section,
         json_extract(j.value, '$.blocking') AS blocking,
         json_extract(j.value, '$.createdAt') AS created_at
       FROM blockers_snapshots s LEFT JOIN json_each(s.items_json) j
       WHERE s.milestone = ? COLLATE NOCASE AND s.kind = 'digest'
       ORDER BY s.slot, s.id`,
    )
    .all(milestone) as Array<{
    id: number;
    slot: string;
    taken_at: string;
    key: string | null;
    kind: 'issue' | 'pr' | null;
    section: string | null;
    blocking: number | null;
    created_at: string | null;
  }>;
  const out: DigestSnapshot[] = [];
  let lastId = -1;
  for (const r of rows) {
    if (r.id !== lastId) {
      out.push({ slot: r.slot, takenAt: r.taken_at, items: [] });
      lastId = r.id;
    }
    if (r.key)
      out.at(-1)!.items.push({
        key: r.key,
        kind: r.kind ?? 'issue',
        section: r.section ?? '',
        blocking: r.blocking === 1,
        createdAt: r.created_at ?? r.taken_at,
      });
  }
  return out;
}
