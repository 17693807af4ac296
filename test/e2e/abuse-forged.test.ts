import { fixture } from '../../src/fixtures';
import { people } from '../../src/sandbox/seed';
import { CP } from '../../src/sandbox/seed-cherrypicks';
import { seedSchedule } from '../../src/sandbox/seed-schedule';
import { signSlackRequest } from '../../src/sandbox/slack/driver';
import { world } from '../helpers/abuse';
import {
  answers,
  labelPosts,
  startCherrypickHarness,
  stateOf,
  trackByCommand,
  waitAnswers,
} from '../helpers/cherrypicks';
import { type Harness, SIGNING_SECRET, textOf } from '../helpers/harness';

/**
 * Forged and replayed requests (foundation.test.ts covers unsigned, wrong secret, stale and a
 * tampered command body): a request Slack really signed and relbot accepted, sent again more than
 * five minutes later, and a signed interaction payload whose JSON was altered. Each is refused with
 * 401 and changes nothing: no table row, no Slack write, no GitHub write. A fresh request afterwards
 * shows the same action would have changed something.
 */

const README_37 = 'releases/release-1.37/README.md';
const SIX_MINUTES = 6 * 60 * 1000;

/** A captured request: exactly the bytes and headers Slack sent. */
interface Captured {
  body: string;
  headers: Record<string, string>;
}

function capture(body: string): Captured {
  const ts = Math.floor(Date.now() / 1000);
  return {
    body,
    headers: {
      'x-slack-request-timestamp': String(ts),
      'x-slack-signature': signSlackRequest(SIGNING_SECRET, ts, body),
    },
  };
}

/** Runs `fn` while Date.now (which Bolt's signature check reads) is `ms` ahead of real time. */
async function later<T>(ms: number, fn: () => Promise<T>): Promise<T> {
  const real = Date.now.bind(Date);
  const spy = jest.spyOn(Date, 'now').mockImplementation(() => real() + ms);
  try {
    return await fn();
  } finally {
    spy.mockRestore();
  }
}

describe('replayed and tampered requests', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startCherrypickHarness({ unhandledRequestTimeoutMillis: 3001 });
    seedSchedule(h.github);
  });
  afterAll(async () => {
    await h.stop();
  });
  afterEach(() => {
    expect(h.slack.violations).toEqual([]);
  });

  it('an accepted /schedule sync replayed after 6 minutes: 401, no read, no write; a fresh one imports', async () => {
    const sync = capture(h.driver.commandBody(people.admin.id, '/schedule', 'sync'));
    const first = await h.driver.post(sync.body, sync.headers);
    expect(first.status).toBe(200);
    // relbot acks first and answers through the command's response_url.
    const responseId = new URLSearchParams(sync.body).get('response_url')!.split('/').pop()!;
    const answer = await h.slack.waitFor(() => h.slack.responseUrls.get(responseId)?.bodies[0]);
    expect(textOf(answer)).toContain('First import');

    // The cycle page changes on GitHub; a replay, if accepted, would import that change.
    const page = fixture('release-1.37-README.md').replace(
      /^(\| Feature blog publication starts .*\n)/m,
      '$1| Retrospective | Lead | Friday 28th August 2026 | week 15 | |\n',
    );
    h.github.setFile('kubernetes', 'sig-release', README_37, page, 'master');
    const before = world(h);
    const githubCalls = h.github.calls.length;
    const replay = await later(SIX_MINUTES, () => h.driver.post(sync.body, sync.headers));
    expect(replay.status).toBe(401);
    expect(world(h)).toEqual(before);
    expect(h.github.calls.length).toBe(githubCalls);

    // Proof the replay mattered: the same command, freshly signed, imports the new row.
    const fresh = await h.driver.command(people.admin.id, '/schedule', 'sync');
    expect(textOf(fresh.body)).toContain(`imported kubernetes/sig-release/${README_37}`);
    expect(world(h).db).not.toEqual(before.db);
  });

  it('a refused Approve click replayed after 6 minutes, once the gate passes: 401 and nothing changes', async () => {
    const n = CP.missingLgtm;
    const card = await trackByCommand(h, people.member.id, n);
    const click = capture(
      new URLSearchParams({
        payload: JSON.stringify(h.driver.blockActionsPayload(people.approver.id, card, 'cherrypick_approve')),
      }).toString(),
    );
    const seen = h.slack.ephemeralsFor(people.approver.id).length;
    expect((await h.driver.post(click.body, click.headers)).status).toBe(200);
    const [refused] = await waitAnswers(h, people.approver.id, seen);
    expect(refused).toContain('the `lgtm` label is missing');

    const pr = h.github.getIssue('kubernetes', 'kubernetes', n)!;
    h.github.updateIssue('kubernetes', 'kubernetes', n, { labels: [...pr.labels, 'lgtm'] });
    const before = world(h);
    const replay = await later(SIX_MINUTES, () => h.driver.post(click.body, click.headers));
    expect(replay.status).toBe(401);
    // Give a wrongly accepted request time to do its work, then look.
    await new Promise((r) => setTimeout(r, 200));
    expect(world(h)).toEqual(before);
    expect(answers(h, people.approver.id)).toHaveLength(seen + 1);
    expect(stateOf(h, n)).toBe('pending');
    expect(labelPosts(h, n)).toHaveLength(0);
  });

  it('a signed click whose payload was altered (user swapped to an approver, PR swapped): 401, nothing changes', async () => {
    const n = CP.green136;
    const card = await trackByCommand(h, people.member.id, n);
    const payload = h.driver.blockActionsPayload(people.member.id, card, 'cherrypick_approve');
    const signed = capture(new URLSearchParams({ payload: JSON.stringify(payload) }).toString());
    const asApprover = structuredClone(payload) as { user: { id: string; username: string; name: string } };
    asApprover.user = { ...asApprover.user, id: people.approver.id, username: 'cpanato', name: 'cpanato' };
    const otherPr = JSON.parse(JSON.stringify(payload).replaceAll(String(n), String(CP.green134)));
    const tampered = [
      new URLSearchParams({ payload: JSON.stringify(asApprover) }).toString(),
      new URLSearchParams({ payload: JSON.stringify(otherPr) }).toString(),
      // The same JSON with one extra space: a byte-level change.
      new URLSearchParams({ payload: JSON.stringify(payload).replace('{', '{ ') }).toString(),
    ];
    const before = world(h);
    for (const body of tampered) {
      const res = await h.driver.post(body, signed.headers);
      expect(res.status).toBe(401);
    }
    await new Promise((r) => setTimeout(r, 200));
    expect(world(h)).toEqual(before);
    expect(stateOf(h, n)).toBe('pending');
    expect(labelPosts(h, n)).toHaveLength(0);
  });

  it('a tampered modal submission (reject reason and user altered): 401, nothing changes', async () => {
    const n = CP.green135;
    const card = await trackByCommand(h, people.member.id, n);
    await h.driver.click(people.approver.id, card, 'cherrypick_reject');
    const view = await h.slack.waitFor(() => {
      const v = h.driver.latestView(people.approver.id);
      return v?.view.private_metadata === `kubernetes/kubernetes#${n}` ? v : undefined;
    });
    const payload = h.driver.viewSubmissionPayload(people.member.id, view, { reason: 'looks fine' });
    const signed = capture(new URLSearchParams({ payload: JSON.stringify(payload) }).toString());
    const asApprover = JSON.parse(
      JSON.stringify(payload)
        .replaceAll(people.member.id, people.approver.id)
        .replace('looks fine', 'rejected!'),
    );
    const before = world(h);
    const res = await h.driver.post(
      new URLSearchParams({ payload: JSON.stringify(asApprover) }).toString(),
      signed.headers,
    );
    expect(res.status).toBe(401);
    // The original, as signed, is a non-approver's submission: refused in the form, nothing stored.
    const replayedLate = await later(SIX_MINUTES, () => h.driver.post(signed.body, signed.headers));
    expect(replayedLate.status).toBe(401);
    await new Promise((r) => setTimeout(r, 200));
    expect(world(h)).toEqual(before);
    expect(stateOf(h, n)).toBe('pending');
  });
});
