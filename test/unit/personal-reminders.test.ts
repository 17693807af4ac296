import { DateTime } from 'luxon';
import type { Milestone } from '../../src/schedule/model';
import {
  closestTargets,
  nextDm,
  parseLead,
  parseTargetKey,
  planPersonal,
  resolveTarget,
  type Subscription,
  targetKey,
} from '../../src/schedule/personal';

const ms = (id: string, name: string, at: string, kinds: Milestone['kinds'] = ['hardFreeze']): Milestone => ({
  id,
  source: 'cycle',
  cycle: '1.37',
  name,
  timing: { type: 'instant', at },
  bold: true,
  kinds,
});
const CODE_37 = ms(
  'v1.37/begin-code-freeze-and-test-freeze',
  'Begin Code Freeze and Test Freeze',
  '2026-07-23T12:00:00Z',
);
const DOCS_37 = ms('v1.37/docs-freeze', 'Docs Freeze', '2026-08-06T12:00:00Z');
const CODE_38 = ms('v1.38/code-freeze', 'Code Freeze', '2026-11-05T12:00:00Z');
const RC = {
  ...ms('v1.37/v1-37-0-rc-1-released', 'v1.37.0-rc.1 released', '2026-08-19T00:00:00Z', []),
  bold: false,
};
const ALL = [CODE_37, DOCS_37, RC, CODE_38];
const now = DateTime.fromISO('2026-07-01T09:00:00Z', { zone: 'utc' });

const sub = (
  id: number,
  target: string,
  lead: string,
  minutes: number,
  createdAt = '2026-07-01T09:00:00Z',
): Subscription => ({
  id,
  user: 'U1',
  target,
  lead,
  leadMinutes: minutes,
  createdAt,
});

describe('personal reminders: lead times', () => {
  it.each([
    ['30m', 30],
    ['6h', 360],
    ['2d', 2880],
    ['2D', 2880],
    ['1w', 10080],
    ['4w', 40320],
    ['15m', 15],
  ])('%s is %d minutes', (text, minutes) => {
    expect(parseLead(text)).toMatchObject({ ok: true, minutes });
  });
  it.each(['-3d', '999w', '0d', '14m', '5w', 'soon', '', '2 days', 'now', '1.5d'])(
    '%s is refused with a reason',
    (t) => {
      const r = parseLead(t);
      expect(r.ok).toBe(false);
      expect(r.ok ? '' : r.reason).toMatch(/\w/);
    },
  );
});

describe('personal reminders: what a word names', () => {
  it('kinds, ids and slugs of milestones ahead', () => {
    expect(resolveTarget('code-freeze', ALL, now, 'UTC')).toMatchObject({
      ok: true,
      target: { type: 'kind' },
    });
    expect(resolveTarget('RC', ALL, now, 'UTC')).toMatchObject({ ok: true, target: { type: 'kind' } });
    expect(resolveTarget('v1.37/docs-freeze', ALL, now, 'UTC')).toEqual({
      ok: true,
      target: { type: 'milestone', id: 'v1.37/docs-freeze' },
    });
    expect(resolveTarget('v1-37-0-rc-1-released', ALL, now, 'UTC')).toEqual({
      ok: true,
      target: { type: 'milestone', id: RC.id },
    });
  });
  it('an unknown word gets the closest names first', () => {
    const r = resolveTarget('code-frezee', ALL, now, 'UTC');
    expect(r.ok).toBe(false);
    expect(r.ok ? [] : r.closest[0]).toBe('code-freeze');
    expect(closestTargets('rcc', ALL)[0]).toBe('rc');
  });
  it('target keys round-trip', () => {
    for (const k of ['kind:code-freeze', 'kind:rc', 'milestone:v1.37/docs-freeze'])
      expect(targetKey(parseTargetKey(k)!)).toBe(k);
    expect(parseTargetKey('kind:nonsense')).toBeUndefined();
  });
});

describe('personal reminders: planning', () => {
  it('a kind covers every such milestone, future cycles too; one key per subscription × instant × lead', () => {
    const plan = planPersonal([sub(1, 'kind:code-freeze', '2d', 2880)], ALL);
    expect(plan.map((p) => [p.key, p.dueAt.toISO()])).toEqual([
      [
        'personal-reminder:1:v1.37/begin-code-freeze-and-test-freeze:2026-07-23T12:00:00Z:2d',
        '2026-07-21T12:00:00.000Z',
      ],
      ['personal-reminder:1:v1.38/code-freeze:2026-11-05T12:00:00Z:2d', '2026-11-03T12:00:00.000Z'],
    ]);
  });
  it('a reminder due before the subscription was made is not planned (no late DM for it)', () => {
    const late = sub(2, 'kind:code-freeze', '2d', 2880, '2026-07-22T00:00:00Z');
    expect(planPersonal([late], ALL).map((p) => p.milestone.id)).toEqual(['v1.38/code-freeze']);
    expect(nextDm(late, ALL, now)?.milestone.id).toBe('v1.38/code-freeze');
  });
  it('a moved milestone gets a new key (the old one is never reused)', () => {
    const moved = { ...DOCS_37, timing: { type: 'instant' as const, at: '2026-08-07T12:00:00Z' } };
    const a = planPersonal([sub(3, 'milestone:v1.37/docs-freeze', '1d', 1440)], [DOCS_37])[0]!.key;
    const b = planPersonal([sub(3, 'milestone:v1.37/docs-freeze', '1d', 1440)], [moved])[0]!.key;
    expect(a).not.toBe(b);
  });
});
