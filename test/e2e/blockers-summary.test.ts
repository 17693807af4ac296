import { ManualClock } from '../../src/clock';
import { GitHubEmulator } from '../../src/sandbox/github/server';
import { people } from '../../src/sandbox/seed';
import { seedBlockers, seedTestgrid } from '../../src/sandbox/seed-blockers';
import { allText } from '../helpers/blockers-text';
import { type Harness, startHarness } from '../helpers/harness';

const T0 = '2026-07-06T07:00:00Z';

const user = people.member.id;

describe('/blockers over real HTTP against the emulated GitHub', () => {
  let h: Harness;
  let gh: GitHubEmulator;
  let clock: ManualClock;
  let testgrid: ReturnType<typeof seedTestgrid>;

  beforeAll(async () => {
    clock = new ManualClock(T0);
    gh = new GitHubEmulator({ now: () => clock.now().toJSDate() });
    await gh.start();
    seedBlockers(gh, { now: clock.now().toJSDate() });
    testgrid = seedTestgrid(gh);
    h = await startHarness({
      clock,
      github: gh,
      config: (raw) => {
        raw.blockers = {
          milestone: 'v1.37',
          testgrid: { baseUrl: testgrid.baseUrl, dashboards: testgrid.dashboards },
        };
      },
    });
  });
  afterAll(async () => {
    await h.stop();
    await gh.stop();
  });
  beforeEach(() => {
    gh.clearCalls();
    gh.clearFaults();
  });
  afterEach(() => {
    expect(h.slack.violations).toEqual([]);
  });

  const ask = async (text: string) => {
    const res = await h.driver.command(user, '/blockers', text);
    expect(res.status).toBe(200);
    expect((res.body as { response_type: string }).response_type).toBe('ephemeral');
    return allText(res.body);
  };

  it('shows the summary in the template order, grouped by SIG, with ages, stale markers and PR review state', async () => {
    const text = await ask('');
    // Counts first, saying what they count: 3 release-blockers + 2 critical-urgent = 5 blocking,
    // and the 12 items listed by section.
    expect(text).toContain(
      '*5 blockers* open: 3 labelled release-blocker (2 issues, 1 PR) and 2 priority/critical-urgent in v1.37 (1 issue, 1 PR).',
    );
    expect(text).toContain(
      '12 items tracked: 2 blocking issues · 1 blocking PR · 2 critical-urgent · 3 failing tests/flakes · 4 important-soon.',
    );
    const order = [
      '*Release blocking issues* (2)',
      '*Release blocking PRs* (1)',
      '*priority/critical-urgent* (2)',
      '*Failing tests and flakes* (3)',
      '*priority/important-soon* (4)',
    ].map((s) => text.indexOf(s));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    // Grouped by SIG within a section.
    expect(text).toMatch(
      /\*sig\/node\* \(1\)\n• <https:\/\/github\.com\/kubernetes\/kubernetes\/issues\/134077\|#134077>/,
    );
    // Ageing: #133950 created 15 days ago, updated 5 days ago -> stale (3 days by default).
    expect(text).toMatch(/#133950>[^\n]*15d old · updated 5d ago · :warning: \*stale\*/);
    expect(text).toMatch(/#134077>[^\n]*6d old · updated &lt;1d ago$/m);
    // PRs: lgtm / approved / hold.
    expect(text).toMatch(/#133988>[^\n]*no lgtm · approved ✓ · :double_vertical_bar: hold/);
    expect(text).toMatch(/#133870>[^\n]*lgtm ✓ · approved ✓/);
    // Assignees and SIGs.
    expect(text).toMatch(/#134101>[^\n]*sig\/api-machinery, sig\/scalability · @wojtek-t/);
    // Escaped title: no live mention.
    expect(text).not.toContain('<!channel>');
    expect(text).toContain('&lt;!channel&gt;');
    // Not counted: closed, other milestone, other priority.
    for (const n of ['133000', '132900', '133500']) expect(text).not.toContain(`#${n}`);
    // Go/No-Go: the testgrid summaries all pass, but 5 blockers are open.
    expect(text).toContain('Go/No-Go: :red_circle: *No-Go*: 5 blockers open (CI signal green).');
    // Two searches, 100 a page.
    const searches = gh.callsTo('GET', '/search/issues');
    expect(searches).toHaveLength(2);
    expect(searches.every((c) => c.query.per_page === '100')).toBe(true);
  });

  it('five people asking at once share one GitHub read, and each gets the whole answer', async () => {
    clock.advance({ minutes: 1 }); // past the answer cache's minute
    gh.clearCalls();
    const askers = [people.member, people.lead, people.approver, people.docsLead, people.branchLead];
    const answers = await Promise.all(
      askers.map(async (p) => allText((await h.driver.command(p.id, '/blockers', 'v1.37')).body)),
    );
    for (const a of answers) expect(a).toContain('*5 blockers* open');
    // One read: its two searches, not ten.
    expect(gh.callsTo('GET', '/search/issues')).toHaveLength(2);
  });

  it('ages items with the injected clock: two days later more items are stale', async () => {
    const before = (await ask('v1.37')).match(/:warning: \*stale\*/g)?.length ?? 0;
    clock.advance({ days: 2 }); // the clock only moves forward; later tests use relative ages
    const after = await ask('v1.37');
    const staleAfter = after.match(/:warning: \*stale\*/g)?.length ?? 0;
    expect(staleAfter).toBeGreaterThan(before);
    expect(after).toMatch(/#134077>[^\n]*8d old · updated 2d ago$/m);
    // Unchanged data: the second read is served by 304s.
    expect(
      gh
        .callsTo('GET', '/search/issues')
        .slice(-2)
        .map((c) => c.status),
    ).toEqual([304, 304]);
  });

  it('/blockers sig <name> shows one SIG', async () => {
    const text = await ask('sig node');
    expect(text).toContain('Release blockers · v1.37 · sig/node');
    for (const n of ['134077', '134033', '133870']) expect(text).toContain(`#${n}>`);
    for (const n of ['134012', '134101', '133950']) expect(text).not.toContain(`#${n}>`);
    expect(text).toContain('*1 blocker* open in sig/node: 1 labelled release-blocker (1 issue).');
    expect(text).toContain('3 items tracked: 1 blocking issue · 1 failing test/flake · 1 important-soon.');
    expect(await ask('sig sig/Node v1.37')).toContain('#134077>');
    // A real SIG with nothing tracked is answered; an unknown name is an error, not an all-clear.
    expect(await ask('sig auth')).toContain('Nothing blocks v1.37 in sig/auth.');
    const typo = await ask('sig no-such-sig');
    expect(typo).toContain('relbot knows no SIG `no-such-sig`');
    expect(typo).not.toContain('Nothing blocks');
  });

  it('answers a milestone with no blockers honestly', async () => {
    gh.addMilestone('kubernetes', 'kubernetes', 'v1.38');
    const text = await ask('1.38');
    expect(text).toContain('Nothing blocks v1.38.');
    expect(text).not.toContain('#134');
  });

  it('rejects an unknown milestone, bad arguments and a bad SIG name, and stores nothing', async () => {
    const rows = () => h.db.prepare('SELECT COUNT(*) AS n FROM blockers_snapshots').get();
    const before = rows();
    const unknown = await ask('v1.99');
    expect(unknown).toContain('There is no milestone v1.99 in kubernetes/kubernetes.');
    expect(unknown).toContain('Open milestones, closest first: `v1.38`, `v1.37`, `v1.36`.');
    expect(await ask('v1.37 v1.38')).toContain('at most one milestone');
    expect(await ask('sig')).toContain('Which SIG?');
    expect(await ask('sig <!here>')).toContain('A SIG name is letters');
    expect(await ask('sig node v1.37 extra')).toContain('at most one milestone');
    expect(await ask('sig node 1.x')).toContain('`1.x` is not a milestone');
    const unicode = await ask('🚀ünïcødé');
    expect(unicode).toContain('is not a /blockers subcommand');
    expect(rows()).toEqual(before);
  });

  it('says GitHub is unavailable and shows the last known data with its age on 500s', async () => {
    await ask('v1.37'); // a good read to fall back on
    clock.advance({ hours: 3 });
    gh.clearCalls();
    gh.injectFault({ status: 500, times: 20, match: { path: '/search/issues' } });
    const text = await ask('v1.37');
    expect(text).toContain('*GitHub data is unavailable* (GitHub answered HTTP 500)');
    expect(text).toContain('from *3 hours ago*');
    expect(text).toContain('*5 blockers* open');
    expect(text).not.toContain('Nothing blocks');
    // The retry plugin tried 3 times (retries: 2 in the harness) before giving up.
    expect(gh.callsTo('GET', '/search/issues').map((c) => c.status)).toEqual([500, 500, 500]);
  });

  it('never gives an all-clear on a rate limit without earlier data', async () => {
    gh.addMilestone('kubernetes', 'kubernetes', 'v1.39');
    gh.injectFault({ status: 429, retryAfter: 1, times: 20, match: { path: '/search/issues' } });
    const text = await ask('v1.39');
    expect(text).toContain('*GitHub data is unavailable* (GitHub rate limit (HTTP 429))');
    expect(text).toContain('This is not an all-clear');
    expect(text).not.toContain('Nothing blocks');
  });

  it('names the CI signal in the verdict: a failing informing board, a flaky blocking one, an unreadable one', async () => {
    gh.serveJson('/sig-release-master-informing/summary', {
      'ci-kubernetes-e2e-kind': { overall_status: 'FAILING' },
      'ci-kubernetes-unit': { overall_status: 'PASSING' },
    });
    expect(await ask('v1.37')).toContain(
      'Go/No-Go: :red_circle: *No-Go*: 5 blockers open (CI signal red: sig-release-master-informing failing).',
    );
    gh.serveJson('/sig-release-master-informing/summary', {
      'ci-kubernetes-e2e-kind': { overall_status: 'PASSING' },
    });
    gh.serveJson('/sig-release-1.37-blocking/summary', {
      'ci-kubernetes-e2e-kind': { overall_status: 'FLAKY' },
    });
    expect(await ask('v1.37')).toContain(
      '*No-Go*: 5 blockers open (CI signal yellow: sig-release-1.37-blocking flaky).',
    );
    gh.injectFault({ status: 502, times: 1, match: { path: '/sig-release-master-blocking/summary' } });
    const text = await ask('v1.37');
    expect(text).toContain(
      '*No-Go*: 5 blockers open (CI signal unknown: sig-release-master-blocking could not be read).',
    );
    expect(text).toContain('sig-release-master-blocking :grey_question: (HTTP 502)');
  });
});
