import type { DigestSnapshot } from '../blockers/api/metrics';
import type { PickRecord } from '../cherrypicks/api/metrics';
import type { CycleDates, ReminderHistory } from '../schedule/api/metrics';
import type { ShadowRound } from '../shadows/api/metrics';

/**
 * Per-cycle metrics, pure: from what the features store (read through their api/metrics.ts files)
 * to the figures of one release cycle. docs/metrics.md defines every figure; the rules in short:
 * - an instant belongs to the cycle whose window holds it: from the cycle's first milestone to the
 *   start of the next minor's cycle (when known), else to the end of its release day;
 * - percentiles are nearest-rank (p50 of 4 values is the 2nd smallest, p90 the 4th);
 * - durations are milliseconds here; renderers say them in words.
 */

export interface Stats {
  n: number;
  p50?: number;
  p90?: number;
  max?: number;
}

export interface BranchFigures {
  branch: string;
  requests: number;
  approved: number;
  rejected: number;
  waiting: number;
}

export interface PickFigures {
  requests: number;
  approved: number;
  rejected: number;
  /** Open and undecided when the figures were taken. */
  waiting: number;
  /** Closed (or merged) on GitHub without a decision. */
  closedUndecided: number;
  /** Of the approvals, how many were made by a label on GitHub rather than through relbot. */
  approvedOnGitHub: number;
  dryRun: number;
  failedAttempts: number;
  /** Request to decision. */
  toDecision: Stats;
  /** Request to merge (merged picks). */
  toMerge: Stats;
  branches: BranchFigures[];
}

export interface BlockerFigures {
  /** Digest snapshots kept in the cycle's window. */
  snapshots: number;
  firstAt?: string;
  lastAt?: string;
  /** The first kept digest is more than a day after the cycle started (pruned or not recorded). */
  partial: boolean;
  /** Blocking items in the last digest of each cycle week (1 = the first week), where one is kept. */
  weeks: Array<{ week: number; open: number }>;
  /** Blocking items in the last digest at or before each freeze (and release day), within 7 days. */
  atFreeze: Array<{ name: string; at: string; open?: number }>;
  /** From opened (or labelled) to the first digest that no longer lists it. */
  toClose: Stats;
  /** Listed in the first kept digest: when they were opened or labelled is not known; not timed. */
  untimed: number;
  /** Still listed in the last kept digest. */
  stillOpen: number;
  peak?: { open: number; week: number };
}

export interface ReminderFigures {
  sent: number;
  onTime: number;
  late: number;
  /** How late the late ones were posted (due to posted). */
  lateBy: Stats;
  /** Never posted while relbot was running: skipped as missed, not finished, or never decided. */
  missed: number;
  missedList: Array<{ milestoneId: string; lead: string; dueAt: string; why: string }>;
  /** Skipped because a later reminder of the same milestone said it (not missed). */
  superseded: number;
  /** Due before relbot's first reminder run: not relbot's to post, not counted. */
  beforeRelbot: number;
  runs: { ok: number; error: number };
}

export interface ShadowFigures {
  state: ShadowRound['state'];
  applications: number;
  withdrawn: number;
  returning: number;
  /** returning / applications (not withdrawn), 0..1 */
  returningShare?: number;
  closeToPublish?: number;
  roles: Array<{ role: string; applications: number; firstChoice: number; seats: number; accepted: number }>;
}

export interface CycleMetrics {
  version: string;
  start: string;
  end: string;
  releaseAt?: string;
  /** The clock was inside the window: the figures are "so far". */
  inProgress: boolean;
  asOf: string;
  cherrypicks: PickFigures;
  blockers: BlockerFigures;
  reminders: ReminderFigures;
  shadows?: ShadowFigures;
}

const DAY = 86_400_000;
const WEEK = 7 * DAY;
const ms = (iso: string) => Date.parse(iso);

/** Nearest-rank percentiles and the maximum of `values` (any order). */
export function stats(values: number[]): Stats {
  const v = [...values].sort((a, b) => a - b);
  if (!v.length) return { n: 0 };
  const rank = (p: number) => v[Math.max(0, Math.ceil(p * v.length) - 1)]!;
  return { n: v.length, p50: rank(0.5), p90: rank(0.9), max: v.at(-1)! };
}

export const inWindow = (c: CycleDates, iso: string): boolean => {
  const t = ms(iso);
  return t >= ms(c.start) && t < ms(c.end);
};

/** The cycle week of an instant (1 = the cycle's first seven days). */
export const weekOf = (c: CycleDates, iso: string): number => Math.floor((ms(iso) - ms(c.start)) / WEEK) + 1;

export function pickFigures(picks: PickRecord[]): PickFigures {
  const branches = new Map<string, BranchFigures>();
  const f: PickFigures = {
    requests: 0,
    approved: 0,
    rejected: 0,
    waiting: 0,
    closedUndecided: 0,
    approvedOnGitHub: 0,
    dryRun: 0,
    failedAttempts: 0,
    toDecision: { n: 0 },
    toMerge: { n: 0 },
    branches: [],
  };
  const decision: number[] = [];
  const merge: number[] = [];
  for (const p of picks) {
    const b = branches.get(p.branch) ?? {
      branch: p.branch,
      requests: 0,
      approved: 0,
      rejected: 0,
      waiting: 0,
    };
    branches.set(p.branch, b);
    f.requests++;
    b.requests++;
    if (p.decision === 'approved') {
      f.approved++;
      b.approved++;
      if (p.onGitHub) f.approvedOnGitHub++;
    } else if (p.decision === 'rejected') {
      f.rejected++;
      b.rejected++;
    } else if (p.prState === 'open') {
      f.waiting++;
      b.waiting++;
    } else f.closedUndecided++;
    if (p.dryRun) f.dryRun++;
    f.failedAttempts += p.failedAttempts;
    if (p.decidedAt) decision.push(Math.max(0, ms(p.decidedAt) - ms(p.requestedAt)));
    if (p.mergedAt) merge.push(Math.max(0, ms(p.mergedAt) - ms(p.requestedAt)));
  }
  f.toDecision = stats(decision);
  f.toMerge = stats(merge);
  f.branches = [...branches.values()].sort((a, b) => compareBranchNames(b.branch, a.branch));
  return f;
}

/** release-1.36 after release-1.9: by version numbers, then text. */
export function compareBranchNames(a: string, b: string): number {
  const va = /(\d+)\.(\d+)/.exec(a);
  const vb = /(\d+)\.(\d+)/.exec(b);
  if (va && vb) return Number(va[1]) - Number(vb[1]) || Number(va[2]) - Number(vb[2]);
  return a.localeCompare(b);
}

/**
 * A freeze row's short name: its first [linked] term, else the row without "Begin" up to an "and"
 * or a dash. "Begin Code Freeze and Test Freeze" → "Code Freeze"; "Begin Production Readiness
 * Freeze" → "PRR Freeze".
 */
export function freezeName(name: string): string {
  const plain = name.replace(/\*\*/g, '');
  const linked = /\[([^\]]+)\]/.exec(plain)?.[1];
  const short = (linked ?? plain.replace(/^\s*begin\s+/i, '').split(/\s+(?:and|-|–)\s+/)[0]!).trim();
  return short.replace(/^production readiness/i, 'PRR');
}

export function blockerFigures(c: CycleDates, all: DigestSnapshot[]): BlockerFigures {
  const snaps = all.filter((s) => inWindow(c, s.takenAt)).sort((a, b) => ms(a.takenAt) - ms(b.takenAt));
  const open = snaps.map((s) => new Set(s.items.filter((i) => i.blocking).map((i) => i.key)));
  const weeks = new Map<number, number>();
  snaps.forEach((s, i) => {
    weeks.set(weekOf(c, s.takenAt), open[i]!.size);
  });
  const points = [
    ...c.freezes.map((fr) => ({ name: freezeName(fr.name), at: fr.at })),
    ...(c.releaseAt ? [{ name: 'release day', at: c.releaseAt }] : []),
  ];
  const atFreeze = points.map((p) => {
    let found: number | undefined;
    snaps.forEach((s, i) => {
      const t = ms(s.takenAt);
      if (t <= ms(p.at) && t > ms(p.at) - WEEK) found = open[i]!.size;
    });
    return { ...p, ...(found !== undefined ? { open: found } : {}) };
  });
  const durations: number[] = [];
  let untimed = 0;
  const since = new Map<string, number | undefined>();
  snaps.forEach((s, i) => {
    const items = new Map(s.items.filter((x) => x.blocking).map((x) => [x.key, x]));
    for (const [key, item] of items) {
      if (since.has(key)) continue;
      if (i === 0) {
        since.set(key, undefined);
        untimed++;
      } else {
        const created = ms(item.createdAt);
        since.set(key, created > ms(snaps[i - 1]!.takenAt) ? created : ms(s.takenAt));
      }
    }
    for (const [key, start] of [...since]) {
      if (items.has(key)) continue;
      since.delete(key);
      if (start !== undefined) durations.push(Math.max(0, ms(s.takenAt) - start));
    }
  });
  let peak: BlockerFigures['peak'];
  for (const [week, n] of [...weeks].sort((a, b) => a[0] - b[0]))
    if (!peak || n > peak.open) peak = { open: n, week };
  return {
    snapshots: snaps.length,
    ...(snaps.length ? { firstAt: snaps[0]!.takenAt, lastAt: snaps.at(-1)!.takenAt } : {}),
    partial: !snaps.length || ms(snaps[0]!.takenAt) > ms(c.start) + DAY,
    weeks: [...weeks].sort((a, b) => a[0] - b[0]).map(([week, n]) => ({ week, open: n })),
    atFreeze,
    toClose: stats(durations),
    untimed,
    stillOpen: open.at(-1)?.size ?? 0,
    ...(peak ? { peak } : {}),
  };
}

/** The cycle a reminder belongs to: its milestone's cycle (`v1.37/…`), else its due time's window. */
export function reminderInCycle(c: CycleDates, r: { milestoneId: string; dueAt: string }): boolean {
  const m = /^v(\d+\.\d+)\//.exec(r.milestoneId);
  return m ? m[1] === c.version : inWindow(c, r.dueAt);
}

export function reminderFigures(
  c: CycleDates,
  h: ReminderHistory,
  runs: { ok: number; error: number },
): ReminderFigures {
  const first = h.firstRunAt ? ms(h.firstRunAt) : undefined;
  const f: ReminderFigures = {
    sent: 0,
    onTime: 0,
    late: 0,
    lateBy: { n: 0 },
    missed: 0,
    missedList: [],
    superseded: 0,
    beforeRelbot: 0,
    runs,
  };
  const lateBy: number[] = [];
  for (const r of h.records) {
    if (!reminderInCycle(c, r)) continue;
    if (r.state === 'posted') {
      f.sent++;
      if (r.late) {
        f.late++;
        lateBy.push(Math.max(0, ms(r.postedAt ?? r.decidedAt) - ms(r.dueAt)));
      } else f.onTime++;
    } else if (r.state === 'skipped') {
      if (first === undefined || ms(r.dueAt) < first) f.beforeRelbot++;
      else if (r.reason?.startsWith('superseded')) f.superseded++;
      else
        f.missedList.push({
          milestoneId: r.milestoneId,
          lead: r.lead,
          dueAt: r.dueAt,
          why: r.reason ?? 'skipped',
        });
    } else {
      f.missedList.push({
        milestoneId: r.milestoneId,
        lead: r.lead,
        dueAt: r.dueAt,
        why: 'post not finished',
      });
    }
  }
  for (const u of h.undecided)
    if (reminderInCycle(c, u))
      f.missedList.push({ milestoneId: u.milestoneId, lead: u.lead, dueAt: u.dueAt, why: 'never decided' });
  f.missed = f.missedList.length;
  f.lateBy = stats(lateBy);
  return f;
}

export function shadowFigures(
  round: ShadowRound,
  roles: Array<{ name: string; seats: number }>,
): ShadowFigures {
  const live = round.applications.filter((a) => !a.withdrawn);
  const returning = live.filter((a) => a.returning).length;
  const names = [...roles.map((r) => r.name)];
  for (const a of live) for (const ch of a.choices) if (!names.includes(ch)) names.push(ch);
  for (const r of Object.keys(round.accepted)) if (!names.includes(r)) names.push(r);
  return {
    state: round.state,
    applications: live.length,
    withdrawn: round.applications.length - live.length,
    returning,
    ...(live.length ? { returningShare: returning / live.length } : {}),
    ...(round.closedAt && round.publishedAt
      ? { closeToPublish: Math.max(0, ms(round.publishedAt) - ms(round.closedAt)) }
      : {}),
    roles: names.map((name) => ({
      role: name,
      applications: live.filter((a) => a.choices.includes(name)).length,
      firstChoice: live.filter((a) => a.choices[0] === name).length,
      seats: roles.find((r) => r.name === name)?.seats ?? 0,
      accepted: round.accepted[name] ?? 0,
    })),
  };
}

export interface MetricsInput {
  cycle: CycleDates;
  now: string;
  picks: PickRecord[];
  snapshots: DigestSnapshot[];
  reminders: ReminderHistory;
  reminderRuns: { ok: number; error: number };
  shadows: { rounds: ShadowRound[]; roles: Array<{ name: string; seats: number }> };
}

/** Every figure of one cycle. */
export function cycleMetrics(input: MetricsInput): CycleMetrics {
  const { cycle: c } = input;
  const round = input.shadows.rounds.find((r) => r.version === c.version);
  return {
    version: c.version,
    start: c.start,
    end: c.end,
    ...(c.releaseAt ? { releaseAt: c.releaseAt } : {}),
    inProgress: ms(input.now) >= ms(c.start) && ms(input.now) < ms(c.end),
    asOf: input.now,
    cherrypicks: pickFigures(input.picks.filter((p) => inWindow(c, p.requestedAt))),
    blockers: blockerFigures(c, input.snapshots),
    reminders: reminderFigures(c, input.reminders, input.reminderRuns),
    ...(round ? { shadows: shadowFigures(round, input.shadows.roles) } : {}),
  };
}
