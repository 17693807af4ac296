import { DateTime } from 'luxon';
import { dataVersion } from '../../db/versions';
import type { Deps } from '../../deps';
import { currentCycle } from '../api';
import { timingBounds } from '../dates';
import { planReminders } from '../reminders';
import { allMilestones, loadSchedule } from '../store';

/**
 * What the per-cycle metrics (src/insight/) read from the schedule feature: each known cycle's
 * dates and freezes, and the reminder ledger with the reminder job's runs. Plain data, read from
 * SQLite; the figures are computed by the asker.
 */

export interface CycleDates {
  /** '1.37' */
  version: string;
  /** The cycle's first milestone (ISO instant, UTC). */
  start: string;
  /** The start of release day, when the cycle page has a `v1.XX.0 released` row. */
  releaseAt?: string;
  /**
   * The end of the cycle's window (exclusive): the start of the next minor's cycle when relbot
   * knows it, else the end of release day (or of the last milestone). Every instant belongs to at
   * most one cycle.
   */
  end: string;
  /** Bold freeze rows (hardFreeze), in order, with the instant each begins. */
  freezes: Array<{ name: string; at: string }>;
}

const iso = (d: DateTime) => d.toUTC().toISO()!;
const minorOf = (v: string) => Number(v.split('.')[1]);

const datesCache = new WeakMap<
  Deps['db'],
  { version: number; config: Deps['config']; cycles: CycleDates[] }
>();

/** Every cycle the stored schedule knows, oldest first, and the current one (src/schedule/api.ts). */
export function cycleDates(deps: Deps): { cycles: CycleDates[]; current?: string } {
  const version = dataVersion(deps.db, 'schedule');
  const hit = datesCache.get(deps.db);
  const cycles =
    hit && hit.version === version && hit.config === deps.config ? hit.cycles : readCycleDates(deps);
  if (cycles !== hit?.cycles) datesCache.set(deps.db, { version, config: deps.config, cycles });
  const cur = currentCycle(deps)?.version;
  return { cycles, ...(cur ? { current: cur } : {}) };
}

function readCycleDates(deps: Deps): CycleDates[] {
  const stored = loadSchedule(deps.db, deps.config);
  const zone = deps.config.schedule.allDayZone;
  const spans = stored.cycles
    .filter((c) => c.milestones.length && /^\d+\.\d+$/.test(c.version))
    .map((c) => {
      const bounds = c.milestones.map((m) => ({ m, ...timingBounds(m.timing, zone) }));
      const release = bounds.find((b) => b.m.kinds.includes('releaseDay'));
      return {
        version: c.version,
        start: DateTime.min(...bounds.map((b) => b.start))!,
        last: release ? release.end : DateTime.max(...bounds.map((b) => b.end))!,
        releaseAt: release?.start,
        freezes: bounds
          .filter((b) => b.m.kinds.includes('hardFreeze') && /freeze/i.test(b.m.name))
          .sort((a, b) => a.start.toMillis() - b.start.toMillis())
          .map((b) => ({ name: b.m.name, at: iso(b.start) })),
      };
    })
    .sort((a, b) => a.start.toMillis() - b.start.toMillis());
  return spans.map((s) => {
    const next = spans.find(
      (o) =>
        o.version.split('.')[0] === s.version.split('.')[0] && minorOf(o.version) === minorOf(s.version) + 1,
    );
    const end = next && next.start > s.start ? next.start : s.last;
    return {
      version: s.version,
      start: iso(s.start),
      ...(s.releaseAt ? { releaseAt: iso(s.releaseAt) } : {}),
      end: iso(end),
      freezes: s.freezes,
    };
  });
}

/** One row of the reminder ledger (migration 002). */
export interface ReminderRecord {
  key: string;
  milestoneId: string;
  lead: string;
  dueAt: string;
  state: 'posting' | 'posted' | 'skipped';
  late: boolean;
  reason: string | null;
  decidedAt: string;
  postedAt: string | null;
}

export interface ReminderHistory {
  records: ReminderRecord[];
  /** When the reminder job first ran (job_runs): reminders due before it predate relbot. */
  firstRunAt?: string;
  /** When the last finished run started: everything due by then has been decided. */
  lastRunAt?: string;
  /** Reminders the rules plan, due between the first and the last finished run, with no ledger row. */
  undecided: Array<{ key: string; milestoneId: string; lead: string; dueAt: string }>;
}

const REMINDER_JOB = 'schedule-reminders';

export function reminderHistory(deps: Deps): ReminderHistory {
  const { db } = deps;
  const rows = db
    .prepare(
      'SELECT key, milestone_id, lead, due_at, state, late, reason, decided_at, posted_at FROM schedule_reminders ORDER BY due_at, key',
    )
    .all() as Array<{
    key: string;
    milestone_id: string;
    lead: string;
    due_at: string;
    state: ReminderRecord['state'];
    late: number;
    reason: string | null;
    decided_at: string;
    posted_at: string | null;
  }>;
  const records = rows.map((r) => ({
    key: r.key,
    milestoneId: r.milestone_id,
    lead: r.lead,
    dueAt: r.due_at,
    state: r.state,
    late: r.late === 1,
    reason: r.reason,
    decidedAt: r.decided_at,
    postedAt: r.posted_at,
  }));
  const runs = db
    .prepare(
      `SELECT MIN(started_at) AS first,
         (SELECT started_at FROM job_runs WHERE job = @job AND status = 'ok' ORDER BY id DESC LIMIT 1) AS last
       FROM job_runs WHERE job = @job`,
    )
    .get({ job: REMINDER_JOB }) as { first: string | null; last: string | null };
  const undecided: ReminderHistory['undecided'] = [];
  if (runs.first && runs.last) {
    const known = new Set(records.map((r) => r.key));
    const from = Date.parse(runs.first);
    const to = Date.parse(runs.last);
    for (const p of planned(deps))
      if (p.due >= from && p.due <= to && !known.has(p.key))
        undecided.push({
          key: p.key,
          milestoneId: p.milestoneId,
          lead: p.lead,
          dueAt: new Date(p.due).toISOString(),
        });
  }
  return {
    records,
    ...(runs.first ? { firstRunAt: runs.first } : {}),
    ...(runs.last ? { lastRunAt: runs.last } : {}),
    undecided,
  };
}

interface Planned {
  key: string;
  milestoneId: string;
  lead: string;
  due: number;
}

/**
 * Every reminder the rules plan, kept per database while the stored schedule is unchanged (its
 * write counter, migration 006) and the config is the same: planning is the costly part of a
 * scrape of the gauges, and the schedule changes at most once per sync.
 */
const plannedCache = new WeakMap<
  Deps['db'],
  { version: number; config: Deps['config']; planned: Planned[] }
>();

function planned(deps: Deps): Planned[] {
  const { db, config } = deps;
  const version = dataVersion(db, 'schedule');
  const hit = plannedCache.get(db);
  if (hit && hit.version === version && hit.config === config) return hit.planned;
  const milestones = allMilestones(loadSchedule(db, config), config);
  const list = planReminders(milestones, config.schedule.reminders.rules, config.schedule.allDayZone).map(
    (p) => ({
      key: p.key,
      milestoneId: p.milestone.id,
      lead: p.lead,
      due: p.dueAt.toMillis(),
    }),
  );
  plannedCache.set(db, { version, config, planned: list });
  return list;
}

/** Runs of the reminder job that started in [from, to), by outcome. */
export function reminderRuns(deps: Deps, from: string, to: string): { ok: number; error: number } {
  const row = deps.db
    .prepare(
      `SELECT SUM(status = 'ok') AS ok, SUM(status = 'error') AS error FROM job_runs
       WHERE job = ? AND started_at >= ? AND started_at < ?`,
    )
    .get(REMINDER_JOB, from, to) as { ok: number | null; error: number | null };
  return { ok: row.ok ?? 0, error: row.error ?? 0 };
}
