import Database from 'better-sqlite3';
import { DateTime } from 'luxon';
import { feature as scheduleFeature } from '../../commands/schedule';
import { ManualClock } from '../../src/clock';
import { fixture } from '../../src/fixtures';
import { people } from '../../src/sandbox/seed';
import { seedSchedule } from '../../src/sandbox/seed-schedule';
import { type Harness, startHarness } from '../helpers/harness';

/**
 * Reminders through the whole stack: the real v1.37 page and schedule.yaml served by the emulated
 * GitHub, the real jobs driven by a ManualClock, posts checked in the emulated Slack.
 */

const MENTIONS = {
  'Enhancements Lead': 'S0ENHANCE',
  'Branch Manager': 'S0BRANCHM',
  'Docs Lead': 'S0DOCSLEAD',
  'Release Managers': 'S0RELMGRS',
};

function config(raw: Record<string, unknown>) {
  raw.schedule = {
    sources: {
      cycles: [{ repo: 'kubernetes/sig-release', path: 'releases/release-1.37/README.md', ref: 'master' }],
      patches: { repo: 'kubernetes/website', path: 'data/releases/schedule.yaml', ref: 'main' },
      eol: { repo: 'kubernetes/website', path: 'data/releases/eol.yaml', ref: 'main' },
    },
    reminders: { mentions: MENTIONS },
  };
}

async function harnessAt(iso: string): Promise<Harness> {
  const h = await startHarness({ clock: new ManualClock(iso), config, features: [scheduleFeature] });
  seedSchedule(h.github);
  return h;
}

interface Posted {
  key: string;
  text: string;
  at: string;
}

function reminders(h: Harness): Posted[] {
  return h.slack
    .channelMessages()
    .filter((m) => String(m.metadata?.event_payload?.key ?? '').startsWith('schedule-reminder:'))
    .map((m) => ({
      key: String(m.metadata!.event_payload.key).replace('schedule-reminder:', ''),
      text: m.text ?? '',
      at: DateTime.fromSeconds(Number(m.ts.split('.')[0]), { zone: 'utc' }).toISO({
        suppressMilliseconds: true,
      })!,
    }));
}

/**
 * Restart on the same database. Bolt's new App verifies its token (auth.test) in the background;
 * wait for that answer so stopping the emulators right after cannot fail it.
 */
async function restart(h: Harness) {
  const n = h.slack.callsTo('auth.test').length;
  await h.restart();
  await h.slack.waitFor(() => h.slack.callsTo('auth.test').length > n);
  await new Promise((r) => setTimeout(r, 20));
}

async function stepHourly(h: Harness, until: string) {
  const end = DateTime.fromISO(until, { zone: 'utc' });
  while (h.clock.now() < end) {
    h.clock.advance({ hours: 1 });
    await h.relbot.jobs.runAll();
  }
}

const LEADS: [string, { days?: number; hours?: number }][] = [
  ['7d', { days: 7 }],
  ['1d', { days: 1 }],
  ['1h', { hours: 1 }],
  ['now', {}],
];

describe('a simulated 15-week v1.37 cycle through the injected clock', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harnessAt('2026-05-17T00:00:00Z');
  });
  afterAll(async () => {
    await h.stop();
  });

  test('posts exactly the configured reminders, each once and at its due hour', async () => {
    await h.relbot.jobs.runAll(); // first sync + the first reminders run (history skipped)
    expect(reminders(h)).toEqual([]);
    await stepHourly(h, '2026-08-28T00:00:00Z');

    const milestones: [string, string][] = [
      ['patches/cherry-pick-deadline/2026-06', '2026-06-06T12:00:00Z'],
      ['v1.37/begin-production-readiness-freeze', '2026-06-10T12:00:00Z'],
      ['v1.37/begin-enhancements-freeze', '2026-06-17T12:00:00Z'],
      ['patches/cherry-pick-deadline/2026-07', '2026-07-11T12:00:00Z'],
      ['v1.37/begin-code-freeze-and-test-freeze', '2026-07-23T12:00:00Z'],
      ['v1.37/docs-freeze', '2026-08-06T12:00:00Z'],
      ['patches/cherry-pick-deadline/2026-08', '2026-08-08T12:00:00Z'],
      ['v1.37/v1-37-0-released', '2026-08-26T00:00:00Z'],
    ];
    const expected = milestones
      .flatMap(([id, at]) =>
        LEADS.map(([lead, d]) => ({
          key: `${id}:${lead}:${at}`,
          at: DateTime.fromISO(at, { zone: 'utc' }).minus(d).toISO({ suppressMilliseconds: true })!,
        })),
      )
      .sort((a, b) => a.at.localeCompare(b.at) || a.key.localeCompare(b.key));
    const got = reminders(h);
    expect(got.map(({ key, at }) => ({ key, at }))).toEqual(expected);
    expect(new Set(got.map((r) => r.key)).size).toBe(32);
    expect(got.some((r) => r.text.includes('Posted late'))).toBe(false);

    const text = (key: string) => got.find((r) => r.key === key)!.text;
    expect(text('v1.37/begin-code-freeze-and-test-freeze:7d:2026-07-23T12:00:00Z')).toBe(
      [
        ':alarm_clock: *Begin Code Freeze and Test Freeze* is in 7 days: end of Wed 22 Jul 2026 AoE (<!date^1784808000^{date_short_pretty} {time}|Thu 23 Jul 2026, 12:00 UTC>).',
        'v1.37, week 10, <!subteam^S0BRANCHM>',
      ].join('\n'),
    );
    expect(text('v1.37/begin-enhancements-freeze:now:2026-06-17T12:00:00Z')).toContain(
      ':rotating_light: *Begin Enhancements Freeze* is now in effect',
    );
    expect(text('v1.37/begin-enhancements-freeze:now:2026-06-17T12:00:00Z')).toContain(
      '<!subteam^S0ENHANCE>',
    );
    expect(text('v1.37/docs-freeze:1h:2026-08-06T12:00:00Z')).toContain('<!subteam^S0DOCSLEAD>');
    expect(text('v1.37/v1-37-0-released:now:2026-08-26T00:00:00Z')).toContain(
      ':rotating_light: *v1.37.0 released* is today: Wed 26 Aug 2026 (all day, UTC).',
    );
    expect(text('patches/cherry-pick-deadline/2026-06:1d:2026-06-06T12:00:00Z')).toContain(
      '*Cherry-pick deadline for the June 2026 patch releases (1.36.2, 1.35.6, 1.34.9, 1.33.13)* is in 1 day',
    );
    expect(text('patches/cherry-pick-deadline/2026-06:1d:2026-06-06T12:00:00Z')).toContain(
      '<!subteam^S0RELMGRS>',
    );
    expect(text('patches/cherry-pick-deadline/2026-07:now:2026-07-11T12:00:00Z')).toContain('has passed');

    // the ledger agrees with Slack: 32 posted, the rest of the plan (history) skipped, nothing pending
    const states = h.db.prepare('SELECT state, COUNT(*) AS n FROM schedule_reminders GROUP BY state').all();
    expect(states).toEqual(expect.arrayContaining([{ state: 'posted', n: 32 }]));
    expect(states.find((s) => (s as { state: string }).state === 'posting')).toBeUndefined();
    // the daily sync ran every day and found nothing new: the only other post is the first import
    const others = h.slack
      .channelMessages()
      .filter((m) => !String(m.metadata?.event_payload?.key).startsWith('schedule-reminder:'));
    expect(others).toHaveLength(1);
    expect(h.github.callsTo('GET', /release-1\.37/).length).toBeGreaterThanOrEqual(100);
    expect(h.slack.violations).toEqual([]);
  });

  test('running the jobs again, and restarting on the same database, posts nothing twice', async () => {
    const before = h.slack.channelMessages().length;
    await h.relbot.jobs.runAll();
    await restart(h);
    await h.relbot.jobs.runAll();
    h.clock.advance({ hours: 3 });
    await h.relbot.jobs.runAll();
    expect(h.slack.channelMessages().length).toBe(before);
  });
});

describe('downtime: missed reminders are posted late only while the milestone is ahead', () => {
  let h: Harness;
  afterEach(async () => {
    await h.stop();
  });

  test('late 1-day Code Freeze reminder (7-day superseded), July patch reminders skipped', async () => {
    h = await harnessAt('2026-07-09T00:00:00Z');
    await h.relbot.jobs.runAll();
    // the 7-day reminder of the July cherry-pick deadline was due on 07-04: still ahead, so posted late
    expect(reminders(h).map((r) => r.key)).toEqual([
      'patches/cherry-pick-deadline/2026-07:7d:2026-07-11T12:00:00Z',
    ]);
    expect(reminders(h)[0]!.text).toContain('is in 2 days');
    // relbot's first run ever: no earlier run in the ledger to name a gap from
    expect(reminders(h)[0]!.text).toContain(
      '_Posted late: relbot was not running yet when this reminder was due (<!date^1783166400^{date_short_pretty} {time}|Sat 4 Jul 2026, 12:00 UTC>)._',
    );

    await h.stopRelbot(); // down from 07-09 to 07-23 10:00
    h.clock.set('2026-07-23T10:00:00Z');
    await restart(h);
    await h.relbot.jobs.run('schedule-reminders');
    const got = reminders(h).slice(1);
    expect(got.map((r) => r.key)).toEqual([
      'v1.37/begin-code-freeze-and-test-freeze:1d:2026-07-23T12:00:00Z',
    ]);
    expect(got[0]!.text).toContain('*Begin Code Freeze and Test Freeze* is in 2 hours');
    // the gap comes from the job_runs ledger: the last finished reminders run, 07-09 00:00, to now
    expect(got[0]!.text).toContain(
      '_Posted late: relbot was offline from <!date^1783555200^{date_short_pretty} {time}|Thu 9 Jul 2026, 00:00 UTC> to <!date^1784800800^{date_short_pretty} {time}|Thu 23 Jul 2026, 10:00 UTC>. This reminder was due <!date^1784721600^{date_short_pretty} {time}|Wed 22 Jul 2026, 12:00 UTC>._',
    );
    const ledger = h.db
      .prepare(
        "SELECT key, state, reason FROM schedule_reminders WHERE milestone_at >= '2026-07-11' ORDER BY due_at",
      )
      .all() as { key: string; state: string; reason: string | null }[];
    expect(ledger.map((r) => [r.key.replace('schedule-reminder:', ''), r.state, r.reason])).toEqual([
      ['patches/cherry-pick-deadline/2026-07:7d:2026-07-11T12:00:00Z', 'posted', 'posted late'],
      [
        'patches/cherry-pick-deadline/2026-07:1d:2026-07-11T12:00:00Z',
        'skipped',
        'missed, and the milestone has begun',
      ],
      [
        'patches/cherry-pick-deadline/2026-07:1h:2026-07-11T12:00:00Z',
        'skipped',
        'missed, and the milestone has begun',
      ],
      [
        'patches/cherry-pick-deadline/2026-07:now:2026-07-11T12:00:00Z',
        'skipped',
        'missed, and the milestone has begun',
      ],
      [
        'v1.37/begin-code-freeze-and-test-freeze:7d:2026-07-23T12:00:00Z',
        'skipped',
        'superseded by a later reminder',
      ],
      ['v1.37/begin-code-freeze-and-test-freeze:1d:2026-07-23T12:00:00Z', 'posted', 'posted late'],
    ]);
    // then on time again
    await stepHourly(h, '2026-07-23T13:00:00Z');
    expect(
      reminders(h)
        .slice(2)
        .map((r) => [r.key, r.at]),
    ).toEqual([
      ['v1.37/begin-code-freeze-and-test-freeze:1h:2026-07-23T12:00:00Z', '2026-07-23T11:00:00Z'],
      ['v1.37/begin-code-freeze-and-test-freeze:now:2026-07-23T12:00:00Z', '2026-07-23T12:00:00Z'],
    ]);
    expect(h.slack.violations).toEqual([]);
  });
});

describe('a crash between the post and its record never posts twice', () => {
  let h: Harness;
  afterEach(async () => {
    await h.stop();
  });

  /**
   * The failure is injected at the exact point with a SQLite trigger that aborts the write after
   * Slack answered; relbot is then stopped and restarted on the same database file (the trigger
   * dropped), like a process that died there.
   */
  async function crashAt(trigger: string) {
    h = await harnessAt('2026-07-16T11:00:00Z');
    await h.relbot.jobs.run('schedule-sync');
    await h.relbot.jobs.run('schedule-reminders'); // decides the past; nothing due yet for Code Freeze 7d
    const before = reminders(h).length;
    h.db.exec(trigger);
    h.clock.set('2026-07-16T12:00:00Z');
    await h.relbot.jobs.run('schedule-reminders');
    const posted = reminders(h).slice(before);
    expect(posted.map((r) => r.key)).toEqual([
      'v1.37/begin-code-freeze-and-test-freeze:7d:2026-07-23T12:00:00Z',
    ]);
    await h.stopRelbot();
    const db = new Database(h.dbPath);
    db.exec('DROP TRIGGER crash');
    db.close();
    h.clock.advance({ minutes: 5 });
    await restart(h);
    return before;
  }

  test('killed after Slack posted but before the outbox recorded it: adopted from the channel history', async () => {
    const before = await crashAt(
      "CREATE TRIGGER crash BEFORE UPDATE OF state ON outbox WHEN NEW.state = 'done' AND NEW.key LIKE 'schedule-reminder:%' BEGIN SELECT RAISE(ABORT, 'simulated crash'); END;",
    );
    const pending = h.db
      .prepare("SELECT state, attempts FROM outbox WHERE key LIKE 'schedule-reminder:v1.37/begin-code%'")
      .get();
    expect(pending).toEqual({ state: 'pending', attempts: 1 });
    const historyCalls = h.slack.callsTo('conversations.history').length;
    await h.relbot.jobs.run('schedule-reminders');
    await h.relbot.jobs.run('schedule-reminders');
    expect(reminders(h).slice(before)).toHaveLength(1);
    expect(h.slack.callsTo('conversations.history').length).toBeGreaterThan(historyCalls);
    const row = h.db
      .prepare(
        "SELECT state, ts FROM schedule_reminders WHERE key LIKE 'schedule-reminder:v1.37/begin-code%7d%'",
      )
      .get() as { state: string; ts: string };
    expect(row.state).toBe('posted');
    expect(row.ts).toBe(
      h.slack.channelMessages().find((m) => String(m.metadata?.event_payload?.key).includes('code-freeze'))!
        .ts,
    );
  });

  test('killed after the outbox recorded the post but before the reminder ledger did', async () => {
    const before = await crashAt(
      "CREATE TRIGGER crash BEFORE UPDATE OF state ON schedule_reminders WHEN NEW.state = 'posted' BEGIN SELECT RAISE(ABORT, 'simulated crash'); END;",
    );
    expect(
      h.db.prepare("SELECT state FROM schedule_reminders WHERE key LIKE '%code-freeze%7d%'").get(),
    ).toEqual({
      state: 'posting',
    });
    await h.relbot.jobs.run('schedule-reminders');
    expect(reminders(h).slice(before)).toHaveLength(1);
    expect(
      h.db.prepare("SELECT state FROM schedule_reminders WHERE key LIKE '%code-freeze%7d%'").get(),
    ).toEqual({
      state: 'posted',
    });
  });

  test('Slack failing the post: recorded as posting, retried by the next run, posted once', async () => {
    h = await harnessAt('2026-07-16T11:00:00Z');
    await h.relbot.jobs.run('schedule-sync');
    await h.relbot.jobs.run('schedule-reminders');
    const before = reminders(h).length;
    h.clock.set('2026-07-16T12:00:00Z');
    h.slack.injectFault({ method: 'chat.postMessage', error: 'fatal_error', times: 1 });
    await h.relbot.jobs.run('schedule-reminders');
    expect(reminders(h).slice(before)).toHaveLength(0);
    h.clock.advance({ minutes: 5 });
    await h.relbot.jobs.run('schedule-reminders');
    await h.relbot.jobs.run('schedule-reminders');
    expect(
      reminders(h)
        .slice(before)
        .map((r) => r.key),
    ).toEqual(['v1.37/begin-code-freeze-and-test-freeze:7d:2026-07-23T12:00:00Z']);
  });
});

describe('a sync that moves a milestone re-plans its reminders and says it moved', () => {
  let h: Harness;
  afterAll(async () => {
    await h.stop();
  });

  test('Code Freeze moved by a day after its 7-day reminder', async () => {
    h = await harnessAt('2026-07-16T11:00:00Z');
    await h.relbot.jobs.runAll();
    await stepHourly(h, '2026-07-16T13:00:00Z');
    expect(reminders(h).map((r) => r.key)).toEqual([
      'v1.37/begin-code-freeze-and-test-freeze:7d:2026-07-23T12:00:00Z',
    ]);

    const CF =
      '| **Begin [Code Freeze] and [Test Freeze]**          | Branch Manager                | Wednesday 22nd July 2026 (AoE) / Thursday 23rd July 2026, 12:00 UTC  |';
    const page = fixture('release-1.37-README.md').replace(
      CF,
      CF.replace(
        'Wednesday 22nd July 2026 (AoE) / Thursday 23rd July 2026',
        'Thursday 23rd July 2026 (AoE) / Friday 24th July 2026',
      ),
    );
    h.github.setFile('kubernetes', 'sig-release', 'releases/release-1.37/README.md', page, 'master');
    const res = await h.driver.command(people.admin.id, '/schedule', 'sync');
    expect(JSON.stringify(res.body)).toContain(
      'Moved *Begin Code Freeze and Test Freeze* (v1.37) from <!date^1784808000^{date_short_pretty} {time}|Thu 23 Jul 2026, 12:00 UTC> → <!date^1784894400^{date_short_pretty} {time}|Fri 24 Jul 2026, 12:00 UTC>',
    );
    const announcement = h.slack.channelMessages().at(-1)!;
    expect(announcement.text).toContain(
      '• Moved *Begin Code Freeze and Test Freeze* (v1.37) from <!date^1784808000^{date_short_pretty} {time}|Thu 23 Jul 2026, 12:00 UTC> → <!date^1784894400^{date_short_pretty} {time}|Fri 24 Jul 2026, 12:00 UTC>',
    );

    await stepHourly(h, '2026-07-24T13:00:00Z');
    const got = reminders(h).slice(1);
    expect(got.map((r) => [r.key, r.at])).toEqual([
      ['v1.37/begin-code-freeze-and-test-freeze:7d:2026-07-24T12:00:00Z', '2026-07-17T12:00:00Z'],
      ['v1.37/begin-code-freeze-and-test-freeze:1d:2026-07-24T12:00:00Z', '2026-07-23T12:00:00Z'],
      ['v1.37/begin-code-freeze-and-test-freeze:1h:2026-07-24T12:00:00Z', '2026-07-24T11:00:00Z'],
      ['v1.37/begin-code-freeze-and-test-freeze:now:2026-07-24T12:00:00Z', '2026-07-24T12:00:00Z'],
    ]);
    for (const r of got)
      expect(r.text).toContain(
        ':arrows_counterclockwise: Moved: it was <!date^1784808000^{date_short_pretty} {time}|Thu 23 Jul 2026, 12:00 UTC>.',
      );
    // nothing was posted for the old instant after the move
    expect(reminders(h).filter((r) => r.key.endsWith('2026-07-23T12:00:00Z'))).toHaveLength(1);
    expect(h.slack.violations).toEqual([]);
  });
});
