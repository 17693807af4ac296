import { CHANNEL, people } from '../../src/sandbox/seed';
import type { SlackMessage } from '../../src/sandbox/slack/server';
import { addGreenPick } from '../helpers/abuse';
import {
  answers,
  auditRows,
  card,
  cards,
  commentPosts,
  labelPosts,
  startCherrypickHarness,
  stateOf,
  trackByCommand,
  waitAnswers,
} from '../helpers/cherrypicks';
import { type Harness, startHarness } from '../helpers/harness';

/** Concurrency beyond the feature suites: 100 simultaneous Approve clicks; repeated last-seat races. */

describe('100 concurrent Approve clicks on one card', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startCherrypickHarness({ unhandledRequestTimeoutMillis: 3001 });
  });
  afterAll(async () => {
    await h.stop();
  });

  it('exactly one label call, one comment, one approved audit row, one success answer; every click answered', async () => {
    const n = 160_001;
    addGreenPick(h.github, n, { author: 'aojea' });
    const c = structuredClone(await trackByCommand(h, people.member.id, n));
    const approvers = [people.approver.id, people.approver2.id];
    const seen = approvers.map((u) => h.slack.ephemeralsFor(u).length);
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) => h.driver.click(approvers[i % 2]!, c, 'cherrypick_approve')),
    );
    expect(results.map((r) => r.status)).toEqual(Array(100).fill(200));
    await waitAnswers(h, approvers[0]!, seen[0]!, 50);
    await waitAnswers(h, approvers[1]!, seen[1]!, 50);
    const all = approvers.flatMap((u, i) => answers(h, u).slice(seen[i]));
    expect(all).toHaveLength(100);
    expect(all.filter((a) => a.includes(':white_check_mark: Approved'))).toHaveLength(1);
    // The 99 others are told someone is approving or already approved: none claims success.
    expect(all.filter((a) => /is approving .* right now|already approved/.test(a))).toHaveLength(99);
    expect(labelPosts(h, n)).toHaveLength(1);
    expect(commentPosts(h, n)).toHaveLength(1);
    expect(auditRows(h, n).filter((r) => r.action === 'approved')).toHaveLength(1);
    expect(auditRows(h, n)).toHaveLength(1);
    expect(stateOf(h, n)).toBe('approved');
    const issue = h.github.getIssue('kubernetes', 'kubernetes', n)!;
    expect(issue.labels.filter((l) => l === 'cherry-pick-approved')).toHaveLength(1);
    expect(issue.comments.filter((x) => x.body.includes('relbot:cherrypick-approve'))).toHaveLength(1);
    expect(cards(h, n)).toHaveLength(1);
    await h.slack.waitFor(() => JSON.stringify(card(h, n).blocks).includes('*Approved* by'));
    expect(h.slack.violations).toEqual([]);
  });
});

describe('two leads taking the last seat of a role at the same time, five times', () => {
  let h: Harness;
  // Five roles of one seat each; two people who may decide on each.
  const ROLES: Array<{ role: string; deciders: [string, string] }> = [
    { role: 'Docs', deciders: [people.docsLead.id, people.lead.id] },
    { role: 'Enhancements', deciders: [people.enhancementsLead.id, people.admin.id] },
    { role: 'Branch Manager', deciders: [people.branchLead.id, people.lead.id] },
    { role: 'Communications', deciders: [people.lead.id, people.admin.id] },
    { role: 'Release Signal', deciders: [people.admin.id, people.lead.id] },
  ];
  const applicant = (role: number, k: number) => ({
    id: `U0RACE${role}${k}00`,
    github: `racer-${role}-${k}`,
  });

  beforeAll(async () => {
    h = await startHarness({
      unhandledRequestTimeoutMillis: 3001,
      config: (raw) => {
        const s = raw.shadows as { roles: Array<{ name: string; capacity: number }> };
        for (const r of s.roles) r.capacity = 1;
      },
    });
    h.clock.set('2026-12-01T09:00:00Z');
    await h.driver.command(people.admin.id, '/shadow', 'open 1.38 closes 2026-12-10');
    for (const [i, { role }] of ROLES.entries())
      for (const k of [0, 1]) {
        const a = applicant(i, k);
        h.slack.addUser({ id: a.id, name: a.github, tz: 'UTC' });
        const views = h.slack.callsTo('views.open').length;
        await h.driver.command(a.id, '/shadow', 'apply');
        await h.slack.waitFor(() => h.slack.callsTo('views.open').length > views);
        const res = await h.driver.submitView(a.id, h.driver.latestView(a.id)!, {
          role1: role,
          github: a.github,
          tz: 'UTC',
          hours: '5',
          served: 'no',
          why: 'To help.',
        });
        expect(res.text).toBe('');
      }
  });
  afterAll(async () => {
    await h.stop();
  });

  const review = async (user: string, role: string): Promise<SlackMessage> => {
    const body = (await h.driver.command(user, '/shadow', `review ${role}`)).body as {
      text: string;
      blocks: unknown[];
    };
    return {
      channel: CHANNEL,
      ts: '0.000001',
      user: h.slack.botUserId,
      edits: 0,
      ephemeralTo: user,
      ...body,
    };
  };
  const acceptValue = (m: SlackMessage, user: string) => {
    const id = (h.db.prepare('SELECT id FROM shadow_applications WHERE user = ?').get(user) as { id: number })
      .id;
    const block = (m.blocks as Array<Record<string, unknown>>).find((b) => b.block_id === `act_${id}`);
    return (block!.elements as Array<{ action_id: string; value: string }>).find(
      (e) => e.action_id === 'shadow_accept',
    )!.value;
  };

  it.each(ROLES.map((r, i) => [r.role, i] as const))(
    '%s: one of two simultaneous accepts wins',
    async (role, i) => {
      const [d1, d2] = ROLES[i]!.deciders;
      const [m1, m2] = [await review(d1, role), await review(d2, role)];
      const [a1, a2] = [applicant(i, 0).id, applicant(i, 1).id];
      const seen = [h.slack.ephemeralsFor(d1).length, h.slack.ephemeralsFor(d2).length];
      await Promise.all([
        h.driver.click(d1, m1, 'shadow_accept', acceptValue(m1, a1)),
        h.driver.click(d2, m2, 'shadow_accept', acceptValue(m2, a2)),
      ]);
      await h.slack.waitFor(
        () => h.slack.ephemeralsFor(d1).length > seen[0]! && h.slack.ephemeralsFor(d2).length > seen[1]!,
      );
      const texts = [h.slack.ephemeralsFor(d1).at(-1)!.text!, h.slack.ephemeralsFor(d2).at(-1)!.text!];
      expect(texts.filter((t) => t.includes(':white_check_mark: Accepted'))).toHaveLength(1);
      expect(texts.filter((t) => t.includes(`is full* (1/1 accepted)`))).toHaveLength(1);
      const accepted = h.db
        .prepare("SELECT COUNT(*) AS n FROM shadow_decisions WHERE role = ? AND decision = 'accepted'")
        .get(role) as { n: number };
      expect(accepted.n).toBe(1);
      expect(h.slack.violations).toEqual([]);
    },
  );
});
