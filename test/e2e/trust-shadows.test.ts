import { ManualClock } from '../../src/clock';
import { CHANNEL, people } from '../../src/sandbox/seed';
import { seedShadowApplications, seedShadowRosters } from '../../src/sandbox/seed-shadows';
import type { SlackMessage } from '../../src/sandbox/slack/server';
import { type Harness, startHarness, textOf } from '../helpers/harness';
import { declineUndecidedAndPublish, dm, shadowButtonValue } from '../helpers/shadows';

/**
 * Issue 13, "Answers a release team can trust", for /shadow: each class through the real app over
 * HTTP, on a ManualClock. 3: publishing never decides for anyone. 1: a typo is an error naming what
 * is known, closest first. 4: nothing silently vanishes from a cut answer. 5: times said right.
 * 8: text Slack shows as intended.
 */

const ISO = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

function form(over: Record<string, string | undefined>): Record<string, string | undefined> {
  return {
    role1: 'Docs',
    role2: undefined,
    github: undefined,
    tz: 'Europe/Berlin',
    hours: '6',
    served: 'no',
    served_role: undefined,
    why: 'I want to help the release.',
    ...over,
  };
}

async function apply(h: Harness, user: string, values: Record<string, string | undefined>) {
  const before = h.slack.callsTo('views.open').length;
  await h.driver.command(user, '/shadow', 'apply');
  await h.slack.waitFor(() => h.slack.callsTo('views.open').length > before);
  const res = await h.driver.submitView(user, h.driver.latestView(user)!, values);
  if (res.text !== '') throw new Error(`application refused: ${JSON.stringify(res.body)}`);
}

const asMessage = (h: Harness, user: string, body: unknown): SlackMessage => ({
  channel: CHANNEL,
  ts: '0.000009',
  user: h.slack.botUserId,
  edits: 0,
  ephemeralTo: user,
  blocks: (body as { blocks: unknown[] }).blocks,
  text: (body as { text: string }).text,
});

/** Presses a decision button on `role`'s review as `lead`; returns the redrawn review's text. */
async function decide(h: Harness, lead: string, role: string, appUser: string, actionId: string) {
  const review = await h.driver.command(lead, '/shadow', `review ${role}`);
  const msg = asMessage(h, lead, review.body);
  const before = h.slack.ephemeralsFor(lead).length;
  await h.driver.click(lead, msg, actionId, shadowButtonValue(h, msg, appUser, actionId));
  await h.slack.waitFor(() => h.slack.ephemeralsFor(lead).length > before);
  return textOf(h.slack.ephemeralsFor(lead).at(-1));
}

const ana = { id: 'U0TANA001', name: 'Ana', tz: 'America/Mexico_City' };
const ben = { id: 'U0TBEN002', name: 'Ben', tz: 'Africa/Lagos' };
const dana = { id: 'U0TDANA03', name: 'Dana', tz: 'Europe/Prague' };
const walt = { id: 'U0TWALT04', name: 'Walt', tz: 'Europe/Paris' };

describe('issue 13 for /shadow', () => {
  let h: Harness;
  const outcomes = (u: string) =>
    h.slack.channelMessages(dm(u)).filter((m) => String(m.metadata?.event_payload.key).includes(':outcome:'));
  const cycleState = () =>
    (h.db.prepare('SELECT state FROM shadow_cycles ORDER BY id DESC LIMIT 1').get() as { state: string })
      .state;

  beforeAll(async () => {
    h = await startHarness({ clock: new ManualClock('2026-12-01T09:00:00Z') });
    for (const p of [ana, ben, dana, walt]) h.slack.addUser(p);
    seedShadowRosters(h.relbot.deps);
  });
  afterAll(async () => {
    await h.stop();
  });
  afterEach(() => {
    expect(h.slack.violations).toEqual([]);
  });

  it('class 5 and 8 before any round: the past close date as a date token, usage placeholders escaped', async () => {
    const past = textOf(
      (await h.driver.command(people.admin.id, '/shadow', 'open 1.38 closes 2026-11-01')).body,
    );
    expect(past).toContain('has already passed: it ended <!date^');
    expect(past).toContain('|Mon 2 Nov 2026 12:00 UTC>');
    expect(past).not.toMatch(ISO);
    const noCycle = textOf((await h.driver.command(people.docsLead.id, '/shadow', 'review Docs')).body);
    expect(noCycle).toContain('`/shadow open &lt;version&gt; closes &lt;YYYY-MM-DD&gt;`');
    expect(noCycle).not.toContain('<version>');
    const which = textOf((await h.driver.command(people.docsLead.id, '/shadow', 'review')).body);
    expect(which).toContain('`/shadow review &lt;role&gt;`');
  });

  it('class 8: the modal labels no optional input "(optional)"', async () => {
    await h.driver.command(people.admin.id, '/shadow', 'open 1.38 closes 2026-12-10');
    const before = h.slack.callsTo('views.open').length;
    await h.driver.command(ana.id, '/shadow', 'apply');
    await h.slack.waitFor(() => h.slack.callsTo('views.open').length > before);
    const inputs = (h.driver.latestView(ana.id)!.view.blocks as Array<Record<string, unknown>>).filter(
      (b) => b.type === 'input',
    ) as Array<{ optional?: boolean; label: { text: string } }>;
    expect(inputs.filter((b) => b.optional).map((b) => b.label.text)).toEqual([
      'Second choice role',
      'If yes: in which role (most recent)?',
    ]);
    for (const b of inputs) expect(b.label.text).not.toMatch(/optional/i);
  });

  it('class 1: a mistyped role is an error that names the known roles, closest match first', async () => {
    const typo = textOf((await h.driver.command(people.docsLead.id, '/shadow', 'review Dcos')).body);
    expect(typo).toContain('`Dcos` is not a role this cycle. Did you mean `Docs`?');
    expect(typo).toMatch(/Roles, closest first: `Docs`, /);
    for (const r of [
      'Release Team Lead',
      'Enhancements',
      'Communications',
      'Release Signal',
      'Branch Manager',
    ])
      expect(typo).toContain(`\`${r}\``);
    const enh = textOf((await h.driver.command(people.docsLead.id, '/shadow', 'review Enhancments')).body);
    expect(enh).toContain('Did you mean `Enhancements`?');
    expect(enh).toMatch(/closest first: `Enhancements`/);
    // Nothing close: the roles are still named, and nothing is guessed.
    const far = textOf((await h.driver.command(people.docsLead.id, '/shadow', 'review Xyzzy')).body);
    expect(far).not.toContain('Did you mean');
    expect(far).toContain('`Docs`');
    const format = textOf((await h.driver.command(people.docsLead.id, '/shadow', 'roster cvs')).body);
    expect(format).toContain('Use `/shadow roster csv`');
  });

  it('class 3: publish shows the lead what is undecided (each person once, free seats, roster contradictions) and decides for nobody', async () => {
    await apply(h, ana.id, form({ github: 'ana-lopez', tz: ana.tz }));
    await apply(h, ben.id, form({ github: 'benokafor', tz: ben.tz }));
    await apply(h, dana.id, form({ github: 'dnovak', tz: dana.tz, role2: 'Enhancements' }));
    // Answers "first time", but the v1.37 roster lists tico88612 as an Enhancements shadow.
    await apply(h, people.member.id, form({ role1: 'Enhancements', github: 'tico88612', tz: 'Asia/Taipei' }));
    await apply(h, walt.id, form({ github: 'walt-w', tz: walt.tz }));
    await h.driver.command(walt.id, '/shadow', 'withdraw');
    expect(await decide(h, people.docsLead.id, 'Docs', ana.id, 'shadow_accept')).toContain('Accepted');
    const close = textOf((await h.driver.command(people.admin.id, '/shadow', 'close')).body);
    expect(close).toContain(`closed (4 applications). The per-role counts are posted in <#${CHANNEL}>.`);

    const res = await h.driver.command(people.lead.id, '/shadow', 'publish');
    const check = textOf(res.body);
    expect(check).toContain('3 applicants of v1.38 have no decision yet, so nothing was published.');
    expect(check).toContain(
      '*Docs* (1/4 accepted, 3 free): 2 undecided: <@U0TBEN002>, <@U0TDANA03> (also Enhancements).',
    );
    expect(check).toContain(
      '*Enhancements* (0/4 accepted, 4 free): 2 undecided: <@U03M6SD7CLE>. Also 1 listed under the role they prefer.',
    );
    // Each person once, even when undecided for two roles.
    const blocksText = textOf({ blocks: (res.body as { blocks: unknown[] }).blocks });
    expect(blocksText.split('<@U0TDANA03>').length - 1).toBe(1);
    expect(check).toContain(
      '<@U03M6SD7CLE> answered "first time", but the v1.37 roster lists @tico88612 as Enhancements shadow.',
    );
    expect(JSON.stringify(res.body)).toContain('"confirm"');
    // Nothing was published and nobody got an outcome.
    expect(cycleState()).toBe('closed');
    for (const u of [ana.id, ben.id, dana.id, people.member.id]) expect(outcomes(u)).toHaveLength(0);
    // The review marks the contradiction too.
    const review = textOf(
      (await h.driver.command(people.enhancementsLead.id, '/shadow', 'review Enhancements')).body,
    );
    expect(review).toContain('returning (v1.37 Enhancements shadow');
    expect(review).toContain(':warning: but answered "first time"');

    // A lead decides after the check was shown: the old confirmation applies to a list that changed.
    await decide(h, people.docsLead.id, 'Docs', ben.id, 'shadow_waitlist');
    const stale = asMessage(h, people.lead.id, res.body);
    const seen = h.slack.ephemeralsFor(people.lead.id).length;
    await h.driver.click(people.lead.id, stale, 'shadow_publish_decline_undecided');
    await h.slack.waitFor(() => h.slack.ephemeralsFor(people.lead.id).length > seen);
    const changed = textOf(h.slack.ephemeralsFor(people.lead.id).at(-1));
    expect(changed).toContain(
      'changed since this list was shown, so nobody was declined and nothing was published',
    );
    expect(changed).toContain('2 applicants of v1.38 have no decision yet');
    expect(cycleState()).toBe('closed');
    expect(h.db.prepare('SELECT COUNT(*) AS n FROM shadow_publish_declines').get()).toEqual({ n: 0 });
  });

  it('class 3: "Decline the undecided and publish" is audited; the summary and the DMs say what really happened', async () => {
    // The button is the Release Team Lead's: a role lead pressing the same payload changes nothing.
    const shown = asMessage(
      h,
      people.lead.id,
      (await h.driver.command(people.lead.id, '/shadow', 'publish')).body,
    );
    const seen = h.slack.ephemeralsFor(people.docsLead.id).length;
    await h.driver.click(
      people.docsLead.id,
      { ...shown, ephemeralTo: people.docsLead.id },
      'shadow_publish_decline_undecided',
    );
    await h.slack.waitFor(() => h.slack.ephemeralsFor(people.docsLead.id).length > seen);
    expect(textOf(h.slack.ephemeralsFor(people.docsLead.id).at(-1))).toContain('Only the Release Team Lead');
    expect(cycleState()).toBe('closed');

    const { answer } = await declineUndecidedAndPublish(h, people.lead.id);
    const text = textOf({ text: answer.text, blocks: answer.blocks });
    expect(text).toContain('Published the v1.38 decisions');
    expect(text).toContain('DMs: 4 sent now, 0 already sent, 0 failed. 1 applicant withdrew and got no DM.');
    expect(text).toMatch(
      /\*Publish audit:\* <@U02GLF28LNM> declined 2 applicants who had no decision, and published on <!date\^\d+\^[^|]+\|Tue 1 Dec 2026 09:00 UTC>\. Declined: <@U0TDANA03> \(Docs, Enhancements\) and <@U03M6SD7CLE> \(Enhancements\)\./,
    );
    expect(
      h.db
        .prepare('SELECT user, role, declined_by FROM shadow_publish_declines ORDER BY application_id, role')
        .all(),
    ).toEqual([
      { user: dana.id, role: 'Docs', declined_by: people.lead.id },
      { user: dana.id, role: 'Enhancements', declined_by: people.lead.id },
      { user: people.member.id, role: 'Enhancements', declined_by: people.lead.id },
    ]);

    const summary = h.slack
      .channelMessages(CHANNEL)
      .find((m) => m.metadata?.event_payload.key === 'shadows:1:published')!.text!;
    expect(summary).toContain('shadows are selected: 1 for Docs.');
    expect(summary).toContain(
      'No shadows were selected for Release Team Lead, Enhancements, Communications, Release Signal and Branch Manager.',
    );
    expect(summary).not.toMatch(/Enhancements 0|Everyone who applied/);
    expect(summary).toContain(
      'Each of the 4 applicants got a DM with their outcome. 1 applicant withdrew and got no DM.',
    );
    expect(outcomes(walt.id)).toHaveLength(0);

    // Not selected: "more applicants than seats" only where that was true (Docs: 4 seats, 3 applicants).
    const notSelected = outcomes(dana.id)[0]!.text!;
    expect(notSelected).toContain('You were not selected this time.');
    expect(notSelected).not.toMatch(/applicants than seats|had \d+ applicants/);
    expect(notSelected).toContain(`The next round is announced in <#${CHANNEL}>.`);
    expect(notSelected).not.toContain('#sig-release');
    expect(outcomes(ben.id)[0]!.text).toContain('waitlist');

    // The audit stays visible to the Release Team Lead, not to applicants.
    expect(textOf((await h.driver.command(people.lead.id, '/shadow', 'status')).body)).toContain(
      '*Publish audit:*',
    );
    expect(textOf((await h.driver.command(dana.id, '/shadow', 'status')).body)).not.toContain(
      'Publish audit',
    );
    // Class 5: the published review speaks in the past tense.
    expect(textOf((await h.driver.command(people.docsLead.id, '/shadow', 'review Docs')).body)).toContain(
      'The decisions were published and are final.',
    );
  });

  it('class 8: applying after the close names the configured channel, not a hard-coded one', async () => {
    const late = textOf((await h.driver.command(ana.id, '/shadow', 'apply')).body);
    expect(late).toContain(`The next round will be announced in <#${CHANNEL}>.`);
    expect(late).not.toContain('#sig-release');
  });
});

describe('issue 13 for /shadow: a large round', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ clock: new ManualClock('2026-12-01T09:00:00Z') });
  });
  afterAll(async () => {
    await h.stop();
  });

  it('class 4: review pages and the pre-publish check name every role with its count and say how to see the rest', async () => {
    seedShadowApplications(h.relbot.deps, { count: 120, slack: h.slack, returningShare: 0 });
    const docs = (
      h.db
        .prepare("SELECT COUNT(*) AS n FROM shadow_applications WHERE choice1 = 'Docs' OR choice2 = 'Docs'")
        .get() as { n: number }
    ).n;
    expect(docs).toBeGreaterThan(20);
    const page = textOf((await h.driver.command(people.docsLead.id, '/shadow', 'review Docs')).body);
    expect(page).toContain(`Page 1 of ${Math.ceil(docs / 20)}: applicants 1–20 of ${docs}.`);
    expect(page).toContain('`/shadow review Docs 2` for the next');

    await h.driver.command(people.admin.id, '/shadow', 'close');
    const res = await h.driver.command(people.lead.id, '/shadow', 'publish');
    const check = textOf(res.body);
    expect((res.body as { blocks: unknown[] }).blocks.length).toBeLessThanOrEqual(50);
    for (const r of [
      'Release Team Lead',
      'Enhancements',
      'Communications',
      'Release Signal',
      'Docs',
      'Branch Manager',
    ])
      expect(check).toMatch(new RegExp(`\\*${r}\\* \\(0/4 accepted, 4 free\\): \\d+ undecided`));
    expect(check).toMatch(/and \d+ more \(`\/shadow review Docs`\)/);
    expect(check).toContain('120 applicants of v1.38 have no decision yet');
    expect(h.slack.violations).toEqual([]);
  });
});
