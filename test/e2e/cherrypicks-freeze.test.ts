import { DateTime } from 'luxon';
import { GitHubEmulator } from '../../src/sandbox/github/server';
import { CHANNEL, people, seedConfig, seedSlack } from '../../src/sandbox/seed';
import { CP_OWNER, CP_REPO } from '../../src/sandbox/seed-cherrypicks';
import { scheduleSourcesConfig, seedSchedule } from '../../src/sandbox/seed-schedule';
import { SlackEmulator, type SlackMessage } from '../../src/sandbox/slack/server';
import { ChildRelbot, until } from '../helpers/abuse-process';
import { answers, card, cardText, startCherrypickHarness, url, waitAnswers } from '../helpers/cherrypicks';
import {
  BRANCH,
  deletes,
  FP,
  hasApproval,
  LABEL,
  marked,
  msgText,
  NOT_READY,
  seedFreezePicks,
  summaries,
} from '../helpers/freeze';
import type { Harness } from '../helpers/harness';

/**
 * The patch-cut freeze through the real app: `/cherrypick freeze` previews, Confirm removes
 * `cherry-pick-approved` from exactly the picks not ready, `/cherrypick unfreeze` puts it back on
 * exactly those; 20 concurrent Confirm clicks remove each label once; a GitHub failure on some PRs
 * is reported per PR and the next Confirm finishes only the rest.
 */

const RM = people.approver.id; // cpanato, a release manager (release-managers user group)
const RM2 = people.approver2.id; // justaugustus, a release manager by GitHub login
const NOT_READY_N = NOT_READY.map(([n]) => n);
const FREEZE_MARK = 'relbot:cherrypick-freeze:';
const UNFREEZE_MARK = 'relbot:cherrypick-unfreeze:';

async function startFreezeHarness(): Promise<Harness> {
  const h = await startCherrypickHarness({
    config: (raw) => {
      raw.schedule = { sources: scheduleSourcesConfig() };
    },
  });
  seedSchedule(h.github);
  await h.relbot.jobs.run('schedule-sync'); // the freeze names the next patch release
  seedFreezePicks(h.github);
  return h;
}

/** Runs a /cherrypick command as `user` and returns its ephemeral answer (text and message). */
async function ask(h: Harness, user: string, text: string): Promise<{ text: string; msg: SlackMessage }> {
  const before = h.slack.ephemeralsFor(user).length;
  const res = await h.driver.command(user, '/cherrypick', text);
  expect(res.status).toBe(200);
  await waitAnswers(h, user, before);
  const msg = h.slack.ephemeralsFor(user).at(-1)!;
  return { text: msgText(msg), msg };
}

async function click(h: Harness, user: string, msg: SlackMessage, actionId: string): Promise<string> {
  const before = h.slack.ephemeralsFor(user).length;
  const res = await h.driver.click(user, msg, actionId);
  expect(res.status).toBe(200);
  const [answer] = await waitAnswers(h, user, before);
  return answer!;
}

describe('patch-cut freeze and unfreeze', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startFreezeHarness();
  });
  afterAll(async () => {
    await h.stop();
  });
  afterEach(() => {
    expect(h.slack.violations).toEqual([]);
    h.github.clearFaults();
  });

  it('bad input changes nothing: not a release manager, not a branch, an unknown branch, nothing frozen', async () => {
    // The branch becomes known to relbot once a pick on it is tracked.
    await h.driver.command(people.member.id, '/cherrypick', url(FP.ready1));
    const calls = h.github.calls.length;
    const refused = await ask(h, people.member.id, `freeze ${BRANCH}`);
    expect(refused.text).toContain('can approve or reject cherry-picks');
    expect(refused.text).toContain('Nothing was changed');
    expect((await ask(h, RM, 'freeze master')).text).toContain('is not a release branch');
    const unknown = await ask(h, RM, 'freeze release-1.63');
    expect(unknown.text).toContain('relbot does not know `release-1.63`');
    expect(unknown.text).toContain('closest first: `release-1.36`');
    expect((await ask(h, RM, 'freeze')).text).toContain('needs one release branch');
    expect((await ask(h, RM, `unfreeze ${BRANCH}`)).text).toContain('is not frozen');
    expect((await ask(h, RM, 'freeze release-1.34')).text).toContain(
      'No approved pick is open on `release-1.34`',
    );
    // No GitHub write was made by any of them.
    expect(h.github.calls.slice(calls).filter((c) => c.method !== 'GET')).toEqual([]);
    expect(h.db.prepare('SELECT COUNT(*) AS n FROM cherrypick_freezes').get()).toEqual({ n: 0 });
  });

  it('preview, then Confirm removes the label from exactly the picks not ready; unfreeze puts back exactly those', async () => {
    const preview = await ask(h, RM, `freeze ${BRANCH}`);
    expect(preview.text).toContain('Freeze `release-1.36` for the v1.36.3 cut?');
    for (const [n] of NOT_READY) expect(preview.text).toContain(`${CP_OWNER}/${CP_REPO}#${n}`);
    for (const [, why] of NOT_READY) expect(preview.text).toContain(why);
    expect(preview.text).toContain(`#${FP.ready1}`);
    expect(preview.text).toContain('still running: pull-kubernetes-node-e2e');
    expect(preview.text).not.toContain(`#${FP.unapproved}`);
    expect(preview.text).not.toContain(`#${FP.otherBranch}`);
    expect(h.github.callsTo('DELETE', '/labels/')).toHaveLength(0); // a preview writes nothing

    // Between the preview and Confirm, a ready pick gets a hold: Confirm says the list changed.
    h.github.updateIssue(CP_OWNER, CP_REPO, FP.ready2, {
      labels: [...h.github.getIssue(CP_OWNER, CP_REPO, FP.ready2)!.labels, 'do-not-merge/hold'],
    });
    const answer = await click(h, RM, preview.msg, 'cherrypick_freeze_confirm');
    expect(answer).toContain('is frozen for the v1.36.3 cut');
    expect(answer).toContain(
      `The list changed since the preview: ${CP_OWNER}/${CP_REPO}#${FP.ready2} became not ready`,
    );
    const frozen = [...NOT_READY_N, FP.ready2];
    for (const n of frozen) {
      expect(hasApproval(h.github, n)).toBe(false);
      expect(deletes(h.github, n)).toHaveLength(1);
      expect(marked(h.github, n, FREEZE_MARK)).toHaveLength(1);
    }
    expect(marked(h.github, FP.noLgtm, FREEZE_MARK)[0]!.body).toContain('the `lgtm` label is missing');
    for (const n of [FP.ready1, FP.unapproved, FP.otherBranch]) expect(deletes(h.github, n)).toHaveLength(0);
    expect(hasApproval(h.github, FP.ready1)).toBe(true);
    expect(hasApproval(h.github, FP.otherBranch)).toBe(true);
    // The audit, each card, and one summary post in the channel.
    const audit = h.db
      .prepare("SELECT number FROM cherrypick_audit WHERE action = 'frozen' ORDER BY number")
      .all() as Array<{ number: number }>;
    expect(audit.map((a) => a.number)).toEqual([...frozen].sort());
    await h.relbot.deps.outbound.drain();
    expect(cardText(card(h, FP.noLgtm))).toContain('Frozen for the v1.36.3 cut');
    expect(cardText(card(h, FP.noLgtm))).toContain('the `lgtm` label is missing');
    const posted = summaries(h.slack.channelMessages(CHANNEL), 'freeze');
    expect(posted).toHaveLength(1);
    expect(msgText(posted[0]!)).toContain('is frozen for the v1.36.3 cut');

    // Frozen already: a second freeze is refused, and Confirm again does nothing more.
    expect((await ask(h, RM2, `freeze ${BRANCH}`)).text).toContain('is already frozen for the v1.36.3 cut');
    const again = await click(h, RM, preview.msg, 'cherrypick_freeze_confirm');
    expect(again).toContain('Nothing was left to do');
    for (const n of frozen) expect(deletes(h.github, n)).toHaveLength(1);

    // Meanwhile one frozen pick is merged, and someone removes the label from a ready pick by hand.
    h.github.updateIssue(CP_OWNER, CP_REPO, FP.rebase, { state: 'closed', pull: { merged: true } });
    h.github.updateIssue(CP_OWNER, CP_REPO, FP.ready1, {
      labels: h.github.getIssue(CP_OWNER, CP_REPO, FP.ready1)!.labels.filter((l) => l !== LABEL),
    });
    const unfreeze = await ask(h, RM2, `unfreeze ${BRANCH}`);
    expect(unfreeze.text).toContain('Confirm puts `cherry-pick-approved` back on the 6 picks');
    const done = await click(h, RM2, unfreeze.msg, 'cherrypick_unfreeze_confirm');
    expect(done).toContain('is unfrozen');
    expect(done).toContain(`${CP_OWNER}/${CP_REPO}#${FP.rebase}: closed or merged since the freeze`);
    const restored = frozen.filter((n) => n !== FP.rebase);
    for (const n of restored) {
      expect(hasApproval(h.github, n)).toBe(true);
      expect(marked(h.github, n, UNFREEZE_MARK)).toHaveLength(1);
    }
    expect(hasApproval(h.github, FP.rebase)).toBe(false);
    expect(hasApproval(h.github, FP.ready1)).toBe(false); // never the freeze's: not touched
    expect(hasApproval(h.github, FP.unapproved)).toBe(false);
    const labelPosts = h.github
      .callsTo('POST', /\/issues\/\d+\/labels$/)
      .map((c) => Number(c.path.split('/')[5]));
    expect(labelPosts.sort()).toEqual([...restored].sort());
    await h.relbot.deps.outbound.drain();
    expect(summaries(h.slack.channelMessages(CHANNEL), 'unfreeze')).toHaveLength(1);
    expect(cardText(card(h, FP.noLgtm))).not.toContain('Frozen for');
    expect((await ask(h, RM, `unfreeze ${BRANCH}`)).text).toContain('is not frozen');
    // Cancel on a preview changes nothing.
    const next = await ask(h, RM, `freeze ${BRANCH}`);
    const cancelled = await click(h, RM, next.msg, 'cherrypick_freeze_cancel');
    expect(cancelled).toContain('Cancelled. Nothing was changed.');
    expect(h.db.prepare("SELECT COUNT(*) AS n FROM cherrypick_freezes WHERE state = 'active'").get()).toEqual(
      { n: 0 },
    );
  });

  it('between the cherry-pick deadline and the cut, the freeze names the release being cut', async () => {
    // v1.36.3: deadline Fri 10 Jul (end of day AoE), target Tue 14 Jul. On the 12th the schedule's
    // next deadline is already v1.36.4's, but the cut ahead is still v1.36.3.
    h.clock.set('2026-07-12T09:00:00Z');
    expect((await ask(h, RM, `freeze ${BRANCH}`)).text).toContain('for the v1.36.3 cut');
    h.clock.set('2026-07-15T09:00:00Z');
    expect((await ask(h, RM, `freeze ${BRANCH}`)).text).toContain('for the v1.36.4 cut');
  });

  it('after the cherry-pick deadline, one reminder per cut day offers the freeze preview to release managers', async () => {
    const reminders = () =>
      h.slack
        .channelMessages(CHANNEL)
        .filter((m) =>
          String(m.metadata?.event_payload?.key ?? '').startsWith('cherrypick-freeze-reminder:'),
        );
    h.clock.set('2026-07-09T09:00:00Z'); // before the deadline: nothing
    await h.relbot.jobs.run('cherrypick-discovery');
    expect(reminders()).toHaveLength(0);
    h.clock.set('2026-07-12T09:00:00Z');
    await h.relbot.jobs.run('cherrypick-discovery');
    h.clock.set('2026-07-12T09:05:00Z');
    await h.relbot.jobs.run('cherrypick-discovery');
    await h.relbot.deps.outbound.drain();
    expect(reminders()).toHaveLength(1);
    const reminder = reminders()[0]!;
    expect(msgText(reminder)).toContain('Patch cut ahead on Tue 14 Jul');
    expect(msgText(reminder)).toContain('v1.36.3');
    expect(msgText(reminder)).toContain('<!subteam^');
    const refused = await click(h, people.member.id, reminder, 'cherrypick_freeze_preview:release-1.36');
    expect(refused).toContain('can approve or reject cherry-picks');
    const before = h.slack.ephemeralsFor(RM).length;
    await h.driver.click(RM, reminder, 'cherrypick_freeze_preview:release-1.36');
    const [preview] = await waitAnswers(h, RM, before);
    expect(preview).toContain('for the v1.36.3 cut?');
    expect(h.db.prepare("SELECT COUNT(*) AS n FROM cherrypick_freezes WHERE state = 'active'").get()).toEqual(
      {
        n: 0,
      },
    );
  });
});

describe('freeze under concurrency and GitHub failures', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startFreezeHarness();
    await h.driver.command(people.member.id, '/cherrypick', url(FP.ready1));
  });
  afterEach(async () => {
    expect(h.slack.violations).toEqual([]);
    await h.stop();
  });

  it('20 concurrent Confirm clicks: one removal and one comment per PR, one summary; 10 concurrent unfreeze clicks: one restore per PR', async () => {
    const preview = await ask(h, RM, `freeze ${BRANCH}`);
    const b1 = h.slack.ephemeralsFor(RM).length;
    const b2 = h.slack.ephemeralsFor(RM2).length;
    const clicks = Array.from({ length: 20 }, (_, i) =>
      h.driver.click(i % 2 ? RM : RM2, structuredClone(preview.msg), 'cherrypick_freeze_confirm'),
    );
    expect((await Promise.all(clicks)).every((r) => r.status === 200)).toBe(true);
    await waitAnswers(h, RM, b1, 10);
    await waitAnswers(h, RM2, b2, 10);
    for (const n of NOT_READY_N) {
      expect(deletes(h.github, n)).toHaveLength(1);
      expect(marked(h.github, n, FREEZE_MARK)).toHaveLength(1);
      expect(hasApproval(h.github, n)).toBe(false);
    }
    expect(h.db.prepare("SELECT COUNT(*) AS n FROM cherrypick_audit WHERE action = 'frozen'").get()).toEqual({
      n: NOT_READY_N.length,
    });
    expect(h.db.prepare('SELECT COUNT(*) AS n FROM cherrypick_freezes').get()).toEqual({ n: 1 });
    await h.relbot.deps.outbound.drain();
    expect(summaries(h.slack.channelMessages(CHANNEL), 'freeze')).toHaveLength(1);
    const all = [...answers(h, RM).slice(b1), ...answers(h, RM2).slice(b2)];
    expect(all).toHaveLength(20);
    expect(all.some((a) => a.includes('Removed the label from'))).toBe(true);

    // Ten concurrent Confirm unfreeze clicks: the label goes back once per PR, one summary.
    const unfreeze = await ask(h, RM, `unfreeze ${BRANCH}`);
    const u1 = h.slack.ephemeralsFor(RM).length;
    const u2 = h.slack.ephemeralsFor(RM2).length;
    const unclicks = Array.from({ length: 10 }, (_, i) =>
      h.driver.click(i % 2 ? RM : RM2, structuredClone(unfreeze.msg), 'cherrypick_unfreeze_confirm'),
    );
    expect((await Promise.all(unclicks)).every((r) => r.status === 200)).toBe(true);
    await waitAnswers(h, RM, u1, 5);
    await waitAnswers(h, RM2, u2, 5);
    for (const n of NOT_READY_N) {
      expect(h.github.callsTo('POST', `/repos/${CP_OWNER}/${CP_REPO}/issues/${n}/labels`)).toHaveLength(1);
      expect(marked(h.github, n, UNFREEZE_MARK)).toHaveLength(1);
      expect(hasApproval(h.github, n)).toBe(true);
    }
    await h.relbot.deps.outbound.drain();
    expect(summaries(h.slack.channelMessages(CHANNEL), 'unfreeze')).toHaveLength(1);
    expect(h.db.prepare('SELECT state FROM cherrypick_freezes').all()).toEqual([{ state: 'lifted' }]);
  });

  it('GitHub 502s on one PR: reported per PR; Confirm again finishes only that one', async () => {
    const preview = await ask(h, RM, `freeze ${BRANCH}`);
    // Three answers: the request and Octokit's two retries.
    h.github.injectFault({
      status: 502,
      times: 3,
      match: { method: 'DELETE', path: `/issues/${FP.failing}/labels/` },
    });
    const first = await click(h, RM, preview.msg, 'cherrypick_freeze_confirm');
    expect(first).toContain('did not fully complete');
    expect(first).toContain(
      `${CP_OWNER}/${CP_REPO}#${FP.failing}: did *not* complete: GitHub answered HTTP 502 Bad Gateway`,
    );
    expect(first).toContain('Confirm again');
    expect(hasApproval(h.github, FP.failing)).toBe(true);
    for (const n of NOT_READY_N.filter((x) => x !== FP.failing)) expect(hasApproval(h.github, n)).toBe(false);
    await h.relbot.deps.outbound.drain();
    expect(summaries(h.slack.channelMessages(CHANNEL), 'freeze')).toHaveLength(0); // not done yet
    // Running it again (a new preview offers to finish) finishes the rest without repeating.
    const resume = await ask(h, RM2, `freeze ${BRANCH}`);
    expect(resume.text).toContain('did not finish');
    const second = await click(h, RM2, resume.msg, 'cherrypick_freeze_confirm');
    expect(second).toContain(`Removed the label from ${CP_OWNER}/${CP_REPO}#${FP.failing}`);
    expect(hasApproval(h.github, FP.failing)).toBe(false);
    for (const n of NOT_READY_N) expect(marked(h.github, n, FREEZE_MARK)).toHaveLength(1);
    for (const n of NOT_READY_N.filter((x) => x !== FP.failing)) expect(deletes(h.github, n)).toHaveLength(1);
    await h.relbot.deps.outbound.drain();
    expect(summaries(h.slack.channelMessages(CHANNEL), 'freeze')).toHaveLength(1);
  });
});

describe('SIGKILL in the middle of a freeze', () => {
  let now = DateTime.fromISO('2026-07-01T09:00:00Z', { zone: 'utc' });
  let slack: SlackEmulator;
  let github: GitHubEmulator;
  let child: ChildRelbot;
  beforeAll(async () => {
    slack = new SlackEmulator(() => now.toMillis());
    await slack.start();
    seedSlack(slack);
    github = new GitHubEmulator({ now: () => now.toJSDate() });
    await github.start();
    seedFreezePicks(github);
    const config = seedConfig();
    (config.cherrypicks as Record<string, unknown>).retry = { attempts: 3, backoffMs: 1 };
    child = new ChildRelbot(slack, github, config);
  });
  afterAll(async () => {
    await child.dispose();
    await slack.stop();
    await github.stop();
  });

  const start = async (iso: string) => {
    now = DateTime.fromISO(iso, { zone: 'utc' });
    await child.start(iso);
  };
  const latest = (user: string, actionId: string) =>
    slack
      .ephemeralsFor(user)
      .filter((m) => JSON.stringify(m.blocks ?? []).includes(actionId))
      .at(-1);

  it('killed while GitHub holds the answer to a label DELETE: after a restart, Confirm finishes with no repeat', async () => {
    await start('2026-07-01T09:00:00Z');
    await child.driver!.command(people.member.id, '/cherrypick', url(FP.ready1));
    const previews = slack.ephemeralsFor(RM).length;
    await child.driver!.command(RM, '/cherrypick', `freeze ${BRANCH}`);
    await slack.waitFor(() => slack.ephemeralsFor(RM).length > previews);
    const preview = latest(RM, 'cherrypick_freeze_confirm')!;
    // The second PR's DELETE is applied, and its answer held: relbot is killed while it waits.
    github.injectFault({
      holdResponseMs: 60_000,
      match: { method: 'DELETE', path: `/issues/${FP.failing}/labels/` },
    });
    await child.driver!.click(RM, preview, 'cherrypick_freeze_confirm');
    await until(() => !hasApproval(github, FP.failing), 30_000);
    await child.kill();
    expect(marked(github, FP.noLgtm, FREEZE_MARK)).toHaveLength(1);
    expect(marked(github, FP.failing, FREEZE_MARK)).toHaveLength(0);
    expect(hasApproval(github, FP.rebase)).toBe(true); // not reached before the kill
    expect(
      child.query('SELECT number, state FROM cherrypick_freeze_prs WHERE number = ?', FP.failing),
    ).toEqual([{ number: FP.failing, state: 'removing' }]);

    // Restarted after the claim timeout: a new freeze command offers to finish it; Confirm does.
    await start('2026-07-01T09:11:00Z');
    const before = slack.ephemeralsFor(RM).length;
    await child.driver!.command(RM, '/cherrypick', `freeze ${BRANCH}`);
    await slack.waitFor(() => slack.ephemeralsFor(RM).length > before);
    const resume = latest(RM, 'cherrypick_freeze_confirm')!;
    expect(msgText(resume)).toContain('did not finish');
    const answered = slack.ephemeralsFor(RM).length;
    await child.driver!.click(RM, resume, 'cherrypick_freeze_confirm');
    await slack.waitFor(() => slack.ephemeralsFor(RM).length > answered, 30_000);
    const finished = msgText(slack.ephemeralsFor(RM).at(-1)!);
    expect(finished).toContain('is frozen for');
    for (const n of NOT_READY_N) {
      expect(hasApproval(github, n)).toBe(false);
      expect(marked(github, n, FREEZE_MARK)).toHaveLength(1);
    }
    // Only the interrupted DELETE was sent again (GitHub answered 404: the label was already off).
    expect(deletes(github, FP.failing)).toHaveLength(2);
    for (const n of NOT_READY_N.filter((x) => x !== FP.failing)) expect(deletes(github, n)).toHaveLength(1);
    await slack.waitFor(() => summaries(slack.channelMessages(CHANNEL), 'freeze').length === 1);
    await child.stop();
    expect(summaries(slack.channelMessages(CHANNEL), 'freeze')).toHaveLength(1);
    expect(child.query("SELECT COUNT(*) AS n FROM cherrypick_audit WHERE action = 'frozen'")[0]).toEqual({
      n: NOT_READY_N.length,
    });
    expect(slack.violations).toEqual([]);
  });
});
