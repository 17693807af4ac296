import { DateTime } from 'luxon';
import { GitHubEmulator } from '../../src/sandbox/github/server';
import { CHANNEL, people, seedConfig, seedSlack } from '../../src/sandbox/seed';
import { CP, seedCherrypicks } from '../../src/sandbox/seed-cherrypicks';
import { seedSchedule } from '../../src/sandbox/seed-schedule';
import type { SlackMessage } from '../../src/sandbox/slack/server';
import { SlackEmulator } from '../../src/sandbox/slack/server';
import { ChildRelbot, until } from '../helpers/abuse-process';

/**
 * Crash safety with a real SIGKILL: the real entrypoint runs in a child process; the emulated Slack
 * or GitHub applies a write and then holds its HTTP answer, and the test kills the child while it
 * waits. Then a new child starts on the same SQLite file.
 */

const HOLD_MS = 60_000;
const REPO = 'kubernetes/kubernetes';

let now = DateTime.fromISO('2026-06-10T11:00:00Z', { zone: 'utc' });
const setNow = (iso: string) => {
  now = DateTime.fromISO(iso, { zone: 'utc' });
  return iso;
};

describe('SIGKILL in the middle of a reminder run', () => {
  let slack: SlackEmulator;
  let github: GitHubEmulator;
  let child: ChildRelbot;
  beforeAll(async () => {
    slack = new SlackEmulator(() => now.toMillis());
    await slack.start();
    seedSlack(slack);
    github = new GitHubEmulator({ now: () => now.toJSDate() });
    await github.start();
    seedSchedule(github);
    child = new ChildRelbot(slack, github, seedConfig());
  });
  afterAll(async () => {
    await child.dispose();
    await slack.stop();
    await github.stop();
  });

  const reminderPosts = () =>
    slack
      .channelMessages(CHANNEL)
      .map((m) => String(m.metadata?.event_payload?.key ?? ''))
      .filter((k) => k.startsWith('schedule-reminder:'));

  it('killed while Slack holds the answer to a reminder post: after a restart, no duplicate and none missed', async () => {
    // 11:00: the first run imports the schedule and posts the reminder due now (PRR freeze, 1 hour).
    await child.start(setNow('2026-06-10T11:00:00Z'), ['schedule-sync', 'schedule-reminders']);
    await child.stop();
    const prr1h = 'schedule-reminder:v1.37/begin-production-readiness-freeze:1h:2026-06-10T12:00:00Z';
    expect(reminderPosts()).toEqual([prr1h]);

    // 12:00: two reminders are due at once (Enhancements Freeze in 7 days, PRR freeze now). Slack
    // stores the first post and holds its answer; relbot is SIGKILLed while waiting for it.
    const enh7d = 'schedule-reminder:v1.37/begin-enhancements-freeze:7d:2026-06-17T12:00:00Z';
    const prrNow = 'schedule-reminder:v1.37/begin-production-readiness-freeze:now:2026-06-10T12:00:00Z';
    slack.injectFault({ method: 'chat.postMessage', holdResponseMs: HOLD_MS });
    const posts = slack.callsTo('chat.postMessage').length;
    const run = child
      .start(setNow('2026-06-10T12:00:00Z'), ['schedule-sync', 'schedule-reminders'])
      .catch((e: unknown) => e);
    await slack.waitFor(() => reminderPosts().includes(enh7d), 30000);
    await child.kill();
    expect(await run).toBeInstanceOf(Error); // it died before finishing the run
    expect(slack.callsTo('chat.postMessage').length).toBe(posts + 1);
    expect(child.query('SELECT key, state FROM schedule_reminders WHERE state = ?', 'posting')).toEqual([
      { key: enh7d, state: 'posting' },
    ]);
    expect(child.query('SELECT key, state FROM outbox WHERE key = ?', enh7d)).toEqual([
      { key: enh7d, state: 'pending' },
    ]);

    // Restart five minutes later and run the job again: the held post is adopted from the channel
    // history, the one never attempted is posted, and nothing is posted twice.
    await child.start(setNow('2026-06-10T12:05:00Z'), ['schedule-reminders', 'schedule-reminders']);
    await child.stop();
    const keys = reminderPosts();
    expect(keys.sort()).toEqual([enh7d, prr1h, prrNow].sort());
    expect(new Set(keys).size).toBe(keys.length);
    expect(
      child.query<{ key: string; state: string }>(
        "SELECT key, state FROM schedule_reminders WHERE state IN ('posting', 'posted') ORDER BY key",
      ),
    ).toEqual([enh7d, prr1h, prrNow].sort().map((key) => ({ key, state: 'posted' })));
    expect(slack.callsTo('conversations.history').length).toBeGreaterThan(0);
    expect(slack.violations).toEqual([]);
  });
});

describe('SIGKILL in the middle of an approval', () => {
  let slack: SlackEmulator;
  let github: GitHubEmulator;
  // Fresh emulators per case: a card posted by one case's relbot must not be mistaken for another's.
  beforeEach(async () => {
    slack = new SlackEmulator(() => now.toMillis());
    await slack.start();
    seedSlack(slack);
    github = new GitHubEmulator({ now: () => now.toJSDate() });
    await github.start();
    seedCherrypicks(github);
  });
  afterEach(async () => {
    await slack.stop();
    await github.stop();
  });

  const cardsOf = (n: number): SlackMessage[] =>
    slack
      .channelMessages(CHANNEL)
      .filter((m) => m.metadata?.event_payload?.key === `cherrypick-card:${REPO}#${n}`);
  const actionIds = (m: SlackMessage) =>
    ((m.blocks ?? []) as Array<{ type: string; elements?: Array<{ action_id?: string }> }>)
      .filter((b) => b.type === 'actions')
      .flatMap((b) => (b.elements ?? []).map((e) => e.action_id ?? ''));
  const texts = (user: string) => slack.ephemeralsFor(user).map((m) => JSON.stringify([m.text, m.blocks]));

  it.each([
    ['the label POST', 'labels', CP.green136],
    ['the comment POST', 'comments', CP.green135],
  ] as const)(
    'killed while GitHub holds the answer to %s: Retry after a restart finishes with no duplicate',
    async (_what, kind, n) => {
      const config = seedConfig();
      (config.cherrypicks as Record<string, unknown>).retry = { attempts: 3, backoffMs: 1 };
      const child = new ChildRelbot(slack, github, config);
      try {
        await child.start(setNow('2026-07-01T09:00:00Z'));
        const tracked = await child.driver!.command(
          people.member.id,
          '/cherrypick',
          `https://github.com/${REPO}/pull/${n}`,
        );
        expect(tracked.status).toBe(200);
        const card = await slack.waitFor(() => cardsOf(n)[0]);
        expect(actionIds(card)).toContain('cherrypick_approve');
        const path = `/repos/${REPO}/issues/${n}/${kind}`;
        github.injectFault({ holdResponseMs: HOLD_MS, match: { method: 'POST', path } });
        const approverAnswers = slack.ephemeralsFor(people.approver.id).length;
        const clicked = await child.driver!.click(
          people.approver.id,
          structuredClone(card),
          'cherrypick_approve',
        );
        expect(clicked.status).toBe(200);
        // GitHub has applied the write; its answer is held; relbot is killed while waiting.
        const issue = () => github.getIssue('kubernetes', 'kubernetes', n)!;
        await until(
          () =>
            kind === 'labels'
              ? issue().labels.includes('cherry-pick-approved')
              : issue().comments.some((c) => c.body.includes('relbot:cherrypick-approve')),
          30000,
        );
        expect(github.callsTo('POST', path)).toHaveLength(1);
        await child.kill();
        expect(child.query('SELECT state FROM cherrypicks WHERE number = ?', n)).toEqual([
          { state: 'approving' },
        ]);
        // Nothing claimed success: no "Approved" answer, the card does not say approved.
        expect(texts(people.approver.id).slice(approverAnswers).join()).not.toContain(':white_check_mark:');
        expect(JSON.stringify(cardsOf(n)[0]!.blocks)).not.toContain('*Approved* by');

        // Restarted after the claim timeout, discovery (the cron job) turns the interrupted claim into
        // a failure with Retry; Retry finishes without a second label or comment.
        await child.start(setNow('2026-07-01T09:11:00Z'), ['cherrypick-discovery']);
        expect(child.query('SELECT state FROM cherrypicks WHERE number = ?', n)).toEqual([
          { state: 'failed' },
        ]);
        const failed = await slack.waitFor(() => {
          const c = cardsOf(n)[0];
          return c && actionIds(c).includes('cherrypick_retry') ? c : undefined;
        });
        expect(JSON.stringify(failed.blocks)).toContain('interrupted');
        const before = slack.ephemeralsFor(people.approver2.id).length;
        await child.driver!.click(people.approver2.id, failed, 'cherrypick_retry');
        await slack.waitFor(() => slack.ephemeralsFor(people.approver2.id).length > before, 20000);
        expect(texts(people.approver2.id).at(-1)).toContain('Approved');
        expect(child.query('SELECT state FROM cherrypicks WHERE number = ?', n)).toEqual([
          { state: 'approved' },
        ]);
        await child.stop();
        expect(github.callsTo('POST', `/repos/${REPO}/issues/${n}/labels`)).toHaveLength(1);
        expect(github.callsTo('POST', `/repos/${REPO}/issues/${n}/comments`)).toHaveLength(1);
        expect(issue().labels.filter((l) => l === 'cherry-pick-approved')).toHaveLength(1);
        expect(issue().comments.filter((c) => c.body.includes('relbot:cherrypick-approve'))).toHaveLength(1);
        expect(cardsOf(n)).toHaveLength(1);
        expect(slack.violations).toEqual([]);
      } finally {
        await child.dispose();
      }
    },
  );
});
