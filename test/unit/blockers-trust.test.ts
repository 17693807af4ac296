import { DateTime } from 'luxon';
import { blockersConfig } from '../../src/blockers/config';
import { classify, diffDigests, type TrackedItem } from '../../src/blockers/model';
import { ageText } from '../../src/blockers/render';
import { closestMilestones } from '../../src/blockers/scope';
import { closestSigs, isClose, knownSigs } from '../../src/blockers/sigs';
import { type DashboardResult, dashboardsFor, type GoNoGo, signalOf } from '../../src/blockers/testgrid';
import { decideVerdict } from '../../src/blockers/verdict';
import { editDistance } from '../../src/text';

/** The rules behind issue 13's blocker classes, as pure functions. */

const cfg = blockersConfig.parse(undefined);
const NOW = DateTime.fromISO('2026-07-06T07:00:00Z', { zone: 'utc' });

const board = (
  name: string,
  kind: 'blocking' | 'informing',
  state?: DashboardResult['state'],
  absent = false,
) =>
  ({
    name,
    kind,
    state,
    problems: [],
    ...(absent ? { absent: true, error: 'not on testgrid' } : {}),
  }) as DashboardResult;
const ci = (...dashboards: DashboardResult[]): GoNoGo => ({ signal: signalOf(dashboards), dashboards });
const green = ci(board('b', 'blocking', 'passing'), board('i', 'informing', 'passing'));

describe('the Go/No-Go verdict: blockers and CI signal together', () => {
  it.each([
    ['go', 'green', 0, green, 'No blockers open and CI signal green.'],
    ['no-go', 'red', 3, green, '3 blockers open (CI signal green).'],
    [
      'no-go',
      'red',
      0,
      ci(board('b', 'blocking', 'passing'), board('i', 'informing', 'failing')),
      'CI signal red: i failing (no blockers open).',
    ],
    [
      'no-go',
      'yellow',
      0,
      ci(board('b', 'blocking', 'flaky'), board('i', 'informing', 'passing')),
      'CI signal yellow: b flaky (no blockers open).',
    ],
    [
      'unknown',
      'white',
      0,
      ci(board('b', 'blocking', undefined), board('i', 'informing', 'passing')),
      'CI signal unknown: b could not be read (no blockers open).',
    ],
    [
      'no-go',
      'red',
      1,
      ci(board('b', 'blocking', undefined)),
      '1 blocker open (CI signal unknown: b could not be read).',
    ],
  ] as const)('%s (%s) with %i blockers', (verdict, colour, blocking, signal, reason) => {
    expect(decideVerdict({ ci: signal, blocking })).toEqual({ verdict, colour, reason });
  });

  it('is never Go on what relbot could not read', () => {
    expect(decideVerdict({ ci: green, blocking: undefined }).verdict).toBe('unknown');
    expect(decideVerdict({ ci: green, blocking: 0, lastKnown: true })).toMatchObject({
      verdict: 'unknown',
      reason: 'GitHub is unavailable; the last known state had no blockers (CI signal green).',
    });
    expect(decideVerdict({ ci: green, blocking: 2, lastKnown: true }).reason).toBe(
      '2 blockers open in the last known state (CI signal green).',
    );
    // Every per-version board absent: unknown, never green.
    expect(signalOf([board('x-1.38-blocking', 'blocking', undefined, true)])).toBe('unknown');
  });

  it('in a SIG view counts the whole milestone and says how many are the SIG’s', () => {
    expect(decideVerdict({ ci: green, blocking: 5, sig: { name: 'auth', blocking: 0 } }).reason).toBe(
      '5 blockers open, none of them in sig/auth (CI signal green).',
    );
  });
});

describe('dashboards follow the milestone', () => {
  const tg = {
    ...cfg.testgrid,
    dashboards: [
      { name: 'sig-release-master-blocking' },
      { name: 'sig-release-{version}-blocking' },
      { name: 'sig-release-{version}-informing' },
    ],
  };
  it('expands {version} and reads master only for the current milestone', () => {
    expect(dashboardsFor(tg, 'v1.36', false).map((d) => [d.name, d.kind])).toEqual([
      ['sig-release-1.36-blocking', 'blocking'],
      ['sig-release-1.36-informing', 'informing'],
    ]);
    expect(dashboardsFor(tg, 'v1.37', true).map((d) => d.name)).toEqual([
      'sig-release-master-blocking',
      'sig-release-1.37-blocking',
      'sig-release-1.37-informing',
    ]);
  });
  it('accepts {version} in dashboard names in the config', () => {
    expect(() =>
      blockersConfig.parse({ testgrid: { dashboards: [{ name: 'sig-release-{version}-blocking' }] } }),
    ).not.toThrow();
    expect(() => blockersConfig.parse({ testgrid: { dashboards: [{ name: 'bad name' }] } })).toThrow();
  });
});

describe('known SIGs and the closest ones', () => {
  it('knows the configured SIGs and those seen on items', () => {
    expect(cfg.sigs).toContain('etcd');
    expect(knownSigs(['node'], ['Network', 'node'])).toEqual(['network', 'node']);
  });
  it('orders prefixes and near misses first, then the rest alphabetically', () => {
    expect(editDistance('netwrok', 'network')).toBe(1);
    expect(closestSigs('nod', cfg.sigs).slice(0, 2)).toEqual(['node', 'api-machinery']);
    expect(closestSigs('api', cfg.sigs)[0]).toBe('api-machinery');
    expect(closestSigs('storgae', cfg.sigs)[0]).toBe('storage');
    expect(closestSigs('nonexistent', cfg.sigs)).toEqual([...cfg.sigs].sort());
    expect(isClose('nonexistent', 'network')).toBe(false);
    expect(isClose('sched', 'scheduling')).toBe(true);
  });
  it('lists milestones open first, closest first', () => {
    const known = [
      { title: 'v1.36', open: true },
      { title: 'v1.37', open: true },
      { title: 'v1.38', open: true },
      { title: 'v1.20', open: false },
    ];
    expect(closestMilestones('v9.99', known)).toEqual(['v1.38', 'v1.37', 'v1.36', 'v1.20']);
    expect(closestMilestones('v1.21', known)).toEqual(['v1.36', 'v1.37', 'v1.38', 'v1.20']);
  });
});

describe('time in words', () => {
  it('says "just now" under a minute, never "0 minutes"', () => {
    expect(ageText(NOW.minus({ seconds: 20 }).toISO()!, NOW)).toBe('just now');
    expect(ageText(NOW.minus({ minutes: 1 }).toISO()!, NOW)).toBe('1 minute ago');
    expect(ageText(NOW.minus({ hours: 25 }).toISO()!, NOW)).toBe('25 hours ago');
    expect(ageText(NOW.minus({ days: 3 }).toISO()!, NOW)).toBe('3 days ago');
  });
});

describe('the digest diff', () => {
  const item = (number: number, labels: string[], updated = 1): TrackedItem => ({
    repo: 'kubernetes/kubernetes',
    number,
    kind: 'issue',
    title: `item ${number}`,
    url: `https://github.com/kubernetes/kubernetes/issues/${number}`,
    labels,
    assignees: [],
    milestone: 'v1.37',
    createdAt: NOW.minus({ days: 10 }).toISO()!,
    updatedAt: NOW.minus({ days: updated }).toISO()!,
  });
  it('keeps the unchanged items apart from the new and the newly stale', () => {
    const opts = { milestone: 'v1.37', labels: cfg.labels, staleAfterDays: 3, now: NOW };
    const before = classify([item(1, ['release-blocker']), item(2, ['kind/flake'], 3)], {
      ...opts,
      now: NOW.minus({ days: 1 }),
    });
    const after = classify(
      [item(1, ['release-blocker']), item(2, ['kind/flake'], 3), item(3, ['kind/flake'])],
      opts,
    );
    const diff = diffDigests({ at: NOW.minus({ days: 1 }).toISO()!, items: before }, after);
    expect(diff.added.map((i) => i.number)).toEqual([3]);
    expect(diff.wentStale.map((i) => i.number)).toEqual([2]);
    expect(diff.unchanged.map((i) => i.number)).toEqual([1]);
  });
});
