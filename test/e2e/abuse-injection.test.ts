import { fixture } from '../../src/fixtures';
import { CHANNEL, people } from '../../src/sandbox/seed';
import { seedSchedule } from '../../src/sandbox/seed-schedule';
import type { SlackMessage } from '../../src/sandbox/slack/server';
import { addGreenPick, HOSTILE, rawHostile, rawHostileInSlack } from '../helpers/abuse';
import { allText, startCherrypickHarness, trackByCommand, waitAnswers } from '../helpers/cherrypicks';
import type { Harness } from '../helpers/harness';

/**
 * Injection: one hostile string (broadcasts, a user and a group mention, a link, `&`, `<`, `>`,
 * bold/italic/strike/code) put everywhere outside text enters relbot: a PR title, a blocker issue
 * title, a README Timeline row served through the contents API, a shadow applicant's name and
 * "why", and a reject reason; the reminder job and the blockers digest post the README row and the
 * blocker on their own. Then every message, ephemeral answer, ack body and modal relbot
 * produced is walked, and no raw hostile form may appear in any mrkdwn text.
 */

describe('hostile text from GitHub and from people is escaped everywhere it is shown', () => {
  let h: Harness;
  const acks: Array<[string, unknown]> = [];
  const ask = async (user: string, cmd: string, text: string) => {
    const res = await h.driver.command(user, cmd, text);
    expect(res.status).toBe(200);
    acks.push([`${cmd} ${text}`, res.body]);
    return res.body;
  };

  beforeAll(async () => {
    h = await startCherrypickHarness({
      unhandledRequestTimeoutMillis: 3001,
      config: (raw) => {
        raw.blockers = { milestone: 'v1.37' };
        // A reminder for the hostile Timeline row, so its name reaches a reminder post too.
        raw.schedule = {
          ...(raw.schedule as object | undefined),
          reminders: { rules: [{ select: 'any', match: 'PWNBOLD', leads: ['1d'] }] },
        };
      },
    });
    h.clock.set('2026-07-01T09:00:00Z');
    // GitHub: a PR title, a blocker, and a README row.
    addGreenPick(h.github, 180_001, {
      author: 'aojea',
      title: `Automated cherry pick of #139950: ${HOSTILE}`,
    });
    h.github.addIssue({
      owner: 'kubernetes',
      repo: 'kubernetes',
      number: 180_002,
      title: `Blocker: ${HOSTILE}`,
      labels: ['kind/bug', 'priority/critical-urgent', 'release-blocker', 'sig/node'],
      milestone: 'v1.37',
      created_at: '2026-06-25T08:00:00Z',
      updated_at: '2026-06-25T08:00:00Z',
    });
    seedSchedule(h.github);
    const page = fixture('release-1.37-README.md').replace(
      /^(\| Feature blog publication starts .*\n)/m,
      `$1| ${HOSTILE.replace(/\|/g, '')} | ${HOSTILE.replace(/\|/g, '')} | Friday 28th August 2026 | week 15 | |\n`,
    );
    h.github.setFile('kubernetes', 'sig-release', 'releases/release-1.37/README.md', page, 'master');
  });
  afterAll(async () => {
    await h.stop();
  });

  it('cherry-picks: card, preview, list, audit, reject modal and the rejection on the card', async () => {
    const card: SlackMessage = await trackByCommand(h, people.member.id, 180_001);
    expect(allText(card)).toContain('PWNBOLD');
    await ask(people.member.id, '/cherrypick', 'list');
    await h.driver.click(people.approver.id, card, 'cherrypick_reject');
    const view = await h.slack.waitFor(() => {
      const v = h.driver.latestView(people.approver.id);
      return v?.view.private_metadata === 'kubernetes/kubernetes#180001' ? v : undefined;
    });
    const seen = h.slack.ephemeralsFor(people.approver.id).length;
    const res = await h.driver.submitView(people.approver.id, view, { reason: HOSTILE });
    expect(res.status).toBe(200);
    await waitAnswers(h, people.approver.id, seen);
    await h.slack.waitFor(() =>
      h.slack.channelMessages(CHANNEL).some((m) => allText(m).includes('*Rejected* by')),
    );
    await ask(people.member.id, '/cherrypick', 'audit kubernetes/kubernetes#180001');
    // The reason as posted on GitHub has its mentions defused.
    const comment = h.github.getIssue('kubernetes', 'kubernetes', 180_001)!.comments.at(-1)!;
    expect(comment.body).not.toMatch(/(^|[^\u200b])@kubernetes/);
  });

  it('blockers: the summary', async () => {
    const body = await ask(people.member.id, '/blockers', 'v1.37');
    // Shown escaped (and shortened: the summary truncates long titles).
    expect(allText(body)).toContain('Blocker: &lt;!channel&gt; &lt;!here&gt; &lt;@U0HOSTILE1&gt;');
  });

  it('schedule: a hostile README row through sync, the sync answer, the post and /schedule 1.37 all', async () => {
    const sync = await ask(people.admin.id, '/schedule', 'sync');
    expect(allText(sync)).toContain('imported');
    // The row sits at the end of the cycle: the whole timeline shows it (the default view is the current weeks).
    const cycle = await ask(people.member.id, '/schedule', '1.37 all');
    expect(allText(cycle)).toContain('PWNBOLD');
    await ask(people.member.id, '/schedule', '');
  });

  it('jobs: the reminder of the hostile milestone and the blockers digest', async () => {
    // The hostile row is due Friday 28 August 2026; its 1-day reminder and a weekday digest slot.
    h.clock.set('2026-08-27T12:00:00Z');
    const before = h.slack.channelMessages().length;
    await h.relbot.jobs.run('schedule-reminders');
    await h.relbot.jobs.run('blockers-digest');
    await h.relbot.deps.outbound.drain();
    const posts = h.slack
      .channelMessages()
      .slice(before)
      .map((m) => allText(m));
    const reminder = posts.find((t) => t.includes('PWNBOLD'));
    expect(reminder).toContain('&lt;!channel&gt;');
    const digest = posts.find((t) => t.includes('Blocker:'));
    expect(digest).toContain('Blocker: &lt;!channel&gt;');
  });

  it('shadows: hostile applicant name and "why" in review, status, roster, DMs and the edit modal prefill', async () => {
    h.clock.set('2026-12-01T09:00:00Z');
    await ask(people.admin.id, '/shadow', 'open 1.38 closes 2026-12-10');
    const evil = { id: 'U0EVIL0001', name: HOSTILE.slice(0, 60) };
    h.slack.addUser({ id: evil.id, name: evil.name, tz: 'Europe/Berlin' });
    const open = async () => {
      const views = h.slack.callsTo('views.open').length;
      await h.driver.command(evil.id, '/shadow', 'apply');
      await h.slack.waitFor(() => h.slack.callsTo('views.open').length > views);
      return h.driver.latestView(evil.id)!;
    };
    const res = await h.driver.submitView(evil.id, await open(), {
      role1: 'Docs',
      github: 'evil-user',
      tz: 'Europe/Berlin',
      hours: '8',
      served: 'no',
      why: HOSTILE,
    });
    expect(res.text).toBe('');
    // The edit modal is prefilled with exactly what was typed (an input value, not mrkdwn).
    const edit = await open();
    const why = (edit.view.blocks as Array<{ block_id?: string; element?: { initial_value?: string } }>).find(
      (b) => b.block_id === 'why',
    );
    expect(why?.element?.initial_value).toBe(HOSTILE);
    const review = await ask(people.docsLead.id, '/shadow', 'review Docs');
    expect(allText(review)).toContain('PWNBOLD');
    await ask(evil.id, '/shadow', 'status');
    await ask(people.docsLead.id, '/shadow', 'roster');
    await ask(people.docsLead.id, '/shadow', 'roster csv');
  });

  it('no raw hostile form in any message, ephemeral, modal or ack relbot produced', async () => {
    await h.relbot.deps.outbound.drain();
    const findings = [...rawHostileInSlack(h), ...acks.flatMap(([where, body]) => rawHostile(body, where))];
    expect(findings).toEqual([]);
    // The walk saw the hostile input (escaped) in many places: it did look.
    const seen = (v: unknown) => allText(v).includes('&lt;!channel&gt;');
    const shown = h.slack.messages.filter(seen).length + acks.filter(([, b]) => seen(b)).length;
    expect(shown).toBeGreaterThanOrEqual(6);
    expect(h.slack.violations).toEqual([]);
  });
});
