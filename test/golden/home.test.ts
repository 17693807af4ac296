import { join } from 'node:path';
import { people } from '../../src/sandbox/seed';
import { CP, seedCherrypicks } from '../../src/sandbox/seed-cherrypicks';
import { seedSchedule } from '../../src/sandbox/seed-schedule';
import { startBlockersHarness } from '../helpers/blockers';
import { trackByCommand } from '../helpers/cherrypicks';
import { ackOf, type Captured, describeBookChecks, GoldenBook, sentSince } from '../helpers/golden';
import type { Harness } from '../helpers/harness';

/**
 * Golden messages of the App Home tab and personal reminders: each persona's Home tab as
 * published, the reminder DMs (on time and late), the answers of `/schedule remind` and its
 * errors, the "Add a reminder" modal and its field errors. Captured at the emulated Slack's wire.
 */

const book = new GoldenBook(join(__dirname, 'messages', 'home'), process.env.UPDATE_GOLDEN === '1');

const JOB = 'schedule-personal-reminders';

describe('home: the Home tab and personal reminders', () => {
  let h: Harness;
  let stop: () => Promise<void>;
  beforeAll(async () => {
    const b = await startBlockersHarness('2026-07-01T09:00:00Z');
    h = b.h;
    stop = b.stop;
    seedSchedule(b.gh);
    seedCherrypicks(b.gh);
    await h.relbot.jobs.run('schedule-sync');
    await trackByCommand(h, people.member.id, CP.green136);
    await trackByCommand(h, people.member.id, CP.missingLgtm);
    // a stored read of the blockers, as a digest or `/blockers` leaves it
    await h.driver.command(people.member.id, '/blockers');
    await h.relbot.deps.outbound.drain();
  });
  afterAll(async () => {
    await stop();
  });

  const mark = () => h.slack.calls.length;
  const publishFor = (since: number, user: string): Captured | undefined =>
    sentSince(h.slack, since).find((c) => c.via === 'views.publish' && c.payload.user_id === user);

  /** `user` opens Home; returns what was published for them. */
  async function openHome(user: string): Promise<Captured | undefined> {
    const m = mark();
    await h.driver.openHome(user);
    await h.slack.waitFor(() => publishFor(m, user));
    return publishFor(m, user);
  }

  async function answer(kind: string, user: string, text: string) {
    const m = mark();
    const res = await h.driver.command(user, '/schedule', text);
    book.record(kind, ackOf(res.ack) ?? sentSince(h.slack, m).find((s) => s.via === 'response_url'));
  }

  test('personal reminders: answers and errors', async () => {
    const u = people.member.id;
    await answer('home.remind-list-empty', u, 'remind list');
    await answer('home.remind-error-unknown', u, 'remind code-frezee 2d');
    await answer('home.remind-error-negative', u, 'remind code-freeze -3d');
    await answer('home.remind-error-too-long', u, 'remind code-freeze 999w');
    await answer('home.remind-error-zero', u, 'remind code-freeze 0d');
    await answer('home.remind-error-too-soon', u, 'remind v1.37/docs-deadline-open-placeholder-prs 4w');
    await answer('home.remind-error-missing-lead', u, 'remind code-freeze');
    await answer('home.remind-subscribed', u, 'remind code-freeze 2d');
    await answer('home.remind-subscribed-again', u, 'remind code-freeze 48h');
    await answer('home.remind-subscribed-milestone', u, 'remind v1.37/docs-freeze 1d');
    await answer('home.remind-list', u, 'remind list');
    await answer('home.remind-error-off-unknown', u, 'remind off 99');
  });

  test('the Home tab of each persona', async () => {
    book.record('home.tab-approver', await openHome(people.approver.id));
    book.record('home.tab-member', await openHome(people.member.id));
    const open = await h.driver.command(people.lead.id, '/shadow', 'open 1.38 closes 2026-07-20');
    if (open.status !== 200) throw new Error('could not open the shadow round');
    book.record('home.tab-role-lead', await openHome(people.docsLead.id));
    book.record('home.tab-release-team-lead', await openHome(people.lead.id));

    // Approve from the Home tab: the tab again, with the answer on top
    const m = mark();
    await h.driver.clickHome(
      people.approver.id,
      'cherrypick_approve',
      `kubernetes/kubernetes#${CP.green136}`,
    );
    await h.slack.waitFor(() => publishFor(m, people.approver.id));
    book.record('home.tab-approver-after-approve', publishFor(m, people.approver.id));
  });

  test('the Add a reminder modal and its field errors', async () => {
    const u = people.member2.id;
    await openHome(u);
    const m = mark();
    await h.driver.clickHome(u, 'schedule_remind_add', 'add');
    const modal = await h.slack.waitFor(() => h.driver.latestView(u));
    book.record(
      'home.remind-modal',
      sentSince(h.slack, m).find((c) => c.via === 'views.open'),
    );
    const bad = await h.driver.submitView(u, modal, { remind_target: 'kind:rc', remind_lead: '999w' });
    book.record('home.remind-modal-error-lead', { ...ackOf(bad)!, view: modal.view });
  });

  test('reminder DMs: on time, late, and the Stop button', async () => {
    const u = people.member.id;
    h.clock.set('2026-07-21T12:02:00Z');
    let m = mark();
    await h.relbot.jobs.run(JOB);
    await h.relbot.deps.outbound.drain();
    const dm = sentSince(h.slack, m).find((c) => c.via === 'chat.postMessage');
    book.record('home.remind-dm', dm);

    // down from 07-21 to 08-05 18:00: the Docs Freeze reminder (due 08-05 12:00) goes late
    await h.stopRelbot();
    h.clock.set('2026-08-05T18:00:00Z');
    await h.restart();
    m = mark();
    await h.relbot.jobs.run(JOB);
    await h.relbot.deps.outbound.drain();
    book.record(
      'home.remind-dm-late',
      sentSince(h.slack, m).find((c) => c.via === 'chat.postMessage'),
    );

    const message = h.slack.channelMessages(`D${u.slice(1)}`).at(-1)!;
    m = mark();
    await h.driver.click(u, message, 'schedule_remind_off');
    await h.slack.waitFor(() => sentSince(h.slack, m).find((c) => c.via === 'response_url'));
    book.record(
      'home.remind-dm-stopped',
      sentSince(h.slack, m).find((c) => c.via === 'response_url'),
    );
    expect(h.slack.violations).toEqual([]);
  });
});

describeBookChecks(book);
