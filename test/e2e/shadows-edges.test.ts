import { CHANNEL, people, RELEASE_TEAM_GROUP } from '../../src/sandbox/seed';
import { seedShadowApplications, seedShadowRosters } from '../../src/sandbox/seed-shadows';
import type { OpenView, SlackMessage } from '../../src/sandbox/slack/server';
import { type Harness, startHarness, textOf } from '../helpers/harness';
import { declineUndecidedAndPublish, dm } from '../helpers/shadows';

/** Deadlines, faults, restarts, escaping and pagination of /shadow over real HTTP. */

const valid = {
  role1: 'Docs',
  github: 'tico88612',
  tz: 'Asia/Taipei',
  hours: '6',
  served: 'no',
  why: 'Docs!',
};

async function openModal(h: Harness, user: string): Promise<OpenView> {
  const before = h.slack.callsTo('views.open').length;
  await h.driver.command(user, '/shadow', 'apply');
  await h.slack.waitFor(() => h.slack.callsTo('views.open').length > before);
  return h.driver.latestView(user)!;
}

const count = (h: Harness, sql: string) => (h.db.prepare(sql).get() as { n: number }).n;

describe('/shadow deadlines and the shadows-close job', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ clock: undefined });
    h.clock.set('2026-12-01T09:00:00Z');
  });
  afterAll(async () => {
    await h.stop();
  });
  afterEach(() => {
    expect(h.slack.violations).toEqual([]);
  });

  it('closes at the end of the close date AoE, posts counts once, and a late submission stores nothing', async () => {
    const open = await h.driver.command(people.admin.id, '/shadow', 'open 1.38 closes 2026-12-10');
    expect(textOf(open.body)).toContain('are open until');
    const view = await openModal(h, people.member.id);

    h.clock.set('2026-12-11T11:59:00Z'); // still 10 Dec somewhere on Earth
    await h.relbot.jobs.run('shadows-close');
    expect(count(h, "SELECT COUNT(*) AS n FROM shadow_cycles WHERE state = 'open'")).toBe(1);
    const ok = await h.driver.submitView(people.member.id, view, valid);
    expect(ok.text).toBe('');
    expect(count(h, 'SELECT COUNT(*) AS n FROM shadow_applications')).toBe(1);

    const late = await openModal(h, people.member2.id);
    h.clock.set('2026-12-11T12:00:00Z');
    await h.relbot.jobs.run('shadows-close');
    expect(count(h, "SELECT COUNT(*) AS n FROM shadow_cycles WHERE state = 'closed'")).toBe(1);
    const posts = () =>
      h.slack.channelMessages(CHANNEL).filter((m) => m.metadata?.event_payload.key === 'shadows:1:closed');
    expect(posts()).toHaveLength(1);
    expect(textOf(posts()[0])).toContain('closed: 1 application.');
    await h.relbot.jobs.run('shadows-close');
    expect(posts()).toHaveLength(1);
    const run = h.db
      .prepare("SELECT status, detail FROM job_runs WHERE job = 'shadows-close' ORDER BY id DESC")
      .all();
    expect(run[0]).toEqual({ status: 'ok', detail: 'v1.38 closed' });
    expect(run[1]).toEqual({ status: 'ok', detail: 'closed v1.38, counts posted' });

    // The modal opened before the close is submitted after it: a field error, nothing stored.
    const res = await h.driver.submitView(people.member2.id, late, { ...valid, github: 'chadmcrowell' });
    expect((res.body as { errors: Record<string, string> }).errors.role1).toContain(
      'closed; nothing was saved',
    );
    expect(count(h, 'SELECT COUNT(*) AS n FROM shadow_applications')).toBe(1);
    const apply = await h.driver.command(people.member2.id, '/shadow', 'apply');
    expect(textOf(apply.body)).toContain('closed on Thu 10 Dec 2026 AoE');
    const close = await h.driver.command(people.admin.id, '/shadow', 'close');
    expect(textOf(close.body)).toContain('already closed');
  });
});

describe('/shadow under faults and restarts', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      config: (raw) => {
        (raw.shadows as Record<string, unknown>).releaseTeamUsergroup = RELEASE_TEAM_GROUP;
      },
    });
    h.clock.set('2026-12-01T09:00:00Z');
  });
  afterAll(async () => {
    await h.stop();
  });
  afterEach(() => {
    expect(h.slack.violations).toEqual([]);
  });

  it('opening while the announcement post fails still opens, says so, and /shadow announce posts it once', async () => {
    h.slack.injectFault({ method: 'chat.postMessage', error: 'fatal_error' });
    const open = await h.driver.command(people.admin.id, '/shadow', 'open 1.38 closes 2026-12-10');
    expect(textOf(open.body)).toContain('The announcement could not be posted');
    expect(h.slack.channelMessages(CHANNEL)).toHaveLength(0);
    const again = await h.driver.command(people.admin.id, '/shadow', 'announce');
    expect(textOf(again.body)).toContain('Announced in');
    const third = await h.driver.command(people.admin.id, '/shadow', 'announce');
    expect(textOf(third.body)).toContain('already posted');
    expect(h.slack.channelMessages(CHANNEL)).toHaveLength(1);
    const member = await h.driver.command(people.member.id, '/shadow', 'announce');
    expect(textOf(member.body)).toContain('Only admins');
  });

  it('when views.open fails the user is told to try again and nothing is stored', async () => {
    h.slack.injectFault({ method: 'views.open', error: 'expired_trigger_id' });
    const before = h.slack.messages.length;
    const res = await h.driver.command(people.member.id, '/shadow', 'apply');
    expect(res.ack.text).toBe('');
    expect(res.text).toContain('could not be opened');
    await h.slack.waitFor(() => h.slack.messages.length > before);
    expect(h.slack.ephemeralsFor(people.member.id).at(-1)!.text).toContain('could not be opened');
    expect(count(h, 'SELECT COUNT(*) AS n FROM shadow_applications')).toBe(0);
  });

  it('user text is escaped in the review (no pings, no formatting), huge unicode is refused by field', async () => {
    const view = await openModal(h, people.member.id);
    const huge = '🚀ünïcødé'.repeat(400);
    const tooLong = await h.driver.submitView(people.member.id, view, { ...valid, why: huge });
    expect((tooLong.body as { errors: Record<string, string> }).errors.why).toContain('under 3000');
    const ok = await h.driver.submitView(people.member.id, view, {
      ...valid,
      why: '<!channel> *urgent* pick me <@U01GDERGEHF> 🚀',
    });
    expect(ok.text).toBe('');
    const review = await h.driver.command(people.docsLead.id, '/shadow', 'review Docs');
    const text = textOf(review.body);
    expect(text).toContain('&lt;!channel&gt;');
    expect(text).not.toContain('<!channel>');
    expect(text).not.toContain('<@U01GDERGEHF>');
    expect(text).toContain('🚀');
  });

  it('a damaged button value is refused and nothing changes', async () => {
    const review = await h.driver.command(people.docsLead.id, '/shadow', 'review Docs');
    const msg: SlackMessage = {
      channel: CHANNEL,
      ts: '0.1',
      user: h.slack.botUserId,
      edits: 0,
      ephemeralTo: people.docsLead.id,
      blocks: (review.body as { blocks: unknown[] }).blocks,
    };
    const before = h.slack.ephemeralsFor(people.docsLead.id).length;
    await h.driver.click(people.docsLead.id, msg, 'shadow_accept', '{"nope":1}');
    await h.slack.waitFor(() => h.slack.ephemeralsFor(people.docsLead.id).length > before);
    expect(h.slack.ephemeralsFor(people.docsLead.id).at(-1)!.text).toContain('button is damaged');
    expect(count(h, 'SELECT COUNT(*) AS n FROM shadow_decisions')).toBe(0);
  });

  it('state survives a restart', async () => {
    await h.restart();
    const status = await h.driver.command(people.member.id, '/shadow', 'status');
    expect(textOf(status.body)).toContain('1. Docs');
  });

  it('publish with a failing DM and user group reports them; publishing again delivers only what is missing', async () => {
    seedShadowApplications(h.relbot.deps, { count: 3, slack: h.slack });
    expect(count(h, 'SELECT COUNT(*) AS n FROM shadow_applications')).toBe(4);
    const close = await h.driver.command(people.admin.id, '/shadow', 'close');
    expect(textOf(close.body)).toContain('closed (4 applications)');

    // Nobody was decided: publish shows the 4 first, and the Release Team Lead declines them explicitly.
    const { check, answer } = await declineUndecidedAndPublish(h, people.lead.id, () => {
      h.slack.injectFault({ method: 'chat.postMessage', error: 'fatal_error', times: 1 });
      h.slack.injectFault({ method: 'usergroups.users.update', error: 'permission_denied', times: 1 });
    });
    expect(textOf(check)).toContain('4 applicants of v1.38 have no decision yet');
    const t1 = textOf({ text: answer.text, blocks: answer.blocks });
    expect(t1).toContain('3 sent now, 0 already sent, 1 failed');
    expect(t1).toContain('was not updated');
    const second = await h.driver.command(people.lead.id, '/shadow', 'publish');
    const t2 = textOf(second.body);
    expect(t2).toContain('already published');
    expect(t2).toContain('1 sent now, 3 already sent, 0 failed');
    expect(t2).toContain('set to the 4 members');
    const users = (h.db.prepare('SELECT user FROM shadow_applications').all() as Array<{ user: string }>).map(
      (r) => r.user,
    );
    for (const u of users) {
      const dms = h.slack
        .channelMessages(dm(u))
        .filter((m) => String(m.metadata?.event_payload.key).includes(':outcome:'));
      expect(dms).toHaveLength(1);
    }
  });

  it('a crash between the DM and its record: after a restart, publishing adopts the DM instead of sending it again', async () => {
    // The state a SIGKILL right after chat.postMessage leaves: the intent row is still 'pending'.
    const key = 'shadows:1:outcome:U03M6SD7CLE';
    h.db.prepare("UPDATE outbox SET state = 'pending', ts = NULL WHERE key = ?").run(key);
    await h.restart();
    const again = await h.driver.command(people.lead.id, '/shadow', 'publish');
    expect(textOf(again.body)).toContain('0 sent now, 4 already sent, 0 failed');
    const dms = h.slack
      .channelMessages(dm(people.member.id))
      .filter((m) => m.metadata?.event_payload.key === key);
    expect(dms).toHaveLength(1);
    expect(h.db.prepare('SELECT state FROM outbox WHERE key = ?').get(key)).toEqual({ state: 'done' });
  });
});

describe('/shadow review of a large cycle', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    h.clock.set('2026-12-01T09:00:00Z');
  });
  afterAll(async () => {
    await h.stop();
  });

  it('pages 200 seeded applications within Block Kit limits; returning applicants come from the real rosters', async () => {
    expect(seedShadowRosters(h.relbot.deps)).toEqual({ '1.35': 34, '1.36': 29, '1.37': 33 });
    const { created } = seedShadowApplications(h.relbot.deps, { count: 200, slack: h.slack });
    expect(created).toBe(200);
    const res = await h.driver.command(people.docsLead.id, '/shadow', 'review Docs');
    const body = res.body as { blocks: Array<Record<string, unknown>> };
    expect(body.blocks.length).toBeLessThanOrEqual(50);
    const text = textOf(body);
    expect(text).toMatch(/Page 1 of \d+/);
    expect(text).toContain('returning (v1.3');
    const page2 = await h.driver.command(people.docsLead.id, '/shadow', 'review Docs 2');
    expect(textOf(page2.body)).toMatch(/Page 2 of \d+/);
    // Next-page button works too.
    const msg: SlackMessage = {
      channel: CHANNEL,
      ts: '0.2',
      user: h.slack.botUserId,
      edits: 0,
      ephemeralTo: people.docsLead.id,
      blocks: body.blocks,
    };
    const before = h.slack.ephemeralsFor(people.docsLead.id).length;
    await h.driver.click(people.docsLead.id, msg, 'shadow_review_page_next');
    await h.slack.waitFor(() => h.slack.ephemeralsFor(people.docsLead.id).length > before);
    expect(textOf(h.slack.ephemeralsFor(people.docsLead.id).at(-1))).toMatch(/Page 2 of \d+/);
    expect(h.slack.violations).toEqual([]);
  });
});
