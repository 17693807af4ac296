import { CHANNEL, people, RELEASE_MANAGERS_GROUP } from '../../src/sandbox/seed';
import { CP, CP_OWNER, CP_REPO } from '../../src/sandbox/seed-cherrypicks';
import type { SlackMessage } from '../../src/sandbox/slack/server';
import { card, startCherrypickHarness, trackByCommand, waitAnswers } from '../helpers/cherrypicks';
import { green, msgText } from '../helpers/freeze';
import type { Harness } from '../helpers/harness';

/**
 * "Ready for approval" through the real app: a waiting pick whose gates all pass is announced once
 * to the release managers' user group in its card's thread; ten picks going green within a minute
 * make one channel message; a pick is announced again only after it falls back and recovers; muted
 * branches stay quiet; a restart repeats nothing.
 */

const RM = people.approver.id;
const BURST = Array.from({ length: 10 }, (_, i) => 140401 + i);

const notices = (h: Harness): SlackMessage[] =>
  h.slack
    .channelMessages(CHANNEL)
    .filter((m) => String(m.metadata?.event_payload?.key ?? '').startsWith('cherrypick-ready:'));

const setLabels = (h: Harness, n: number, change: (labels: string[]) => string[]) =>
  h.github.updateIssue(CP_OWNER, CP_REPO, n, {
    labels: change(h.github.getIssue(CP_OWNER, CP_REPO, n)!.labels),
  });

async function discovery(h: Harness, minutes: number): Promise<void> {
  h.clock.advance({ minutes });
  await h.relbot.jobs.run('cherrypick-discovery');
  await h.relbot.deps.outbound.drain();
}

describe('ready-for-approval notices', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startCherrypickHarness();
    for (const [i, n] of BURST.entries()) {
      const pr = h.github.addPull({
        owner: CP_OWNER,
        repo: CP_REPO,
        number: n,
        title: `Automated cherry pick of #${n - 1000}: fix flake ${i + 1} in the e2e framework`,
        body: `Cherry pick of #${n - 1000} on release-1.35.`,
        user: 'pohly',
        labels: ['approved', 'cncf-cla: yes', 'do-not-merge/cherry-pick-not-approved'],
        created_at: '2026-06-28T08:00:00Z',
        pull: { base: 'release-1.35', head: `automated-cherry-pick-of-#${n - 1000}-upstream-release-1.35` },
      });
      h.github.setStatuses(CP_OWNER, CP_REPO, pr.pull!.head_sha, green());
    }
    await h.relbot.jobs.run('cherrypick-discovery'); // every pick is seen once (first sight: no notice)
  });
  afterAll(async () => {
    await h.stop();
  });
  afterEach(() => {
    expect(h.slack.violations).toEqual([]);
  });

  it('first sight announces nothing', () => {
    expect(notices(h)).toEqual([]);
  });

  it('a pick going green posts one thread message mentioning the release managers, once', async () => {
    setLabels(h, CP.missingLgtm, (l) => [...l, 'lgtm']);
    await discovery(h, 5);
    const posted = notices(h);
    expect(posted).toHaveLength(1);
    expect(posted[0]!.thread_ts).toBe(card(h, CP.missingLgtm).ts);
    expect(msgText(posted[0]!)).toContain(`<!subteam^${RELEASE_MANAGERS_GROUP}>`);
    expect(msgText(posted[0]!)).toContain(`Ready for approval`);
    expect(msgText(posted[0]!)).toContain(`${CP_OWNER}/${CP_REPO}#${CP.missingLgtm}`);
    // Still green later, and after a restart: not again.
    await discovery(h, 10);
    await h.restart();
    await discovery(h, 10);
    expect(notices(h)).toHaveLength(1);
  });

  it('ten picks going green within a minute post one batched channel message', async () => {
    for (const n of BURST) setLabels(h, n, (l) => [...l, 'lgtm']);
    await discovery(h, 1);
    const posted = notices(h).slice(1);
    expect(posted).toHaveLength(1);
    expect(posted[0]!.thread_ts).toBeUndefined();
    const text = msgText(posted[0]!);
    expect(text).toContain('10 cherry-picks are ready for approval');
    expect(text).toContain(`<!subteam^${RELEASE_MANAGERS_GROUP}>`);
    for (const n of BURST) expect(text).toContain(`${CP_OWNER}/${CP_REPO}#${n}`);
    expect(text).toContain(
      `https://slack.com/archives/${CHANNEL}/p${card(h, BURST[0]!).ts.replace('.', '')}`,
    );
  });

  it('at most one message per channel every few minutes; a pick that falls back and recovers is announced again', async () => {
    const before = notices(h).length;
    setLabels(h, CP.missingLgtm, (l) => l.filter((x) => x !== 'lgtm')); // falls back
    await discovery(h, 1);
    setLabels(h, CP.missingLgtm, (l) => [...l, 'lgtm']); // and recovers, a minute after the last batch
    await discovery(h, 1);
    expect(notices(h)).toHaveLength(before); // the batch window (5 minutes) has not passed
    await discovery(h, 4);
    const posted = notices(h).slice(before);
    expect(posted).toHaveLength(1);
    expect(posted[0]!.thread_ts).toBe(card(h, CP.missingLgtm).ts);
  });

  it('release managers mute and unmute a branch; others cannot; a muted branch stays quiet', async () => {
    const refusedBefore = h.slack.ephemeralsFor(people.member.id).length;
    await h.driver.command(people.member.id, '/cherrypick', 'mute release-1.34');
    expect((await waitAnswers(h, people.member.id, refusedBefore))[0]).toContain('can approve or reject');
    const b = h.slack.ephemeralsFor(RM).length;
    await h.driver.command(RM, '/cherrypick', 'mute 1.34');
    expect((await waitAnswers(h, RM, b))[0]).toContain('Muted ready-for-approval notices for `release-1.34`');
    await h.driver.command(RM, '/cherrypick', 'mute release-1.34');
    expect((await waitAnswers(h, RM, b + 1))[0]).toContain('already muted');
    await trackByCommand(h, people.member.id, CP.hold);
    const before = notices(h).length;
    setLabels(h, CP.hold, (l) => l.filter((x) => x !== 'do-not-merge/hold'));
    await discovery(h, 10);
    expect(notices(h)).toHaveLength(before);
    await h.driver.command(RM, '/cherrypick', 'unmute release-1.34');
    expect((await waitAnswers(h, RM, b + 2))[0]).toContain('are on again');
    await h.driver.command(RM, '/cherrypick', 'unmute release-1.34');
    expect((await waitAnswers(h, RM, b + 3))[0]).toContain('are not muted');
    await discovery(h, 10);
    expect(notices(h)).toHaveLength(before); // it became ready while muted: not announced later
    expect(h.db.prepare('SELECT COUNT(*) AS n FROM cherrypick_ready_mutes').get()).toEqual({ n: 0 });
  });
});
