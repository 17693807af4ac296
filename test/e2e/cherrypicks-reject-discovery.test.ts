import { CHANNEL, people } from '../../src/sandbox/seed';
import { CP } from '../../src/sandbox/seed-cherrypicks';
import {
  actionIds,
  allText,
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

const APPROVER = people.approver.id;
const APPROVER2 = people.approver2.id;

describe('rejecting a cherry-pick through the modal', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startCherrypickHarness();
  });
  afterAll(async () => {
    await h.stop();
  });
  afterEach(() => {
    expect(h.slack.violations).toEqual([]);
  });

  it('without a reason the modal shows a field error and nothing changes; with one, comment + card + audit', async () => {
    const n = CP.failingStatus;
    const c = await trackByCommand(h, people.member.id, n);
    await h.driver.click(APPROVER, c, 'cherrypick_reject');
    await h.slack.waitFor(() => h.driver.latestView(APPROVER));
    const view = h.driver.latestView(APPROVER)!;
    expect(view.view.callback_id).toBe('cherrypick_reject');

    for (const empty of [undefined, '', '   \n ']) {
      const res = await h.driver.submitView(APPROVER, view, { reason: empty });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        response_action: 'errors',
        errors: { reason: 'Give a reason: it is posted on the pull request.' },
      });
    }
    expect(stateOf(h, n)).toBe('pending');
    expect(commentPosts(h, n)).toHaveLength(0);
    expect(auditRows(h, n)).toEqual([]);

    const before = h.slack.ephemeralsFor(APPROVER).length;
    const reason =
      'Not eligible: a dependency bump that only silences a scanner.\n@kubernetes/everyone <!channel>';
    const ok = await h.driver.submitView(APPROVER, view, { reason });
    expect(ok.status).toBe(200);
    expect(ok.text).toBe('');
    const [answer] = await waitAnswers(h, APPROVER, before);
    expect(answer).toContain(`Rejected ${REPO}#${n}`);
    const pr = h.github.getIssue('kubernetes', 'kubernetes', n)!;
    const comment = pr.comments.find((x) => x.body.includes('relbot:cherrypick-reject'))!;
    expect(comment.body).toContain('rejected by @cpanato from Slack');
    expect(comment.body).toContain('> Not eligible: a dependency bump that only silences a scanner.');
    expect(comment.body).toContain('@\u200bkubernetes/everyone');
    expect(labelPosts(h, n)).toHaveLength(0);
    expect(h.github.callsTo('DELETE', `/issues/${n}/labels`)).toHaveLength(0);
    expect(pr.labels).not.toContain('cherry-pick-approved');
    await h.slack.waitFor(() => cardText(card(h, n)).includes('*Rejected* by'));
    const text = cardText(card(h, n));
    expect(text).toContain(`*Rejected* by <@${APPROVER}>`);
    expect(text).toContain('Not eligible: a dependency bump');
    expect(text).not.toContain('<!channel>');
    expect(actionIds(card(h, n))).toEqual([]);
    expect(auditRows(h, n)).toEqual([{ actor: APPROVER, action: 'rejected', detail: reason, dry_run: 0 }]);
    // Submitting the same modal again (a Slack retry) changes nothing.
    await h.driver.submitView(APPROVER, view, { reason: 'again' });
    await waitAnswers(h, APPROVER, before + 1);
    expect(commentPosts(h, n)).toHaveLength(1);
    expect(auditRows(h, n)).toHaveLength(1);
    const audit = allText(
      (await h.driver.command(people.member.id, '/cherrypick', `audit ${REPO}#${n}`)).body,
    );
    expect(audit).toContain(`<@${APPROVER}> rejected it: “Not eligible`);
  });

  it('a non-approver submitting the modal is refused in the form', async () => {
    const n = CP.hold;
    const c = await trackByCommand(h, people.member.id, n);
    await h.driver.click(APPROVER, c, 'cherrypick_reject');
    await h.slack.waitFor(() => h.driver.latestView(APPROVER)?.view.private_metadata === `${REPO}#${n}`);
    const view = h.driver.latestView(APPROVER)!;
    const res = await h.driver.submitView(people.member.id, view, { reason: 'nope' });
    expect((res.body as { response_action: string }).response_action).toBe('errors');
    expect(stateOf(h, n)).toBe('pending');
    expect(commentPosts(h, n)).toHaveLength(0);
  });
});

describe('cherry-pick buttons and the reject modal in relbot_commands_total', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startCherrypickHarness();
  });
  afterAll(async () => {
    await h.stop();
  });

  const count = async (command: string, outcome: string): Promise<number> => {
    const text = await (await fetch(`${h.url}/metrics`)).text();
    const m = new RegExp(`relbot_commands_total\\{command="${command}",outcome="${outcome}"\\} (\\d+)`).exec(
      text,
    );
    return m ? Number(m[1]) : 0;
  };
  const eventually = async (command: string, outcome: string, n: number) => {
    for (let i = 0; i < 100 && (await count(command, outcome)) < n; i++)
      await new Promise((r) => setTimeout(r, 50));
    return count(command, outcome);
  };

  it('counts a click by what it did, and the form apart from its submissions', async () => {
    const member = people.member.id;
    const c = await trackByCommand(h, member, CP.green136);
    let seen = h.slack.ephemeralsFor(member).length;
    await h.driver.click(member, c, 'cherrypick_approve');
    expect((await waitAnswers(h, member, seen))[0]).toContain(':no_entry: Only');
    expect(await eventually('cherrypick_approve', 'refused', 1)).toBe(1);

    seen = h.slack.ephemeralsFor(APPROVER).length;
    await h.driver.click(APPROVER, c, 'cherrypick_approve', 'not a pull request');
    expect((await waitAnswers(h, APPROVER, seen))[0]).toContain(
      'That button does not name a pull request relbot watches.',
    );
    expect(await eventually('cherrypick_approve', 'bad_input', 1)).toBe(1);
    await h.driver.click(APPROVER, c, 'cherrypick_approve');
    expect((await waitAnswers(h, APPROVER, seen + 1))[0]).toContain(`Approved ${REPO}#${CP.green136}`);
    expect(await eventually('cherrypick_approve', 'ok', 1)).toBe(1);

    const hold = await trackByCommand(h, member, CP.hold);
    await h.driver.click(APPROVER, hold, 'cherrypick_reject');
    await h.slack.waitFor(
      () => h.driver.latestView(APPROVER)?.view.private_metadata === `${REPO}#${CP.hold}`,
    );
    expect(await eventually('cherrypick_reject_open', 'ok', 1)).toBe(1);
    const view = h.driver.latestView(APPROVER)!;
    await h.driver.submitView(APPROVER, view, { reason: '' });
    expect(await count('cherrypick_reject', 'bad_input')).toBe(1);
    seen = h.slack.ephemeralsFor(APPROVER).length;
    await h.driver.submitView(APPROVER, view, { reason: 'Not a fix for a regression.' });
    expect((await waitAnswers(h, APPROVER, seen))[0]).toContain(`Rejected ${REPO}#${CP.hold}`);
    expect(await eventually('cherrypick_reject', 'ok', 1)).toBe(1);
    // The click that opened the form is not counted as a submission.
    expect(await count('cherrypick_reject', 'refused')).toBe(0);
    expect(await count('cherrypick_reject_open', 'refused')).toBe(0);
  });
});

describe('discovery job', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startCherrypickHarness();
  });
  afterAll(async () => {
    await h.stop();
  });
  afterEach(() => {
    expect(h.slack.violations).toEqual([]);
  });

  const open = [
    CP.green136,
    CP.green135,
    CP.green134,
    CP.missingLgtm,
    CP.failingStatus,
    CP.hold,
    CP.byApprover,
  ];

  it('run twice: exactly one card per open pick, none for master or closed PRs, two searches per run', async () => {
    await h.relbot.jobs.run('cherrypick-discovery');
    for (const n of open) expect(cards(h, n)).toHaveLength(1);
    for (const n of [CP.onMaster, CP.closed, CP.original]) expect(cards(h, n)).toHaveLength(0);
    expect(h.github.callsTo('GET', '/search/issues')).toHaveLength(2);
    const posts = h.slack.callsTo('chat.postMessage').length;
    expect(posts).toBe(open.length);

    h.github.clearCalls();
    const updates = h.slack.callsTo('chat.update').length;
    h.clock.advance({ minutes: 5 });
    await h.relbot.jobs.run('cherrypick-discovery');
    for (const n of open) expect(cards(h, n)).toHaveLength(1);
    expect(h.slack.callsTo('chat.postMessage')).toHaveLength(posts);
    // Nothing changed: no card is edited, and no PR is re-read (only searches and status checks).
    expect(h.slack.callsTo('chat.update')).toHaveLength(updates);
    // The same two searches, each answered 304 from the ETag cache (free against the rate limit).
    // (src/github's retry plugin also re-sends a 304 twice; see docs/cherrypicks.md.)
    const searches = h.github.callsTo('GET', '/search/issues');
    expect(new Set(searches.map((x) => x.query.q)).size).toBe(2);
    expect(searches.every((x) => x.status === 304)).toBe(true);
    expect(h.github.callsTo('GET', /\/pulls\/\d+$/)).toHaveLength(0);
    expect(h.github.calls.every((x) => x.status === 304)).toBe(true);
    const run = h.db
      .prepare("SELECT status, detail FROM job_runs WHERE job = 'cherrypick-discovery' ORDER BY id DESC")
      .get() as { status: string; detail: string };
    expect(run.status).toBe('ok');
    expect(run.detail).toContain('7 tracked');
  });

  it('a change on GitHub updates the card in place, never a second card; a closed pick loses its buttons', async () => {
    h.github.setStatuses(
      'kubernetes',
      'kubernetes',
      h.github.getIssue('kubernetes', 'kubernetes', CP.hold)!.pull!.head_sha,
      [{ state: 'failure', context: 'pull-kubernetes-unit' }],
    );
    h.github.updateIssue('kubernetes', 'kubernetes', CP.missingLgtm, { state: 'closed' });
    await h.relbot.jobs.run('cherrypick-discovery');
    expect(cards(h, CP.hold)).toHaveLength(1);
    expect(cardText(card(h, CP.hold))).toContain('failing: pull-kubernetes-unit');
    expect(card(h, CP.hold).edits).toBeGreaterThan(0);
    expect(cardText(card(h, CP.missingLgtm))).toContain(
      ':lock: The pull request was closed before anyone decided on it. Nothing is left to approve.',
    );
    expect(actionIds(card(h, CP.missingLgtm))).toEqual([]);
  });

  it('a pick approved on GitHub (label present) is shown as approved there', async () => {
    const issue = h.github.getIssue('kubernetes', 'kubernetes', CP.byApprover)!;
    h.github.updateIssue('kubernetes', 'kubernetes', CP.byApprover, {
      labels: [...issue.labels, 'cherry-pick-approved'],
    });
    await h.relbot.jobs.run('cherrypick-discovery');
    expect(stateOf(h, CP.byApprover)).toBe('approved');
    expect(cardText(card(h, CP.byApprover))).toContain('Approved on GitHub');
    expect(auditRows(h, CP.byApprover).map((r) => r.action)).toEqual(['approved_on_github']);
  });

  it('siblings are listed and "Approve all" approves each branch with per-branch results', async () => {
    const c = card(h, CP.green136);
    const text = cardText(c);
    expect(text).toContain('Sibling picks');
    expect(text).toContain(`#${CP.green135}>`);
    expect(text).toContain(`#${CP.green134}>`);
    expect(actionIds(c)).toContain('cherrypick_approve_all');
    // One sibling cannot pass its gates.
    h.github.updateIssue('kubernetes', 'kubernetes', CP.green134, {
      labels: h.github
        .getIssue('kubernetes', 'kubernetes', CP.green134)!
        .labels.filter((l) => l !== 'approved'),
    });
    const before = h.slack.ephemeralsFor(APPROVER2).length;
    await h.driver.click(APPROVER2, c, 'cherrypick_approve_all');
    const [answer] = await waitAnswers(h, APPROVER2, before);
    expect(answer).toContain('`release-1.36`');
    expect(answer).toContain('`release-1.35`');
    expect(answer).toContain('`release-1.34`');
    expect(answer).toMatch(/release-1\.34.*cannot be approved yet[\s\S]*the `approved` label is missing/);
    for (const n of [CP.green136, CP.green135]) {
      expect(stateOf(h, n)).toBe('approved');
      expect(labelPosts(h, n)).toHaveLength(1);
      expect(h.github.getIssue('kubernetes', 'kubernetes', n)!.labels).toContain('cherry-pick-approved');
    }
    expect(stateOf(h, CP.green134)).toBe('pending');
    expect(labelPosts(h, CP.green134)).toHaveLength(0);
    // Sibling cards show the new states.
    await h.slack.waitFor(() => cardText(card(h, CP.green134)).includes('(approved)'));
    expect(cards(h, CP.green134)).toHaveLength(1);
    expect(h.slack.channelMessages(CHANNEL).every((m) => !m.text?.includes('<!channel>'))).toBe(true);
  });

  it('a GitHub outage during discovery records a failed run and posts nothing wrong', async () => {
    const posts = h.slack.callsTo('chat.postMessage').length;
    h.github.injectFault({ status: 502, times: 10, match: { path: '/search/issues' } });
    await h.relbot.jobs.run('cherrypick-discovery');
    h.github.clearFaults();
    const run = h.db
      .prepare("SELECT status, detail FROM job_runs WHERE job = 'cherrypick-discovery' ORDER BY id DESC")
      .get() as { status: string; detail: string };
    expect(run.status).toBe('error');
    expect(h.slack.callsTo('chat.postMessage')).toHaveLength(posts);
  });
});
