import { DateTime } from 'luxon';
import { blockersConfig } from '../../src/blockers/config';
import {
  classify,
  diffDigests,
  groupBySig,
  resolutionReason,
  searchQueries,
  sectionOf,
  summarize,
  type TrackedItem,
} from '../../src/blockers/model';
import { itemLine, renderSummary } from '../../src/blockers/render';
import { latestSlot, normalizeMilestone } from '../../src/blockers/service';
import { boardState, type DashboardResult, signalOf } from '../../src/blockers/testgrid';
import { validateMessage } from '../../src/sandbox/slack/blockkit';

const cfg = blockersConfig.parse(undefined);
const labels = cfg.labels;
const NOW = DateTime.fromISO('2026-07-06T07:00:00Z', { zone: 'utc' });
const daysAgo = (d: number, h = 0) => NOW.minus({ days: d, hours: h }).toISO()!;

let n = 1000;
function item(over: Partial<TrackedItem> = {}): TrackedItem {
  const number = over.number ?? n++;
  return {
    repo: 'kubernetes/kubernetes',
    number,
    kind: 'issue',
    title: `item ${number}`,
    url: `https://github.com/kubernetes/kubernetes/issues/${number}`,
    labels: [],
    assignees: [],
    milestone: 'v1.37',
    createdAt: daysAgo(10),
    updatedAt: daysAgo(1),
    ...over,
  };
}
const opts = { milestone: 'v1.37', labels, staleAfterDays: 3, now: NOW };

describe('what counts, and in which section (Release Signal template order)', () => {
  it.each([
    [['release-blocker'], 'v1.37', 'issue', 'blocking-issues'],
    [['release-blocker'], null, 'pr', 'blocking-prs'],
    [['release-blocker'], 'v1.36', 'issue', undefined],
    [['priority/critical-urgent'], 'v1.37', 'issue', 'critical-urgent'],
    [['priority/critical-urgent'], 'v1.36', 'issue', undefined],
    [['priority/critical-urgent'], null, 'issue', undefined],
    [['kind/failing-test', 'priority/critical-urgent'], 'v1.37', 'issue', 'failing-tests'],
    [['kind/flake'], 'v1.37', 'issue', 'failing-tests'],
    [['priority/important-soon'], 'v1.37', 'pr', 'important-soon'],
    [['priority/important-soon', 'priority/critical-urgent'], 'v1.37', 'pr', 'critical-urgent'],
    [['priority/important-longterm', 'kind/bug'], 'v1.37', 'issue', undefined],
  ] as const)('%j in %s (%s) -> %s', (ls, milestone, kind, want) => {
    expect(sectionOf(item({ labels: [...ls], milestone, kind }), 'v1.37', labels)).toBe(want);
  });

  it('marks blockers: release-blocker, or critical-urgent in the milestone (also a failing test)', () => {
    const items = classify(
      [
        item({ labels: ['release-blocker'] }),
        item({ labels: ['kind/failing-test', 'priority/critical-urgent'] }),
        item({ labels: ['kind/flake'] }),
        item({ labels: ['priority/important-soon'] }),
      ],
      opts,
    );
    expect(items.map((i) => i.blocking)).toEqual([true, true, false, false]);
    expect(summarize(items, 'v1.37', NOW.toISO()!).blocking).toBe(2);
  });

  it('drops duplicates (an item found by both searches)', () => {
    const a = item({ number: 5, labels: ['release-blocker', 'priority/critical-urgent'] });
    expect(classify([a, { ...a }], opts)).toHaveLength(1);
  });
});

describe('ageing with the injected clock', () => {
  it('counts whole days of age and idleness; stale from staleAfterDays on', () => {
    const [fresh, almost, stale] = classify(
      [
        item({ labels: ['release-blocker'], createdAt: daysAgo(12, 5), updatedAt: daysAgo(0, 5) }),
        item({ labels: ['release-blocker'], updatedAt: daysAgo(2, 23) }),
        item({ labels: ['release-blocker'], updatedAt: daysAgo(3) }),
      ],
      opts,
    );
    expect([fresh!.ageDays, fresh!.idleDays, fresh!.stale]).toEqual([12, 0, false]);
    expect([almost!.idleDays, almost!.stale]).toEqual([2, false]);
    expect([stale!.idleDays, stale!.stale]).toEqual([3, true]);
    // One hour later the second one is stale too.
    const later = classify([item({ labels: ['release-blocker'], updatedAt: daysAgo(2, 23) })], {
      ...opts,
      now: NOW.plus({ hours: 1 }),
    });
    expect(later[0]!.stale).toBe(true);
  });
});

describe('grouping by SIG', () => {
  it('groups by the first SIG, biggest group first, "no SIG" last; stale and least recently updated first', () => {
    const items = classify(
      [
        item({ number: 1, labels: ['release-blocker', 'sig/node'], updatedAt: daysAgo(1) }),
        item({ number: 2, labels: ['release-blocker', 'sig/network', 'sig/node'], updatedAt: daysAgo(2) }),
        item({ number: 3, labels: ['release-blocker', 'sig/node'], updatedAt: daysAgo(5) }),
        item({ number: 4, labels: ['release-blocker'] }),
        item({ number: 5, labels: ['release-blocker', 'SIG/Apps'] }),
      ],
      opts,
    );
    const groups = groupBySig(items);
    expect(groups.map((g) => [g.sig, g.items.map((i) => i.number)])).toEqual([
      ['node', [3, 1]],
      ['apps', [5]],
      ['network', [2]],
      ['', [4]],
    ]);
    expect(items.find((i) => i.number === 2)!.sigs).toEqual(['network', 'node']);
  });
});

describe('diff between two digests', () => {
  it('finds new, resolved (with the reason) and went-stale items', () => {
    const before = classify(
      [
        item({ number: 1, labels: ['release-blocker'], updatedAt: daysAgo(3) }),
        item({ number: 2, labels: ['priority/critical-urgent'] }),
        item({ number: 3, labels: ['kind/flake'] }),
      ],
      { ...opts, now: NOW.minus({ days: 1 }) },
    );
    const after = classify(
      [
        item({ number: 1, labels: ['release-blocker'], updatedAt: daysAgo(3) }),
        item({ number: 4, labels: ['release-blocker'] }),
      ],
      opts,
    );
    const diff = diffDigests(
      { at: daysAgo(1), items: before },
      after,
      new Map([['kubernetes/kubernetes#2', 'closed']]),
    );
    expect(diff.added.map((i) => i.number)).toEqual([4]);
    expect(diff.resolved.map((r) => [r.item.number, r.reason])).toEqual([
      [2, 'closed'],
      [3, 'closed or no longer labelled'],
    ]);
    expect(diff.wentStale.map((i) => i.number)).toEqual([1]);
    expect(diffDigests(undefined, after)).toEqual({ added: [], resolved: [], wentStale: [], unchanged: [] });
  });

  it('explains how an item left', () => {
    const it0 = item({ labels: ['priority/critical-urgent'] });
    const state = (o: object) => ({
      state: 'open',
      labels: ['priority/critical-urgent'],
      milestone: 'v1.37',
      ...o,
    });
    expect(resolutionReason(it0, 'v1.37', labels, state({ state: 'closed' }))).toBe('closed');
    expect(resolutionReason(it0, 'v1.37', labels, state({ state: 'closed', merged: true }))).toBe('merged');
    expect(resolutionReason(it0, 'v1.37', labels, state({ labels: [] }))).toBe('label removed');
    expect(resolutionReason(it0, 'v1.37', labels, state({ milestone: 'v1.38' }))).toBe('moved to v1.38');
    expect(resolutionReason(it0, 'v1.37', labels, state({ milestone: null }))).toBe('left the milestone');
    expect(resolutionReason(it0, 'v1.37', labels, state({}))).toBe('still tracked');
  });
});

describe('Go/No-Go (handbook matrix)', () => {
  const board = (
    kind: 'blocking' | 'informing',
    state?: 'passing' | 'flaky' | 'failing',
  ): DashboardResult => ({
    name: `x-${kind}`,
    kind,
    state,
    problems: [],
  });
  it.each([
    ['passing', 'passing', 'green'],
    ['passing', 'flaky', 'green'],
    ['passing', 'failing', 'red'],
    ['flaky', 'flaky', 'yellow'],
    ['flaky', 'passing', 'yellow'],
    ['flaky', 'failing', 'red'],
    ['failing', 'flaky', 'red'],
    ['failing', 'passing', 'red'],
    ['failing', 'failing', 'red'],
  ] as const)('blocking %s + informing %s -> %s', (b, i, want) => {
    expect(signalOf([board('blocking', b), board('informing', i)])).toBe(want);
  });
  it('is unknown, never green, when a dashboard cannot be read', () => {
    expect(signalOf([board('blocking', 'passing'), board('informing', undefined)])).toBe('unknown');
    expect(signalOf([])).toBe('unknown');
  });
  it("reads a dashboard's worst job; STALE counts as flaky", () => {
    expect(boardState({ a: { overall_status: 'PASSING' }, b: { overall_status: 'STALE' } })).toEqual({
      state: 'flaky',
      problems: ['b (STALE)'],
    });
    expect(boardState({ a: { overall_status: 'FAILING' } })).toMatchObject({ state: 'failing' });
    expect(boardState([])).toHaveProperty('error');
    expect(boardState({})).toHaveProperty('error');
  });
});

describe('queries, milestones and slots', () => {
  it('builds two searches for all repos', () => {
    expect(searchQueries(['kubernetes/kubernetes', 'kubernetes/release'], 'v1.37', labels)).toEqual({
      blockers: 'repo:kubernetes/kubernetes repo:kubernetes/release is:open label:release-blocker',
      milestone:
        'repo:kubernetes/kubernetes repo:kubernetes/release is:open milestone:v1.37 label:priority/critical-urgent,kind/failing-test,kind/flake,priority/important-soon',
    });
  });
  it('normalises milestones', () => {
    expect(normalizeMilestone('1.37')).toBe('v1.37');
    expect(normalizeMilestone('V1.037')).toBe('v1.37');
    expect(normalizeMilestone('v1')).toBeUndefined();
    expect(normalizeMilestone('v1.37; drop')).toBeUndefined();
  });
  it('finds the latest slot at or before now in the configured zone (weekdays)', () => {
    const slot = (iso: string) =>
      latestSlot('0 9 * * 1-5', 'Europe/Berlin', DateTime.fromISO(iso, { zone: 'utc' }))?.toISO();
    expect(slot('2026-07-06T07:00:00Z')).toBe('2026-07-06T07:00:00.000Z'); // Monday 09:00 CEST exactly
    expect(slot('2026-07-06T06:59:59Z')).toBe('2026-07-03T07:00:00.000Z'); // before: Friday's
    expect(slot('2026-07-12T12:00:00Z')).toBe('2026-07-10T07:00:00.000Z'); // Sunday: Friday's
    expect(slot('2026-12-07T08:30:00Z')).toBe('2026-12-07T08:00:00.000Z'); // winter: 09:00 CET = 08:00Z
  });
});

describe('rendering', () => {
  it('escapes titles and logins from GitHub', () => {
    const [i] = classify(
      [item({ title: '<!channel> *bold* <@U123> & `x`', assignees: ['a_b'], labels: ['release-blocker'] })],
      opts,
    );
    const line = itemLine(i!, ['kubernetes/kubernetes']);
    expect(line).not.toContain('<!channel>');
    expect(line).not.toContain('<@U123>');
    expect(line).toContain('&lt;!channel&gt;');
    expect(line).toContain('&amp;');
    expect(line).toContain('*\u200bbold*\u200b');
  });

  it('says "Nothing blocks" only when nothing blocks, and shows what is still tracked', () => {
    const none = renderSummary({
      summary: summarize([], 'v1.37', NOW.toISO()!),
      now: NOW,
      zone: 'UTC',
      repos: ['kubernetes/kubernetes'],
      labels,
      staleAfterDays: 3,
    });
    expect(JSON.stringify(none.blocks)).toContain('Nothing blocks v1.37');
    const flakesOnly = renderSummary({
      summary: summarize(classify([item({ labels: ['kind/flake'] })], opts), 'v1.37', NOW.toISO()!),
      now: NOW,
      zone: 'UTC',
      repos: ['kubernetes/kubernetes'],
      labels,
      staleAfterDays: 3,
    });
    expect(JSON.stringify(flakesOnly.blocks)).toContain(
      'Nothing blocks v1.37.* 1 item tracked, none blocking: 1 failing test/flake.',
    );
  });

  it('never says "Nothing blocks" when GitHub is unavailable and there is no earlier data', () => {
    const r = renderSummary({
      summary: summarize([], 'v1.37', NOW.toISO()!),
      now: NOW,
      zone: 'UTC',
      repos: ['kubernetes/kubernetes'],
      labels,
      staleAfterDays: 3,
      unavailable: { reason: 'GitHub answered HTTP 500' },
    });
    const text = JSON.stringify(r);
    expect(text).not.toContain('Nothing blocks');
    expect(text).toContain('not an all-clear');
  });

  it('cuts 1,000 long items to Slack limits with links to GitHub searches', () => {
    const many = classify(
      Array.from({ length: 1000 }, (_, k) =>
        item({
          number: 50_000 + k,
          title: `${'very long title '.repeat(20)}${k}`,
          labels: [
            ['release-blocker'],
            ['priority/critical-urgent'],
            ['kind/flake'],
            ['priority/important-soon'],
          ][k % 4]!.concat(`sig/sig-${k % 23}`),
          assignees: ['alice', 'bob', 'carol', 'dave'],
        }),
      ),
      opts,
    );
    const r = renderSummary({
      summary: summarize(many, 'v1.37', NOW.toISO()!),
      now: NOW,
      zone: 'UTC',
      repos: ['kubernetes/kubernetes'],
      labels,
      staleAfterDays: 3,
    });
    expect(validateMessage({ text: r.text, blocks: r.blocks })).toEqual([]);
    expect(r.blocks.length).toBeLessThanOrEqual(50);
    expect(r.omitted).toBeGreaterThan(900);
    const json = JSON.stringify(r.blocks);
    expect(json).toContain('more items not shown');
    expect(json).toContain('https://github.com/search?q=');
    // Counts come first and are complete even though the list is cut.
    expect(json).toContain('*500 blockers* open');
  });
});
