import type { Config } from '../config';
import type { SourceRef } from '../config-types';
import type { Db } from '../db';
import { timingBounds } from './dates';
import type { CycleDoc, EolDoc, Milestone, PatchDoc, StoredSchedule, Timing } from './model';
import { patchMilestones } from './patches';

/** Reads and writes of the schedule tables. Synchronous (better-sqlite3), so other features can ask cheaply. */

export type SourceKind = 'cycle' | 'patches' | 'eol';

export interface ConfiguredSource {
  key: string;
  kind: SourceKind;
  label: string;
  ref: SourceRef;
}

export function sourceKey(kind: SourceKind, ref: SourceRef): string {
  return `${kind}:${ref.repo}/${ref.path}@${ref.ref}`;
}

export function configuredSources(config: Config): ConfiguredSource[] {
  const s = config.schedule.sources;
  const out: ConfiguredSource[] = s.cycles.map((ref) => ({
    key: sourceKey('cycle', ref),
    kind: 'cycle',
    label: `${ref.repo}/${ref.path}`,
    ref,
  }));
  if (s.patches)
    out.push({
      key: sourceKey('patches', s.patches),
      kind: 'patches',
      label: `${s.patches.repo}/${s.patches.path}`,
      ref: s.patches,
    });
  if (s.eol)
    out.push({ key: sourceKey('eol', s.eol), kind: 'eol', label: `${s.eol.repo}/${s.eol.path}`, ref: s.eol });
  return out;
}

interface SourceRow {
  key: string;
  kind: SourceKind;
  label: string;
  doc: string | null;
  content_sha: string | null;
  synced_at: string | null;
  checked_at: string | null;
  error: string | null;
  error_sha: string | null;
  error_at: string | null;
}

export function sourceRows(db: Db): SourceRow[] {
  return db.prepare('SELECT * FROM schedule_sources').all() as SourceRow[];
}

/** The stored schedule of the configured sources. */
export function loadSchedule(db: Db, config: Config): StoredSchedule {
  const rows = new Map(sourceRows(db).map((r) => [r.key, r]));
  const stored: StoredSchedule = { cycles: [], sources: [] };
  let lastSync: string | undefined;
  for (const src of configuredSources(config)) {
    const row = rows.get(src.key);
    stored.sources.push({
      key: src.key,
      label: src.label,
      ...(row?.synced_at ? { syncedAt: row.synced_at } : {}),
      ...(row?.checked_at ? { checkedAt: row.checked_at } : {}),
      ...(row?.error ? { error: row.error } : {}),
    });
    if (row?.checked_at && (!lastSync || row.checked_at > lastSync)) lastSync = row.checked_at;
    if (!row?.doc) continue;
    const doc = JSON.parse(row.doc) as unknown;
    if (src.kind === 'cycle') stored.cycles.push(doc as CycleDoc);
    else if (src.kind === 'patches') stored.patches = doc as PatchDoc;
    else stored.eol = doc as EolDoc;
  }
  if (lastSync) stored.lastSyncAt = lastSync;
  // one cycle per version (two sources for the same page: the first configured wins)
  const seen = new Set<string>();
  stored.cycles = stored.cycles.filter((c) => {
    if (seen.has(c.version)) return false;
    seen.add(c.version);
    return true;
  });
  return stored;
}

/** Every milestone (cycles and patches), sorted by start. */
export function allMilestones(stored: StoredSchedule, config: Config): Milestone[] {
  const list = [
    ...stored.cycles.flatMap((c) => c.milestones),
    ...(stored.patches ? patchMilestones(stored.patches, config.schedule.cherryPickCutoff) : []),
  ];
  const zone = config.schedule.allDayZone;
  const start = new Map(list.map((m) => [m.id, timingBounds(m.timing, zone).start.toMillis()]));
  return list.sort((a, b) => start.get(a.id)! - start.get(b.id)! || a.id.localeCompare(b.id));
}

export function saveSourceDoc(db: Db, src: ConfiguredSource, doc: unknown, sha: string, now: string): void {
  db.prepare(
    `INSERT INTO schedule_sources (key, kind, label, doc, content_sha, synced_at, checked_at, error, error_sha, error_at)
     VALUES (@key, @kind, @label, @doc, @sha, @now, @now, NULL, NULL, NULL)
     ON CONFLICT (key) DO UPDATE SET doc = @doc, content_sha = @sha, synced_at = @now, checked_at = @now,
       error = NULL, error_sha = NULL, error_at = NULL, label = @label`,
  ).run({ key: src.key, kind: src.kind, label: src.label, doc: JSON.stringify(doc), sha, now });
}

export function touchSource(db: Db, src: ConfiguredSource, now: string): void {
  db.prepare(
    'UPDATE schedule_sources SET checked_at = ?, error = NULL, error_sha = NULL, error_at = NULL WHERE key = ?',
  ).run(now, src.key);
}

/** Records a failed fetch or parse; the last good document stays. */
export function saveSourceError(
  db: Db,
  src: ConfiguredSource,
  error: string,
  sha: string | undefined,
  now: string,
): void {
  db.prepare(
    `INSERT INTO schedule_sources (key, kind, label, checked_at, error, error_sha, error_at)
     VALUES (@key, @kind, @label, @now, @error, @sha, @now)
     ON CONFLICT (key) DO UPDATE SET checked_at = @now, error = @error, error_sha = @sha, error_at = @now`,
  ).run({ key: src.key, kind: src.kind, label: src.label, now, error, sha: sha ?? null });
}

export function recordMove(db: Db, milestoneId: string, from: Timing, to: Timing, at: string): void {
  db.prepare('INSERT INTO schedule_moves (milestone_id, from_timing, to_timing, at) VALUES (?, ?, ?, ?)').run(
    milestoneId,
    JSON.stringify(from),
    JSON.stringify(to),
    at,
  );
}

/** The latest recorded move of each milestone (id -> the timing it moved from). */
export function latestMoves(db: Db): Map<string, { from: Timing; to: Timing; at: string }> {
  const rows = db
    .prepare(
      'SELECT milestone_id, from_timing, to_timing, at FROM schedule_moves m WHERE id = (SELECT MAX(id) FROM schedule_moves WHERE milestone_id = m.milestone_id)',
    )
    .all() as { milestone_id: string; from_timing: string; to_timing: string; at: string }[];
  return new Map(
    rows.map((r) => [
      r.milestone_id,
      { from: JSON.parse(r.from_timing) as Timing, to: JSON.parse(r.to_timing) as Timing, at: r.at },
    ]),
  );
}

export function addAnnouncement(db: Db, key: string, text: string, now: string): void {
  db.prepare(
    "INSERT OR IGNORE INTO schedule_announcements (key, text, state, created_at) VALUES (?, ?, 'pending', ?)",
  ).run(key, text, now);
}

export function pendingAnnouncements(db: Db): { id: number; key: string; text: string }[] {
  return db
    .prepare("SELECT id, key, text FROM schedule_announcements WHERE state = 'pending' ORDER BY id")
    .all() as { id: number; key: string; text: string }[];
}

export function markAnnounced(db: Db, id: number, now: string): void {
  db.prepare("UPDATE schedule_announcements SET state = 'posted', posted_at = ? WHERE id = ?").run(now, id);
}

// ------------------------------------------------------------------ reminder ledger

export interface LedgerRow {
  key: string;
  milestone_id: string;
  lead: string;
  due_at: string;
  milestone_at: string;
  state: 'posting' | 'posted' | 'skipped';
  late: number;
  reason: string | null;
  channel: string | null;
  text: string | null;
  ts: string | null;
}

export function ledger(db: Db): Map<string, LedgerRow> {
  const rows = db.prepare('SELECT * FROM schedule_reminders').all() as LedgerRow[];
  return new Map(rows.map((r) => [r.key, r]));
}

export function insertLedger(db: Db, row: Omit<LedgerRow, 'ts'> & { decided_at: string }): void {
  db.prepare(
    `INSERT INTO schedule_reminders (key, milestone_id, lead, due_at, milestone_at, state, late, reason, channel, text, decided_at)
     VALUES (@key, @milestone_id, @lead, @due_at, @milestone_at, @state, @late, @reason, @channel, @text, @decided_at)`,
  ).run({
    key: row.key,
    milestone_id: row.milestone_id,
    lead: row.lead,
    due_at: row.due_at,
    milestone_at: row.milestone_at,
    state: row.state,
    late: row.late,
    reason: row.reason,
    channel: row.channel,
    text: row.text,
    decided_at: row.decided_at,
  });
}

export function markPosted(db: Db, key: string, ts: string, now: string): void {
  db.prepare("UPDATE schedule_reminders SET state = 'posted', ts = ?, posted_at = ? WHERE key = ?").run(
    ts,
    now,
    key,
  );
}
