import { burndownOf } from '../../src/blockers/burndown';
import { ManualClock } from '../../src/clock';
import { GitHubEmulator } from '../../src/sandbox/github/server';
import { CHANNEL, people } from '../../src/sandbox/seed';
import { seedBlockers } from '../../src/sandbox/seed-blockers';
import { CP, seedCherrypicks } from '../../src/sandbox/seed-cherrypicks';
import { seedSchedule } from '../../src/sandbox/seed-schedule';
import { revokeScope, sharedFiles, uploadedFiles } from '../../src/sandbox/slack/files';
import { allText } from '../helpers/blockers-text';
import { stateOf, trackByCommand } from '../helpers/cherrypicks';
import { type Harness, startHarness, textOf } from '../helpers/harness';

/**
 * The burndown chart through the real app against the emulated Slack's three-step upload API:
 * the digest shares its PNG exactly once across failures and restarts, `/blockers chart` shares
 * one or says honestly why not, and the /release page shows the same chart as SVG.
 */

const MON_SLOT = '2026-07-06T07:01:00Z';
const JOB = 'blockers-digest';

interface Ctx {
  h: Harness;
  gh: GitHubEmulator;
  clock: ManualClock;
}

async function setup(start = MON_SLOT): Promise<Ctx> {
  const clock = new ManualClock(start);
  const gh = new GitHubEmulator({ now: () => clock.now().toJSDate() });
  await gh.start();
  seedBlockers(gh, { now: clock.now().toJSDate() });
  seedSchedule(gh);
  const h = await startHarness({
    clock,
    github: gh,
    config: (raw) => {
      raw.blockers = { milestone: 'v1.37', digest: { schedule: '0 9 * * 1-5', timezone: 'Europe/Berlin' } };
    },
  });
  await h.relbot.jobs.run('schedule-sync');
  return { h, gh, clock };
}

async function teardown(c: Ctx | undefined) {
  if (!c) return;
  expect(c.h.slack.violations).toEqual([]);
  await c.h.stop();
  await c.gh.stop();
}

async function restart(c: Ctx) {
  const before = c.h.slack.callsTo('auth.test').length;
  await c.h.restart();
  await c.h.slack.waitFor(() => c.h.slack.callsTo('auth.test').length > before);
}

const lastRun = (c: Ctx) =>
  (
    c.h.db.prepare('SELECT status, detail FROM job_runs WHERE job = ? ORDER BY id DESC LIMIT 1').get(JOB) as {
      detail: string;
    }
  ).detail;
const digests = (c: Ctx) =>
  c.h.slack.channelMessages(CHANNEL).filter((m) => allText(m.blocks).includes('Daily blocker digest'));
const uploadState = (c: Ctx, key: string) =>
  (c.h.db.prepare('SELECT state FROM slack_uploads WHERE key = ?').get(key) as { state: string } | undefined)
    ?.state;

function checkPng(png: Buffer) {
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  expect(png.subarray(12, 16).toString('ascii')).toBe('IHDR');
  expect(png.readUInt32BE(16)).toBe(1440);
  expect(png.readUInt32BE(20)).toBe(690);
  expect(png.length).toBeGreaterThan(10_000);
  expect(png.length).toBeLessThan(1_000_000);
}

describe('the digest’s burndown chart', () => {
  let c: Ctx;
  afterEach(() => teardown(c));

  it('is uploaded through the three steps exactly once across failures, restarts and a lost answer, with numbers matching the snapshot', async () => {
    c = await setup();
    const { h, clock } = c;
    const key = 'blockers-digest:v1.37:2026-07-06T07:00:00.000Z:chart';

    // The upload URL fails every time: the digest is posted (with its numbers as text), the chart is not.
    h.slack.injectFault({ method: 'upload_url', status: 500, times: 3 });
    await h.relbot.jobs.run(JOB);
    expect(digests(c)).toHaveLength(1);
    expect(lastRun(c)).toMatch(/^posted v1.37 .*; chart upload failed$/);
    expect(sharedFiles(h.slack)).toHaveLength(0);
    expect(uploadState(c, key)).toBe('url'); // the file_id of step 1 is recorded: as after a crash there
    const digestText = allText(digests(c)[0]!.blocks);
    expect(digestText).toContain(
      ':chart_with_downwards_trend: Open blockers in v1.37: 5 today; peak 5 on Mon 6 Jul.',
    );

    // Restart; the next wake-up resumes the chart (not the digest) with a fresh upload URL.
    await restart(c);
    clock.advance({ minutes: 5 });
    await h.relbot.jobs.run(JOB);
    expect(lastRun(c)).toMatch(/^already-posted v1.37 .*; chart shared$/);
    expect(digests(c)).toHaveLength(1);
    const shared = sharedFiles(h.slack, CHANNEL);
    expect(shared).toHaveLength(1);
    expect(h.slack.callsTo('files.getUploadURLExternal')).toHaveLength(4);
    expect(h.slack.callsTo('files.completeUploadExternal')).toHaveLength(1);
    checkPng(shared[0]!.bytes!);
    expect(shared[0]!.length).toBe(shared[0]!.bytes!.length);

    // The numbers are the snapshot's: 5 blocking items on Monday, stacked by their first SIG.
    const snap = h.db
      .prepare("SELECT items_json FROM blockers_snapshots WHERE kind = 'digest' AND milestone = 'v1.37'")
      .get() as { items_json: string };
    const items = JSON.parse(snap.items_json) as Array<{ blocking: boolean; sigs: string[] }>;
    const blocking = items.filter((i) => i.blocking);
    expect(blocking).toHaveLength(5);
    const row = h.db.prepare('SELECT blocking, by_sig_json FROM blockers_history').get() as {
      blocking: number;
      by_sig_json: string;
    };
    expect(row.blocking).toBe(5);
    const bySig: Record<string, number> = {};
    for (const i of blocking) bySig[i.sigs[0] ?? ''] = (bySig[i.sigs[0] ?? ''] ?? 0) + 1;
    expect(JSON.parse(row.by_sig_json)).toEqual(bySig);
    expect(shared[0]!.altText).toContain('Open blockers in v1.37: 5 today; peak 5 on Mon 6 Jul.');
    // …and so are the chart option's: one point per stacked SIG, adding up to the snapshot's count.
    const chart = burndownOf(h.relbot.deps, 'v1.37', 'sig');
    expect(chart.totals).toEqual([5]);
    expect(Object.fromEntries(chart.series.map((s) => [s.name, s.values]))).toEqual(
      Object.fromEntries(Object.entries(bySig).map(([sig, n]) => [sig ? `sig/${sig}` : 'no SIG', [n]])),
    );

    // Woken again and restarted: nothing more.
    await restart(c);
    await h.relbot.jobs.run(JOB);
    expect(lastRun(c)).toMatch(/; chart already$/);
    expect(sharedFiles(h.slack)).toHaveLength(1);

    // Tuesday: the completion is applied but its answer is lost (HTTP 500). relbot looks in the
    // channel before completing again, finds its file, and shares nothing twice.
    clock.set('2026-07-07T07:01:00Z');
    h.slack.injectFault({ method: 'files.completeUploadExternal', lostAnswerStatus: 500 });
    await h.relbot.jobs.run(JOB);
    expect(lastRun(c)).toMatch(/^posted v1.37 .*; chart shared$/);
    expect(sharedFiles(h.slack)).toHaveLength(2);
    expect(h.slack.callsTo('files.completeUploadExternal')).toHaveLength(2);

    // A crash after step 3 (Slack shared the file, relbot never recorded it): the ledger row is
    // left 'completing'. After the restart the history shows the file: adopted, not shared again.
    const tuesday = 'blockers-digest:v1.37:2026-07-07T07:00:00.000Z:chart';
    h.db.prepare("UPDATE slack_uploads SET state = 'completing' WHERE key = ?").run(tuesday);
    await restart(c);
    clock.advance({ minutes: 5 });
    await h.relbot.jobs.run(JOB);
    expect(lastRun(c)).toMatch(/; chart already$/);
    expect(uploadState(c, tuesday)).toBe('done');
    expect(sharedFiles(h.slack)).toHaveLength(2);
    expect(h.slack.callsTo('files.completeUploadExternal')).toHaveLength(2);
    expect(digests(c)).toHaveLength(2);
    // Two days of history now; the chart text says so.
    expect(h.db.prepare('SELECT COUNT(*) AS n FROM blockers_history').get()).toEqual({ n: 2 });
  });
});

describe('/blockers chart', () => {
  let c: Ctx;
  afterEach(() => teardown(c));

  it('shares the chart in the asker’s channel, and fails honestly under faults and bad input', async () => {
    c = await setup();
    const { h } = c;
    const u = people.member.id;
    const ask = async (text: string, channel = CHANNEL) =>
      textOf((await h.driver.command(u, '/blockers', text, channel)).body);

    // No digest yet: nothing to draw, and nothing uploaded.
    expect(await ask('chart')).toContain('relbot has no daily blocker digest of v1.37 yet');
    expect(h.slack.callsTo('files.getUploadURLExternal')).toHaveLength(0);

    await h.relbot.jobs.run(JOB); // Monday's digest and its chart
    expect(sharedFiles(h.slack)).toHaveLength(1);

    const ok = await ask('chart v1.37 kind');
    expect(ok).toContain('Shared the burndown chart of v1.37 (by kind) in this conversation.');
    expect(ok).toContain('Open blockers in v1.37: 5 today; peak 5 on Mon 6 Jul.');
    expect(sharedFiles(h.slack, CHANNEL)).toHaveLength(2);
    checkPng(uploadedFiles(h.slack).at(-1)!.bytes!);

    // Slack down for the upload URL: an error with the numbers, no success claimed, nothing shared.
    h.slack.injectFault({ method: 'files.getUploadURLExternal', status: 503, times: 3 });
    const down = await ask('chart');
    expect(down).toContain(':warning: The chart was not shared: Slack is unavailable');
    expect(down).toContain('Open blockers in v1.37: 5 today; peak 5 on Mon 6 Jul.');
    expect(down).not.toContain('Shared the burndown');

    // A conversation relbot cannot share in.
    const elsewhere = await ask('chart', 'C0NOSUCH');
    expect(elsewhere).toContain('The chart was not shared: Slack answered channel_not_found');

    // Installed without files:write.
    revokeScope(h.slack, 'files:write');
    expect(await ask('chart')).toContain('relbot lacks the files:write scope');
    expect(sharedFiles(h.slack)).toHaveLength(2);

    // Bad input changes nothing.
    const calls = h.slack.callsTo('files.getUploadURLExternal').length;
    expect(await ask('chart v1.37 pie')).toContain('`pie` is not a way to stack the chart.');
    expect(await ask('chart v1.37 kind extra')).toContain('`/blockers chart` takes at most a milestone');
    expect(await ask('chart v1.99')).toContain('relbot has no daily blocker digest of v1.99 yet');
    expect(h.slack.callsTo('files.getUploadURLExternal').length).toBe(calls);
    expect(await ask('help')).toContain('/blockers chart [v1.XX] [sig | kind]');
  });
});

describe('the /release page', () => {
  let c: Ctx;
  afterEach(() => teardown(c));

  it('shows the schedule, the burndown as SVG and the cherry-pick queue; unknown versions are 404 with the known cycles', async () => {
    c = await setup();
    const { h } = c;
    await h.relbot.jobs.run(JOB);
    // The queue: one pick approved (not merged yet), one pending.
    seedCherrypicks(c.gh);
    const approved = await trackByCommand(h, people.member.id, CP.green136);
    await trackByCommand(h, people.member.id, CP.green135);
    await h.driver.click(people.approver.id, approved, 'cherrypick_approve');
    await h.slack.waitFor(() => stateOf(h, CP.green136) === 'approved');
    const page = await fetch(`${h.url}/release/1.37`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<h1>Kubernetes v1.37 release</h1>');
    expect(html).toContain('Begin Code Freeze and Test Freeze');
    expect(html).toContain('Thu 23 Jul 2026, 12:00 UTC');
    expect(html).toContain('in 17 days');
    expect(html).toContain('<svg');
    expect(html).toContain('Open blockers in v1.37: 5 today; peak 5 on Mon 6 Jul.');
    expect(html).toContain('Cherry-pick queue');
    const row = (n: number) => html.split('<tr>').find((r) => r.includes(`#${n}</a>`)) ?? '';
    expect(row(CP.green136)).toContain('approved today, not merged yet');
    expect(row(CP.green136)).toContain('release-1.36');
    expect(row(CP.green135)).toContain('pending a decision');

    const current = await fetch(`${h.url}/release`);
    expect(current.status).toBe(200);
    expect(await current.text()).toContain('Kubernetes v1.37 release');

    const unknown = await fetch(`${h.url}/release/%3Cscript%3E`);
    expect(unknown.status).toBe(404);
    const body = await unknown.text();
    expect(body).toContain('No release &#60;script&#62;');
    expect(body).not.toContain('<script>');
    expect(body).toContain('<a href="/release/1.37">v1.37</a>');
  });
});
