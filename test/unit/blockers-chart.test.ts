import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { burndown, fallbackLine, stacks } from '../../src/blockers/chart';
import { renderChart } from '../../src/blockers/chart-render';
import { BlockerHistory, countsOf, type DayCounts } from '../../src/blockers/history';
import type { ClassifiedItem } from '../../src/blockers/model';
import { BlockerStore } from '../../src/blockers/store';
import { type Db, openDb } from '../../src/db';
import { fixture } from '../../src/fixtures';
import { markerOf } from '../../src/schedule/api/chart';
import { parseCycleReadme } from '../../src/schedule/readme';

/** The burndown's data → option function, the per-day history, and the renderer's PNG and SVG. */

const item = (n: number, over: Partial<ClassifiedItem>): ClassifiedItem => ({
  repo: 'kubernetes/kubernetes',
  number: n,
  kind: 'issue',
  title: `item ${n}`,
  url: `https://github.com/kubernetes/kubernetes/issues/${n}`,
  labels: [],
  assignees: [],
  milestone: 'v1.37',
  createdAt: '2026-06-01T00:00:00Z',
  updatedAt: '2026-06-01T00:00:00Z',
  section: 'blocking-issues',
  blocking: true,
  sigs: [],
  ageDays: 1,
  idleDays: 1,
  stale: false,
  ...over,
});

const ITEMS: ClassifiedItem[] = [
  item(1, { sigs: ['node'] }),
  item(2, { sigs: ['node', 'apps'], kind: 'pr', section: 'blocking-prs' }),
  item(3, { sigs: ['apps'], section: 'critical-urgent' }),
  item(4, { sigs: [], section: 'failing-tests' }),
  item(5, { sigs: ['network'], section: 'important-soon', blocking: false }),
  item(6, { sigs: ['network'], section: 'failing-tests', blocking: false }),
];

const day = (d: string, bySig: Record<string, number>): DayCounts => {
  const blocking = Object.values(bySig).reduce((a, b) => a + b, 0);
  return {
    day: d,
    takenAt: `${d}T07:01:00.000Z`,
    blocking,
    tracked: blocking + 2,
    bySig,
    byKind: { 'blocking-issues': blocking, 'blocking-prs': 0, 'critical-urgent': 0, 'failing-tests': 0 },
  };
};

describe('the per-day counts', () => {
  it('counts blocking items once each, by first SIG and by why they block', () => {
    const c = countsOf(ITEMS, '2026-07-06T07:01:00.000Z');
    expect(c).toEqual({
      day: '2026-07-06',
      takenAt: '2026-07-06T07:01:00.000Z',
      blocking: 4,
      tracked: 6,
      bySig: { node: 2, apps: 1, '': 1 },
      byKind: { 'blocking-issues': 1, 'blocking-prs': 1, 'critical-urgent': 1, 'failing-tests': 1 },
    });
  });

  describe('in SQLite', () => {
    let dir: string;
    let db: Db;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'relbot-chart-'));
      db = openDb(join(dir, 'relbot.db'));
    });
    afterEach(() => {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('is written with each digest snapshot (the day’s last wins) and backfilled from snapshots made before it', () => {
      const store = new BlockerStore(db);
      store.saveDigest('v1.37', '2026-07-06T07:00:00.000Z', '2026-07-06T07:01:00.000Z', ITEMS, 3);
      store.saveDigest('v1.37', '2026-07-06T15:00:00.000Z', '2026-07-06T15:01:00.000Z', ITEMS.slice(0, 2), 3);
      // A snapshot from before migration 009: no history row yet.
      db.prepare(
        `INSERT INTO blockers_snapshots (milestone, kind, slot, taken_at, items_json, requests)
         VALUES ('v1.37', 'digest', '2026-07-03T07:00:00.000Z', '2026-07-03T07:02:00.000Z', ?, 2)`,
      ).run(JSON.stringify(ITEMS.slice(0, 3)));
      const history = new BlockerHistory(db);
      const days = history.days('v1.37');
      expect(days.map((d) => [d.day, d.blocking, d.bySig])).toEqual([
        ['2026-07-03', 3, { node: 2, apps: 1 }],
        ['2026-07-06', 2, { node: 2 }],
      ]);
      expect(history.backfill('v1.37')).toBe(0);
      expect(history.milestones()).toEqual(['v1.37']);
    });
  });
});

describe('the chart option', () => {
  const now = DateTime.fromISO('2026-07-13T09:00:00Z', { zone: 'utc' });
  const days = [
    day('2026-07-01', { node: 5, apps: 2 }),
    day('2026-07-06', { node: 3, apps: 4, network: 1 }),
    day('2026-07-13', { node: 1, '': 2 }),
  ];

  it('stacks the top SIGs and "other", and the stacks add up to the day’s total', () => {
    const s = stacks(days, 'sig', 2);
    expect(s.map((x) => x.name)).toEqual(['sig/node', 'sig/apps', 'other (2 SIGs)']);
    expect(s.map((x) => x.values)).toEqual([
      [5, 3, 1],
      [2, 4, 0],
      [0, 1, 2],
    ]);
    // One SIG too many is named, not called "other".
    expect(stacks(days, 'sig', 3).map((x) => x.name)).toEqual([
      'sig/node',
      'sig/apps',
      'sig/network',
      'no SIG',
    ]);
  });

  it('puts the snapshots’ numbers, the milestones and today in the option', () => {
    const b = burndown({
      milestone: 'v1.37',
      days,
      by: 'sig',
      markers: [
        { label: 'Code Freeze', at: '2026-07-23T12:00:00Z', kind: 'freeze' },
        { label: 'too early', at: '2025-01-01T00:00:00Z', kind: 'rc' },
      ],
      now,
      range: { start: '2026-05-18T00:00:00.000Z', end: '2026-08-27T00:00:00.000Z' },
    });
    expect(b.totals).toEqual([7, 8, 3]);
    const series = b.option.series as Array<{
      name: string;
      data: [number, number][];
      markLine?: { data: { name: string; xAxis: number }[] };
    }>;
    const stacked = series.filter((s) => s.name !== 'milestones');
    for (let i = 0; i < days.length; i++)
      expect(stacked.reduce((n, s) => n + s.data[i]![1], 0)).toBe(days[i]!.blocking);
    expect(stacked[0]!.data[0]).toEqual([Date.parse('2026-07-01T00:00:00Z'), 5]);
    const rules = series.find((s) => s.name === 'milestones')!.markLine!.data;
    expect(rules.map((r) => [r.name, r.xAxis])).toEqual([
      ['Code Freeze', Date.parse('2026-07-23T12:00:00Z')],
      ['today', now.toMillis()],
    ]);
    expect(JSON.parse(JSON.stringify(b.option))).toEqual(b.option); // plain JSON: it crosses into the worker
    expect(b.fallback).toBe('Open blockers in v1.37: 3 today, 8 a week before; peak 8 on Mon 6 Jul.');
    expect(b.alt).toContain(b.fallback);
  });

  it('says what it has when there is little data', () => {
    expect(fallbackLine('v1.37', [], now)).toBe(
      'Open blockers in v1.37: no daily digest recorded yet, so there is no burndown to draw.',
    );
    expect(fallbackLine('v1.37', [days[0]!], now)).toBe(
      'Open blockers in v1.37: 7 on Wed 1 Jul (latest digest); peak 7 on Wed 1 Jul.',
    );
    expect(fallbackLine('v1.37', days.slice(0, 2), now)).toBe(
      'Open blockers in v1.37: 8 on Mon 6 Jul (latest digest), 7 on Wed 1 Jul (first digest); peak 8 on Mon 6 Jul.',
    );
  });

  it('marks the freezes, RCs and release day of the real v1.37 schedule', () => {
    const doc = parseCycleReadme(fixture('release-1.37-README.md'));
    const marked = doc.milestones.flatMap((m) => {
      const k = markerOf(m);
      return k ? [k.label] : [];
    });
    expect(marked).toEqual(['Enhancements Freeze', 'Code Freeze', 'rc.0', 'Docs Freeze', 'rc.1', 'v1.37.0']);
  });
});

describe('the renderer', () => {
  const now = DateTime.fromISO('2026-07-13T09:00:00Z', { zone: 'utc' });
  it('draws a valid PNG of the expected size, off the main thread', async () => {
    const b = burndown({
      milestone: 'v1.37',
      days: [day('2026-07-01', { node: 5, apps: 2 }), day('2026-07-06', { node: 3 })],
      by: 'sig',
      markers: [{ label: 'Code Freeze', at: '2026-07-03T12:00:00Z', kind: 'freeze' }],
      now,
    });
    const out = await renderChart(b.option, { width: b.width, height: b.height, png: true, scale: 1.5 });
    const png = out.png!;
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(png.subarray(12, 16).toString('ascii')).toBe('IHDR');
    expect(png.readUInt32BE(16)).toBe(b.width * 1.5);
    expect(png.readUInt32BE(20)).toBe(b.height * 1.5);
    expect(png.length).toBeGreaterThan(10_000); // text and areas, not a blank image
    expect(png.length).toBeLessThan(1_000_000);
    expect(out.svg).toContain('Open release blockers · v1.37');
    expect(out.svg).toContain('Code Freeze');
  });

  it('escapes hostile names in the SVG', async () => {
    const b = burndown({
      milestone: 'v1.37',
      days: [day('2026-07-01', { '<script>alert(1)</script>': 2 })],
      by: 'sig',
      markers: [{ label: '<img src=x onerror=alert(1)>', at: '2026-07-01T12:00:00Z', kind: 'freeze' }],
      now,
    });
    const { svg } = await renderChart(b.option, { width: b.width, height: b.height });
    expect(svg).not.toContain('<script>');
    expect(svg).not.toContain('<img');
    expect(svg).toContain('&lt;script&gt;');
  });
});
