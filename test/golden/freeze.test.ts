import { join } from 'node:path';
import { ManualClock } from '../../src/clock';
import { people } from '../../src/sandbox/seed';
import { CP, CP_OWNER, CP_REPO } from '../../src/sandbox/seed-cherrypicks';
import { scheduleSourcesConfig, seedSchedule } from '../../src/sandbox/seed-schedule';
import type { SlackMessage } from '../../src/sandbox/slack/server';
import { card, startCherrypickHarness } from '../helpers/cherrypicks';
import { BRANCH, FP, LABEL, NOT_READY, seedFreezePicks } from '../helpers/freeze';
import { type Captured, describeBookChecks, GoldenBook, sentSince } from '../helpers/golden';
import type { Harness } from '../helpers/harness';

/**
 * Golden messages of the patch-cut freeze and the ready-for-approval notices (issue 17), produced by
 * the real app over HTTP from the seeds and a ManualClock: previews, Confirm answers, the channel
 * summaries, a frozen card, the unfreeze, every refusal, the notices (single and batched), mute.
 */

const book = new GoldenBook(join(__dirname, 'messages', 'freeze'), process.env.UPDATE_GOLDEN === '1');
const RM = people.approver.id;
const RM2 = people.approver2.id;

let h: Harness;

const mark = () => h.slack.calls.length;
const keyed = (part: string) => (c: Captured) =>
  String(
    (c.payload.metadata as { event_payload?: { key?: string } } | undefined)?.event_payload?.key ?? '',
  ).includes(part);

/** A /cherrypick command's private answer (through response_url), and everything it sent. */
async function command(user: string, text: string): Promise<{ answer: Captured; sent: Captured[] }> {
  const m = mark();
  await h.driver.command(user, '/cherrypick', text);
  await h.slack.waitFor(() => sentSince(h.slack, m).some((s) => s.via === 'response_url'));
  await h.relbot.deps.outbound.drain();
  const sent = sentSince(h.slack, m);
  return { answer: sent.find((s) => s.via === 'response_url')!, sent };
}

/** A click on `msg`; its answer (through response_url) and everything it sent. */
async function click(user: string, msg: SlackMessage, actionId: string) {
  const m = mark();
  await h.driver.click(user, msg, actionId);
  await h.slack.waitFor(() => sentSince(h.slack, m).some((s) => s.via === 'response_url'));
  await h.relbot.deps.outbound.drain();
  const sent = sentSince(h.slack, m);
  return { answer: sent.find((s) => s.via === 'response_url')!, sent };
}

const lastPreview = (user: string) => h.slack.ephemeralsFor(user).at(-1)!;
const setLabels = (n: number, change: (l: string[]) => string[]) =>
  h.github.updateIssue(CP_OWNER, CP_REPO, n, {
    labels: change(h.github.getIssue(CP_OWNER, CP_REPO, n)!.labels),
  });

describe('freeze and ready notices: every message', () => {
  beforeAll(async () => {
    h = await startCherrypickHarness({
      clock: new ManualClock('2026-07-01T09:00:00Z'),
      config: (raw) => {
        raw.schedule = { sources: scheduleSourcesConfig() };
      },
    });
    seedSchedule(h.github);
    await h.relbot.jobs.run('schedule-sync');
    seedFreezePicks(h.github);
    await h.relbot.jobs.run('cherrypick-discovery'); // every pick tracked, each with its card
    await h.relbot.deps.outbound.drain();
  });
  afterAll(async () => {
    await h.stop();
  });

  test('refusals change nothing', async () => {
    book.record(
      'freeze.error-not-release-manager',
      (await command(people.member.id, `freeze ${BRANCH}`)).answer,
    );
    book.record('freeze.error-not-a-branch', (await command(RM, 'freeze master')).answer);
    book.record('freeze.error-unknown-branch', (await command(RM, 'freeze release-1.63')).answer);
    book.record('freeze.error-no-approved', (await command(RM, 'freeze release-1.34')).answer);
    book.record('freeze.error-nothing-frozen', (await command(RM, `unfreeze ${BRANCH}`)).answer);
  });

  test('preview, cancel, a partial failure, finishing it, the summary and the frozen card', async () => {
    book.record('freeze.preview', (await command(RM, `freeze ${BRANCH}`)).answer);
    book.record('freeze.cancelled', (await click(RM, lastPreview(RM), 'cherrypick_freeze_cancel')).answer);
    await command(RM, `freeze ${BRANCH}`);
    const preview = lastPreview(RM);
    setLabels(FP.ready2, (l) => [...l, 'do-not-merge/hold']); // the list changes before Confirm
    h.github.injectFault({
      status: 502,
      times: 3,
      match: { method: 'DELETE', path: `/issues/${FP.failing}/labels/` },
    });
    const partial = await click(RM, preview, 'cherrypick_freeze_confirm');
    book.record('freeze.confirm-partial-failure', partial.answer);
    const cardTs = card(h, FP.noLgtm).ts;
    book.record(
      'freeze.card-frozen',
      partial.sent.filter((s) => s.via === 'chat.update' && s.payload.ts === cardTs).at(-1),
    );
    book.record('freeze.preview-finish', (await command(RM2, `freeze ${BRANCH}`)).answer);
    const finished = await click(RM2, lastPreview(RM2), 'cherrypick_freeze_confirm');
    book.record('freeze.confirm-answer', finished.answer);
    book.record(
      'freeze.summary',
      finished.sent.find((s) => s.via === 'chat.postMessage' && keyed('cherrypick-freeze:')(s)),
    );
    book.record(
      'freeze.confirm-nothing-left',
      (await click(RM, preview, 'cherrypick_freeze_confirm')).answer,
    );
    book.record('freeze.error-already-frozen', (await command(RM, `freeze ${BRANCH}`)).answer);
  });

  test('unfreeze: preview, answer, summary; then a branch with nothing to freeze', async () => {
    h.github.updateIssue(CP_OWNER, CP_REPO, FP.rebase, { state: 'closed', pull: { merged: true } });
    book.record('freeze.unfreeze-preview', (await command(RM2, `unfreeze ${BRANCH}`)).answer);
    const done = await click(RM2, lastPreview(RM2), 'cherrypick_unfreeze_confirm');
    book.record('freeze.unfreeze-answer', done.answer);
    book.record(
      'freeze.unfreeze-summary',
      done.sent.find((s) => s.via === 'chat.postMessage' && keyed('cherrypick-unfreeze:')(s)),
    );
    for (const n of [...NOT_READY.map(([x]) => x), FP.ready2])
      setLabels(n, (l) => l.filter((x) => x !== LABEL));
    book.record('freeze.preview-all-ready', (await command(RM, `freeze ${BRANCH}`)).answer);
  });

  test('ready notices: one in the card thread, a burst batched; mute and unmute', async () => {
    setLabels(CP.missingLgtm, (l) => [...l, 'lgtm']);
    h.clock.advance({ minutes: 5 });
    let m = mark();
    await h.relbot.jobs.run('cherrypick-discovery');
    await h.relbot.deps.outbound.drain();
    book.record('freeze.ready-single', sentSince(h.slack, m).find(keyed('cherrypick-ready:')));
    setLabels(CP.hold, (l) => l.filter((x) => x !== 'do-not-merge/hold'));
    h.github.setStatuses(
      CP_OWNER,
      CP_REPO,
      h.github.getIssue(CP_OWNER, CP_REPO, CP.failingStatus)!.pull!.head_sha,
      [{ state: 'success', context: 'pull-kubernetes-e2e-gce' }],
    );
    h.clock.advance({ minutes: 6 });
    m = mark();
    await h.relbot.jobs.run('cherrypick-discovery');
    await h.relbot.deps.outbound.drain();
    book.record('freeze.ready-batched', sentSince(h.slack, m).find(keyed('cherrypick-ready:')));
    book.record('freeze.mute', (await command(RM, 'mute release-1.36')).answer);
    book.record('freeze.error-already-muted', (await command(RM, 'mute release-1.36')).answer);
    book.record('freeze.unmute', (await command(RM, 'unmute release-1.36')).answer);
    book.record('freeze.error-not-muted', (await command(RM, 'unmute release-1.36')).answer);
  });

  test('the reminder after the cherry-pick deadline', async () => {
    h.clock.set('2026-07-12T09:00:00Z');
    const m = mark();
    await h.relbot.jobs.run('cherrypick-discovery');
    await h.relbot.deps.outbound.drain();
    book.record('freeze.reminder', sentSince(h.slack, m).find(keyed('cherrypick-freeze-reminder:')));
  });
});

describeBookChecks(book);
