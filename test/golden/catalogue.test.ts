import { join } from 'node:path';
import { ManualClock } from '../../src/clock';
import { fixture } from '../../src/fixtures';
import type { GitHubEmulator } from '../../src/sandbox/github/server';
import { CHANNEL, people, RELEASE_TEAM_GROUP } from '../../src/sandbox/seed';
import { seedManyBlockers } from '../../src/sandbox/seed-blockers';
import { CP } from '../../src/sandbox/seed-cherrypicks';
import { scheduleSourcesConfig, seedSchedule } from '../../src/sandbox/seed-schedule';
import type { OpenView, SlackMessage } from '../../src/sandbox/slack/server';
import { startBlockersHarness } from '../helpers/blockers';
import { card, REPO, startCherrypickHarness, url } from '../helpers/cherrypicks';
import { ackOf, type Captured, describeBookChecks, GoldenBook, sentSince } from '../helpers/golden';
import { type Harness, startHarness } from '../helpers/harness';
import { shadowButtonValue } from '../helpers/shadows';

/**
 * The golden-message catalogue (issue 12): every kind of message relbot sends, produced by the real
 * app over HTTP from fixed inputs and a ManualClock, captured at the emulated Slack, and compared
 * with test/golden/messages/<kind>.json and .txt. `npm run golden` rewrites them; see README.md here.
 * Every captured message is also linted (test/helpers/golden.ts); the known violations are listed
 * below and must match exactly.
 */

const UPDATE = process.env.UPDATE_GOLDEN === '1';
const book = new GoldenBook(join(__dirname, 'messages'), UPDATE);

/**
 * What the lint finds in today's messages and is not fixed yet: none. A finding that must wait gets
 * a line here (kind, rule, why); fixing it means deleting the line and running `npm run golden`.
 */
const KNOWN_VIOLATIONS: Array<{ kind: string; rule: string; note: string }> = [];

const TOO_LONG = 'x'.repeat(4001);

/** One harness plus the capture helpers every section uses. */
class Catalogue {
  constructor(readonly h: Harness) {}

  mark(): number {
    return this.h.slack.calls.length;
  }

  since(mark: number): Captured[] {
    return sentSince(this.h.slack, mark);
  }

  /** Waits until what was sent since `mark` satisfies `done`, lets queued posts go out, returns it all. */
  async until(mark: number, done: (sent: Captured[]) => boolean): Promise<Captured[]> {
    await this.h.slack.waitFor(() => done(this.since(mark)));
    await this.h.relbot.deps.outbound.drain();
    return this.since(mark);
  }

  /** A slash command: its answer (in the ack, or the first response_url post) and all it sent. */
  async command(user: string, command: string, text = '') {
    const mark = this.mark();
    const res = await this.h.driver.command(user, command, text);
    await this.h.relbot.deps.outbound.drain();
    const sent = this.since(mark);
    return { answer: ackOf(res.ack) ?? sent.find((s) => s.via === 'response_url'), sent, res };
  }

  /** Records the answer of a slash command as `kind`; returns everything it sent. */
  async answer(kind: string, user: string, command: string, text = ''): Promise<Captured[]> {
    const r = await this.command(user, command, text);
    book.record(kind, r.answer);
    return r.sent;
  }

  /** A click; waits for the response_url answer (or `done`) and returns all that was sent. */
  async click(
    user: string,
    message: SlackMessage,
    actionId: string,
    value?: string,
    done: (sent: Captured[]) => boolean = (s) => s.some((x) => x.via === 'response_url'),
  ): Promise<Captured[]> {
    const mark = this.mark();
    const res = await this.h.driver.click(user, message, actionId, value);
    if (res.status !== 200) throw new Error(`click ${actionId}: HTTP ${res.status}`);
    return this.until(mark, done);
  }

  /** Opens a modal with `via` and returns it as the emulator holds it, with the views.open call. */
  async modal(user: string, via: () => Promise<unknown>): Promise<{ view: OpenView; open: Captured }> {
    const mark = this.mark();
    await via();
    const sent = await this.until(mark, (s) => s.some((x) => x.via === 'views.open'));
    return { view: this.h.driver.latestView(user)!, open: sent.find((x) => x.via === 'views.open')! };
  }

  /** Submits a modal; a field-error answer is returned with the modal it answers. */
  async submit(user: string, view: OpenView, values: Record<string, string | string[] | undefined>) {
    const res = await this.h.driver.submitView(user, view, values);
    if (res.status !== 200) throw new Error(`view submission: HTTP ${res.status}`);
    const ack = ackOf(res);
    return ack ? { ...ack, view: view.view } : undefined;
  }

  /** The help, unknown-subcommand and too-long answers every command gives. */
  async commonAnswers(name: string, command: string) {
    await this.answer(`${name}.help`, people.member.id, command, 'help');
    await this.answer(`${name}.unknown-subcommand`, people.member.id, command, 'frobnicate');
    await this.answer(`${name}.error-too-long`, people.member.id, command, TOO_LONG);
  }
}

const first = (
  sent: Captured[],
  via: Captured['via'],
  pred: (p: Record<string, unknown>) => boolean = () => true,
) => sent.find((s) => s.via === via && pred(s.payload));
const keyed = (part: string) => (p: Record<string, unknown>) =>
  String((p.metadata as { event_payload?: { key?: string } } | undefined)?.event_payload?.key ?? '').includes(
    part,
  );
const toChannel = (channel: string) => (p: Record<string, unknown>) => p.channel === channel;

// ------------------------------------------------------------------------------------ schedule

const MENTIONS = {
  'Enhancements Lead': 'S0ENHANCE',
  'Branch Manager': 'S0BRANCHM',
  'Docs Lead': 'S0DOCSLEAD',
  'Release Managers': 'S0RELMGRS',
};
const README_37 = 'releases/release-1.37/README.md';
const DOCS_FREEZE_WHEN = '| Wednesday 5th August 2026 (AoE) / Thursday 6th August 2026, 12:00 UTC |';
const DOCS_FREEZE_MOVED = '| Thursday 6th August 2026 (AoE) / Friday 7th August 2026, 12:00 UTC |';

describe('schedule: commands, syncs and every reminder kind', () => {
  let c: Catalogue;
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      clock: new ManualClock('2026-07-01T09:00:00Z'),
      config: (raw) => {
        raw.schedule = { sources: scheduleSourcesConfig(), reminders: { mentions: MENTIONS } };
      },
    });
    seedSchedule(h.github);
    c = new Catalogue(h);
  });
  afterAll(async () => {
    await h.stop();
  });

  /** Moves the clock, runs the reminders job, returns the reminders it posted. */
  async function remindersAt(iso: string): Promise<Captured[]> {
    h.clock.set(iso);
    const mark = c.mark();
    await h.relbot.jobs.run('schedule-reminders');
    await h.relbot.deps.outbound.drain();
    return c
      .since(mark)
      .filter((s) => s.via === 'chat.postMessage' && keyed('schedule-reminder:')(s.payload));
  }

  test('commands before and after the first import', async () => {
    await c.commonAnswers('schedule', '/schedule');
    await c.answer('schedule.empty', people.member.id, '/schedule');
    await c.answer('schedule.sync-refused-not-admin', people.member.id, '/schedule', 'sync');
    const sync = await c.command(people.admin.id, '/schedule', 'sync');
    book.record('schedule.sync-first-import', sync.answer);
    book.record('schedule.sync-first-import-post', first(sync.sent, 'chat.postMessage', toChannel(CHANNEL)));
    await c.answer('schedule.next', people.member.id, '/schedule');
    await c.answer('schedule.version-1.37', people.member.id, '/schedule', '1.37');
    await c.answer('schedule.version-1.34-all-past', people.member.id, '/schedule', '1.34');
    await c.answer('schedule.patches', people.member.id, '/schedule', 'patches');
    await c.answer('schedule.version-1.37-all', people.member.id, '/schedule', '1.37 all');
    await c.answer('schedule.error-unknown-cycle', people.member.id, '/schedule', '1.99');
    await c.answer('schedule.error-unknown-cycle-major', people.member.id, '/schedule', '9.99');
    await c.answer('schedule.error-not-a-version', people.member.id, '/schedule', '1.3x');
    await c.answer('schedule.error-patch-only-minor', people.member.id, '/schedule', '1.35');
    await c.answer('schedule.error-patch-version', people.member.id, '/schedule', 'v1.36.2');
    await c.answer('schedule.error-bad-version', people.member.id, '/schedule', '1.37 please');
    await c.answer('schedule.error-patches-args', people.member.id, '/schedule', 'patches 1.36');
    await c.answer('schedule.error-sync-args', people.admin.id, '/schedule', 'sync now');
  });

  test('reminders: 7 days, 1 day, 1 hour, now, moved, late, all-day, patch deadlines', async () => {
    await remindersAt('2026-07-01T09:00:00Z'); // decides what is already past
    const one = (sent: Captured[], key: string) => first(sent, 'chat.postMessage', keyed(key));
    book.record(
      'reminder.patch-deadline-7d',
      one(await remindersAt('2026-07-04T12:00:00Z'), 'cherry-pick-deadline/2026-07:7d'),
    );
    book.record(
      'reminder.patch-deadline-passed',
      one(await remindersAt('2026-07-11T12:00:00Z'), 'cherry-pick-deadline/2026-07:now'),
    );
    const cf = 'v1.37/begin-code-freeze-and-test-freeze';
    book.record('reminder.7d', one(await remindersAt('2026-07-16T12:00:00Z'), `${cf}:7d`));
    book.record('reminder.1d', one(await remindersAt('2026-07-22T12:00:00Z'), `${cf}:1d`));
    book.record('reminder.1h', one(await remindersAt('2026-07-23T11:00:00Z'), `${cf}:1h`));
    book.record('reminder.now-in-effect', one(await remindersAt('2026-07-23T12:00:00Z'), `${cf}:now`));

    // Docs Freeze moves by a day: the sync says so (answer and channel), its reminders say "Moved".
    h.clock.set('2026-07-24T09:00:00Z');
    const page = fixture('release-1.37-README.md');
    expect(page).toContain(DOCS_FREEZE_WHEN);
    h.github.setFile(
      'kubernetes',
      'sig-release',
      README_37,
      page.replace(DOCS_FREEZE_WHEN, DOCS_FREEZE_MOVED),
      'master',
    );
    const sync = await c.command(people.admin.id, '/schedule', 'sync');
    book.record('schedule.sync-changes', sync.answer);
    book.record(
      'schedule.sync-changes-post',
      first(sync.sent, 'chat.postMessage', keyed('schedule-announcement')),
    );
    book.record('reminder.moved', one(await remindersAt('2026-07-31T12:00:00Z'), 'v1.37/docs-freeze:7d'));
    // Down from 07-31 to 08-07 18:00: the August deadline's 1-day reminder is posted late.
    book.record(
      'reminder.late',
      one(await remindersAt('2026-08-07T18:00:00Z'), 'cherry-pick-deadline/2026-08:1d'),
    );
    book.record(
      'reminder.all-day-today',
      one(await remindersAt('2026-08-26T00:00:00Z'), 'v1.37/v1-37-0-released:now'),
    );
  });

  test('syncs that find nothing, bad rows, an unreadable page, GitHub down', async () => {
    await c.answer('schedule.next-release-day', people.member.id, '/schedule');
    await c.answer('schedule.sync-unchanged', people.admin.id, '/schedule', 'sync');

    const page = fixture('release-1.37-README.md').replace(DOCS_FREEZE_WHEN, DOCS_FREEZE_MOVED);
    h.github.setFile(
      'kubernetes',
      'sig-release',
      README_37,
      page.replace('Wednesday 24th June 2026', 'Late June (TBC)'),
      'master',
    );
    const bad = await c.command(people.lead.id, '/schedule', 'sync');
    book.record('schedule.sync-bad-row', bad.answer);
    book.record(
      'schedule.sync-bad-row-post',
      first(bad.sent, 'chat.postMessage', keyed('schedule-announcement')),
    );

    h.github.setFile(
      'kubernetes',
      'sig-release',
      README_37,
      '# Kubernetes v1.37\n\nThe timeline moved to a spreadsheet.\n',
      'master',
    );
    const broken = await c.command(people.admin.id, '/schedule', 'sync');
    book.record('schedule.sync-unreadable-page', broken.answer);
    book.record(
      'schedule.sync-unreadable-page-post',
      first(broken.sent, 'chat.postMessage', keyed('schedule-announcement')),
    );
    await c.answer('schedule.version-1.37-last-good-data', people.member.id, '/schedule', '1.37');

    h.github.injectFault({ status: 502, times: 10, match: { path: 'schedule.yaml' } });
    await c.answer('schedule.sync-github-down', people.admin.id, '/schedule', 'sync');
    h.github.clearFaults();
  });
});

// --------------------------------------------------------------------------------- cherry-picks

const APPROVER = people.approver.id;
const APPROVER2 = people.approver2.id;

describe('cherry-picks: answers, errors, every card state, the reject modal', () => {
  let c: Catalogue;
  let h: Harness;
  beforeAll(async () => {
    h = await startCherrypickHarness({
      clock: new ManualClock('2026-07-01T09:00:00Z'),
      config: (raw) => {
        raw.schedule = { sources: scheduleSourcesConfig() };
      },
    });
    seedSchedule(h.github);
    await h.relbot.jobs.run('schedule-sync'); // cards show the next cherry-pick deadline
    c = new Catalogue(h);
  });
  afterAll(async () => {
    await h.stop();
  });

  const cardOf = (n: number) => keyed(`cherrypick-card:${REPO}#${n}`);
  const updatesOf = (sent: Captured[], n: number) => {
    const ts = card(h, n).ts;
    return sent.filter((s) => s.via === 'chat.update' && s.payload.ts === ts);
  };

  test('help, errors and the empty list', async () => {
    await c.commonAnswers('cherrypick', '/cherrypick');
    await c.answer('cherrypick.list-empty', people.member.id, '/cherrypick', 'list');
    const errors: Array<[string, string]> = [
      ['not-release-branch', url(CP.onMaster)],
      ['closed', url(CP.closed)],
      ['merged', url(CP.original)],
      ['not-a-reference', 'kubernetes/kubernetes#abc'],
      ['issue-url', 'https://github.com/kubernetes/kubernetes/issues/5'],
      ['not-a-pr-url', 'https://github.com/kubernetes/kubernetes/tree/master'],
      ['unwatched-repo', 'kubernetes/website#1234'],
      ['no-such-pr', '#999999'],
      ['two-prs', `${url(CP.green136)} ${url(CP.green135)}`],
      ['list-bad-branch', 'list release-banana'],
      ['list-unknown-branch', 'list release-9.99'],
      ['audit-no-pr', 'audit'],
    ];
    for (const [name, text] of errors)
      await c.answer(`cherrypick.error-${name}`, people.member.id, '/cherrypick', text);
  });

  test('tracking by command: the answer and the cards of open picks', async () => {
    const show = await c.command(people.member.id, '/cherrypick', url(CP.green136));
    book.record('cherrypick.show-answer', show.answer);
    book.record(
      'cherrypick.card-pending-gates-pass',
      first(show.sent, 'chat.postMessage', cardOf(CP.green136)),
    );
    const cases: Array<[string, number]> = [
      ['cherrypick.card-pending-missing-lgtm', CP.missingLgtm],
      ['cherrypick.card-pending-failing-status', CP.failingStatus],
      ['cherrypick.card-pending-hold', CP.hold],
    ];
    for (const [kind, n] of cases) {
      const r = await c.command(people.member.id, '/cherrypick', url(n));
      book.record(kind, first(r.sent, 'chat.postMessage', cardOf(n)));
    }
    await c.command(people.member.id, '/cherrypick', url(CP.byApprover));
    await c.answer('cherrypick.list', people.member.id, '/cherrypick', 'list');
    await c.answer('cherrypick.audit-empty', people.member.id, '/cherrypick', `audit ${REPO}#${CP.hold}`);

    // Discovery finds the siblings: the card gains "Sibling picks" and "Approve all".
    const mark = c.mark();
    await h.relbot.jobs.run('cherrypick-discovery');
    await h.relbot.deps.outbound.drain();
    book.record('cherrypick.card-with-siblings', updatesOf(c.since(mark), CP.green136).at(-1));
  });

  test('refusals: not an approver, own PR, failing gates, a damaged button, an unknown button', async () => {
    book.record(
      'cherrypick.approve-refused-not-approver',
      first(await c.click(people.member.id, card(h, CP.green136), 'cherrypick_approve'), 'response_url'),
    );
    book.record(
      'cherrypick.reject-refused-not-approver',
      first(await c.click(people.member.id, card(h, CP.green136), 'cherrypick_reject'), 'response_url'),
    );
    book.record(
      'cherrypick.approve-refused-own-pr',
      first(await c.click(APPROVER, card(h, CP.byApprover), 'cherrypick_approve'), 'response_url'),
    );
    book.record(
      'cherrypick.approve-refused-gates',
      first(await c.click(APPROVER, card(h, CP.missingLgtm), 'cherrypick_approve'), 'response_url'),
    );
    book.record(
      'cherrypick.button-unwatched-pr',
      first(
        await c.click(APPROVER, card(h, CP.hold), 'cherrypick_approve', 'kubernetes/website#1'),
        'response_url',
      ),
    );
    book.record(
      'cherrypick.button-untracked-pr',
      first(
        await c.click(APPROVER, card(h, CP.hold), 'cherrypick_approve', 'kubernetes/kubernetes#1'),
        'response_url',
      ),
    );
    h.slack.injectFault({ method: 'views.open', error: 'expired_trigger_id' });
    book.record(
      'cherrypick.reject-modal-open-failed',
      first(await c.click(APPROVER, card(h, CP.hold), 'cherrypick_reject'), 'response_url'),
    );
    h.slack.clearFaults();
    const stale: SlackMessage = {
      channel: CHANNEL,
      ts: '0.000001',
      user: h.slack.botUserId,
      edits: 0,
      ephemeralTo: people.member.id,
      blocks: [
        {
          type: 'actions',
          block_id: 'old',
          elements: [
            { type: 'button', action_id: 'legacy_button', text: { type: 'plain_text', text: 'Old' } },
          ],
        },
      ],
    };
    book.record(
      'common.unknown-button',
      first(await c.click(people.member.id, stale, 'legacy_button'), 'response_url'),
    );
  });

  test('approve all: approving, approved and failed cards, and the per-branch answer', async () => {
    // A copy as an old client still shows it, buttons and all (the emulator edits the stored one).
    const stale = structuredClone(card(h, CP.green136));
    h.github.injectFault({
      status: 502,
      times: 3,
      match: { method: 'POST', path: `/issues/${CP.green134}/labels` },
    });
    const sent = await c.click(APPROVER2, card(h, CP.green136), 'cherrypick_approve_all');
    h.github.clearFaults();
    book.record('cherrypick.approve-all-answer', first(sent, 'response_url'));
    const updates = updatesOf(sent, CP.green136);
    book.record('cherrypick.card-approving', updates[0]);
    book.record('cherrypick.card-approved', updates.at(-1));
    book.record('cherrypick.card-failed', updatesOf(sent, CP.green134).at(-1));
    book.record(
      'cherrypick.approve-already-approved',
      first(await c.click(APPROVER, stale, 'cherrypick_approve'), 'response_url'),
    );
    const retry = await c.click(APPROVER, card(h, CP.green134), 'cherrypick_retry');
    book.record('cherrypick.retry-answer', first(retry, 'response_url'));
    await c.answer('cherrypick.audit', people.member.id, '/cherrypick', `audit ${REPO}#${CP.green134}`);
  });

  test('reject: the modal, its field errors, the answer and the rejected card', async () => {
    const { view, open } = await c.modal(APPROVER, () =>
      c.click(APPROVER, card(h, CP.failingStatus), 'cherrypick_reject', undefined, (s) =>
        s.some((x) => x.via === 'views.open'),
      ),
    );
    book.record('cherrypick.reject-modal', open);
    book.record('cherrypick.reject-modal-errors-no-reason', await c.submit(APPROVER, view, { reason: '  ' }));
    book.record(
      'cherrypick.reject-modal-errors-not-approver',
      await c.submit(people.member.id, view, { reason: 'nope' }),
    );
    const mark = c.mark();
    await c.submit(APPROVER, view, {
      reason:
        'Not eligible: a dependency bump that only silences a scanner.\n@kubernetes/everyone <!channel>',
    });
    const sent = await c.until(mark, (s) => s.some((x) => x.via === 'chat.postEphemeral'));
    book.record('cherrypick.reject-answer', first(sent, 'chat.postEphemeral'));
    book.record('cherrypick.card-rejected', updatesOf(sent, CP.failingStatus).at(-1));
  });

  test('changes found on GitHub: approved there, closed', async () => {
    const issue = h.github.getIssue('kubernetes', 'kubernetes', CP.byApprover)!;
    h.github.updateIssue('kubernetes', 'kubernetes', CP.byApprover, {
      labels: [...issue.labels, 'cherry-pick-approved'],
    });
    h.github.updateIssue('kubernetes', 'kubernetes', CP.missingLgtm, { state: 'closed' });
    h.clock.advance({ minutes: 5 });
    const mark = c.mark();
    await h.relbot.jobs.run('cherrypick-discovery');
    await h.relbot.deps.outbound.drain();
    const sent = c.since(mark);
    book.record('cherrypick.card-approved-on-github', updatesOf(sent, CP.byApprover).at(-1));
    book.record('cherrypick.card-closed', updatesOf(sent, CP.missingLgtm).at(-1));
  });

  test('too long to show whole: the list names every branch and how to see the rest; so does the audit', async () => {
    // 42 waiting picks on release-1.36 (more than one answer shows) and 3 on release-1.35.
    for (let i = 0; i < 45; i++) {
      const n = 141_001 + i;
      const branch = i < 42 ? 'release-1.36' : 'release-1.35';
      const pr = h.github.addPull({
        owner: 'kubernetes',
        repo: 'kubernetes',
        number: n,
        title: `Automated cherry pick of #139960: apiserver: fix watch cache ${i + 1}`,
        body: `Cherry pick of #139960 on ${branch}.`,
        user: 'aojea',
        labels: ['lgtm', 'approved', 'cncf-cla: yes', 'do-not-merge/cherry-pick-not-approved'],
        created_at: '2026-06-25T08:00:00Z',
        pull: { base: branch, head: `automated-cherry-pick-of-#139960-upstream-${branch}-${n}` },
      });
      h.github.setStatuses('kubernetes', 'kubernetes', pr.pull!.head_sha, [
        { state: 'success', context: 'pull-kubernetes-unit' },
      ]);
    }
    await h.relbot.jobs.run('cherrypick-discovery');
    await h.relbot.deps.outbound.drain();
    await c.answer('cherrypick.list-cut', people.member.id, '/cherrypick', 'list');
    await c.answer('cherrypick.list-cut-branch', people.member.id, '/cherrypick', 'list 1.36');
    // 45 audit entries on one pick: 44 failed attempts a day apart, then the approval.
    const add = h.db.prepare(
      'INSERT INTO cherrypick_audit (repo, number, at, actor, action, detail, dry_run) VALUES (?, ?, ?, ?, ?, ?, 0)',
    );
    for (let i = 0; i < 45; i++)
      add.run(
        REPO,
        141_045,
        new Date(Date.parse('2026-05-01T12:00:00Z') + i * 86_400_000).toISOString(),
        APPROVER,
        i < 44 ? 'approve_failed' : 'approved',
        i < 44 ? 'GitHub answered HTTP 502 Bad Gateway' : 'label cherry-pick-approved added, comment posted',
      );
    await c.answer('cherrypick.audit-cut', people.member.id, '/cherrypick', `audit ${REPO}#141045`);
  });
});

describe('cherry-picks in dry run', () => {
  let c: Catalogue;
  let h: Harness;
  beforeAll(async () => {
    h = await startCherrypickHarness({
      clock: new ManualClock('2026-07-01T09:00:00Z'),
      env: { dryRun: true },
    });
    c = new Catalogue(h);
  });
  afterAll(async () => {
    await h.stop();
  });

  test('the dry-run card, the answer and the approved card', async () => {
    const show = await c.command(people.member.id, '/cherrypick', url(CP.green136));
    const cardKey = keyed(`cherrypick-card:${REPO}#${CP.green136}`);
    book.record('cherrypick.card-dry-run', first(show.sent, 'chat.postMessage', cardKey));
    const sent = await c.click(APPROVER, card(h, CP.green136), 'cherrypick_approve');
    book.record('cherrypick.approve-dry-run-answer', first(sent, 'response_url'));
    const ts = card(h, CP.green136).ts;
    book.record(
      'cherrypick.card-approved-dry-run',
      sent.filter((s) => s.via === 'chat.update' && s.payload.ts === ts).at(-1),
    );
  });
});

// ------------------------------------------------------------------------------------- blockers

const MON_SLOT = '2026-07-06T07:00:00Z';

describe('blockers: summaries, errors and digests', () => {
  let c: Catalogue;
  let h: Harness;
  let gh: GitHubEmulator;
  let clock: ManualClock;
  let stop: () => Promise<void>;
  beforeAll(async () => {
    ({ h, gh, clock, stop } = await startBlockersHarness(MON_SLOT));
    c = new Catalogue(h);
  });
  afterAll(async () => {
    await stop();
  });

  async function digest(): Promise<Captured | undefined> {
    const mark = c.mark();
    await h.relbot.jobs.run('blockers-digest');
    await h.relbot.deps.outbound.drain();
    return first(c.since(mark), 'chat.postMessage', keyed('blockers-digest:'));
  }

  test('the first digest, summaries and errors', async () => {
    book.record('blockers.digest-first', await digest());
    await c.commonAnswers('blockers', '/blockers');
    const u = people.member.id;
    await c.answer('blockers.summary', u, '/blockers');
    await c.answer('blockers.sig', u, '/blockers', 'sig node');
    // A real SIG with nothing tracked is answered; a typo is an error naming the closest SIGs.
    await c.answer('blockers.sig-nothing', u, '/blockers', 'sig auth');
    await c.answer('blockers.error-unknown-sig', u, '/blockers', 'sig nod');
    gh.addMilestone('kubernetes', 'kubernetes', 'v1.38');
    // No testgrid board for v1.38 yet: the verdict is Unknown, never Go.
    await c.answer('blockers.milestone-nothing', u, '/blockers', '1.38');
    // An older milestone: its own dashboards (sig-release-1.36-*), and its open critical-urgent PR.
    await c.answer('blockers.milestone-older', u, '/blockers', '1.36');
    gh.addMilestone('kubernetes', 'kubernetes', 'v1.35');
    await c.answer('blockers.milestone-go', u, '/blockers', '1.35');
    await c.answer('blockers.error-unknown-milestone', u, '/blockers', 'v1.99');
    await c.answer('blockers.error-two-milestones', u, '/blockers', 'v1.37 v1.38');
    await c.answer('blockers.error-sig-missing', u, '/blockers', 'sig');
    await c.answer('blockers.error-sig-name', u, '/blockers', 'sig <!here>');
    await c.answer('blockers.error-sig-extra', u, '/blockers', 'sig node v1.37 extra');
    await c.answer('blockers.error-sig-milestone', u, '/blockers', 'sig node 1.x');
    // Too many items for one message: every section and SIG is named with what is not shown.
    seedManyBlockers(gh, 300, { now: clock.now().toJSDate(), milestone: 'v1.40' });
    await c.answer('blockers.summary-cut', u, '/blockers', 'v1.40');
  });

  test('GitHub down: last known data with its age; no data is not an all-clear', async () => {
    clock.advance({ hours: 3 });
    gh.injectFault({ status: 500, times: 20, match: { path: '/search/issues' } });
    await c.answer('blockers.summary-github-down', people.member.id, '/blockers', 'v1.37');
    gh.clearFaults();
    gh.addMilestone('kubernetes', 'kubernetes', 'v1.39');
    gh.injectFault({ status: 429, retryAfter: 1, times: 20, match: { path: '/search/issues' } });
    await c.answer('blockers.summary-rate-limited-no-data', people.member.id, '/blockers', 'v1.39');
    gh.clearFaults();
  });

  test('digests with changes, without changes, and with GitHub down', async () => {
    clock.set('2026-07-06T18:00:00Z');
    gh.updateIssue('kubernetes', 'kubernetes', 134077, { state: 'closed' });
    gh.updateIssue('kubernetes', 'kubernetes', 133950, { labels: ['kind/bug', 'sig/scheduling'] });
    gh.addIssue({
      owner: 'kubernetes',
      repo: 'kubernetes',
      number: 134200,
      title: 'etcd 3.6.5 upgrade breaks downgrade path',
      labels: ['release-blocker', 'sig/etcd', 'kind/regression'],
      milestone: 'v1.37',
      assignees: ['ahrtr'],
    });
    clock.set('2026-07-07T07:02:00Z');
    book.record('blockers.digest-with-changes', await digest());
    // Someone comments on the two items that would go stale overnight: the next digest has no changes.
    clock.set('2026-07-07T12:00:00Z');
    for (const n of [134012, 133990]) gh.updateIssue('kubernetes', 'kubernetes', n, {});
    clock.set('2026-07-08T07:00:00Z');
    book.record('blockers.digest-no-changes', await digest());
    clock.set('2026-07-09T07:00:00Z');
    gh.injectFault({ status: 500, times: 1000, match: { path: '/search/issues' } });
    expect(await digest()).toBeUndefined(); // within the retry window: the next wake-up retries
    clock.advance({ minutes: 61 });
    book.record('blockers.digest-github-down', await digest());
    gh.clearFaults();
  });
});

// -------------------------------------------------------------------------------------- shadows

const applicants = {
  ana: { id: 'U0ANA0001', name: 'Ana Lopez', tz: 'America/Mexico_City', github: 'ana-lopez' },
  ben: { id: 'U0BEN0002', name: 'Ben Okafor', tz: 'Africa/Lagos', github: 'benokafor' },
  chen: { id: 'U0CHEN003', name: 'Chen Wei', tz: 'Asia/Shanghai', github: 'chenwei' },
  dana: { id: 'U0DANA004', name: 'Dana Novak', tz: 'Europe/Prague', github: 'dnovak' },
};
/** Answers "first time", but the v1.37 roster lists her (Communications lead); nobody decides on her. */
const undecided = { id: 'U0SWATHI5', name: 'Swathi Rao', tz: 'Asia/Kolkata', github: 'SwathiR03' };

function form(over: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    role1: 'Docs',
    role2: undefined,
    github: undefined,
    tz: undefined,
    hours: '8',
    served: 'no',
    served_role: undefined,
    why: 'I would like to help ship the release notes and docs.',
    ...over,
  };
}

/** An open view's initial values merged with `values` (the driver sends only what it is given). */
function withInitial(view: OpenView, values: Record<string, string | undefined>) {
  const out: Record<string, string | undefined> = {};
  for (const b of (view.view.blocks ?? []) as Array<Record<string, unknown>>) {
    if (b.type !== 'input') continue;
    const el = b.element as { initial_value?: string; initial_option?: { value: string } };
    out[String(b.block_id)] = el.initial_value ?? el.initial_option?.value;
  }
  for (const [k, v] of Object.entries(values)) if (v !== undefined || !(k in out)) out[k] = v;
  return out;
}

describe('shadows: the whole sign-up, every answer, modal and DM', () => {
  let c: Catalogue;
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      clock: new ManualClock('2026-12-01T09:00:00Z'),
      config: (raw) => {
        const s = raw.shadows as { roles: Array<{ name: string; capacity: number }> };
        for (const r of s.roles) if (r.name === 'Docs') r.capacity = 2;
        Object.assign(s, {
          pastRosters: ['1.35', '1.36', '1.37'].map((version) => ({ version })),
          releaseTeamUsergroup: RELEASE_TEAM_GROUP,
        });
      },
    });
    for (const a of [...Object.values(applicants), undecided])
      h.slack.addUser({ id: a.id, name: a.name, tz: a.tz });
    for (const v of ['1.35', '1.36', '1.37'])
      h.github.setFile(
        'kubernetes',
        'sig-release',
        `releases/release-${v}/release-team.md`,
        fixture(`release-team-${v}.md`),
        'master',
      );
    c = new Catalogue(h);
  });
  afterAll(async () => {
    await h.stop();
  });

  const applyModal = (user: string) => c.modal(user, () => c.command(user, '/shadow', 'apply'));

  /** Applies through the modal; returns the confirmation DM. */
  async function apply(user: string, values: Record<string, string | undefined>) {
    const { view } = await applyModal(user);
    const mark = c.mark();
    const res = await c.submit(user, view, withInitial(view, values));
    if (res) throw new Error(`application refused: ${JSON.stringify(res.payload)}`);
    const sent = await c.until(mark, (s) =>
      s.some((x) => x.via === 'chat.postMessage' && x.payload.channel === user),
    );
    return first(sent, 'chat.postMessage', (p) => p.channel === user);
  }

  const asMessage = (user: string, body: Captured | undefined): SlackMessage => ({
    channel: CHANNEL,
    ts: '0.000001',
    user: h.slack.botUserId,
    edits: 0,
    ephemeralTo: user,
    blocks: body?.payload.blocks as unknown[],
    text: body?.payload.text as string,
  });

  async function review(user: string, role: string): Promise<SlackMessage> {
    return asMessage(user, (await c.command(user, '/shadow', `review ${role}`)).answer);
  }

  async function decide(
    kind: string,
    lead: string,
    role: string,
    appUser: string,
    actionId: string,
    shown?: SlackMessage,
  ) {
    const msg = shown ?? (await review(lead, role));
    const sent = await c.click(lead, msg, actionId, shadowButtonValue(h, msg, appUser, actionId));
    book.record(kind, first(sent, 'response_url'));
  }

  test('before any cycle, and opening one', async () => {
    await c.commonAnswers('shadow', '/shadow');
    await c.answer('shadow.apply-no-cycle', people.member.id, '/shadow', 'apply');
    await c.answer('shadow.status-no-cycle', people.member.id, '/shadow', 'status');
    await c.answer('shadow.review-no-cycle', people.docsLead.id, '/shadow', 'review Docs');
    await c.answer('shadow.open-not-admin', people.member.id, '/shadow', 'open 1.38 closes 2026-12-10');
    await c.answer('shadow.open-bad-date', people.admin.id, '/shadow', 'open 1.38 closes tomorrow');
    await c.answer('shadow.open-past-date', people.admin.id, '/shadow', 'open 1.38 closes 2026-11-01');
    const open = await c.command(people.admin.id, '/shadow', 'open 1.38 closes 2026-12-10');
    book.record('shadow.open-answer', open.answer);
    book.record('shadow.announcement', first(open.sent, 'chat.postMessage', keyed('shadows:1:announce')));
    await c.answer('shadow.open-already-open', people.admin.id, '/shadow', 'open 1.39 closes 2026-12-12');
    await c.answer('shadow.announce-already-posted', people.admin.id, '/shadow', 'announce');
    await c.answer('shadow.announce-not-admin', people.member.id, '/shadow', 'announce');
    await c.answer('shadow.import-answer', people.admin.id, '/shadow', 'import');
    await c.answer('shadow.status-not-applied', people.member.id, '/shadow', 'status');
    await c.answer('shadow.withdraw-no-application', people.member.id, '/shadow', 'withdraw');
    h.slack.injectFault({ method: 'views.open', error: 'expired_trigger_id' });
    await c.answer('shadow.apply-modal-open-failed', people.member.id, '/shadow', 'apply');
    h.slack.clearFaults();
  });

  test('the application modal, its field errors, the saved and edited DMs', async () => {
    const ann = h.slack
      .channelMessages(CHANNEL)
      .find((m) => m.metadata?.event_payload.key === 'shadows:1:announce')!;
    const { view, open } = await c.modal(people.member.id, () =>
      c.click(people.member.id, ann, 'shadow_apply', undefined, (s) => s.some((x) => x.via === 'views.open')),
    );
    book.record('shadow.application-modal', open);
    book.record('shadow.application-modal-errors-empty', await c.submit(people.member.id, view, {}));
    book.record(
      'shadow.application-modal-errors-invalid',
      await c.submit(
        people.member.id,
        view,
        withInitial(view, form({ role1: 'Docs', role2: 'Docs', github: 'bad handle!', tz: 'Mars/Base' })),
      ),
    );
    book.record(
      'shadow.application-saved-dm',
      await apply(people.member.id, form({ role2: 'Enhancements' })),
    );
    const edit = await applyModal(people.member.id);
    book.record('shadow.application-modal-edit', edit.open);
    const mark = c.mark();
    await c.submit(
      people.member.id,
      edit.view,
      withInitial(edit.view, { role1: 'Enhancements', role2: 'Docs' }),
    );
    const sent = await c.until(mark, (s) => s.some((x) => x.via === 'chat.postMessage'));
    book.record('shadow.application-edited-dm', first(sent, 'chat.postMessage'));
    await c.answer('shadow.status', people.member.id, '/shadow', 'status');
  });

  test('review and decisions', async () => {
    await apply(people.member2.id, form({ github: 'chadmcrowell', served: 'yes', served_role: 'Docs' }));
    for (const a of Object.values(applicants))
      await apply(
        a.id,
        form({ github: a.github, tz: a.tz, role2: a === applicants.dana ? 'Enhancements' : undefined }),
      );

    await c.answer('shadow.review-not-lead', people.member.id, '/shadow', 'review Docs');
    await c.answer('shadow.review-unknown-role', people.docsLead.id, '/shadow', 'review Bug Triage');
    await c.answer('shadow.review-which-role', people.docsLead.id, '/shadow', 'review');
    await c.answer('shadow.review', people.docsLead.id, '/shadow', 'review Docs');
    await c.answer('shadow.review-typo-role', people.docsLead.id, '/shadow', 'review Dcos');
    await apply(undecided.id, form({ role1: 'Communications', github: undecided.github, tz: undecided.tz }));

    const lead = people.docsLead.id;
    const enh = people.enhancementsLead.id;
    const enhBefore = await review(enh, 'Enhancements'); // shows Dana before Docs accepts her
    await decide('shadow.decision-accepted', lead, 'Docs', applicants.ana.id, 'shadow_accept');
    await decide('shadow.decision-accepted-last-seat', lead, 'Docs', applicants.ben.id, 'shadow_accept');
    await decide('shadow.decision-full', lead, 'Docs', applicants.chen.id, 'shadow_accept');
    await decide('shadow.decision-waitlisted', lead, 'Docs', applicants.chen.id, 'shadow_waitlist');
    await decide('shadow.decision-declined-seat-free', lead, 'Docs', applicants.ben.id, 'shadow_decline');
    const before = await review(lead, 'Docs'); // pressed twice: the second press changes nothing
    await decide('shadow.decision-declined', lead, 'Docs', people.member2.id, 'shadow_decline', before);
    await decide('shadow.decision-unchanged', lead, 'Docs', people.member2.id, 'shadow_decline', before);
    await decide('shadow.decision-accepted-from-waitlist', lead, 'Docs', applicants.dana.id, 'shadow_accept');
    // The Docs lead's buttons, pressed by someone who is not a Docs lead.
    const shown = await review(lead, 'Docs');
    const stolen = { ...shown, ephemeralTo: people.member.id };
    const value = shadowButtonValue(h, shown, applicants.chen.id, 'shadow_accept');
    const refused = await c.click(people.member.id, stolen, 'shadow_accept', value);
    book.record('shadow.decision-refused-not-lead', first(refused, 'response_url'));

    await c.answer('shadow.review-accepted-elsewhere', enh, '/shadow', 'review Enhancements');
    await decide(
      'shadow.decision-accepted-elsewhere',
      enh,
      'Enhancements',
      applicants.dana.id,
      'shadow_accept',
      enhBefore,
    );
    await decide(
      'shadow.decision-accepted-second-role',
      enh,
      'Enhancements',
      people.member.id,
      'shadow_accept',
    );

    const msg = await review(lead, 'Docs');
    const damaged = await c.click(lead, msg, 'shadow_accept', '{"nope":1}');
    book.record('shadow.button-damaged', first(damaged, 'response_url'));
  });

  test('withdrawing a seat tells the role lead', async () => {
    const mark = c.mark();
    const w = await c.command(people.member.id, '/shadow', 'withdraw');
    book.record('shadow.withdraw-answer', w.answer);
    const lead = people.enhancementsLead.id;
    const sent = await c.until(mark, (s) =>
      s.some((x) => x.via === 'chat.postMessage' && x.payload.channel === lead),
    );
    book.record(
      'shadow.seat-freed-dm',
      first(sent, 'chat.postMessage', (p) => p.channel === lead),
    );
    await c.answer('shadow.withdraw-already', people.member.id, '/shadow', 'withdraw');
    await c.answer('shadow.status-withdrawn', people.member.id, '/shadow', 'status');
  });

  test('closing, publishing, outcome DMs, rosters', async () => {
    const late = await applyModal(people.approver.id); // opened before the close, submitted after it
    await c.answer('shadow.publish-still-open', people.lead.id, '/shadow', 'publish');
    await c.answer('shadow.close-not-admin', people.member.id, '/shadow', 'close');
    const close = await c.command(people.admin.id, '/shadow', 'close');
    book.record('shadow.close-answer', close.answer);
    book.record('shadow.counts-post', first(close.sent, 'chat.postMessage', keyed('shadows:1:closed')));
    await c.answer('shadow.close-already-closed', people.admin.id, '/shadow', 'close');
    book.record(
      'shadow.application-modal-errors-closed',
      await c.submit(people.approver.id, late.view, withInitial(late.view, form({ github: 'cpanato' }))),
    );
    await c.answer('shadow.apply-closed', applicants.ben.id, '/shadow', 'apply');
    await c.answer('shadow.withdraw-closed', applicants.ben.id, '/shadow', 'withdraw');
    await c.answer('shadow.status-closed', applicants.ben.id, '/shadow', 'status');
    await c.answer('shadow.roster-not-published', applicants.ben.id, '/shadow', 'roster');
    await c.answer('shadow.publish-not-lead', people.docsLead.id, '/shadow', 'publish');

    // Swathi has no decision: publish shows who is undecided and publishes nothing.
    const check = await c.command(people.lead.id, '/shadow', 'publish');
    book.record('shadow.publish-check', check.answer);
    expect(h.db.prepare('SELECT state FROM shadow_cycles WHERE id = 1').get()).toEqual({ state: 'closed' });
    const sent = await c.click(
      people.lead.id,
      asMessage(people.lead.id, check.answer),
      'shadow_publish_decline_undecided',
    );
    book.record('shadow.publish-answer', first(sent, 'response_url'));
    book.record('shadow.publish-summary', first(sent, 'chat.postMessage', keyed('shadows:1:published')));
    const outcome = (u: string) =>
      first(sent, 'chat.postMessage', (p) => p.channel === u && keyed(':outcome:')(p));
    book.record('shadow.outcome-accepted', outcome(applicants.ana.id));
    book.record('shadow.outcome-waitlisted', outcome(applicants.chen.id));
    book.record('shadow.outcome-not-selected', outcome(applicants.ben.id));
    book.record('shadow.outcome-not-selected-role-had-room', outcome(undecided.id));
    expect(first(sent, 'chat.postMessage', (p) => p.channel === people.member.id)).toBeUndefined();
    await c.answer('shadow.publish-again-answer', people.lead.id, '/shadow', 'publish');
    await c.answer('shadow.status-lead-audit', people.lead.id, '/shadow', 'status');
    await c.answer('shadow.status-outcome', applicants.ana.id, '/shadow', 'status');
    await c.answer('shadow.review-published', people.docsLead.id, '/shadow', 'review Docs');
    await c.answer('shadow.roster-md', applicants.ben.id, '/shadow', 'roster');
    await c.answer('shadow.roster-csv', applicants.ben.id, '/shadow', 'roster csv');
    await c.answer('shadow.roster-bad-format', applicants.ben.id, '/shadow', 'roster pdf');
  });
});

// ------------------------------------------------------------------------------------ the book

describeBookChecks(book, KNOWN_VIOLATIONS);
