import { measureDigestRequests } from '../../src/blockers/service';
import { ManualClock } from '../../src/clock';
import { GitHubEmulator } from '../../src/sandbox/github/server';
import { CHANNEL } from '../../src/sandbox/seed';
import { seedBlockers, seedManyBlockers } from '../../src/sandbox/seed-blockers';
import { allText } from '../helpers/blockers-text';
import { type Harness, startHarness } from '../helpers/harness';

/**
 * The daily digest job against emulated Slack and GitHub: weekdays 09:00 Europe/Berlin
 * (07:00 UTC in July), milestone v1.37.
 */

const MON_0600 = '2026-07-06T06:00:00Z';
const MON_SLOT = '2026-07-06T07:00:00Z';
const JOB = 'blockers-digest';

interface Ctx {
  h: Harness;
  gh: GitHubEmulator;
  clock: ManualClock;
}

async function setup(seed: (gh: GitHubEmulator, now: Date) => void, start = MON_SLOT): Promise<Ctx> {
  const clock = new ManualClock(start);
  const gh = new GitHubEmulator({ now: () => clock.now().toJSDate() });
  await gh.start();
  seed(gh, clock.now().toJSDate());
  const h = await startHarness({
    clock,
    github: gh,
    config: (raw) => {
      raw.blockers = { milestone: 'v1.37', digest: { schedule: '0 9 * * 1-5', timezone: 'Europe/Berlin' } };
    },
  });
  return { h, gh, clock };
}

async function teardown(c: Ctx | undefined) {
  if (!c) return;
  expect(c.h.slack.violations).toEqual([]);
  await c.h.stop();
  await c.gh.stop();
}

const digests = (c: Ctx) =>
  c.h.slack.channelMessages(CHANNEL).filter((m) => allText(m.blocks).includes('Daily blocker digest'));
const lastRun = (c: Ctx) =>
  c.h.db.prepare('SELECT status, detail FROM job_runs WHERE job = ? ORDER BY id DESC LIMIT 1').get(JOB) as {
    status: string;
    detail: string;
  };
/**
 * Restarts relbot and waits for the new Bolt App's start-up auth.test: the harness does not, and an
 * auth.test still in flight when the emulators stop crashes the jest worker (unhandled rejection).
 */
async function restart(c: Ctx) {
  const before = c.h.slack.callsTo('auth.test').length;
  await c.h.restart();
  await c.h.slack.waitFor(() => c.h.slack.callsTo('auth.test').length > before);
}

const searchStatuses = (c: Ctx) => c.gh.callsTo('GET', '/search/issues').map((x) => x.status);

describe('blocker digest: slots, diff and restarts', () => {
  let c: Ctx;
  afterEach(() => teardown(c));

  it('posts once per slot across restarts, and diffs new / resolved / went stale against the previous digest', async () => {
    c = await setup((gh, now) => seedBlockers(gh, { now }), MON_0600);
    const { h, gh, clock } = c;

    // 08:00 Berlin on Monday: the latest slot is Friday's, days late -> skipped, not posted late.
    await h.relbot.jobs.run(JOB);
    expect(lastRun(c).detail).toMatch(/^missed v1.37 slot 2026-07-03T07:00:00.000Z/);
    expect(digests(c)).toHaveLength(0);

    clock.set('2026-07-06T07:01:00Z');
    await h.relbot.jobs.run(JOB);
    expect(digests(c)).toHaveLength(1);
    const first = allText(digests(c)[0]!.blocks);
    expect(first).toContain('Daily blocker digest · v1.37');
    expect(first).toContain('*5 blockers* open');
    expect(first).toContain('First digest for this milestone: everything tracked is listed below.');
    expect(first).toContain('#134077>'); // the first digest lists everything

    // Woken again, and after a restart: nothing new.
    clock.advance({ minutes: 5 });
    await h.relbot.jobs.run(JOB);
    await restart(c);
    await h.relbot.jobs.run(JOB);
    expect(digests(c)).toHaveLength(1);
    expect(lastRun(c).detail).toMatch(/^already-posted/);

    // Overnight: one closed, one lost its label, one new release-blocker; #134033 (updated 2 days ago) goes stale.
    clock.set('2026-07-06T18:00:00Z');
    gh.updateIssue('kubernetes', 'kubernetes', 134077, { state: 'closed' });
    gh.updateIssue('kubernetes', 'kubernetes', 133950, { labels: ['kind/bug', 'sig/scheduling'] });
    gh.addIssue({
      owner: 'kubernetes',
      repo: 'kubernetes',
      number: 134200,
      title: 'etcd 3.6.5 upgrade breaks downgrade path',
      labels: ['release-blocker', 'sig/etcd', 'kind/regression'],
      milestone: 'v1.37',
      assignees: ['ahrtr'],
    });
    await restart(c); // a restart between the two slots
    clock.set('2026-07-07T07:02:00Z');
    await h.relbot.jobs.run(JOB);
    expect(digests(c)).toHaveLength(2);
    const second = allText(digests(c)[1]!.blocks);
    // The previous digest read its data on Monday 07:01 UTC (09:01 in Berlin): that is its "As of".
    expect(first).toContain('As of <!date^1783321260^{date_short_pretty} {time}|Mon 6 Jul 09:01 GMT+2>');
    expect(second).toContain(
      '*Since the previous digest* (data as of <!date^1783321260^{date_short_pretty} {time}|Mon 6 Jul 09:01 GMT+2>): 1 new item · 2 resolved · 1 went stale',
    );
    expect(second).toMatch(
      /:new: <[^|]+\|#134200> etcd 3\.6\.5 upgrade breaks downgrade path — blocking issue/,
    );
    expect(second).toMatch(/:white_check_mark: <[^|]+\|#134077> [^\n]* — closed/);
    expect(second).toMatch(/:white_check_mark: <[^|]+\|#133950> [^\n]* — label removed/);
    expect(second).toMatch(/:hourglass: <[^|]+\|#134033> [^\n]* — no update for 3 days/);
    expect(second).not.toMatch(/:hourglass: <[^|]+\|#133870>/); // already stale yesterday
    // The unchanged rest is counted, not listed again.
    expect(second).toMatch(/\*Unchanged:\* 9 items, 3 of them blocking: .*`\/blockers` lists them all\./);
    expect(second).not.toContain('#133870>');

    await restart(c);
    await h.relbot.jobs.run(JOB);
    expect(digests(c)).toHaveLength(2);
    // The diff survives restarts because the snapshots are in SQLite.
    const rows = h.db
      .prepare("SELECT slot FROM blockers_snapshots WHERE kind = 'digest' ORDER BY slot")
      .all();
    expect(rows).toEqual([{ slot: '2026-07-06T07:00:00.000Z' }, { slot: '2026-07-07T07:00:00.000Z' }]);
  });

  it('killed between the Slack post and its record: the restart adopts the posted digest, no second post', async () => {
    c = await setup((gh, now) => seedBlockers(gh, { now }));
    const { h } = c;
    // Inject the failure at the exact point: the database write that records the post throws.
    const db = h.db;
    const prepare = db.prepare.bind(db);
    let armed = true;
    db.prepare = ((sql: string) => {
      if (armed && sql.includes("SET state = 'done'")) {
        armed = false;
        throw new Error('SIGKILL (emulated) before the post was recorded');
      }
      return prepare(sql);
    }) as typeof db.prepare;
    await h.relbot.jobs.run(JOB);
    expect(lastRun(c).status).toBe('error');
    expect(digests(c)).toHaveLength(1);
    expect(db.prepare("SELECT state FROM outbox WHERE key LIKE 'blockers-digest:%'").get()).toEqual({
      state: 'pending',
    });

    await restart(c);
    await h.relbot.jobs.run(JOB);
    expect(digests(c)).toHaveLength(1);
    expect(h.db.prepare("SELECT state FROM outbox WHERE key LIKE 'blockers-digest:%'").get()).toEqual({
      state: 'done',
    });
  });
});

describe('blocker digest: GitHub cost', () => {
  let c: Ctx;
  afterEach(() => teardown(c));

  it('250 matching items: 100 a page, within Slack limits, and an unchanged second digest costs only 304s', async () => {
    c = await setup((gh, now) => seedManyBlockers(gh, 250, { now }));
    const { h, gh, clock } = c;
    await h.relbot.jobs.run(JOB);
    expect(digests(c)).toHaveLength(1);
    // 250 in the milestone search (3 pages) + 50 release-blockers (1 page).
    const searches = gh.callsTo('GET', '/search/issues');
    expect(searches.map((x) => [x.status, x.query.per_page])).toEqual([
      [200, '100'],
      [200, '100'],
      [200, '100'],
      [200, '100'],
    ]);
    const msg = digests(c)[0]!;
    expect(msg.blocks!.length).toBeLessThanOrEqual(50);
    const text = allText(msg.blocks);
    expect(text).toContain('*100 blockers* open');
    expect(text).toMatch(/:scissors: \*\d+ more items not shown\*/);
    expect(text).toContain('https://github.com/search?q=');
    let metrics = await (await fetch(`${h.url}/metrics`)).text();
    expect(metrics).toContain('relbot_blockers_digest_github_requests{result="fresh"} 4');
    expect(metrics).toContain('relbot_blockers_digest_github_requests{result="not_modified"} 0');

    gh.clearCalls();
    clock.set('2026-07-07T07:00:30Z');
    await h.relbot.jobs.run(JOB);
    expect(digests(c)).toHaveLength(2);
    expect(searchStatuses(c)).toEqual([304, 304, 304, 304]);
    expect(gh.calls).toHaveLength(4); // nothing vanished: no look-ups
    // A day later 28 items went stale; they lead, and the unchanged rest is a count.
    expect(allText(digests(c)[1]!.blocks)).toContain('0 new items · 0 resolved · 28 went stale');
    expect(allText(digests(c)[1]!.blocks)).toContain('*Unchanged:* 222 items, 89 of them blocking');
    metrics = await (await fetch(`${h.url}/metrics`)).text();
    expect(metrics).toContain('relbot_blockers_digest_github_requests{result="fresh"} 0');
    expect(metrics).toContain('relbot_blockers_digest_github_requests{result="not_modified"} 4');
    expect(metrics).toContain(
      'relbot_blockers_github_requests_total{trigger="digest",result="not_modified"} 4',
    );
    expect(metrics).toContain('relbot_blockers_digests_total{outcome="posted"} 2');

    // The benchmark's entry point: one digest's reads, counted, nothing posted.
    const posts = h.slack.callsTo('chat.postMessage').length;
    expect(await measureDigestRequests(h.relbot.deps, 'v1.37')).toEqual({
      requests: 4,
      fresh: 0,
      notModified: 4,
      items: 250,
      blocks: digests(c)[0]!.blocks!.length, // rendered as the first digest: every item listed
    });
    expect(h.slack.callsTo('chat.postMessage')).toHaveLength(posts);
  });
});

describe('blocker digest: GitHub faults', () => {
  let c: Ctx;
  afterEach(() => teardown(c));

  it('retries a 500 and a 429; a lasting outage posts the last known state with its age after the retry window', async () => {
    c = await setup((gh, now) => seedBlockers(gh, { now }));
    const { h, gh, clock } = c;

    gh.injectFault({ status: 500, times: 1, match: { path: '/search/issues' } });
    await h.relbot.jobs.run(JOB);
    expect(searchStatuses(c)).toEqual([500, 200, 200]);
    expect(digests(c)).toHaveLength(1);
    expect(allText(digests(c)[0]!.blocks)).toContain('*5 blockers* open');

    gh.clearCalls();
    clock.set('2026-07-07T07:00:00Z');
    gh.injectFault({ status: 429, retryAfter: 1, times: 1, match: { path: '/search/issues' } });
    await h.relbot.jobs.run(JOB);
    expect(searchStatuses(c)).toEqual([429, 304, 304]);
    expect(digests(c)).toHaveLength(2);
    expect(allText(digests(c)[1]!.blocks)).not.toContain('unavailable');

    // Wednesday: GitHub keeps failing.
    gh.clearCalls();
    clock.set('2026-07-08T07:00:00Z');
    gh.injectFault({ status: 500, times: 1000, match: { path: '/search/issues' } });
    await h.relbot.jobs.run(JOB);
    expect(lastRun(c)).toMatchObject({ status: 'error' });
    expect(digests(c)).toHaveLength(2); // not yet: the next wake-up retries
    clock.advance({ minutes: 30 });
    await h.relbot.jobs.run(JOB);
    expect(digests(c)).toHaveLength(2);
    clock.advance({ minutes: 31 });
    await h.relbot.jobs.run(JOB);
    expect(digests(c)).toHaveLength(3);
    const outage = allText(digests(c)[2]!.blocks);
    expect(outage).toContain('*GitHub data is unavailable* (GitHub answered HTTP 500)');
    expect(outage).toContain('Showing the last known state, from *25 hours ago*');
    expect(outage).toContain('*5 blockers* open');
    expect(outage).not.toContain('Nothing blocks');

    // Restart in the same slot: still one post for it. Thursday, GitHub is back: diff against Tuesday.
    await restart(c);
    await h.relbot.jobs.run(JOB);
    expect(digests(c)).toHaveLength(3);
    gh.clearFaults();
    clock.set('2026-07-09T07:00:00Z');
    await h.relbot.jobs.run(JOB);
    expect(digests(c)).toHaveLength(4);
    expect(allText(digests(c)[3]!.blocks)).toContain(
      '*Since the previous digest* (data as of <!date^1783407600^{date_short_pretty} {time}|Tue 7 Jul 09:00 GMT+2>)',
    );
  });
});
