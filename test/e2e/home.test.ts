import { people } from '../../src/sandbox/seed';
import { CP } from '../../src/sandbox/seed-cherrypicks';
import { seedSchedule } from '../../src/sandbox/seed-schedule';
import { signSlackRequest } from '../../src/sandbox/slack/driver';
import { auditRows, REPO, startCherrypickHarness, stateOf, trackByCommand } from '../helpers/cherrypicks';
import { type Harness, SIGNING_SECRET, textOf } from '../helpers/harness';

/**
 * The App Home tab through the whole stack: `app_home_opened` delivered over HTTP as the Events API
 * signs it, views.publish checked by the emulated Slack, clicks on the tab sent as Slack sends them
 * (block_actions from a `home` view, no response_url), and the home-refresh job on a ManualClock.
 */

const APPROVER = people.approver.id; // cpanato, Europe/Amsterdam
const MEMBER = people.member.id; // Asia/Taipei
const key = (n: number) => `${REPO}#${n}`;

describe('the Home tab', () => {
  let h: Harness;
  const tab = (user: string) => h.driver.homeTab(user);
  const tabText = (user: string) => textOf({ blocks: tab(user)?.view.blocks ?? [] });
  const publishes = () => h.slack.callsTo('views.publish').filter((c) => c.ok).length;
  const buttons = (user: string) =>
    (
      (tab(user)?.view.blocks ?? []) as Array<{
        elements?: Array<{ action_id?: string; value?: string }>;
        accessory?: { action_id?: string; value?: string };
      }>
    )
      .flatMap((b) => [...(b.elements ?? []), ...(b.accessory ? [b.accessory] : [])])
      .filter((e) => e.action_id)
      .map((e) => `${e.action_id}=${e.value}`);

  /** app_home_opened events relbot finished handling (relbot_commands_total{command="event:app_home_opened"}). */
  const eventsHandled = async () =>
    (await h.relbot.deps.metrics.commands.get()).values
      .filter((v) => v.labels.command === 'event:app_home_opened')
      .reduce((n, v) => n + v.value, 0);
  /** Polls `check` until it holds (no timing is asserted; jest's own timeout bounds it). */
  const until = async (check: () => Promise<boolean>) => {
    while (!(await check())) await new Promise((r) => setTimeout(r, 10));
  };

  beforeAll(async () => {
    h = await startCherrypickHarness();
    seedSchedule(h.github);
    await h.relbot.jobs.run('schedule-sync');
    await trackByCommand(h, MEMBER, CP.green136);
    await trackByCommand(h, MEMBER, CP.missingLgtm);
  });
  afterAll(async () => {
    await h.stop();
  });
  afterEach(() => {
    expect(h.slack.violations).toEqual([]);
  });

  test('an approver’s Home lists the picks waiting, with the cards’ own Approve / Reject, in their zone', async () => {
    const res = await h.driver.openHome(APPROVER);
    expect(res.status).toBe(200);
    await h.slack.waitFor(() => tab(APPROVER));
    const text = tabText(APPROVER);
    expect(text).toContain('*Cherry-picks waiting for you* (2, oldest first)');
    expect(text).toContain(key(CP.green136));
    expect(text).toContain(key(CP.missingLgtm));
    expect(text).toContain('Times in Europe/Amsterdam');
    expect(text).toContain('*Next milestones* (times in Europe/Amsterdam and UTC)');
    expect(text).toContain(
      'Docs deadline — Open placeholder PRs (v1.37, week 7, Docs Lead) — end of Thu 2 Jul 2026 AoE (Fri 3 Jul 2026, 14:00 GMT+2',
    );
    expect(text).toMatch(/\*Release blockers, v1\.37\*/);
    expect(buttons(APPROVER)).toEqual(
      expect.arrayContaining([
        `cherrypick_approve=${key(CP.green136)}`,
        `cherrypick_reject=${key(CP.green136)}`,
        'schedule_remind_add=add',
      ]),
    );
    expect(tab(APPROVER)!.view.type).toBe('home');
  });

  test('Approve on the Home tab runs the audited path and republishes that person’s Home', async () => {
    const before = tab(APPROVER)!.publishes;
    const res = await h.driver.clickHome(APPROVER, 'cherrypick_approve', key(CP.green136));
    expect(res.status).toBe(200);
    await h.slack.waitFor(() => tab(APPROVER)!.publishes > before);
    expect(stateOf(h, CP.green136)).toBe('approved');
    expect(h.github.getIssue('kubernetes', 'kubernetes', CP.green136)!.labels).toContain(
      'cherry-pick-approved',
    );
    expect(auditRows(h, CP.green136)).toEqual([
      {
        actor: APPROVER,
        action: 'approved',
        detail: 'label cherry-pick-approved added, comment posted',
        dry_run: 0,
      },
    ]);
    const text = tabText(APPROVER);
    expect(text).toContain(`Approved ${key(CP.green136)}`); // the click's answer, on top
    expect(text).toContain('*Cherry-picks waiting for you* (1, oldest first)');
    expect(buttons(APPROVER)).not.toContain(`cherrypick_approve=${key(CP.green136)}`);
  });

  test('Reject… on the Home tab opens the card’s reject modal; the rejection republishes the Home', async () => {
    await h.driver.clickHome(APPROVER, 'cherrypick_reject', key(CP.missingLgtm));
    const modal = await h.slack.waitFor(() => {
      const v = h.driver.latestView(APPROVER);
      return v?.view.callback_id === 'cherrypick_reject' ? v : undefined;
    });
    const before = tab(APPROVER)!.publishes;
    const res = await h.driver.submitView(APPROVER, modal, {
      reason: 'Not a bug fix; it waits for the next minor.',
    });
    expect(res.status).toBe(200);
    await h.slack.waitFor(() => tab(APPROVER)!.publishes > before);
    expect(stateOf(h, CP.missingLgtm)).toBe('rejected');
    expect(auditRows(h, CP.missingLgtm).map((r) => [r.actor, r.action])).toEqual([[APPROVER, 'rejected']]);
    expect(tabText(APPROVER)).toContain('None: no pick is waiting for an approver.');
  });

  test('opening it again with nothing changed publishes nothing; the messages tab is not Home', async () => {
    const n = publishes();
    const handled = await eventsHandled();
    await h.driver.openHome(APPROVER);
    await h.driver.openHome(MEMBER, 'messages');
    await h.driver.openHome(people.member2.id);
    // Bolt acks an event before its listener runs: wait until relbot counted all three as handled.
    await until(async () => (await eventsHandled()) >= handled + 3);
    await h.relbot.deps.outbound.drain();
    expect(publishes()).toBe(n + 1);
    expect(tab(people.member2.id)).toBeDefined();
    expect(tab(MEMBER)).toBeUndefined();
  });

  test('a forged app_home_opened is refused and publishes nothing', async () => {
    const n = publishes();
    const body = JSON.stringify({
      type: 'event_callback',
      event: { type: 'app_home_opened', user: MEMBER, tab: 'home' },
    });
    const ts = Math.floor(Date.now() / 1000);
    const res = await h.driver.post(body, {
      'content-type': 'application/json',
      'x-slack-request-timestamp': String(ts),
      'x-slack-signature': signSlackRequest(`${SIGNING_SECRET}-wrong`, ts, body),
    });
    expect(res.status).toBe(401);
    expect(publishes()).toBe(n);
  });

  test('home-refresh republishes what changed, at most once a minute per person', async () => {
    await trackByCommand(h, MEMBER, CP.green135);
    h.clock.advance({ minutes: 2 });
    const before = tab(APPROVER)!.publishes;
    await h.relbot.jobs.run('home-refresh');
    await h.relbot.deps.outbound.drain();
    expect(tab(APPROVER)!.publishes).toBe(before + 1);
    expect(tabText(APPROVER)).toContain(key(CP.green135));
    // a change within the minute waits for the next run after it
    await trackByCommand(h, MEMBER, CP.green134);
    await h.relbot.jobs.run('home-refresh');
    expect(tab(APPROVER)!.publishes).toBe(before + 1);
    h.clock.advance({ minutes: 1 });
    await h.relbot.jobs.run('home-refresh');
    await h.relbot.deps.outbound.drain();
    expect(tab(APPROVER)!.publishes).toBe(before + 2);
    expect(tabText(APPROVER)).toContain(key(CP.green134));
    // nothing changed: nothing published
    h.clock.advance({ minutes: 1 });
    await h.relbot.jobs.run('home-refresh');
    expect(tab(APPROVER)!.publishes).toBe(before + 2);
    const run = h.db
      .prepare("SELECT detail FROM job_runs WHERE job = 'home-refresh' ORDER BY id DESC LIMIT 1")
      .get() as {
      detail: string;
    };
    expect(run.detail).toMatch(/^published 0, unchanged \d+, too soon 0, failed 0$/);
  });

  test('a reminder added from Home (bad input first), then removed from Home', async () => {
    await h.driver.openHome(MEMBER);
    await h.slack.waitFor(() => tab(MEMBER));
    expect(tabText(MEMBER)).not.toContain('Cherry-picks waiting');
    expect(tabText(MEMBER)).toContain('*Your reminders*\nYou have none.');
    await h.driver.clickHome(MEMBER, 'schedule_remind_add', 'add');
    const modal = await h.slack.waitFor(() => h.driver.latestView(MEMBER));
    expect(modal.view.callback_id).toBe('schedule_remind_add');
    const bad = await h.driver.submitView(MEMBER, modal, {
      remind_target: 'kind:code-freeze',
      remind_lead: '-3d',
    });
    expect(bad.body).toEqual({
      response_action: 'errors',
      errors: {
        remind_lead: expect.stringContaining('cannot be negative'),
      },
    });
    const rows = () =>
      h.db.prepare('SELECT id, target, lead FROM personal_reminders WHERE user = ?').all(MEMBER);
    expect(rows()).toEqual([]);
    const before = tab(MEMBER)!.publishes;
    const ok = await h.driver.submitView(MEMBER, modal, {
      remind_target: 'kind:code-freeze',
      remind_lead: '2d',
    });
    expect(ok.status).toBe(200);
    await h.slack.waitFor(() => tab(MEMBER)!.publishes > before);
    expect(rows()).toEqual([{ id: 1, target: 'kind:code-freeze', lead: '2d' }]);
    expect(tabText(MEMBER)).toContain(
      'every Code Freeze, 2 days ahead — next DM Tue 21 Jul 2026, 20:00 GMT+8',
    );

    const again = tab(MEMBER)!.publishes;
    await h.driver.clickHome(MEMBER, 'schedule_remind_off', '1');
    await h.slack.waitFor(() => tab(MEMBER)!.publishes > again);
    expect(rows()).toEqual([]);
    expect(tabText(MEMBER)).toContain(':white_check_mark: Stopped this reminder');
    expect(tabText(MEMBER)).toContain('You have none.');
  });

  test('role leads see their review queue with seats left; applicants their own status', async () => {
    const open = await h.driver.command(people.lead.id, '/shadow', 'open 1.38 closes 2026-07-20');
    expect(textOf(open.body)).toContain('1.38');
    await h.driver.openHome(people.docsLead.id);
    await h.slack.waitFor(() => tab(people.docsLead.id));
    const text = tabText(people.docsLead.id);
    expect(text).toContain('*Your review queue* (v1.38)');
    expect(text).toContain('*Docs*: 0 to review, 0/4 accepted, 4 seats left');
    expect(text).toContain('You have not applied. Apply with `/shadow apply`.');
  });
});

describe('the emulated Slack checks views.publish as Slack does', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startCherrypickHarness();
  });
  afterAll(async () => {
    h.slack.violations.length = 0; // the bad views below are recorded on purpose
    await h.stop();
  });

  const publish = (args: Record<string, unknown>) =>
    h.relbot.deps.slack.apiCall('views.publish', args).then(
      () => 'ok',
      (err: { data?: { error?: string } }) => err.data?.error ?? 'thrown',
    );
  const section = { type: 'section', text: { type: 'mrkdwn', text: 'hello' } };

  test('user, type, blocks, private_metadata and hash', async () => {
    expect(await publish({ user_id: 'UNOBODY', view: { type: 'home', blocks: [section] } })).toBe(
      'user_not_found',
    );
    expect(await publish({ user_id: MEMBER, view: { type: 'modal', blocks: [section] } })).toBe(
      'invalid_arguments',
    );
    expect(await publish({ user_id: MEMBER, view: { type: 'home', blocks: Array(101).fill(section) } })).toBe(
      'invalid_arguments',
    );
    expect(
      await publish({
        user_id: MEMBER,
        view: { type: 'home', blocks: [section], private_metadata: 'x'.repeat(3001) },
      }),
    ).toBe('invalid_arguments');
    expect(await publish({ user_id: MEMBER, view: { type: 'home', blocks: [{ type: 'section' }] } })).toBe(
      'invalid_arguments',
    );
    expect(await publish({ user_id: MEMBER, view: { type: 'home', blocks: [section] } })).toBe('ok');
    const current = h.driver.homeTab(MEMBER)!.hash;
    expect(await publish({ user_id: MEMBER, hash: 'stale', view: { type: 'home', blocks: [section] } })).toBe(
      'hash_conflict',
    );
    expect(await publish({ user_id: MEMBER, hash: current, view: { type: 'home', blocks: [section] } })).toBe(
      'ok',
    );
    expect(h.driver.homeTab(MEMBER)!.publishes).toBe(2);
  });
});
