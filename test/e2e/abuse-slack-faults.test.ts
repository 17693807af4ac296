import { feature as cherrypickFeature } from '../../commands/cherrypick';
import { feature as scheduleFeature } from '../../commands/schedule';
import { ManualClock } from '../../src/clock';
import { CP, seedCherrypicks } from '../../src/sandbox/seed-cherrypicks';
import { scheduleSourcesConfig, seedSchedule } from '../../src/sandbox/seed-schedule';
import { type Harness, startHarness } from '../helpers/harness';

/**
 * Slack failing relbot's own posts: 429 with Retry-After and 5xx on chat.postMessage, during a
 * reminder run and during the cherry-pick discovery that posts cards. No false success, nothing
 * lost, nothing posted twice, bounded retries.
 */
const REMINDER = 'schedule-reminder:v1.37/begin-code-freeze-and-test-freeze:7d:2026-07-23T12:00:00Z';

const reminderPosts = (h: Harness) =>
  h.slack
    .channelMessages()
    .filter((m) => String(m.metadata?.event_payload?.key ?? '').startsWith('schedule-reminder:'));

describe('Slack faults during a reminder run', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({
      clock: new ManualClock('2026-07-16T11:00:00Z'),
      features: [scheduleFeature],
      config: (raw) => {
        raw.schedule = { sources: scheduleSourcesConfig() };
      },
    });
    seedSchedule(h.github);
    await h.relbot.jobs.run('schedule-sync');
    await h.relbot.jobs.run('schedule-reminders');
    h.clock.set('2026-07-16T12:00:00Z');
  });
  afterEach(() => h.stop());

  it('429 with Retry-After: held, retried, posted exactly once', async () => {
    const before = reminderPosts(h).length;
    h.slack.injectFault({ method: 'chat.postMessage', status: 429, retryAfter: 3, times: 2 });
    await h.relbot.jobs.run('schedule-reminders');
    const posts = reminderPosts(h).slice(before);
    expect(posts.map((m) => m.metadata?.event_payload.key)).toEqual([REMINDER]);
    const attempts = h.slack
      .callsTo('chat.postMessage')
      .filter((c) => JSON.stringify(c.args).includes(REMINDER));
    expect(attempts.map((c) => c.status)).toEqual([429, 429, 200]);
    await h.relbot.jobs.run('schedule-reminders');
    expect(reminderPosts(h).slice(before)).toHaveLength(1);
  });

  it('a lasting 5xx: nothing recorded as posted; after Slack recovers, posted exactly once', async () => {
    const before = reminderPosts(h).length;
    h.slack.injectFault({ method: 'chat.postMessage', status: 503, times: 1000 });
    await h.relbot.jobs.run('schedule-reminders');
    await h.relbot.jobs.run('schedule-reminders');
    expect(reminderPosts(h).slice(before)).toHaveLength(0);
    const failedAttempts = h.slack.callsTo('chat.postMessage').filter((c) => c.status === 503).length;
    expect(failedAttempts).toBeGreaterThan(0);
    expect(failedAttempts).toBeLessThanOrEqual(4);
    expect(
      h.db.prepare("SELECT COUNT(*) AS n FROM outbox WHERE key = ? AND state = 'done'").get(REMINDER),
    ).toEqual({ n: 0 });
    h.slack.clearFaults();
    h.clock.advance({ minutes: 5 });
    await h.relbot.jobs.run('schedule-reminders');
    await h.relbot.jobs.run('schedule-reminders');
    expect(
      reminderPosts(h)
        .slice(before)
        .map((m) => m.metadata?.event_payload.key),
    ).toEqual([REMINDER]);
  });
});

describe('Slack faults while discovery posts cherry-pick cards', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ clock: new ManualClock('2026-06-01T09:00:00Z'), features: [cherrypickFeature] });
    seedCherrypicks(h.github, { start: '2026-05-28T08:00:00Z' });
  });
  afterEach(() => h.stop());

  const cardsFor = (n: number) =>
    h.slack
      .channelMessages()
      .filter((m) => JSON.stringify(m.blocks ?? []).includes(`kubernetes/kubernetes#${n}`) && m.metadata);

  it('429 then success: every card posted once', async () => {
    h.slack.injectFault({ method: 'chat.postMessage', status: 429, retryAfter: 1, times: 3 });
    await h.relbot.jobs.run('cherrypick-discovery');
    await h.relbot.jobs.run('cherrypick-discovery');
    for (const n of [CP.green136, CP.green135, CP.missingLgtm, CP.hold]) expect(cardsFor(n)).toHaveLength(1);
  });

  it('a lasting 503: no card claimed as posted; after recovery one card per pick', async () => {
    h.slack.injectFault({ method: 'chat.postMessage', status: 503, times: 1000 });
    await h.relbot.jobs.run('cherrypick-discovery');
    expect(h.slack.channelMessages()).toHaveLength(0);
    expect(
      (h.db.prepare("SELECT COUNT(*) AS n FROM outbox WHERE state = 'done'").get() as { n: number }).n,
    ).toBe(0);
    h.slack.clearFaults();
    h.clock.advance({ minutes: 5 });
    await h.relbot.jobs.run('cherrypick-discovery');
    await h.relbot.jobs.run('cherrypick-discovery');
    for (const n of [CP.green136, CP.green135, CP.green134, CP.missingLgtm, CP.failingStatus, CP.hold]) {
      expect(cardsFor(n)).toHaveLength(1);
    }
  });
});
