import { DateTime, Settings } from 'luxon';
import { fixture } from '../../src/fixtures';
import { DEFAULT_RULES } from '../../src/schedule/config';
import type { Milestone } from '../../src/schedule/model';
import { parsePatchSchedule, patchMilestones } from '../../src/schedule/patches';
import { parseCycleReadme } from '../../src/schedule/readme';
import { decideReminders, planReminders, remindersDue } from '../../src/schedule/reminders';
import {
  channelPost,
  describeTiming,
  mentionsFor,
  relative,
  relativeDays,
  reminderText,
} from '../../src/schedule/render';

const t = (iso: string) => DateTime.fromISO(iso, { zone: 'utc' });
const cycle37 = parseCycleReadme(fixture('release-1.37-README.md')).milestones;
const cycle36 = parseCycleReadme(fixture('release-1.36-README.md')).milestones;
const patches = patchMilestones(parsePatchSchedule(fixture('schedule.yaml')), { zone: 'AoE', time: '24:00' });
const all: Milestone[] = [...cycle37, ...patches];
const get = (ms: Milestone[], name: string) => ms.find((m) => m.name === name)!;

describe('display in the viewer time zone, UTC and relative', () => {
  const now = t('2026-01-20T09:00:00Z');
  test('across the US DST change (America/Los_Angeles): PST in February, PDT in March', () => {
    const ef = get(cycle36, 'Begin Enhancements Freeze');
    const cf = get(cycle36, 'Begin Code Freeze and Test Freeze');
    expect(describeTiming(ef.timing, now, 'America/Los_Angeles')).toBe(
      'Thu 12 Feb 2026, 04:00 PST · Thu 12 Feb 2026, 12:00 UTC · _in 3 weeks_',
    );
    expect(describeTiming(cf.timing, now, 'America/Los_Angeles')).toBe(
      'Thu 19 Mar 2026, 05:00 PDT · Thu 19 Mar 2026, 12:00 UTC · _in 8 weeks_',
    );
  });

  test('+5:30 (Asia/Kolkata) and +14:00 (Pacific/Kiritimati, the next calendar day)', () => {
    const cf = get(cycle37, 'Begin Code Freeze and Test Freeze');
    const at = t('2026-07-20T12:00:00Z');
    expect(describeTiming(cf.timing, at, 'Asia/Kolkata')).toBe(
      'Thu 23 Jul 2026, 17:30 GMT+5:30 · Thu 23 Jul 2026, 12:00 UTC · _in 3 days_',
    );
    expect(describeTiming(cf.timing, at, 'Pacific/Kiritimati')).toBe(
      'Fri 24 Jul 2026, 02:00 GMT+14 · Thu 23 Jul 2026, 12:00 UTC · _in 3 days_',
    );
    expect(describeTiming(cf.timing, at, 'UTC')).toBe('Thu 23 Jul 2026, 12:00 UTC · _in 3 days_');
  });

  test('all-day rows are dates; "today" depends on the viewer zone', () => {
    const release = get(cycle37, 'v1.37.0 released');
    const at = t('2026-08-25T20:00:00Z'); // 10:00 on the 26th in Kiritimati, 13:00 on the 25th in LA
    expect(describeTiming(release.timing, at, 'Pacific/Kiritimati')).toBe(
      'Wed 26 Aug 2026 (all day) · _today_',
    );
    expect(describeTiming(release.timing, at, 'America/Los_Angeles')).toBe(
      'Wed 26 Aug 2026 (all day) · _tomorrow_',
    );
    expect(describeTiming(get(cycle37, 'KubeCon India').timing, at, 'UTC')).toBe(
      'Thu 18 – Fri 19 Jun 2026 · _ended 9 weeks ago_',
    );
    // a span under way is neither "yesterday" nor over: KubeCon Japan (Tue–Thu) seen on its Wednesday
    const japan = get(cycle37, 'KubeCon Japan').timing;
    expect(describeTiming(japan, t('2026-07-29T09:00:00Z'), 'UTC')).toBe(
      'Tue 28 – Thu 30 Jul 2026 · _under way, until Thu 30 Jul_',
    );
    expect(describeTiming(japan, t('2026-07-27T09:00:00Z'), 'UTC')).toBe(
      'Tue 28 – Thu 30 Jul 2026 · _tomorrow_',
    );
    expect(describeTiming(japan, t('2026-07-31T09:00:00Z'), 'UTC')).toBe(
      'Tue 28 – Thu 30 Jul 2026 · _ended yesterday_',
    );
    expect(relativeDays('2026-08-30', at, 'UTC')).toBe('in 5 days');
  });

  test('relative phrases', () => {
    const base = t('2026-07-01T00:00:00Z');
    expect(relative(t('2026-07-01T00:00:30Z'), base)).toBe('now');
    expect(relative(t('2026-07-01T01:00:00Z'), base)).toBe('in 1 hour');
    expect(relative(t('2026-07-10T00:00:00Z'), base)).toBe('in 9 days');
    expect(relative(t('2026-07-22T00:00:00Z'), base)).toBe('in 3 weeks');
    expect(relative(t('2026-06-29T00:00:00Z'), base)).toBe('2 days ago');
  });

  test('relative phrases are English whatever the default locale', () => {
    const was = Settings.defaultLocale;
    Settings.defaultLocale = 'de-DE';
    try {
      const base = t('2026-07-01T00:00:00Z');
      expect(relative(t('2026-07-22T00:00:00Z'), base)).toBe('in 3 weeks');
      expect(relative(t('2026-06-30T23:00:00Z'), base)).toBe('1 hour ago');
      expect(relativeDays('2026-07-02', base, 'UTC')).toBe('tomorrow');
      expect(relativeDays('2026-06-30', base, 'UTC')).toBe('yesterday');
      const r = planReminders(cycle37, DEFAULT_RULES).find(
        (x) => x.milestone.id === 'v1.37/begin-code-freeze-and-test-freeze' && x.lead === '7d',
      )!;
      expect(
        reminderText(r, { now: t('2026-07-16T12:00:00Z'), late: false, mentions: {}, zone: 'UTC' }),
      ).toContain('*Begin Code Freeze and Test Freeze* is in 7 days:');
    } finally {
      Settings.defaultLocale = was;
    }
  });

  test('calendar days stay whole across a daylight-saving change at midnight (America/Santiago)', () => {
    // Santiago moves from 00:00 to 01:00 on Sunday 6 Sep 2026: that day is 23 hours long.
    const at = t('2026-08-24T12:00:00Z'); // 08:00 Monday in Santiago
    expect(relativeDays('2026-09-06', at, 'America/Santiago')).toBe('in 13 days');
    expect(relativeDays('2026-09-07', at, 'America/Santiago')).toBe('in 2 weeks');
    expect(relativeDays('2026-08-10', t('2026-09-07T12:00:00Z'), 'America/Santiago')).toBe('4 weeks ago');
  });
});

describe('reminder rules (pure)', () => {
  test('default rules: hard freezes, release day and every cherry-pick deadline, at 7d/1d/1h/now', () => {
    const plan = planReminders(all, DEFAULT_RULES);
    const names = [...new Set(plan.map((r) => r.milestone.id))];
    expect(names.filter((n) => n.startsWith('v1.37'))).toEqual([
      'v1.37/begin-production-readiness-freeze',
      'v1.37/begin-enhancements-freeze',
      'v1.37/begin-code-freeze-and-test-freeze',
      'v1.37/docs-freeze',
      'v1.37/v1-37-0-released',
    ]);
    const cf = plan.filter((r) => r.milestone.id === 'v1.37/begin-code-freeze-and-test-freeze');
    expect(cf.map((r) => [r.lead, r.dueAt.toISO()])).toEqual([
      ['7d', '2026-07-16T12:00:00.000Z'],
      ['1d', '2026-07-22T12:00:00.000Z'],
      ['1h', '2026-07-23T11:00:00.000Z'],
      ['now', '2026-07-23T12:00:00.000Z'],
    ]);
    expect(cf[0]!.key).toBe(
      'schedule-reminder:v1.37/begin-code-freeze-and-test-freeze:7d:2026-07-23T12:00:00Z',
    );
    // release day is all-day: it begins at 00:00 in allDayZone
    expect(
      plan.find((r) => r.milestone.id === 'v1.37/v1-37-0-released' && r.lead === 'now')!.dueAt.toISO(),
    ).toBe('2026-08-26T00:00:00.000Z');
    expect(
      planReminders(all, DEFAULT_RULES, 'Pacific/Kiritimati')
        .find((r) => r.milestone.id === 'v1.37/v1-37-0-released' && r.lead === 'now')!
        .dueAt.toISO(),
    ).toBe('2026-08-25T10:00:00.000Z');
  });

  test('remindersDue lists exactly what falls in a window', () => {
    const due = remindersDue(all, DEFAULT_RULES, {
      from: t('2026-07-10T00:00:00Z'),
      to: t('2026-07-23T11:00:00Z'),
    });
    expect(due.map((r) => `${r.milestone.id} ${r.lead}`)).toEqual([
      'patches/cherry-pick-deadline/2026-07 1d',
      'patches/cherry-pick-deadline/2026-07 1h',
      'patches/cherry-pick-deadline/2026-07 now',
      'v1.37/begin-code-freeze-and-test-freeze 7d',
      'v1.37/begin-code-freeze-and-test-freeze 1d',
      'v1.37/begin-code-freeze-and-test-freeze 1h',
    ]);
  });

  test('custom rules: a name match with any kind, and bold rows', () => {
    const plan = planReminders(all, [
      { select: 'any', match: '^Docs deadline', leads: ['2d'] },
      { select: 'bold', match: 'KubeCon', leads: ['now'] },
    ]);
    expect(plan.map((r) => `${r.milestone.name} ${r.lead}`)).toEqual([
      'KubeCon India now',
      'Docs deadline — Open placeholder PRs 2d',
      'Docs deadline — PRs ready for review 2d',
      'KubeCon Japan now',
    ]);
  });

  test('decisions: on time, late while ahead (latest lead only), skipped once begun', () => {
    const cf = planReminders(cycle37, DEFAULT_RULES).filter(
      (r) => r.milestone.id === 'v1.37/begin-code-freeze-and-test-freeze',
    );
    // relbot comes back 2 days before Code Freeze after missing the 7-day reminder
    let d = decideReminders(cf, t('2026-07-21T12:00:00Z'), 30);
    expect(d.map((x) => [x.reminder.lead, x.action, x.action === 'post' ? x.late : x.reason])).toEqual([
      ['7d', 'post', true],
    ]);
    // back 2 hours before: 7d and 1d missed; only 1d is posted (late), 7d superseded
    d = decideReminders(cf, t('2026-07-23T10:00:00Z'), 30);
    expect(d.map((x) => [x.reminder.lead, x.action, x.action === 'post' ? x.late : x.reason])).toEqual([
      ['7d', 'skip', 'superseded by a later reminder'],
      ['1d', 'post', true],
    ]);
    // within the grace period: on time; the older missed ones are superseded
    d = decideReminders(cf, t('2026-07-23T11:20:00Z'), 30);
    expect(d.map((x) => [x.reminder.lead, x.action, x.action === 'post' ? x.late : x.reason])).toEqual([
      ['7d', 'skip', 'superseded by a later reminder'],
      ['1d', 'skip', 'superseded by a later reminder'],
      ['1h', 'post', false],
    ]);
    // back after the freeze began: everything skipped
    d = decideReminders(cf, t('2026-07-24T00:00:00Z'), 30);
    expect(d.every((x) => x.action === 'skip' && x.reason === 'missed, and the milestone has begun')).toBe(
      true,
    );
    expect(d).toHaveLength(4);
  });

  test('reminder text: lead, exact time for every reader, mentions, late and moved notes', () => {
    const r = planReminders(cycle37, DEFAULT_RULES).find(
      (x) => x.milestone.id === 'v1.37/begin-code-freeze-and-test-freeze' && x.lead === '7d',
    )!;
    const text = reminderText(r, {
      now: t('2026-07-18T09:00:00Z'),
      late: true,
      mentions: { 'Branch Manager': 'S0BRANCH' },
      moved: { from: { type: 'instant', at: '2026-07-22T12:00:00Z' } },
      zone: 'UTC',
    });
    expect(text).toContain('*Begin Code Freeze and Test Freeze* is in 5 days');
    expect(text).toContain('<!date^1784808000^{date_short_pretty} {time}|Thu 23 Jul 2026, 12:00 UTC>');
    // the Who is the mapped group's mention, not italic words
    expect(text).toContain('\nv1.37, week 10, <!subteam^S0BRANCH>\n');
    expect(text).not.toContain('_v1.37');
    expect(text).toContain(
      'Moved: it was <!date^1784721600^{date_short_pretty} {time}|Wed 22 Jul 2026, 12:00 UTC>',
    );
    expect(text).toContain(
      '_Posted late: the milestone moved after this reminder was due (<!date^1784203200^{date_short_pretty} {time}|Thu 16 Jul 2026, 12:00 UTC>)._',
    );
    const now = planReminders(cycle37, DEFAULT_RULES).find(
      (x) => x.milestone.id === 'v1.37/begin-code-freeze-and-test-freeze' && x.lead === 'now',
    )!;
    expect(
      reminderText(now, { now: t('2026-07-23T12:00:00Z'), late: false, mentions: {}, zone: 'UTC' }),
    ).toMatch(/^:rotating_light: \*Begin Code Freeze and Test Freeze\* is now in effect/);
  });

  test('a channel post longer than a section is split at line ends, not cut', () => {
    const lines = Array.from({ length: 60 }, (_, i) => `• line ${i} ${'x'.repeat(90)}`);
    const post = channelPost(lines.join('\n'));
    expect(post.text).toBe(lines.join('\n'));
    const texts = (post.blocks ?? []).map((b) => (b.type === 'section' ? (b.text?.text ?? '') : ''));
    expect(texts.length).toBeGreaterThan(1);
    for (const x of texts) expect(x.length).toBeLessThanOrEqual(3000);
    expect(texts.join('\n')).toBe(lines.join('\n'));
  });

  test('mentions per Who value', () => {
    const m = {
      'Docs Lead': 'S0DOCS',
      'Comms Lead': 'S0COMMS',
      Comms: 'S0COMMS',
      'Branch Manager': 'S0BRANCH',
    };
    expect(mentionsFor('Docs Lead', m)).toEqual(['S0DOCS']);
    expect(mentionsFor('docs lead', m)).toEqual(['S0DOCS']);
    expect(mentionsFor('Comms / Docs', m)).toEqual(['S0COMMS']);
    expect(mentionsFor('Enhancement Owner / SIG Leads', m)).toEqual([]);
    expect(mentionsFor(undefined, m)).toEqual([]);
  });
});
