import { digestSnapshots } from '../blockers/api/metrics';
import { pickRecords } from '../cherrypicks/api/metrics';
import type { Deps } from '../deps';
import { UserError } from '../errors';
import type { CycleGaugeValues } from '../metrics';
import { type CycleDates, cycleDates, reminderHistory, reminderRuns } from '../schedule/api/metrics';
import { shadowRounds } from '../shadows/api/metrics';
import { escapeEntities } from '../slack/escape';
import { editDistance } from '../text';
import { type CycleMetrics, cycleMetrics, shadowFigures } from './metrics';

/**
 * The I/O edge of the per-cycle metrics: which cycle was asked for, and the figures of it and of
 * the cycles before it, read from each feature's api/metrics.ts. Synchronous SQLite reads only.
 */

/** Cycles shown beside the one asked for (the newest ones before it). */
export const MAX_COMPARED = 3;

export interface CycleReport {
  selected: CycleMetrics;
  /** The cycles before it that relbot knows, newest first (at most MAX_COMPARED). */
  compared: CycleMetrics[];
  /** Every cycle relbot knows, newest first. */
  known: string[];
  current?: string;
}

/** '1.37', 'v1.37', 'release-1.37' → '1.37'. */
export function normalizeVersion(word: string): string | undefined {
  const m = /^(?:release-)?v?(\d{1,2})\.(\d{1,3})$/i.exec(word.trim());
  return m ? `${Number(m[1])}.${Number(m[2])}` : undefined;
}

export const looksLikeVersion = (word: string) => /^(?:release-)?v?\d+\.\d+$/i.test(word.trim());

const newestFirst = (a: string, b: string) => {
  const [am, an] = a.split('.').map(Number) as [number, number];
  const [bm, bn] = b.split('.').map(Number) as [number, number];
  return bm - am || bn - an;
};

/** The known versions closest to `typed` first (edit distance, then newest). */
export function closestVersions(known: string[], typed: string): string[] {
  const t = typed.replace(/^(?:release-)?v/i, '');
  return [...known].sort((a, b) => editDistance(a, t) - editDistance(b, t) || newestFirst(a, b));
}

function chooseCycle(
  deps: Deps,
  asked: string | undefined,
): { cycles: CycleDates[]; current?: string; chosen: CycleDates } {
  const { cycles, current } = cycleDates(deps);
  const known = cycles.map((c) => c.version).sort(newestFirst);
  if (!cycles.length)
    throw new UserError(
      'relbot knows no release cycle yet: the schedule has no cycle page stored.',
      'An admin can run `/schedule sync` (the cycle pages are listed under `schedule.sources.cycles` in relbot.yaml).',
    );
  if (asked === undefined) {
    const chosen = cycles.find((c) => c.version === current) ?? cycles.at(-1)!;
    return { cycles, ...(current ? { current } : {}), chosen };
  }
  const version = normalizeVersion(asked);
  const shown = escapeEntities([...asked].slice(0, 20).join(''));
  if (!version)
    throw new UserError(
      `\`${shown}\` is not a release version.`,
      `A version looks like \`1.37\`, for example \`/release metrics ${known[0]}\`.`,
    );
  const chosen = cycles.find((c) => c.version === version);
  if (!chosen) {
    const near = closestVersions(known, version).slice(0, 5);
    throw new UserError(
      `relbot knows no v${version} cycle.`,
      `The cycles it knows, closest first: ${near.map((v) => `\`${v}\``).join(', ')}. For example \`/release metrics ${near[0]}\`.`,
    );
  }
  return { cycles, ...(current ? { current } : {}), chosen };
}

/** The figures of the cycle asked for (default: the current one) and of up to three before it. */
export function cycleReport(deps: Deps, asked?: string): CycleReport {
  const { cycles, current, chosen } = chooseCycle(deps, asked);
  const before = cycles
    .filter((c) => newestFirst(c.version, chosen.version) > 0)
    .sort((a, b) => newestFirst(a.version, b.version))
    .slice(0, MAX_COMPARED);
  const shown = [chosen, ...before];
  // The cycles' instants are all written by cycleDates() in one ISO form: text order is time order.
  const from = shown.map((c) => c.start).sort()[0]!;
  const to = shown
    .map((c) => c.end)
    .sort()
    .at(-1)!;
  // A day of margin each side: the stored instants are not all written in the same ISO form.
  const picks = pickRecords(deps, shift(from, -1), shift(to, 1));
  const reminders = reminderHistory(deps);
  const shadows = shadowRounds(deps);
  const now = deps.clock.now().toUTC().toISO()!;
  const metrics = shown.map((c) =>
    cycleMetrics({
      cycle: c,
      now,
      picks,
      snapshots: digestSnapshots(deps, `v${c.version}`),
      reminders,
      reminderRuns: reminderRuns(deps, c.start, c.end),
      shadows,
    }),
  );
  return {
    selected: metrics[0]!,
    compared: metrics.slice(1),
    known: cycles.map((c) => c.version).sort(newestFirst),
    ...(current ? { current } : {}),
  };
}

const shift = (iso: string, days: number) => new Date(Date.parse(iso) + days * 86_400_000).toISOString();

const secs = (ms: number | undefined) => (ms === undefined ? undefined : ms / 1000);

/** The current cycle's figures for the Prometheus gauges (src/metrics.ts); undefined when none is known. */
export function gaugeValues(deps: Deps): CycleGaugeValues | undefined {
  const { cycles, current } = cycleDates(deps);
  const c = cycles.find((x) => x.version === current);
  if (!c) return undefined;
  const shadows = shadowRounds(deps);
  const m = cycleMetrics({
    cycle: c,
    now: deps.clock.now().toUTC().toISO()!,
    picks: pickRecords(deps, shift(c.start, -1), shift(c.end, 1)),
    snapshots: digestSnapshots(deps, `v${c.version}`),
    reminders: reminderHistory(deps),
    reminderRuns: { ok: 0, error: 0 },
    shadows: { rounds: [], roles: shadows.roles },
  });
  const newest = shadows.rounds.at(-1);
  const round = newest ? shadowFigures(newest, shadows.roles) : undefined;
  const p = m.cherrypicks;
  const lastWeek = m.blockers.weeks.at(-1);
  return {
    cycle: c.version,
    branches: p.branches,
    decisionSeconds: { p50: secs(p.toDecision.p50), p90: secs(p.toDecision.p90) },
    mergeSeconds: { p50: secs(p.toMerge.p50), p90: secs(p.toMerge.p90) },
    ...(lastWeek ? { blockersOpen: m.blockers.stillOpen } : {}),
    blockerCloseSeconds: { p50: secs(m.blockers.toClose.p50), p90: secs(m.blockers.toClose.p90) },
    reminders: {
      sent: m.reminders.sent,
      late: m.reminders.late,
      missed: m.reminders.missed,
      ...(m.reminders.lateBy.max !== undefined ? { lateMaxSeconds: m.reminders.lateBy.max / 1000 } : {}),
    },
    ...(newest && round
      ? {
          shadows: {
            cycle: newest.version,
            roles: round.roles,
            ...(round.returningShare !== undefined ? { returningRatio: round.returningShare } : {}),
            ...(round.closeToPublish !== undefined
              ? { closeToPublishSeconds: round.closeToPublish / 1000 }
              : {}),
          },
        }
      : {}),
  };
}
