import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CronExpressionParser } from 'cron-parser';
import { parse } from 'yaml';
import { measureDigestRequests } from '../src/blockers/service';
import { ManualClock } from '../src/clock';
import { BLOCKERS_MILESTONE, seedBlockers, seedManyBlockers } from '../src/sandbox/seed-blockers';
import { seedCherrypicks } from '../src/sandbox/seed-cherrypicks';
import { seedSchedule } from '../src/sandbox/seed-schedule';
import { seedShadowRostersOnGitHub } from '../src/sandbox/seed-shadows';
import { importPastRosters } from '../src/shadows/past-rosters';
import { startHarness } from '../test/helpers/harness';

/**
 * GitHub requests per blocker digest: relbot (real Octokit with its ETag cache) against the
 * emulated GitHub holding N matching items in the milestone, read twice: cold, then unchanged
 * (which must be answered only with 304s). The emulator's own request log is the cross-check.
 */

export interface GithubCostRow {
  items: number;
  run: 'cold' | 'unchanged';
  requests: number;
  fresh: number;
  notModified: number;
  /** Requests the emulated GitHub saw during this digest (independent of relbot's count). */
  emulatorRequests: number;
  /** The target: about 1 + N/100 per query, two queries. */
  bound: number;
  pass: boolean;
}

export async function measureGithubCost(sizes: number[]): Promise<GithubCostRow[]> {
  const rows: GithubCostRow[] = [];
  for (const n of sizes) {
    const h = await startHarness({
      config: (raw) => {
        raw.blockers = { milestone: BLOCKERS_MILESTONE };
      },
    });
    try {
      seedManyBlockers(h.github, n, { now: h.clock.now().toJSDate() });
      const bound = 2 * (1 + n / 100);
      for (const run of ['cold', 'unchanged'] as const) {
        const before = h.github.calls.length;
        const r = await measureDigestRequests(h.relbot.deps, BLOCKERS_MILESTONE);
        const emulatorRequests = h.github.calls.length - before;
        if (r.items < n) throw new Error(`digest saw ${r.items} items, expected at least ${n}`);
        rows.push({
          items: n,
          run,
          requests: r.requests,
          fresh: r.fresh,
          notModified: r.notModified,
          emulatorRequests,
          bound,
          pass: r.requests <= bound && (run === 'cold' || (r.fresh === 0 && r.notModified === r.requests)),
        });
      }
    } finally {
      await h.stop();
    }
  }
  return rows;
}

// ------------------------------------------------------------------ requests per hour

/** One job's GitHub requests per run (cold and unchanged) and per hour at the example config. */
export interface GithubJobCost {
  job: string;
  /** Runs per hour that reach GitHub (a wake-up that finds nothing due makes no request). */
  runsPerHour: number;
  cold: { requests: number; notModified: number };
  unchanged: { requests: number; notModified: number };
  /** runsPerHour × the unchanged run: the steady state. */
  perHour: number;
}

export interface GithubHourRow {
  repos: number;
  jobs: GithubJobCost[];
  perHour: number;
  /** Share of the steady-state requests answered 304 Not Modified. */
  notModifiedShare: number;
  /** Longest search query sent (characters; GitHub's search documents queries over 256 as not supported). */
  longestSearchQuery: number;
}

/** Fires per hour of a cron expression, averaged over a week (UTC). */
export function firesPerHour(cron: string): number {
  const from = new Date('2026-06-01T00:00:00Z');
  const it = CronExpressionParser.parse(cron, {
    currentDate: from,
    endDate: new Date(from.getTime() + 7 * 86_400_000),
    tz: 'UTC',
  });
  let n = 0;
  while (it.hasNext()) {
    it.next();
    n++;
  }
  return n / 168;
}

/**
 * GitHub requests per hour of the scheduled work at the example config (relbot.example.yaml: its
 * jobs, schedule sources, blockers digest slots and past rosters) with `n` watched repositories:
 * cherry-pick discovery, the blockers digest, schedule sync and the past-roster import, each run
 * cold and then with nothing changed (the steady state), counted by the emulated GitHub (which
 * answers If-None-Match with 304). Commands (/blockers, /cherrypick <PR>) come on top.
 */
export async function measureGithubPerHour(repoCounts: number[]): Promise<GithubHourRow[]> {
  const example = parse(readFileSync(join(__dirname, '..', 'relbot.example.yaml'), 'utf8')) as {
    schedule: { sources: unknown; syncEveryHours: number };
    blockers: { digest: { schedule: string } };
    jobs: Record<string, string>;
    shadows: { pastRosters: unknown };
  };
  const rows: GithubHourRow[] = [];
  for (const n of repoCounts) {
    const clock = new ManualClock('2026-06-02T08:00:00Z');
    const repos = [
      'kubernetes/kubernetes',
      ...Array.from({ length: n - 1 }, (_, i) => `kubernetes/repo-${i + 1}`),
    ];
    const h = await startHarness({
      clock,
      config: (raw) => {
        raw.github = { repos };
        raw.schedule = { ...(raw.schedule as object), sources: example.schedule.sources };
        raw.blockers = { milestone: BLOCKERS_MILESTONE };
        raw.jobs = example.jobs;
        raw.shadows = { ...(raw.shadows as object), pastRosters: example.shadows.pastRosters };
      },
    });
    try {
      seedSchedule(h.github);
      seedShadowRostersOnGitHub(h.github);
      seedCherrypicks(h.github, { start: '2026-06-01T08:00:00Z' });
      seedBlockers(h.github, { now: clock.now().toJSDate() });
      const count = async (run: () => Promise<unknown>) => {
        const before = h.github.calls.length;
        await run();
        const calls = h.github.calls.slice(before);
        return { requests: calls.length, notModified: calls.filter((c) => c.status === 304).length, calls };
      };
      const job = async (
        name: string,
        runsPerHour: number,
        run: () => Promise<unknown>,
        between?: () => void,
      ) => {
        const cold = await count(run);
        between?.();
        const unchanged = await count(run);
        return { job: name, runsPerHour, cold, unchanged };
      };
      const measured = [
        await job('cherrypick-discovery', firesPerHour(example.jobs['cherrypick-discovery']!), () =>
          h.relbot.jobs.run('cherrypick-discovery'),
        ),
        await job('blockers digest', firesPerHour(example.blockers.digest.schedule), () =>
          measureDigestRequests(h.relbot.deps, BLOCKERS_MILESTONE),
        ),
        await job(
          'schedule-sync',
          1 / example.schedule.syncEveryHours,
          () => h.relbot.jobs.run('schedule-sync'),
          () => clock.advance({ hours: example.schedule.syncEveryHours + 1 }),
        ),
        // Once per cycle (about every 15 weeks), when applications open.
        await job('past-roster import', 1 / (15 * 168), () => importPastRosters(h.relbot.deps)),
      ];
      const longestSearchQuery = Math.max(
        0,
        ...measured
          .flatMap((m) => m.cold.calls)
          .filter((c) => c.path.includes('/search/'))
          .map((c) => String(c.query.q ?? '').length),
      );
      const jobs: GithubJobCost[] = measured.map((m) => ({
        job: m.job,
        runsPerHour: m.runsPerHour,
        cold: { requests: m.cold.requests, notModified: m.cold.notModified },
        unchanged: { requests: m.unchanged.requests, notModified: m.unchanged.notModified },
        perHour: m.runsPerHour * m.unchanged.requests,
      }));
      const perHour = jobs.reduce((s, j) => s + j.perHour, 0);
      const notModified = jobs.reduce((s, j) => s + j.runsPerHour * j.unchanged.notModified, 0);
      rows.push({
        repos: n,
        jobs,
        perHour,
        notModifiedShare: perHour ? notModified / perHour : 0,
        longestSearchQuery,
      });
    } finally {
      await h.stop();
    }
  }
  return rows;
}
