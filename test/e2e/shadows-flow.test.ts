import { fixture } from '../../src/fixtures';
import { CHANNEL, people, RELEASE_TEAM_GROUP } from '../../src/sandbox/seed';
import type { OpenView, SlackMessage } from '../../src/sandbox/slack/server';
import { parseRoster } from '../../src/shadows/roster';
import { type Harness, startHarness, textOf } from '../helpers/harness';
import { declineUndecidedAndPublish, dm, shadowButtonValue } from '../helpers/shadows';

/**
 * The whole shadow sign-up over real HTTP against the emulated Slack and GitHub: open -> apply
 * (modal) -> edit -> review -> accept up to capacity -> concurrent last-seat accept -> waitlist ->
 * publish (DMs once) -> roster, with the bad inputs along the way.
 */

const applicants = {
  ana: { id: 'U0ANA0001', name: 'Ana Lopez', tz: 'America/Mexico_City', github: 'ana-lopez' },
  ben: { id: 'U0BEN0002', name: 'Ben Okafor', tz: 'Africa/Lagos', github: 'benokafor' },
  chen: { id: 'U0CHEN003', name: 'Chen Wei', tz: 'Asia/Shanghai', github: 'chenwei' },
  dana: { id: 'U0DANA004', name: 'Dana Novak', tz: 'Europe/Prague', github: 'dnovak' },
};

function form(over: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    role1: 'Docs',
    role2: undefined,
    github: undefined, // keep the prefilled value
    tz: undefined,
    hours: '8',
    served: 'no',
    served_role: undefined,
    why: 'I would like to help ship the release notes and docs.',
    ...over,
  };
}

/** Values of an open view's inputs merged with `over` (the driver sends only what it is given). */
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

describe('/shadow end to end', () => {
  let h: Harness;
  const count = (sql: string, ...args: unknown[]) => (h.db.prepare(sql).get(...args) as { n: number }).n;
  const snapshot = () =>
    JSON.stringify([
      h.db.prepare('SELECT * FROM shadow_cycles').all(),
      h.db.prepare('SELECT * FROM shadow_applications').all(),
      h.db.prepare('SELECT * FROM shadow_decisions').all(),
    ]);

  beforeAll(async () => {
    h = await startHarness({
      config: (raw) => {
        const s = raw.shadows as { roles: Array<{ name: string; capacity: number }> };
        for (const r of s.roles) if (r.name === 'Docs') r.capacity = 2;
        Object.assign(s, {
          pastRosters: ['1.35', '1.36', '1.37'].map((version) => ({ version })),
          releaseTeamUsergroup: RELEASE_TEAM_GROUP,
        });
      },
    });
    for (const a of Object.values(applicants)) h.slack.addUser({ id: a.id, name: a.name, tz: a.tz });
    for (const v of ['1.35', '1.36', '1.37'])
      h.github.setFile(
        'kubernetes',
        'sig-release',
        `releases/release-${v}/release-team.md`,
        fixture(`release-team-${v}.md`),
        'master',
      );
    h.clock.set('2026-12-01T09:00:00Z');
  });
  afterAll(async () => {
    await h.stop();
  });
  afterEach(() => {
    expect(h.slack.violations).toEqual([]);
  });

  async function openModal(user: string, via: () => Promise<unknown>): Promise<OpenView> {
    const before = h.slack.callsTo('views.open').length;
    await via();
    await h.slack.waitFor(() => h.slack.callsTo('views.open').length > before);
    const call = h.slack.callsTo('views.open').at(-1)!;
    expect(call.ok).toBe(true);
    return h.driver.latestView(user)!;
  }

  async function apply(user: string, values: Record<string, string | undefined>) {
    const view = await openModal(user, () => h.driver.command(user, '/shadow', 'apply'));
    const res = await h.driver.submitView(user, view, withInitial(view, values));
    return { view, res };
  }

  /** A review message as the driver sees it (an ephemeral answer), for clicking its buttons. */
  const asMessage = (user: string, body: unknown): SlackMessage => ({
    channel: CHANNEL,
    ts: '0.000001',
    user: h.slack.botUserId,
    edits: 0,
    ephemeralTo: user,
    blocks: (body as { blocks: unknown[] }).blocks,
    text: (body as { text: string }).text,
  });

  async function click(user: string, message: SlackMessage, appUser: string, actionId: string) {
    const before = h.slack.ephemeralsFor(user).length;
    const res = await h.driver.click(
      user,
      message,
      actionId,
      shadowButtonValue(h, message, appUser, actionId),
    );
    expect(res.status).toBe(200);
    await h.slack.waitFor(() => h.slack.ephemeralsFor(user).length > before);
    const reply = h.slack.ephemeralsFor(user).at(-1)!;
    return reply;
  }

  it('before any cycle: apply, status, review and publish say there is none; nothing is stored', async () => {
    const apply = await h.driver.command(people.member.id, '/shadow', 'apply');
    expect(textOf(apply.body)).toContain('none have been opened');
    const status = await h.driver.command(people.member.id, '/shadow', 'status');
    expect(textOf(status.body)).toContain('No shadow applications have been opened yet');
    const review = await h.driver.command(people.docsLead.id, '/shadow', 'review Docs');
    expect(textOf(review.body)).toContain('No shadow applications have been opened yet');
    expect(h.slack.callsTo('views.open')).toHaveLength(0);
    expect(count('SELECT COUNT(*) AS n FROM shadow_cycles')).toBe(0);
  });

  it('only admins open; bad arguments are explained; nothing is stored', async () => {
    const notAdmin = await h.driver.command(people.member.id, '/shadow', 'open 1.38 closes 2026-12-10');
    expect(textOf(notAdmin.body)).toContain('Only admins can open');
    const bad = await h.driver.command(people.admin.id, '/shadow', 'open 1.38 closes tomorrow');
    expect(textOf(bad.body)).toContain('is not a date like 2026-12-10');
    const past = await h.driver.command(people.admin.id, '/shadow', 'open 1.38 closes 2026-11-01');
    expect(textOf(past.body)).toContain('already passed');
    expect(count('SELECT COUNT(*) AS n FROM shadow_cycles')).toBe(0);
    expect(h.slack.channelMessages(CHANNEL)).toHaveLength(0);
  });

  it('an admin opens 1.38 until 2026-12-10 AoE: announcement with Apply, past rosters imported', async () => {
    const res = await h.driver.command(people.admin.id, '/shadow', 'open 1.38 closes 2026-12-10');
    const text = textOf(res.body);
    expect(text).toContain('open until Thu 10 Dec 2026 AoE (Fri 11 Dec 12:00 UTC)');
    expect(text).not.toContain(':warning:');
    const ann = h.slack.channelMessages(CHANNEL);
    expect(ann).toHaveLength(1);
    expect(ann[0]!.metadata?.event_payload.key).toBe('shadows:1:announce');
    expect(JSON.stringify(ann[0]!.blocks)).toContain('"action_id":"shadow_apply"');
    expect(count('SELECT COUNT(DISTINCT version) AS n FROM shadow_past_roster')).toBe(3);
    expect(count("SELECT COUNT(*) AS n FROM shadow_past_roster WHERE version = '1.37'")).toBe(33);
  });

  it('a second /shadow open while one is open is refused and changes nothing', async () => {
    const before = snapshot();
    const again = await h.driver.command(people.admin.id, '/shadow', 'open 1.39 closes 2026-12-12');
    expect(textOf(again.body)).toContain('Applications for v1.38 are already open');
    expect(snapshot()).toBe(before);
    expect(h.slack.channelMessages(CHANNEL)).toHaveLength(1);
  });

  it('the Apply button opens the modal prefilled from Slack; missing fields get field errors and nothing is stored', async () => {
    const ann = h.slack.channelMessages(CHANNEL)[0]!;
    const view = await openModal(people.member.id, () =>
      h.driver.click(people.member.id, ann, 'shadow_apply'),
    );
    const blocks = view.view.blocks as Array<{ block_id?: string; element?: { initial_value?: string } }>;
    expect(blocks.find((b) => b.block_id === 'tz')?.element?.initial_value).toBe('Asia/Taipei');
    expect(blocks.find((b) => b.block_id === 'github')?.element?.initial_value).toBe('tico88612');

    const empty = await h.driver.submitView(people.member.id, view, {});
    expect(empty.status).toBe(200);
    const body = empty.body as { response_action: string; errors: Record<string, string> };
    expect(body.response_action).toBe('errors');
    expect(Object.keys(body.errors).sort()).toEqual(['github', 'hours', 'role1', 'served', 'tz', 'why']);

    const dup = await h.driver.submitView(
      people.member.id,
      view,
      withInitial(view, form({ role1: 'Docs', role2: 'Docs', github: 'bad handle!', tz: 'Mars/Base' })),
    );
    const errs = (dup.body as { errors: Record<string, string> }).errors;
    expect(errs.role2).toContain('already');
    expect(errs.github).toContain('not a GitHub handle');
    expect(errs.tz).toContain('not an IANA time zone');
    const unknownRole = await h.driver.submitView(
      people.member.id,
      view,
      withInitial(view, form({ role1: 'Bug Triage' })),
    );
    expect((unknownRole.body as { errors: Record<string, string> }).errors.role1).toContain('does not exist');
    expect(count('SELECT COUNT(*) AS n FROM shadow_applications')).toBe(0);
  });

  it('apply (modal submission) stores one application and confirms by DM; editing updates the same one', async () => {
    const { res } = await apply(people.member.id, form({ role1: 'Docs', role2: 'Enhancements' }));
    expect(res.status).toBe(200);
    expect(res.text).toBe('');
    await h.slack.waitFor(() => h.slack.channelMessages(dm(people.member.id)).length === 1);
    expect(h.slack.channelMessages(dm(people.member.id))[0]!.text).toContain('1. *Docs*, 2. *Enhancements*');

    // Edit: the modal comes back prefilled, the choices change, it is still one application.
    const view = await openModal(people.member.id, () =>
      h.driver.command(people.member.id, '/shadow', 'apply'),
    );
    const role1 = (
      view.view.blocks as Array<{ block_id?: string; element?: { initial_option?: { value: string } } }>
    ).find((b) => b.block_id === 'role1');
    expect(role1?.element?.initial_option?.value).toBe('Docs');
    const edited = await h.driver.submitView(
      people.member.id,
      view,
      withInitial(view, { role1: 'Enhancements', role2: 'Docs', hours: '10' }),
    );
    expect(edited.text).toBe('');
    const rows = h.db
      .prepare('SELECT choice1, choice2, hours_per_week, github, time_zone FROM shadow_applications')
      .all();
    expect(rows).toEqual([
      {
        choice1: 'Enhancements',
        choice2: 'Docs',
        hours_per_week: 10,
        github: 'tico88612',
        time_zone: 'Asia/Taipei',
      },
    ]);
    const status = await h.driver.command(people.member.id, '/shadow', 'status');
    expect(textOf(status.body)).toContain('1. Enhancements  2. Docs');
  });

  it('more people apply; a returning shadow (v1.37 Docs) is recognised', async () => {
    await apply(
      people.member2.id,
      form({ role1: 'Docs', github: 'chadmcrowell', served: 'yes', served_role: 'Docs' }),
    );
    for (const a of Object.values(applicants))
      await apply(
        a.id,
        form({
          role1: 'Docs',
          github: a.github,
          tz: a.tz,
          role2: a === applicants.dana ? 'Enhancements' : undefined,
        }),
      );
    expect(count('SELECT COUNT(*) AS n FROM shadow_applications')).toBe(6);
  });

  it('review is for the role lead, the Release Team Lead and admins; unknown roles are explained', async () => {
    const denied = await h.driver.command(people.member.id, '/shadow', 'review Docs');
    expect(textOf(denied.body)).toContain('Only the Docs lead(s)');
    const wrongLead = await h.driver.command(people.branchLead.id, '/shadow', 'review Docs');
    expect(textOf(wrongLead.body)).toContain('Only the Docs lead(s)');
    const unknown = await h.driver.command(people.docsLead.id, '/shadow', 'review Bug Triage');
    expect(textOf(unknown.body)).toContain('is not a role this cycle');
    const none = await h.driver.command(people.docsLead.id, '/shadow', 'review');
    expect(textOf(none.body)).toContain('Which role?');

    const res = await h.driver.command(people.docsLead.id, '/shadow', 'review docs');
    const text = textOf(res.body);
    // first choice first: chad, ana, ben, chen, dana (1st choice), then tico88612 (2nd choice)
    const order = ['chadmcrowell', 'ana-lopez', 'benokafor', 'chenwei', 'dnovak', 'tico88612'].map((g) =>
      text.indexOf(`|@${g}>`),
    );
    expect(order.every((i) => i > 0)).toBe(true);
    expect([...order].sort((x, y) => x - y)).toEqual(order);
    expect(text).toContain('returning (v1.37 Docs shadow');
    expect(text).toContain('6 applicants (5 first choice, 1 second) · 4 new, 2 returning');
    expect(text).toContain('Americas 1');
    expect(text).toContain('Asia/Shanghai (UTC+8)');
    expect(text).toContain('*Seats:* 0/2 accepted, 2 free.');
    for (const rtlOrAdmin of [people.lead.id, people.admin.id]) {
      const ok = await h.driver.command(rtlOrAdmin, '/shadow', 'review Docs');
      expect(textOf(ok.body)).toContain('Docs: v1.38 shadow applicants');
    }
  });

  it('accept up to capacity; two leads accepting the last seat at once: one wins, the other is told the role is full', async () => {
    const review = await h.driver.command(people.docsLead.id, '/shadow', 'review Docs');
    const msg = asMessage(people.docsLead.id, review.body);
    const first = await click(people.docsLead.id, msg, applicants.ana.id, 'shadow_accept');
    expect(first.text).toContain('Accepted <@U0ANA0001> for *Docs*');
    expect(first.text).toContain('Docs now has 1/2 accepted');

    // The Docs lead and the Release Team Lead press Accept for different people at the same time.
    const rtlMsg = asMessage(
      people.lead.id,
      (await h.driver.command(people.lead.id, '/shadow', 'review Docs')).body,
    );
    const before = {
      lead: h.slack.ephemeralsFor(people.docsLead.id).length,
      rtl: h.slack.ephemeralsFor(people.lead.id).length,
    };
    await Promise.all([
      h.driver.click(
        people.docsLead.id,
        msg,
        'shadow_accept',
        shadowButtonValue(h, msg, applicants.ben.id, 'shadow_accept'),
      ),
      h.driver.click(
        people.lead.id,
        rtlMsg,
        'shadow_accept',
        shadowButtonValue(h, rtlMsg, applicants.chen.id, 'shadow_accept'),
      ),
    ]);
    await h.slack.waitFor(
      () =>
        h.slack.ephemeralsFor(people.docsLead.id).length > before.lead &&
        h.slack.ephemeralsFor(people.lead.id).length > before.rtl,
    );
    const answers = [
      h.slack.ephemeralsFor(people.docsLead.id).at(-1)!.text!,
      h.slack.ephemeralsFor(people.lead.id).at(-1)!.text!,
    ];
    expect(answers.filter((t) => t.includes(':white_check_mark: Accepted'))).toHaveLength(1);
    expect(answers.filter((t) => t.includes('*Docs is full* (2/2 accepted)'))).toHaveLength(1);
    expect(
      count("SELECT COUNT(*) AS n FROM shadow_decisions WHERE role = 'Docs' AND decision = 'accepted'"),
    ).toBe(2);
  });

  it('a non-lead pressing Accept is refused and nothing changes', async () => {
    const review = await h.driver.command(people.docsLead.id, '/shadow', 'review Docs');
    const msg = asMessage(people.docsLead.id, review.body);
    const before = snapshot();
    // The same button payload, sent by someone who is not a Docs lead.
    const stolen = { ...msg, ephemeralTo: people.member.id };
    const reply = await click(people.member.id, stolen, applicants.dana.id, 'shadow_accept');
    expect(reply.text).toContain('Only the Docs lead(s)');
    expect(reply.text).toContain('Nothing was changed');
    expect(snapshot()).toBe(before);
  });

  it('waitlist; declining an accepted shadow frees the seat and the waitlist is offered, not promoted', async () => {
    const review = await h.driver.command(people.docsLead.id, '/shadow', 'review Docs');
    const msg = asMessage(people.docsLead.id, review.body);
    const wl = await click(people.docsLead.id, msg, applicants.dana.id, 'shadow_waitlist');
    expect(wl.text).toContain('Waitlisted <@U0DANA004>');
    const accepted = (
      h.db
        .prepare(
          "SELECT a.user FROM shadow_decisions d JOIN shadow_applications a ON a.id = d.application_id WHERE d.role = 'Docs' AND d.decision = 'accepted'",
        )
        .all() as Array<{ user: string }>
    ).map((r) => r.user);
    const dropped = accepted.find((u) => u !== applicants.ana.id)!;
    const fresh = asMessage(
      people.docsLead.id,
      (await h.driver.command(people.docsLead.id, '/shadow', 'review Docs')).body,
    );
    const dec = await click(people.docsLead.id, fresh, dropped, 'shadow_decline');
    expect(dec.text).toContain('A seat is free again: Docs now has 1/2 accepted');
    expect(textOf(dec)).toContain('Waitlisted: <@U0DANA004>. Press Accept to offer one of them a seat.');
    // Not promoted automatically.
    expect(
      count("SELECT COUNT(*) AS n FROM shadow_decisions WHERE role = 'Docs' AND decision = 'accepted'"),
    ).toBe(1);
    const again = asMessage(
      people.docsLead.id,
      (await h.driver.command(people.docsLead.id, '/shadow', 'review Docs')).body,
    );
    const promoted = await click(people.docsLead.id, again, applicants.dana.id, 'shadow_accept');
    expect(promoted.text).toContain('Docs now has 2/2 accepted');
  });

  it('a person accepted for their first choice leaves their second choice pending list', async () => {
    // dana: Docs (1st, accepted) + Enhancements (2nd)
    const res = await h.driver.command(people.enhancementsLead.id, '/shadow', 'review Enhancements');
    const text = textOf(res.body);
    expect(text).toContain('1 accepted for another role (not pending here): <@U0DANA004> (Docs).');
    expect(text).not.toContain('|@dnovak>');
    expect(text).toContain('|@tico88612>');
    // And the Enhancements lead cannot take her seat from Docs.
    const msg = asMessage(people.enhancementsLead.id, res.body);
    const reply = await click(people.enhancementsLead.id, msg, people.member.id, 'shadow_accept');
    expect(reply.text).toContain('Accepted <@U03M6SD7CLE> for *Enhancements*');
  });

  it('withdrawing an accepted shadow frees the seat and tells the role lead; the waitlist is offered', async () => {
    const res = await h.driver.command(people.member.id, '/shadow', 'withdraw');
    expect(textOf(res.body)).toContain('application is withdrawn');
    expect(count("SELECT COUNT(*) AS n FROM shadow_decisions WHERE role = 'Enhancements'")).toBe(0);
    await h.slack.waitFor(() => h.slack.channelMessages(dm(people.enhancementsLead.id)).length === 1);
    expect(h.slack.channelMessages(dm(people.enhancementsLead.id))[0]!.text).toContain(
      'gave up their accepted *Enhancements* seat',
    );
    const twice = await h.driver.command(people.member.id, '/shadow', 'withdraw');
    expect(textOf(twice.body)).toContain('already withdrawn');
    // Applying again brings the application back (no decisions).
    await apply(people.member.id, form({ role1: 'Enhancements', role2: 'Docs' }));
    expect(count('SELECT COUNT(*) AS n FROM shadow_applications WHERE withdrawn_at IS NULL')).toBe(6);
  });

  it('publishing needs closed applications and the Release Team Lead', async () => {
    const early = await h.driver.command(people.lead.id, '/shadow', 'publish');
    expect(textOf(early.body)).toContain('still open');
    const notAdmin = await h.driver.command(people.member.id, '/shadow', 'close');
    expect(textOf(notAdmin.body)).toContain('Only admins can close');
    const close = await h.driver.command(people.admin.id, '/shadow', 'close');
    expect(textOf(close.body)).toContain('Applications for v1.38 are closed (6 applications)');
    const counts = h.slack
      .channelMessages(CHANNEL)
      .find((m) => m.metadata?.event_payload.key === 'shadows:1:closed');
    expect(textOf(counts)).toContain('*Docs*: 5 first choice, 1 second choice');
    // The job later finds nothing more to do.
    await h.relbot.jobs.run('shadows-close');
    expect(
      h.slack.channelMessages(CHANNEL).filter((m) => m.metadata?.event_payload.key === 'shadows:1:closed'),
    ).toHaveLength(1);

    const before = snapshot();
    const late = await h.driver.command(applicants.ben.id, '/shadow', 'apply');
    expect(textOf(late.body)).toContain('closed on Thu 10 Dec 2026 AoE');
    const lateWithdraw = await h.driver.command(applicants.ben.id, '/shadow', 'withdraw');
    expect(textOf(lateWithdraw.body)).toContain('closed');
    const byLead = await h.driver.command(people.docsLead.id, '/shadow', 'publish');
    expect(textOf(byLead.body)).toContain('Only the Release Team Lead');
    expect(snapshot()).toBe(before);
  });

  it('publish: every applicant gets one DM with their outcome; publishing twice sends nothing more', async () => {
    // Some applicants have no decision: publish shows them first, and the lead declines them explicitly.
    const { check, answer } = await declineUndecidedAndPublish(h, people.lead.id);
    expect(textOf(check)).toContain('no decision yet, so nothing was published');
    expect(textOf(check)).toContain('<@U03M6SD7CLE>');
    const text = textOf({ text: answer.text, blocks: answer.blocks });
    expect(text).toContain('Published the v1.38 decisions');
    expect(text).toContain('*Publish audit:* <@U0LEAD>'.replace('U0LEAD', people.lead.id));
    expect(text).toContain('DMs: 6 sent now, 0 already sent, 0 failed');
    expect(text).toContain(`User group <!subteam^${RELEASE_TEAM_GROUP}>`);

    const outcome = (u: string) =>
      h.slack
        .channelMessages(dm(u))
        .filter((m) => String(m.metadata?.event_payload.key).includes(':outcome:'));
    for (const u of [people.member.id, people.member2.id, ...Object.values(applicants).map((a) => a.id)])
      expect(outcome(u)).toHaveLength(1);
    expect(outcome(applicants.ana.id)[0]!.text).toContain('selected as a *Docs* shadow');
    expect(outcome(applicants.dana.id)[0]!.text).toContain('selected as a *Docs* shadow');
    expect(outcome(people.member.id)[0]!.text).toContain('not selected');

    const second = await h.driver.command(people.lead.id, '/shadow', 'publish');
    expect(textOf(second.body)).toContain('DMs: 0 sent now, 6 already sent, 0 failed');
    for (const u of Object.values(applicants).map((a) => a.id)) expect(outcome(u)).toHaveLength(1);

    const group = h.slack.usergroups.get(RELEASE_TEAM_GROUP)!.users;
    expect(group).toEqual(
      expect.arrayContaining([people.lead.id, people.docsLead.id, applicants.ana.id, applicants.dana.id]),
    );
    expect(group).not.toContain(people.member.id);

    const status = await h.driver.command(applicants.ana.id, '/shadow', 'status');
    expect(textOf(status.body)).toContain('*Outcome:* :tada: Congratulations!');
    // Decisions are final now.
    const review = await h.driver.command(people.docsLead.id, '/shadow', 'review Docs');
    expect(textOf(review.body)).toContain('The decisions were published and are final.');
    expect(JSON.stringify(review.body)).not.toContain('shadow_accept');
  });

  it('roster: a release-team.md table with leads and accepted shadows, parsed back to the same people; CSV too', async () => {
    const res = await h.driver.command(applicants.ben.id, '/shadow', 'roster');
    const text = (res.body as { text: string }).text;
    const md = text.slice(text.indexOf('```\n') + 4, text.lastIndexOf('\n```'));
    expect(md).toContain('| **Team/Role**');
    expect(md).toContain('# Kubernetes v1.38 Release Team');
    const roster = parseRoster(md.replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>'));
    const docs = roster.roles.find((r) => r.role === 'Docs')!;
    expect(docs.leads).toEqual([{ name: 'kernel-kun', github: 'kernel-kun', slack: 'kernel-kun' }]);
    expect(docs.shadows.map((p) => p.github).sort()).toEqual(['ana-lopez', 'dnovak']);
    expect(docs.shadows.find((p) => p.github === 'ana-lopez')).toEqual({
      name: 'Ana Lopez',
      github: 'ana-lopez',
      slack: 'Ana Lopez',
    });
    expect(roster.roles.find((r) => r.role === 'Communications')).toMatchObject({
      leadTbd: true,
      shadowsTbd: true,
    });
    expect(md).toContain('Ana Lopez ([@ana-lopez](https://github.com/ana-lopez) / Slack: `@Ana Lopez`)');

    const csv = await h.driver.command(applicants.ben.id, '/shadow', 'roster csv');
    const csvText = (csv.body as { text: string }).text;
    expect(csvText).toContain('version,role,position,name,github,slack_name,slack_id,time_zone');
    expect(csvText).toContain('1.38,Docs,shadow,Ana Lopez,ana-lopez,Ana Lopez,U0ANA0001,America/Mexico_City');
    const badFormat = await h.driver.command(applicants.ben.id, '/shadow', 'roster pdf');
    expect(textOf(badFormat.body)).toContain('not a roster format');
  });
});
