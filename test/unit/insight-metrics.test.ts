import type { DigestSnapshot } from '../../src/blockers/api/metrics';
import { blockerFigures, freezeName, pickFigures, reminderFigures, stats } from '../../src/insight/metrics';
import { closestVersions, normalizeVersion } from '../../src/insight/metrics-read';
import { duration } from '../../src/insight/metrics-render';
import type { CycleDates, ReminderRecord } from '../../src/schedule/api/metrics';

/** The pure rules of the per-cycle metrics (docs/metrics.md), on small hand-made inputs. */

const H = 3_600_000;
const cycle: CycleDates = {
  version: '1.37',
  start: '2026-05-18T00:00:00.000Z',
  releaseAt: '2026-08-26T00:00:00.000Z',
  end: '2026-08-27T00:00:00.000Z',
  freezes: [{ name: 'Begin Code Freeze and Test Freeze', at: '2026-07-23T12:00:00.000Z' }],
};

describe('per-cycle metrics rules', () => {
  it('takes nearest-rank percentiles', () => {
    expect(stats([])).toEqual({ n: 0 });
    expect(stats([5])).toEqual({ n: 1, p50: 5, p90: 5, max: 5 });
    // 4 values: p50 is the 2nd, p90 the 4th; 10 values: the 5th and the 9th
    expect(stats([40, 10, 30, 20])).toMatchObject({ p50: 20, p90: 40 });
    expect(stats([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])).toMatchObject({ p50: 5, p90: 9, max: 10 });
  });

  it('says durations and freeze names shortly', () => {
    expect([0, 45, 60, 190, 1440, 1500, 2 * 1440 + 240].map((m) => duration(m * 60_000))).toEqual([
      '0m',
      '45m',
      '1h',
      '3h 10m',
      '1d',
      '1d 1h',
      '2d 4h',
    ]);
    expect(duration(undefined)).toBe('—');
    expect(freezeName('Begin Code Freeze and Test Freeze')).toBe('Code Freeze');
    expect(freezeName('**Begin [Production Readiness Freeze]**')).toBe('PRR Freeze');
    expect(freezeName('Begin Feature blog freeze - Open placeholder PRs')).toBe('Feature blog freeze');
    expect(freezeName('Docs Freeze')).toBe('Docs Freeze');
  });

  it('reads versions and orders the known ones closest first', () => {
    expect(['1.37', 'v1.37', 'release-1.37', 'V1.037'].map(normalizeVersion)).toEqual([
      '1.37',
      '1.37',
      '1.37',
      '1.37',
    ]);
    expect(normalizeVersion('1.37.2')).toBeUndefined();
    expect(closestVersions(['1.34', '1.36', '1.37'], '1.73')).toEqual(['1.37', '1.36', '1.34']);
  });

  it('counts picks by their decision, and times decisions and merges', () => {
    const f = pickFigures([
      {
        pr: 'a#1',
        branch: 'release-1.36',
        requestedAt: '2026-06-01T00:00:00Z',
        decision: 'approved',
        decidedAt: '2026-06-01T02:00:00Z',
        onGitHub: false,
        dryRun: false,
        prState: 'merged',
        mergedAt: '2026-06-02T00:00:00Z',
        failedAttempts: 1,
      },
      {
        pr: 'a#2',
        branch: 'release-1.35',
        requestedAt: '2026-06-01T00:00:00Z',
        onGitHub: false,
        dryRun: false,
        prState: 'open',
        failedAttempts: 0,
      },
      {
        pr: 'a#3',
        branch: 'release-1.9',
        requestedAt: '2026-06-01T00:00:00Z',
        decision: 'rejected',
        decidedAt: '2026-06-01T04:00:00Z',
        onGitHub: false,
        dryRun: true,
        prState: 'closed',
        failedAttempts: 0,
      },
    ]);
    expect(f).toMatchObject({
      requests: 3,
      approved: 1,
      rejected: 1,
      waiting: 1,
      dryRun: 1,
      failedAttempts: 1,
    });
    expect(f.toDecision).toEqual({ n: 2, p50: 2 * H, p90: 4 * H, max: 4 * H });
    expect(f.toMerge).toEqual({ n: 1, p50: 24 * H, p90: 24 * H, max: 24 * H });
    // newest branch first, by version numbers (1.9 is older than 1.35)
    expect(f.branches.map((b) => b.branch)).toEqual(['release-1.36', 'release-1.35', 'release-1.9']);
  });

  it('times blockers from opened or labelled to the first digest without them', () => {
    const item = (n: number, createdAt: string) => ({
      key: `k/k#${n}`,
      kind: 'issue' as const,
      section: 'blocking-issues',
      blocking: true,
      createdAt,
    });
    const snap = (takenAt: string, items: ReturnType<typeof item>[]): DigestSnapshot => ({
      slot: takenAt,
      takenAt,
      items,
    });
    const old = item(1, '2026-01-01T00:00:00Z');
    const fresh = item(2, '2026-05-26T00:00:00Z');
    const labelled = item(3, '2026-01-01T00:00:00Z');
    const f = blockerFigures(cycle, [
      snap('2026-05-25T09:00:00Z', [old]),
      snap('2026-06-01T09:00:00Z', [fresh, labelled]),
      snap('2026-06-08T09:00:00Z', [labelled]),
      snap('2026-06-15T09:00:00Z', []),
      snap('2026-06-22T09:00:00Z', [labelled]),
      // outside the window: not counted
      snap('2026-09-01T09:00:00Z', [old, fresh]),
    ]);
    expect(f.snapshots).toBe(5);
    expect(f.partial).toBe(true);
    expect(f.weeks).toEqual([
      { week: 2, open: 1 },
      { week: 3, open: 2 },
      { week: 4, open: 1 },
      { week: 5, open: 0 },
      { week: 6, open: 1 },
    ]);
    // old: in the first kept digest, untimed; fresh: 26 May 00:00 → 8 Jun 09:00 (321 h);
    // labelled: 1 Jun 09:00 → 15 Jun 09:00 (336 h), then listed again and still open
    expect(f.untimed).toBe(1);
    expect(f.toClose).toEqual({ n: 2, p50: 321 * H, p90: 336 * H, max: 336 * H });
    expect(f.stillOpen).toBe(1);
    // no digest within the week before Code Freeze or release day
    expect(f.atFreeze).toEqual([
      { name: 'Code Freeze', at: '2026-07-23T12:00:00.000Z' },
      { name: 'release day', at: '2026-08-26T00:00:00.000Z' },
    ]);
  });

  it('tells missed reminders from superseded ones and from those before relbot ran', () => {
    const row = (over: Partial<ReminderRecord>): ReminderRecord => ({
      key: `k${Math.random()}`,
      milestoneId: 'v1.37/begin-code-freeze',
      lead: '1d',
      dueAt: '2026-07-22T12:00:00.000Z',
      state: 'posted',
      late: false,
      reason: null,
      decidedAt: '2026-07-22T12:01:00.000Z',
      postedAt: '2026-07-22T12:01:00.000Z',
      ...over,
    });
    const f = reminderFigures(
      cycle,
      {
        firstRunAt: '2026-06-01T00:00:00.000Z',
        lastRunAt: '2026-07-30T00:00:00.000Z',
        records: [
          row({}),
          row({ late: true, postedAt: '2026-07-22T14:30:00.000Z' }),
          row({ state: 'skipped', reason: 'superseded by a later reminder' }),
          row({ state: 'skipped', reason: 'missed, and the milestone has begun' }),
          row({
            state: 'skipped',
            reason: 'missed, and the milestone has begun',
            dueAt: '2026-05-20T00:00:00.000Z',
          }),
          row({ state: 'posting', postedAt: null }),
          // another cycle's milestone, and a patch reminder outside the window
          row({ milestoneId: 'v1.36/docs-freeze' }),
          row({ milestoneId: 'patches/2026-09-04', dueAt: '2026-09-01T00:00:00.000Z' }),
        ],
        undecided: [
          { key: 'x', milestoneId: 'patches/2026-07-10', lead: '1h', dueAt: '2026-07-11T11:00:00.000Z' },
        ],
      },
      { ok: 10, error: 1 },
    );
    expect(f).toMatchObject({ sent: 2, onTime: 1, late: 1, superseded: 1, beforeRelbot: 1, missed: 3 });
    expect(f.lateBy).toMatchObject({ n: 1, max: 2.5 * H });
    expect(f.missedList.map((m) => m.why)).toEqual([
      'missed, and the milestone has begun',
      'post not finished',
      'never decided',
    ]);
  });
});
