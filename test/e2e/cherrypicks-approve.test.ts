import { people } from '../../src/sandbox/seed';
import { CP } from '../../src/sandbox/seed-cherrypicks';
import {
  actionIds,
  allText,
  answers,
  auditRows,
  card,
  cards,
  cardText,
  commentPosts,
  labelPosts,
  REPO,
  startCherrypickHarness,
  stateOf,
  trackByCommand,
  waitAnswers,
} from '../helpers/cherrypicks';
import type { Harness } from '../helpers/harness';

const APPROVER = people.approver.id; // cpanato, via the release-managers user group
const APPROVER2 = people.approver2.id; // justaugustus, via the GitHub login list

describe('approving cherry-picks from the card', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startCherrypickHarness();
  });
  afterAll(async () => {
    await h.stop();
  });
  afterEach(() => {
    expect(h.slack.violations).toEqual([]);
    h.github.clearFaults();
  });

  const labels = (n: number) => h.github.getIssue('kubernetes', 'kubernetes', n)!.labels;
  const comments = (n: number) => h.github.getIssue('kubernetes', 'kubernetes', n)!.comments;

  it('an approver approves: label added, one comment naming them and Slack, card updated, audit written', async () => {
    // A copy as an old client still shows it (the emulator updates the stored message in place).
    const c = structuredClone(await trackByCommand(h, people.member.id, CP.green136));
    // `/cherrypick list` asked twice in a minute: the second is answered in the ack, from memory.
    const pick = `${REPO}#${CP.green136}`;
    const listed = await h.driver.command(people.member.id, '/cherrypick', 'list');
    const listedAgain = await h.driver.command(people.member.id, '/cherrypick', 'list');
    expect(typeof listed.ack.body).not.toBe('object');
    expect(typeof listedAgain.ack.body).toBe('object');
    expect(allText(listedAgain.body)).toBe(allText(listed.body));
    expect(allText(listedAgain.body)).toContain(pick);
    const before = h.slack.ephemeralsFor(APPROVER).length;
    const res = await h.driver.click(APPROVER, c, 'cherrypick_approve');
    expect(res.status).toBe(200);
    const [answer] = await waitAnswers(h, APPROVER, before);
    expect(answer).toContain(`Approved ${REPO}#${CP.green136}`);
    expect(labels(CP.green136)).toContain('cherry-pick-approved');
    const mine = comments(CP.green136).filter((x) => x.body.includes('relbot:cherrypick-approve'));
    expect(mine).toHaveLength(1);
    expect(mine[0]!.body).toContain('approved by @cpanato from Slack');
    await h.slack.waitFor(() => cardText(card(h, CP.green136)).includes('*Approved* by'));
    const updated = card(h, CP.green136);
    // Each reader sees the instant in their own zone; the fallback names the channel's zone.
    expect(cardText(updated)).toContain(
      `*Approved* by <@${APPROVER}> on <!date^1782896400^{date_short} at {time}|Wed 1 Jul 2026 09:00 UTC>.`,
    );
    expect(actionIds(updated)).toEqual([]);
    expect(auditRows(h, CP.green136)).toEqual([
      {
        actor: APPROVER,
        action: 'approved',
        detail: 'label cherry-pick-approved added, comment posted',
        dry_run: 0,
      },
    ]);
    expect(stateOf(h, CP.green136)).toBe('approved');
    // Same minute, but the approval wrote the pick: the list is rendered afresh, without it.
    const after = await h.driver.command(people.member.id, '/cherrypick', 'list');
    expect(typeof after.ack.body).not.toBe('object');
    expect(allText(after.body)).not.toContain(pick);
    const audit = allText(
      (await h.driver.command(people.member.id, '/cherrypick', `audit ${REPO}#${CP.green136}`)).body,
    );
    expect(audit).toContain(`<@${APPROVER}> approved`);
    // A second click later is answered, changes nothing.
    const again = h.slack.ephemeralsFor(APPROVER2).length;
    await h.driver.click(APPROVER2, c, 'cherrypick_approve');
    const [second] = await waitAnswers(h, APPROVER2, again);
    expect(second).toContain('already approved');
    expect(labelPosts(h, CP.green136)).toHaveLength(1);
    expect(commentPosts(h, CP.green136)).toHaveLength(1);
  });

  it('a non-approver is refused with who can approve; nothing changes', async () => {
    const c = await trackByCommand(h, people.member.id, CP.green135);
    const before = h.slack.ephemeralsFor(people.member.id).length;
    const calls = h.github.calls.length;
    await h.driver.click(people.member.id, c, 'cherrypick_approve');
    const [answer] = await waitAnswers(h, people.member.id, before);
    expect(answer).toContain(
      'Only members of <!subteam^S0RELMGRS> or GitHub user @justaugustus can approve or reject cherry-picks.',
    );
    expect(h.github.calls.slice(calls).filter((x) => x.method !== 'GET')).toEqual([]);
    expect(stateOf(h, CP.green135)).toBe('pending');
    expect(actionIds(card(h, CP.green135))).toContain('cherrypick_approve');
    expect(auditRows(h, CP.green135)).toEqual([]);
    // Reject is refused the same way, without opening a modal.
    const views = h.slack.views.size;
    await h.driver.click(people.member.id, c, 'cherrypick_reject');
    const [r] = await waitAnswers(h, people.member.id, before + 1);
    expect(r).toContain('Only members of');
    expect(h.slack.views.size).toBe(views);
  });

  it('the author may not approve their own pick; another approver may', async () => {
    const c = await trackByCommand(h, people.member.id, CP.byApprover);
    const before = h.slack.ephemeralsFor(APPROVER).length;
    await h.driver.click(APPROVER, c, 'cherrypick_approve');
    const [answer] = await waitAnswers(h, APPROVER, before);
    expect(answer).toContain('You opened');
    expect(labelPosts(h, CP.byApprover)).toHaveLength(0);
    expect(stateOf(h, CP.byApprover)).toBe('pending');
    const b2 = h.slack.ephemeralsFor(APPROVER2).length;
    await h.driver.click(APPROVER2, c, 'cherrypick_approve');
    const [ok] = await waitAnswers(h, APPROVER2, b2);
    expect(ok).toContain('Approved');
    expect(labels(CP.byApprover)).toContain('cherry-pick-approved');
  });

  it('failing gates are answered with the exact reasons and no write', async () => {
    const cases: Array<[number, string]> = [
      [CP.missingLgtm, 'the `lgtm` label is missing'],
      [CP.failingStatus, 'status checks are failing: `pull-kubernetes-e2e-gce` (failure)'],
      [CP.hold, 'it has blocking label `do-not-merge/hold`'],
    ];
    for (const [n, reason] of cases) {
      const c = await trackByCommand(h, people.member.id, n);
      const before = h.slack.ephemeralsFor(APPROVER).length;
      await h.driver.click(APPROVER, c, 'cherrypick_approve');
      const [answer] = await waitAnswers(h, APPROVER, before);
      expect(answer).toContain('cannot be approved yet');
      expect(answer).toContain(reason);
      expect(answer).toContain('Nothing was changed');
      expect(labelPosts(h, n)).toHaveLength(0);
      expect(commentPosts(h, n)).toHaveLength(0);
      expect(stateOf(h, n)).toBe('pending');
      expect(actionIds(card(h, n))).toContain('cherrypick_approve');
    }
    // Once the gate passes on GitHub, the same button works.
    h.github.updateIssue('kubernetes', 'kubernetes', CP.missingLgtm, {
      labels: [...labels(CP.missingLgtm), 'lgtm'],
    });
    const before = h.slack.ephemeralsFor(APPROVER).length;
    await h.driver.click(APPROVER, card(h, CP.missingLgtm), 'cherrypick_approve');
    const [ok] = await waitAnswers(h, APPROVER, before);
    expect(ok).toContain('Approved');
  });

  it('50 concurrent approve clicks by two approvers: one label call, one comment, one audit record', async () => {
    const n = CP.green135;
    const c = structuredClone(card(h, n));
    const b1 = h.slack.ephemeralsFor(APPROVER).length;
    const b2 = h.slack.ephemeralsFor(APPROVER2).length;
    const clicks = Array.from({ length: 50 }, (_, i) =>
      h.driver.click(i % 2 ? APPROVER : APPROVER2, c, 'cherrypick_approve'),
    );
    const results = await Promise.all(clicks);
    expect(results.every((r) => r.status === 200)).toBe(true);
    await waitAnswers(h, APPROVER, b1, 25);
    await waitAnswers(h, APPROVER2, b2, 25);
    const all = [...answers(h, APPROVER).slice(b1), ...answers(h, APPROVER2).slice(b2)];
    expect(all).toHaveLength(50);
    expect(all.filter((a) => a.includes(':white_check_mark: Approved'))).toHaveLength(1);
    expect(labelPosts(h, n)).toHaveLength(1);
    expect(commentPosts(h, n)).toHaveLength(1);
    expect(auditRows(h, n).filter((r) => r.action === 'approved')).toHaveLength(1);
    expect(comments(n).filter((x) => x.body.includes('relbot:cherrypick-approve'))).toHaveLength(1);
    expect(cards(h, n)).toHaveLength(1);
  });
});

describe('GitHub failures during approval', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startCherrypickHarness();
  });
  afterAll(async () => {
    await h.stop();
  });
  afterEach(() => {
    expect(h.slack.violations).toEqual([]);
    h.github.clearFaults();
  });
  const issue = (n: number) => h.github.getIssue('kubernetes', 'kubernetes', n)!;

  it('one 502 on the label is retried with back-off and the approval succeeds', async () => {
    const n = CP.green136;
    const c = await trackByCommand(h, people.member.id, n);
    h.github.injectFault({ status: 502, match: { method: 'POST', path: `/issues/${n}/labels` } });
    const before = h.slack.ephemeralsFor(APPROVER).length;
    await h.driver.click(APPROVER, c, 'cherrypick_approve');
    const [answer] = await waitAnswers(h, APPROVER, before);
    expect(answer).toContain('Approved');
    expect(labelPosts(h, n).map((x) => x.status)).toEqual([502, 200]);
    expect(issue(n).labels).toContain('cherry-pick-approved');
    expect(commentPosts(h, n)).toHaveLength(1);
  });

  it('502s that outlast the retries: the card says it failed and offers Retry; Retry then succeeds', async () => {
    const n = CP.green135;
    const c = await trackByCommand(h, people.member.id, n);
    h.github.injectFault({ status: 502, times: 3, match: { method: 'POST', path: `/issues/${n}/labels` } });
    const before = h.slack.ephemeralsFor(APPROVER).length;
    await h.driver.click(APPROVER, c, 'cherrypick_approve');
    const [answer] = await waitAnswers(h, APPROVER, before);
    expect(answer).toContain('did *not* complete');
    expect(answer).toContain('HTTP 502');
    expect(answer).not.toContain(':white_check_mark:');
    expect(issue(n).labels).not.toContain('cherry-pick-approved');
    expect(commentPosts(h, n)).toHaveLength(0);
    expect(stateOf(h, n)).toBe('failed');
    await h.slack.waitFor(() => actionIds(card(h, n)).includes('cherrypick_retry'));
    const failedCard = card(h, n);
    expect(cardText(failedCard)).toContain('failed');
    expect(cardText(failedCard)).toContain('Nothing was changed on GitHub');
    expect(cardText(failedCard)).not.toContain('*Approved* by');
    expect(auditRows(h, n).map((r) => r.action)).toEqual(['approve_failed']);

    const b2 = h.slack.ephemeralsFor(APPROVER2).length;
    await h.driver.click(APPROVER2, failedCard, 'cherrypick_retry');
    const [ok] = await waitAnswers(h, APPROVER2, b2);
    expect(ok).toContain('Approved');
    expect(issue(n).labels).toContain('cherry-pick-approved');
    expect(issue(n).comments.filter((x) => x.body.includes('relbot:cherrypick-approve'))).toHaveLength(1);
    expect(auditRows(h, n).map((r) => r.action)).toEqual(['approve_failed', 'approved']);
    await h.slack.waitFor(() => cardText(card(h, n)).includes(`*Approved* by <@${APPROVER2}>`));
    expect(actionIds(card(h, n))).toEqual([]);
  });

  it('a comment whose POST failed but landed is not posted twice on Retry (marker guard)', async () => {
    const n = CP.green134;
    const c = await trackByCommand(h, people.member.id, n);
    h.github.injectFault({ status: 503, times: 3, match: { method: 'POST', path: `/issues/${n}/comments` } });
    const before = h.slack.ephemeralsFor(APPROVER).length;
    await h.driver.click(APPROVER, c, 'cherrypick_approve');
    const [answer] = await waitAnswers(h, APPROVER, before);
    expect(answer).toContain('did *not* complete');
    expect(issue(n).labels).toContain('cherry-pick-approved');
    expect(commentPosts(h, n).map((x) => x.status)).toEqual([503, 503, 503]);
    await h.slack.waitFor(() => cardText(card(h, n)).includes('label was added'));
    // The last POST did reach GitHub after all (its answer was lost): put it there.
    const landed = {
      id: 9_000_001,
      user: 'relbot[bot]',
      body: 'Cherry-pick approved … <!-- relbot:cherrypick-approve -->',
      created_at: '2026-07-01T09:00:00Z',
    };
    h.github.updateIssue('kubernetes', 'kubernetes', n, { comments: [...issue(n).comments, landed] });
    const posts = commentPosts(h, n).length;
    const b = h.slack.ephemeralsFor(APPROVER).length;
    await h.driver.click(APPROVER, card(h, n), 'cherrypick_retry');
    const [ok] = await waitAnswers(h, APPROVER, b);
    expect(ok).toContain('Approved');
    expect(commentPosts(h, n)).toHaveLength(posts);
    expect(labelPosts(h, n)).toHaveLength(1);
    expect(issue(n).comments.filter((x) => x.body.includes('relbot:cherrypick-approve'))).toHaveLength(1);
    expect(stateOf(h, n)).toBe('approved');
  });

  it('a secondary rate limit on the label is waited out and retried', async () => {
    const n = CP.byApprover;
    const c = await trackByCommand(h, people.member.id, n);
    h.github.injectFault({
      status: 403,
      secondary: true,
      retryAfter: 1,
      match: { method: 'POST', path: `/issues/${n}/labels` },
    });
    const before = h.slack.ephemeralsFor(APPROVER2).length;
    await h.driver.click(APPROVER2, c, 'cherrypick_approve');
    const [answer] = await waitAnswers(h, APPROVER2, before);
    expect(answer).toContain('Approved');
    expect(labelPosts(h, n).map((x) => x.status)).toEqual([403, 200]);
  });
});

describe('dry run', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startCherrypickHarness({ env: { dryRun: true } });
  });
  afterAll(async () => {
    await h.stop();
  });

  it('runs the checks, makes no GitHub write, and the card says so', async () => {
    const n = CP.green136;
    const c = await trackByCommand(h, people.member.id, n);
    expect(cardText(c)).toContain('Dry run');
    const before = h.slack.ephemeralsFor(APPROVER).length;
    await h.driver.click(APPROVER, c, 'cherrypick_approve');
    const [answer] = await waitAnswers(h, APPROVER, before);
    expect(answer).toContain('Dry run');
    expect(h.github.calls.filter((x) => x.method !== 'GET')).toEqual([]);
    await h.slack.waitFor(() =>
      cardText(card(h, n)).includes('dry run: no label or comment was made on GitHub'),
    );
    expect(auditRows(h, n)).toEqual([
      {
        actor: APPROVER,
        action: 'approved',
        detail: 'dry run: label cherry-pick-approved and comment not made',
        dry_run: 1,
      },
    ]);
    expect(h.slack.violations).toEqual([]);
  });
});

describe('relbot dies between the comment and recording it', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startCherrypickHarness();
  });
  afterAll(async () => {
    await h.stop();
  });

  it('after a restart the stuck approval turns into Retry, which finishes without a second comment', async () => {
    const n = CP.green136;
    const c = await trackByCommand(h, people.member.id, n);
    // The crash, injected at the exact point: every write after the comment POST fails, as if the
    // process had died there (the claim stays 'approving', the comment is on GitHub).
    h.db.exec(`CREATE TRIGGER crash BEFORE UPDATE ON cherrypicks
      WHEN NEW.comment_done = 1 OR NEW.state = 'failed' BEGIN SELECT RAISE(ABORT, 'simulated crash'); END;`);
    const before = h.slack.ephemeralsFor(APPROVER).length;
    await h.driver.click(APPROVER, c, 'cherrypick_approve');
    const [answer] = await waitAnswers(h, APPROVER, before);
    expect(answer).toContain('nothing is reported as done');
    expect(stateOf(h, n)).toBe('approving');
    expect(h.github.getIssue('kubernetes', 'kubernetes', n)!.comments).toHaveLength(1);
    h.db.exec('DROP TRIGGER crash');

    await h.restart();
    // Within the claim timeout nobody can take it over…
    await h.relbot.jobs.run('cherrypick-discovery');
    expect(stateOf(h, n)).toBe('approving');
    // …after it, discovery marks it interrupted and the card offers Retry.
    h.clock.advance({ minutes: 11 });
    await h.relbot.jobs.run('cherrypick-discovery');
    expect(stateOf(h, n)).toBe('failed');
    await h.slack.waitFor(() => actionIds(card(h, n)).includes('cherrypick_retry'));
    expect(cardText(card(h, n))).toContain('interrupted');
    const b = h.slack.ephemeralsFor(APPROVER2).length;
    await h.driver.click(APPROVER2, card(h, n), 'cherrypick_retry');
    const [ok] = await waitAnswers(h, APPROVER2, b);
    expect(ok).toContain('Approved');
    expect(stateOf(h, n)).toBe('approved');
    expect(commentPosts(h, n)).toHaveLength(1);
    expect(labelPosts(h, n)).toHaveLength(1);
    expect(h.github.getIssue('kubernetes', 'kubernetes', n)!.comments).toHaveLength(1);
    expect(auditRows(h, n).map((r) => r.action)).toEqual(['approve_failed', 'approved']);
    expect(cards(h, n)).toHaveLength(1);
    expect(h.slack.violations).toEqual([]);
  });
});
