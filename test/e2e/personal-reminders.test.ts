import { ManualClock } from '../../src/clock';
import { people } from '../../src/sandbox/seed';
import { seedSchedule } from '../../src/sandbox/seed-schedule';
import type { SlackMessage } from '../../src/sandbox/slack/server';
import { type Harness, startHarness, textOf } from '../helpers/harness';

/**
 * Personal reminders through the whole stack: `/schedule remind` over signed HTTP, the real v1.37
 * page served by the emulated GitHub, the schedule-personal-reminders job driven by a ManualClock,
 * DMs checked in the emulated Slack (in the subscriber's own zone), restarts on the same SQLite file.
 */

const member = people.member; // Asia/Taipei, UTC+8
const JOB = 'schedule-personal-reminders';

async function harnessAt(iso: string): Promise<Harness> {
  const h = await startHarness({ clock: new ManualClock(iso) });
  seedSchedule(h.github);
  await h.relbot.jobs.run('schedule-sync');
  return h;
}

const dmChannel = (user: string) => `D${user.slice(1)}`;
const dms = (h: Harness, user: string): SlackMessage[] =>
  h.slack
    .channelMessages(dmChannel(user))
    .filter((m) => String(m.metadata?.event_payload?.key ?? '').startsWith('personal-reminder:'));

const rows = (h: Harness) =>
  h.db.prepare('SELECT user, target, lead FROM personal_reminders ORDER BY id').all() as Array<{
    user: string;
    target: string;
    lead: string;
  }>;

async function remind(h: Harness, user: string, text: string): Promise<string> {
  const res = await h.driver.command(user, '/schedule', `remind ${text}`);
  return textOf(res.body);
}

async function restart(h: Harness) {
  await h.restart();
}

describe('/schedule remind: subscribing, and what it refuses', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harnessAt('2026-07-01T09:00:00Z');
  });
  afterAll(async () => {
    await h.stop();
  });

  test('bad input is answered with what works and stores nothing', async () => {
    const cases: Array<[string, RegExp]> = [
      [
        'code-frezee 2d',
        /no milestone or kind of milestone called `code-frezee`[\s\S]*Closest first: `code-freeze`/,
      ],
      ['code-freeze -3d', /cannot be negative[\s\S]*from 15 minutes to 4 weeks/],
      ['code-freeze 999w', /too long: the most is 4 weeks/],
      ['code-freeze 0d', /too short: the least is 15 minutes/],
      ['code-freeze soon', /not a lead time/],
      ['code-freeze now', /`now` is for the channel reminders/],
      ['code-freeze', /Give a milestone \(or kind\) and a lead time/],
      ['off 3', /no personal reminders to stop/],
      // a single milestone sooner than the lead time could never be reminded on time
      ['v1.37/docs-deadline-open-placeholder-prs 4w', /begins sooner than 4 weeks from now/],
      ['v1.37/start-of-release-cycle 1d', /has already begun/],
    ];
    for (const [text, expected] of cases) {
      const answer = await remind(h, member.id, text);
      expect(answer).toMatch(expected);
      expect(answer).toMatch(/^:warning:/);
    }
    expect(rows(h)).toEqual([]);
  });

  test('a subscription is answered with the next DM in the person’s zone; the same one twice is one', async () => {
    const answer = await remind(h, member.id, 'code-freeze 2d');
    expect(answer).toContain(':white_check_mark: relbot will DM you for every Code Freeze, 2 days ahead.');
    // due 2026-07-21 12:00 UTC = 20:00 in Taipei
    expect(answer).toContain('The next one comes Tue 21 Jul 2026, 20:00 GMT+8');
    expect(await remind(h, member.id, 'code-freeze 48h')).toContain('You already have this reminder');
    expect(rows(h)).toEqual([{ user: member.id, target: 'kind:code-freeze', lead: '2d' }]);
    const list = await remind(h, member.id, 'list');
    expect(list).toContain('*Your personal reminders* (1 of at most 20; times in Asia/Taipei)');
    expect(list).toContain('every Code Freeze, 2 days ahead — next DM Tue 21 Jul 2026, 20:00 GMT+8');
  });

  test('at most 20 per person', async () => {
    const leads = Array.from({ length: 19 }, (_, i) => `${i + 1}h`);
    for (const lead of leads) await remind(h, member.id, `rc ${lead}`);
    expect(rows(h)).toHaveLength(20);
    expect(await remind(h, member.id, 'rc 2d')).toMatch(/the most one person can have\. Nothing was added/);
    expect(rows(h)).toHaveLength(20);
    expect(await remind(h, member.id, 'off rc')).toContain('Stopped 19 reminders');
    expect(rows(h)).toHaveLength(1);
  });
});

describe('a personal reminder arrives once, at its lead time, in the person’s zone', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harnessAt('2026-07-01T09:00:00Z');
    await remind(h, member.id, 'code-freeze 2d');
    await h.relbot.jobs.run(JOB);
  });
  afterAll(async () => {
    await h.stop();
  });

  test('not before its time; once at it; never again on the next tick or after a restart', async () => {
    h.clock.set('2026-07-21T11:55:00Z');
    await h.relbot.jobs.run(JOB);
    expect(dms(h, member.id)).toHaveLength(0);

    h.clock.set('2026-07-21T12:05:00Z');
    await h.relbot.jobs.run(JOB);
    const got = dms(h, member.id);
    expect(got).toHaveLength(1);
    const text = got[0]!.text ?? '';
    expect(text).toContain(':alarm_clock: In 2 days: *Begin Code Freeze and Test Freeze*');
    expect(text).toContain('Thu 23 Jul 2026, 20:00 GMT+8 · Thu 23 Jul 2026, 12:00 UTC');
    expect(text).toContain('Times in Asia/Taipei');
    expect(text).not.toContain('late');
    expect(String(got[0]!.metadata?.event_payload?.key)).toBe(
      'personal-reminder:1:v1.37/begin-code-freeze-and-test-freeze:2026-07-23T12:00:00Z:2d',
    );
    // through conversations.open, then chat.postMessage to the DM channel
    expect(h.slack.callsTo('conversations.open').some((c) => c.args.users === member.id)).toBe(true);

    h.clock.advance({ minutes: 5 });
    await h.relbot.jobs.run(JOB);
    await restart(h);
    await h.relbot.jobs.run(JOB);
    h.clock.advance({ hours: 1 });
    await h.relbot.jobs.run(JOB);
    expect(dms(h, member.id)).toHaveLength(1);
    expect(h.db.prepare('SELECT state FROM personal_reminder_sends').all()).toEqual([{ state: 'posted' }]);
  });

  test('the Stop button on the DM ends the subscription, and nothing more comes', async () => {
    const dm = dms(h, member.id)[0]!;
    // someone else's click cannot stop it
    await h.driver.click(people.member2.id, dm, 'schedule_remind_off');
    const refusal = await h.slack.waitFor(() => h.slack.ephemeralsFor(people.member2.id)[0]);
    expect(refusal.text).toContain("That reminder is someone else's; only they can stop it.");
    expect(rows(h)).toHaveLength(1);
    await h.driver.click(member.id, dm, 'schedule_remind_off');
    const done = await h.slack.waitFor(() =>
      h.slack.ephemeralsFor(member.id).find((m) => m.text?.includes('Stopped')),
    );
    expect(done.text).toContain(
      ':white_check_mark: Stopped this reminder:\n• every Code Freeze, 2 days ahead',
    );
    expect(rows(h)).toHaveLength(0);
    h.clock.set('2026-08-04T13:00:00Z');
    await h.relbot.jobs.run(JOB);
    expect(dms(h, member.id)).toHaveLength(1);
  });
});

describe('after downtime: late and labelled while the milestone is ahead, else recorded as missed', () => {
  let h: Harness;
  afterEach(async () => {
    await h.stop();
  });

  test('late DM once, naming the gap; a missed one whose milestone began is not sent', async () => {
    h = await harnessAt('2026-07-01T09:00:00Z');
    await remind(h, people.approver.id, 'docs-freeze 1d'); // Europe/Amsterdam; due 08-05 12:00 UTC
    await remind(h, people.approver.id, 'v1.37/begin-code-freeze-and-test-freeze 6h'); // due 07-23 06:00 UTC
    h.clock.set('2026-07-22T09:00:00Z');
    await h.relbot.jobs.run(JOB); // the last run before the gap
    await h.stopRelbot();
    h.clock.set('2026-08-05T18:00:00Z'); // Code Freeze began 07-23; Docs Freeze still ahead
    await restart(h);
    await h.relbot.jobs.run(JOB);
    const got = dms(h, people.approver.id);
    expect(got).toHaveLength(1);
    const text = got[0]!.text ?? '';
    expect(text).toContain('*Docs Freeze*');
    expect(text).toContain(
      '_Sent late: relbot was offline from Wed 22 Jul 2026, 11:00 GMT+2 to Wed 5 Aug 2026, 20:00 GMT+2. This reminder was due Wed 5 Aug 2026, 14:00 GMT+2._',
    );
    const ledger = h.db
      .prepare('SELECT milestone_id, state, late, reason FROM personal_reminder_sends ORDER BY due_at')
      .all();
    expect(ledger).toEqual([
      {
        milestone_id: 'v1.37/begin-code-freeze-and-test-freeze',
        state: 'skipped',
        late: 0,
        reason: 'missed, and the milestone has begun',
      },
      { milestone_id: 'v1.37/docs-freeze', state: 'posted', late: 1, reason: 'sent late' },
    ]);
    const run = h.db
      .prepare('SELECT detail FROM job_runs WHERE job = ? ORDER BY id DESC LIMIT 1')
      .get(JOB) as { detail: string };
    expect(run.detail).toBe('sent 1, missed 1, failed 0');
    await h.relbot.jobs.run(JOB);
    expect(dms(h, people.approver.id)).toHaveLength(1);
  });

  test('a DM Slack refuses for good (the person left) is recorded, not retried forever', async () => {
    h = await harnessAt('2026-07-01T09:00:00Z');
    await remind(h, member.id, 'code-freeze 2d');
    h.clock.set('2026-07-21T12:01:00Z');
    h.slack.injectFault({ method: 'conversations.open', error: 'user_not_found', times: 5 });
    await h.relbot.jobs.run(JOB);
    await h.relbot.jobs.run(JOB);
    expect(dms(h, member.id)).toHaveLength(0);
    expect(h.db.prepare('SELECT state, reason FROM personal_reminder_sends').all()).toEqual([
      { state: 'skipped', reason: 'Slack refused the DM: user_not_found' },
    ]);
    expect(h.slack.callsTo('conversations.open')).toHaveLength(1);
  });

  test('a Slack failure mid-send is finished by the next run, once', async () => {
    h = await harnessAt('2026-07-01T09:00:00Z');
    await remind(h, member.id, 'code-freeze 2d');
    h.clock.set('2026-07-21T12:01:00Z');
    h.slack.injectFault({ method: 'chat.postMessage', status: 500, times: 1 });
    await h.relbot.jobs.run(JOB);
    expect(dms(h, member.id)).toHaveLength(0);
    expect(h.db.prepare('SELECT state FROM personal_reminder_sends').all()).toEqual([{ state: 'posting' }]);
    h.clock.advance({ minutes: 5 });
    await h.relbot.jobs.run(JOB);
    await h.relbot.jobs.run(JOB);
    expect(dms(h, member.id)).toHaveLength(1);
    expect(dms(h, member.id)[0]!.text).not.toContain('late');
  });
});
