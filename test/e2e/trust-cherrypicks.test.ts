import { PickStore } from '../../src/cherrypicks/store';
import { ManualClock } from '../../src/clock';
import { CHANNEL, people } from '../../src/sandbox/seed';
import { CP } from '../../src/sandbox/seed-cherrypicks';
import { scheduleSourcesConfig, seedSchedule } from '../../src/sandbox/seed-schedule';
import { addGreenPick } from '../helpers/abuse';
import {
  allText,
  card,
  cardText,
  REPO,
  startCherrypickHarness,
  trackByCommand,
  url,
  waitAnswers,
} from '../helpers/cherrypicks';
import type { Harness } from '../helpers/harness';

/**
 * Issue 13, "Answers a release team can trust", the classes that concern cherry-picks, each through
 * the real app: (1) no false comfort from a typo, (4) nothing silently vanishes, (5) time said
 * right, (8) text Slack shows as intended.
 */

const NOW = '2026-07-01T09:00:00Z';
const APPROVER = people.approver.id; // cpanato, Europe/Amsterdam, also the author of CP.byApprover
const APPROVER2 = people.approver2.id; // justaugustus, America/New_York
const MEMBER = people.member.id; // Asia/Taipei

const ISO = /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
const epoch = (iso: string) => Math.floor(Date.parse(iso) / 1000);

describe('cherry-pick answers a release team can trust', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startCherrypickHarness({
      clock: new ManualClock(NOW),
      config: (raw) => {
        raw.schedule = { sources: scheduleSourcesConfig() };
      },
    });
    seedSchedule(h.github);
    await h.relbot.jobs.run('schedule-sync');
  });
  afterAll(async () => {
    await h.stop();
  });
  afterEach(() => {
    expect(h.slack.violations).toEqual([]);
    h.github.clearFaults();
  });

  const ask = async (user: string, text: string) => {
    const seen = h.slack.ephemeralsFor(user).length;
    const res = await h.driver.command(user, '/cherrypick', text);
    expect(res.status).toBe(200);
    const ack = allText(res.body);
    if (ack.trim()) return ack;
    const [answer] = await waitAnswers(h, user, seen);
    return answer!;
  };
  const click = async (user: string, n: number, actionId: string) => {
    const seen = h.slack.ephemeralsFor(user).length;
    await h.driver.click(user, card(h, n), actionId);
    const [answer] = await waitAnswers(h, user, seen);
    return answer!;
  };

  it('class 1: a branch relbot does not know is an error naming the known ones, closest first', async () => {
    await trackByCommand(h, MEMBER, CP.green136);
    const typo = await ask(MEMBER, 'list release-9.99');
    expect(typo).not.toContain('No cherry-picks are waiting');
    expect(typo).toContain('relbot does not know `release-9.99`');
    expect(typo).toContain('the schedule does not list it as a supported release');
    // Known: the cycle in progress (1.37, from the schedule), the schedule's supported releases
    // (1.36, 1.35, 1.34; 1.33 reached its end of life on 2026-06-28) and branches with a pick.
    expect(typo).toContain(
      'Branches relbot knows, closest first: `release-1.37`, `release-1.36`, `release-1.35`, `release-1.34`.',
    );
    expect(typo).not.toContain('release-1.33');
    // Closest first: one digit off is closer than two.
    expect(await ask(MEMBER, 'list 1.33')).toContain(
      'closest first: `release-1.34`, `release-1.35`, `release-1.36`, `release-1.37`',
    );
    // A supported branch with nothing waiting is an honest "none", not an error.
    expect(await ask(MEMBER, 'list release-1.34')).toContain(
      'No cherry-picks are waiting for approval on `release-1.34`.',
    );
    // A branch known only because relbot tracked a pick on it (it is not in the schedule).
    addGreenPick(h.github, 150_001, { author: 'aojea', branch: 'release-1.31' });
    await trackByCommand(h, MEMBER, 150_001);
    expect(await ask(MEMBER, 'list release-1.31')).toContain(`${REPO}#150001`);
    expect(await ask(MEMBER, 'list release-1.36')).toContain(`${REPO}#${CP.green136}`);
  });

  it('class 8: refusals and failures read as clean sentences; channels and placeholders render', async () => {
    await trackByCommand(h, MEMBER, CP.byApprover);
    // The author clicking Approve on their own pick.
    const own = await click(APPROVER, CP.byApprover, 'cherrypick_approve');
    expect(own).toContain(
      `:no_entry: You opened ${REPO}#${CP.byApprover}, so you cannot approve it yourself. Ask another approver: members of <!subteam^S0RELMGRS> or GitHub user @justaugustus.`,
    );
    expect(own).not.toMatch(/must: Only|: Only/);
    // Someone who is not an approver.
    const member = await click(MEMBER, CP.green136, 'cherrypick_approve');
    expect(member).toContain(
      ':no_entry: Only members of <!subteam^S0RELMGRS> or GitHub user @justaugustus can approve or reject cherry-picks.',
    );
    // The card's preview names the channel as Slack shows it.
    expect(await ask(MEMBER, url(CP.green136))).toContain(`is in <#${CHANNEL}>`);
    // Usage placeholders are escaped, so Slack does not read them as links.
    const help = await ask(MEMBER, 'help');
    expect(help).toContain('`/cherrypick &lt;PR URL | owner/repo#N&gt;`');
    expect(help).not.toMatch(/<PR URL/);

    // A failed GitHub call: the reason, without GitHub's generic docs link; card and audit agree.
    h.github.injectFault({
      status: 502,
      times: 3,
      match: { method: 'POST', path: `/issues/${CP.green136}/labels` },
    });
    const failed = await click(APPROVER2, CP.green136, 'cherrypick_approve');
    expect(failed).toContain(
      `:x: The approval of ${REPO}#${CP.green136} did *not* complete: GitHub answered HTTP 502 Bad Gateway. Use *Retry* on its card to finish it.`,
    );
    await h.slack.waitFor(() => cardText(card(h, CP.green136)).includes('failed'));
    const failedCard = cardText(card(h, CP.green136));
    expect(failedCard).toContain(
      `*The approval by <@${APPROVER2}> failed*: GitHub answered HTTP 502 Bad Gateway. Nothing was changed on GitHub. Use *Retry* to finish it.`,
    );
    const audit = await ask(MEMBER, `audit ${REPO}#${CP.green136}`);
    expect(audit).toContain(
      `<@${APPROVER2}> tried to approve it, and it failed: GitHub answered HTTP 502 Bad Gateway`,
    );
    for (const t of [failed, failedCard, audit]) expect(t).not.toContain('docs.github.com');
  });

  it('class 5: instants as date tokens naming their zone, the AoE day the schedule names, past states', async () => {
    // The pending card: the deadline the schedule names (Fri 10 Jul 2026, AoE), then the reader's time.
    const pending = cardText(card(h, CP.byApprover));
    const deadline = epoch('2026-07-11T12:00:00Z');
    expect(pending).toContain(
      `:calendar: Next cherry-pick deadline for release-1.36 (1.36.3): *Fri 10 Jul, end of day AoE* (<!date^${deadline}^{date_short} at {time}|Sat 11 Jul 2026 12:00 UTC> your time)`,
    );
    expect(pending).not.toContain('2026-07-11 12:00 UTC');

    // Approved an hour later: the card (seen in every zone) and the audit (asked from Taipei)
    // show the same instant as a token; each fallback names its zone.
    h.clock.advance({ hours: 1 });
    // A copy as an old client still shows it: the failed card, with its Retry button.
    const stale = structuredClone(card(h, CP.green136));
    const seen = h.slack.ephemeralsFor(APPROVER).length;
    await h.driver.click(APPROVER, card(h, CP.green136), 'cherrypick_retry');
    await waitAnswers(h, APPROVER, seen);
    const at = epoch('2026-07-01T10:00:00Z');
    await h.slack.waitFor(() => cardText(card(h, CP.green136)).includes('*Approved* by'));
    const approved = cardText(card(h, CP.green136));
    expect(approved).toContain(
      `:white_check_mark: *Approved* by <@${APPROVER}> on <!date^${at}^{date_short} at {time}|Wed 1 Jul 2026 10:00 UTC>.`,
    );
    const audit = await ask(MEMBER, `audit ${REPO}#${CP.green136}`);
    expect(audit).toContain(
      `<!date^${at}^{date_short} at {time}|Wed 1 Jul 2026 18:00 GMT+8>: <@${APPROVER}> approved it`,
    );
    // Asking again about it, in the past tense, with the same token.
    const again = await ask(MEMBER, `audit ${REPO}#${CP.green136}`);
    expect(again).toBe(audit);
    const seen2 = h.slack.ephemeralsFor(APPROVER2).length;
    await h.driver.click(APPROVER2, stale, 'cherrypick_retry');
    const [late] = await waitAnswers(h, APPROVER2, seen2);
    expect(late).toContain(`was already approved by <@${APPROVER}> on <!date^${at}^`);

    // Closed and merged picks: no deadline to meet, no failing gate marks, past tense.
    await trackByCommand(h, MEMBER, CP.missingLgtm);
    expect(cardText(card(h, CP.missingLgtm))).toContain(':x: lgtm');
    h.github.updateIssue('kubernetes', 'kubernetes', CP.missingLgtm, { state: 'closed' });
    h.clock.advance({ minutes: 5 });
    await h.relbot.jobs.run('cherrypick-discovery');
    await h.relbot.deps.outbound.drain();
    await h.slack.waitFor(() => cardText(card(h, CP.missingLgtm)).includes(':lock:'));
    const closed = cardText(card(h, CP.missingLgtm));
    expect(closed).toContain(':lock: The pull request was closed before anyone decided on it.');
    expect(closed).not.toContain('Next cherry-pick deadline');
    expect(closed).not.toContain(':x:');
    expect(closed).not.toContain('*Gates:*');

    // No raw ISO timestamp anywhere relbot wrote in the channel or to anyone privately.
    const everything = [
      ...h.slack.channelMessages(CHANNEL).map((m) => allText({ text: m.text, blocks: m.blocks })),
      ...[MEMBER, APPROVER, APPROVER2].flatMap((u) =>
        h.slack.ephemeralsFor(u).map((m) => allText({ text: m.text, blocks: m.blocks })),
      ),
    ];
    for (const t of everything) expect(t).not.toMatch(ISO);
  });

  it('class 4: a cut list names every branch with its count and how to see the rest; so does a cut audit', async () => {
    // 30 picks on release-1.37 and 15 on release-1.33, all waiting, found by discovery with the seeded ones.
    for (let i = 0; i < 45; i++)
      addGreenPick(h.github, 160_001 + i, {
        author: 'aojea',
        branch: i < 30 ? 'release-1.37' : 'release-1.33',
      });
    await h.relbot.jobs.run('cherrypick-discovery');
    await h.relbot.deps.outbound.drain();
    const all = await ask(MEMBER, 'list');
    const waiting = Number(/\*(\d+) cherry-picks waiting for approval\*/.exec(all)?.[1]);
    expect(waiting).toBeGreaterThan(40);
    // Every branch is named with its count, though not every pick is shown.
    // Waiting: 5 seeded picks (older), #150001 on release-1.31, then the 45 in number order.
    expect(waiting).toBe(51);
    expect(all).toContain(
      '*By branch:* `release-1.37` 30 · `release-1.36` 1 · `release-1.35` 2 · `release-1.34` 2 · `release-1.33` 15 · `release-1.31` 1',
    );
    expect(all).toContain(
      'Showing the oldest 40 of 51. Not shown: 11 on `release-1.33`. To see one branch, use `/cherrypick list release-1.33`.',
    );
    // The branch named there shows all of its picks.
    const b133 = await ask(MEMBER, 'list release-1.33');
    expect(b133).toContain('*15 cherry-picks waiting for approval on `release-1.33`*');
    for (let i = 30; i < 45; i++) expect(b133).toContain(`${REPO}#${160_001 + i}`);

    // An audit longer than 40 entries: the latest 40, and what the older ones were, with when.
    const ref = { owner: 'kubernetes', repo: 'kubernetes', number: CP.hold };
    const store = new PickStore(h.db);
    await trackByCommand(h, MEMBER, CP.hold);
    for (let i = 0; i < 45; i++)
      store.audit(
        ref,
        `2026-06-${String(1 + Math.floor(i / 2)).padStart(2, '0')}T0${i % 2}:00:00.000Z`,
        APPROVER,
        i < 44 ? 'approve_failed' : 'approved',
        i < 44 ? 'GitHub answered HTTP 502 (Bad Gateway - https://docs.github.com/rest)' : 'label added',
        false,
      );
    const audit = await ask(MEMBER, `audit ${REPO}#${CP.hold}`);
    expect(audit).toContain('Showing the latest 40 of 45 entries.');
    expect(audit).toMatch(
      /The 5 older ones, from <!date\^\d+\^\{date_short\} at \{time\}\|Mon 1 Jun 2026 08:00 GMT\+8> to <!date\^\d+\^[^|]+\|Wed 3 Jun 2026 08:00 GMT\+8>, are 5 failed approvals\./,
    );
    // Stored before the docs link was dropped: still shown without it.
    expect(audit).not.toContain('docs.github.com');
    expect(audit).toContain('GitHub answered HTTP 502 Bad Gateway');
  });
});
