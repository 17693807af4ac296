import { CHANNEL, people } from '../../src/sandbox/seed';
import type { OpenView, SlackMessage } from '../../src/sandbox/slack/server';
import { type Harness, startHarness, textOf } from '../helpers/harness';
import { dm, shadowButtonValue } from '../helpers/shadows';

/**
 * /shadow's buttons and modal go through registerAction / registerView: each click and submission
 * is counted in relbot_commands_total by its action_id or callback_id (the page buttons as
 * shadow_review_page), with the same answers as before.
 */

const valid = {
  role1: 'Docs',
  github: 'tico88612',
  tz: 'Asia/Taipei',
  hours: '6',
  served: 'no',
  why: 'Docs!',
};

describe('/shadow interactions are counted', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      config: (raw) => {
        (raw.shadows as Record<string, unknown>).reviewPageSize = 1;
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

  const counted = async (command: string, outcome: string): Promise<number> => {
    const text = await (await fetch(`${h.url}/metrics`)).text();
    const m = new RegExp(`relbot_commands_total\\{command="${command}",outcome="${outcome}"\\} (\\d+)`).exec(
      text,
    );
    return m ? Number(m[1]) : 0;
  };
  /** Waits until the counter reaches `n` (work after an ack finishes a moment later). */
  const expectCounted = async (command: string, outcome: string, n: number) => {
    const until = Date.now() + 5000;
    while ((await counted(command, outcome)) < n && Date.now() < until)
      await new Promise((r) => setTimeout(r, 25));
    expect(await counted(command, outcome)).toBe(n);
  };

  async function openModal(user: string, via: () => Promise<unknown>): Promise<OpenView> {
    const before = h.slack.callsTo('views.open').length;
    await via();
    await h.slack.waitFor(() => h.slack.callsTo('views.open').length > before);
    return h.driver.latestView(user)!;
  }

  const asMessage = (user: string, body: unknown): SlackMessage => ({
    channel: CHANNEL,
    ts: '0.000001',
    user: h.slack.botUserId,
    edits: 0,
    ephemeralTo: user,
    blocks: (body as { blocks: unknown[] }).blocks,
  });

  it('the Apply button and the modal: ok, field errors as bad_input', async () => {
    await h.driver.command(people.admin.id, '/shadow', 'open 1.38 closes 2026-12-10');
    const ann = h.slack.channelMessages(CHANNEL)[0]!;
    const view = await openModal(people.member.id, () =>
      h.driver.click(people.member.id, ann, 'shadow_apply'),
    );
    await expectCounted('shadow_apply', 'ok', 1);

    const empty = await h.driver.submitView(people.member.id, view, {});
    expect((empty.body as { response_action: string }).response_action).toBe('errors');
    await expectCounted('shadow_application', 'bad_input', 1);

    const ok = await h.driver.submitView(people.member.id, view, valid);
    expect(ok.text).toBe('');
    await h.slack.waitFor(() => h.slack.channelMessages(dm(people.member.id)).length > 0);
    await expectCounted('shadow_application', 'ok', 1);

    const second = await openModal(people.member2.id, () =>
      h.driver.command(people.member2.id, '/shadow', 'apply'),
    );
    await h.driver.submitView(people.member2.id, second, { ...valid, github: 'chadmcrowell' });
    await expectCounted('shadow_application', 'ok', 2);
  });

  it('decision buttons by action_id (a damaged one is refused), page buttons as shadow_review_page', async () => {
    const review = await h.driver.command(people.docsLead.id, '/shadow', 'review Docs');
    expect(textOf(review.body)).toContain('Page 1 of 2');
    const msg = asMessage(people.docsLead.id, review.body);
    const first = (review.body as { blocks: Array<{ block_id?: string }> }).blocks.find((b) =>
      b.block_id?.startsWith('act_'),
    );
    const appUser = (
      h.db
        .prepare('SELECT user FROM shadow_applications WHERE id = ?')
        .get(Number(first!.block_id!.slice(4))) as { user: string }
    ).user;

    const before = h.slack.ephemeralsFor(people.docsLead.id).length;
    await h.driver.click(
      people.docsLead.id,
      msg,
      'shadow_waitlist',
      shadowButtonValue(h, msg, appUser, 'shadow_waitlist'),
    );
    await h.slack.waitFor(() => h.slack.ephemeralsFor(people.docsLead.id).length > before);
    expect(textOf(h.slack.ephemeralsFor(people.docsLead.id).at(-1))).toContain(':hourglass: Waitlisted');
    await expectCounted('shadow_waitlist', 'ok', 1);

    await h.driver.click(people.docsLead.id, msg, 'shadow_accept', '{"nope":1}');
    await expectCounted('shadow_accept', 'refused', 1);
    expect(h.slack.ephemeralsFor(people.docsLead.id).at(-1)!.text).toContain('button is damaged');

    await h.driver.click(people.docsLead.id, msg, 'shadow_review_page_next');
    await expectCounted('shadow_review_page', 'ok', 1);
    expect(textOf(h.slack.ephemeralsFor(people.docsLead.id).at(-1))).toContain('Page 2 of 2');

    // Someone who may not review that role: refused, by the same name.
    await h.driver.click(people.member.id, msg, 'shadow_review_page_next');
    await expectCounted('shadow_review_page', 'refused', 1);
    expect(h.slack.ephemeralsFor(people.member.id).at(-1)!.text).toContain(
      'Only the Docs lead(s) (<@U09E646UPE3>), the Release Team Lead and admins can review Docs',
    );
  });
});
