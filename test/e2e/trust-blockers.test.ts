import type { ManualClock } from '../../src/clock';
import type { GitHubEmulator } from '../../src/sandbox/github/server';
import { CHANNEL, people } from '../../src/sandbox/seed';
import { SIGS as SEEDED_SIGS, seedManyBlockers, seedTestgrid } from '../../src/sandbox/seed-blockers';
import { startBlockersHarness } from '../helpers/blockers';
import { allText } from '../helpers/blockers-text';
import type { Harness } from '../helpers/harness';

/**
 * Answers a release team can trust (issue 13), the blocker classes, through the real app: emulated
 * Slack and GitHub (and testgrid), a ManualClock, `/blockers` over signed HTTP and the digest job.
 */

const T0 = '2026-07-06T07:00:00Z'; // Monday 09:00 in Berlin: a digest slot
const user = people.member.id;

describe('trust: /blockers and the blocker digest', () => {
  let h: Harness;
  let gh: GitHubEmulator;
  let clock: ManualClock;

  let stop: () => Promise<void>;

  beforeAll(async () => {
    ({ h, gh, clock, stop } = await startBlockersHarness(T0));
  });
  afterAll(async () => {
    await stop();
  });
  afterEach(() => {
    gh.clearFaults();
    expect(h.slack.violations).toEqual([]);
  });

  const ask = async (text: string) => {
    const res = await h.driver.command(user, '/blockers', text);
    expect(res.status).toBe(200);
    return allText(res.body);
  };

  describe('class 1: no false comfort from a typo', () => {
    it('an unknown SIG is an error naming the known SIGs, closest first; a real SIG with nothing is answered', async () => {
      const typo = await ask('sig nonexistent');
      expect(typo).toContain('relbot knows no SIG `nonexistent`, so it cannot say what blocks it.');
      expect(typo).not.toContain('Nothing blocks');
      expect(typo).not.toContain('Did you mean'); // nothing is close to it
      expect(typo).toContain('The SIGs it knows, closest first: api-machinery, apps, architecture, auth,');

      const close = await ask('sig nod');
      expect(close).toContain('Did you mean `/blockers sig node`?');
      expect(close).toMatch(/closest first: node, /);
      expect(await ask('sig netwrok')).toContain('Did you mean `/blockers sig network`?');
      expect(await ask('sig api')).toContain('Did you mean `/blockers sig api-machinery`?');

      // sig/auth exists (labels.yaml) and has nothing tracked in v1.37: that is the truth.
      expect(await ask('sig auth')).toContain('*Nothing blocks v1.37 in sig/auth.*');
    });

    it('an unknown milestone is an error naming the milestones there are, closest first', async () => {
      const text = await ask('v9.99');
      expect(text).toContain('There is no milestone v9.99 in kubernetes/kubernetes.');
      expect(text).toContain('Open milestones, closest first: `v1.38`, `v1.37`, `v1.36`.');
      expect(text).not.toContain('Nothing blocks');
    });
  });

  describe('class 2: verdicts that match the facts', () => {
    it('says No-Go while blockers are open, naming what decided it, with counts that match the list', async () => {
      const text = await ask('');
      expect(text).toContain('Go/No-Go: :red_circle: *No-Go*: 5 blockers open (CI signal green).');
      expect(text).not.toContain('*Go*');
      // The header says what it counts, and its numbers are those of the sections listed.
      expect(text).toContain(
        '*5 blockers* open: 3 labelled release-blocker (2 issues, 1 PR) and 2 priority/critical-urgent in v1.37 (1 issue, 1 PR).',
      );
      const tracked = /(\d+) items tracked: ([^.\n]*)\./.exec(text)!;
      const sections = [
        ...text.matchAll(
          /^\*(Release blocking issues|Release blocking PRs|priority\/critical-urgent|Failing tests and flakes|priority\/important-soon)\* \((\d+)\)/gm,
        ),
      ];
      const listed = text.match(
        /^• <https:\/\/github\.com\/kubernetes\/kubernetes\/(issues|pull)\//gm,
      )!.length;
      expect(Number(tracked[1])).toBe(listed);
      expect(sections.reduce((n, m) => n + Number(m[2]), 0)).toBe(listed);
      expect(tracked[2]).toBe(
        '2 blocking issues · 1 blocking PR · 2 critical-urgent · 3 failing tests/flakes · 4 important-soon',
      );
    });

    it('says Go only with no blocker open and a green CI signal', async () => {
      gh.addMilestone('kubernetes', 'kubernetes', 'v1.35');
      expect(await ask('v1.35')).toContain(
        'Go/No-Go: :large_green_circle: *Go*: No blockers open and CI signal green.',
      );
    });

    it('a red CI signal is No-Go even with no blocker open, and says so', async () => {
      gh.serveJson('/sig-release-1.35-informing/summary', {
        'ci-kubernetes-e2e-kind': { overall_status: 'FAILING' },
      });
      expect(await ask('v1.35')).toContain(
        'Go/No-Go: :red_circle: *No-Go*: CI signal red: sig-release-1.35-informing failing (no blockers open).',
      );
      seedTestgrid(gh); // back to green
    });

    it('dashboards follow the milestone asked: /blockers 1.36 reads the 1.36 boards, not 1.37 or master', async () => {
      gh.clearCalls();
      const text = await ask('1.36');
      expect(text).toContain(
        'sig-release-1.36-blocking :white_check_mark: · sig-release-1.36-informing :white_check_mark:',
      );
      expect(text).not.toContain('sig-release-1.37');
      expect(text).not.toContain('sig-release-master');
      expect(gh.callsTo('GET', /^\/sig-release-1\.36-(blocking|informing)\/summary/)).toHaveLength(2);
      expect(gh.callsTo('GET', /^\/sig-release-(1\.37|master)-/)).toHaveLength(0);
      // v1.36 has an open critical-urgent PR: No-Go.
      expect(text).toContain('*No-Go*: 1 blocker open (CI signal green).');
    });

    it('a milestone testgrid has no boards for is Unknown, never Go', async () => {
      gh.addMilestone('kubernetes', 'kubernetes', 'v1.38');
      const text = await ask('v1.38');
      expect(text).toContain('*Nothing blocks v1.38.*');
      expect(text).toContain(
        'Go/No-Go: :white_circle: *Unknown*: CI signal unknown: testgrid has no dashboard for this milestone yet (no blockers open).',
      );
      expect(text).toContain('sig-release-1.38-blocking not on testgrid yet');
    });

    it('GitHub down without data: the verdict is Unknown, never Go', async () => {
      gh.addMilestone('kubernetes', 'kubernetes', 'v1.34');
      gh.injectFault({ status: 500, times: 50, match: { path: '/search/issues' } });
      const text = await ask('v1.34');
      expect(text).toContain('This is not an all-clear.');
      expect(text).toContain('*Unknown*: Blockers unknown: GitHub is unavailable (CI signal green).');
    });
  });

  describe('class 5: time said right', () => {
    it('the last known state from a read a moment ago is "from just now", with a date token', async () => {
      await ask('v1.37'); // a good read
      gh.injectFault({ status: 500, times: 50, match: { path: '/search/issues' } });
      const text = await ask('v1.37');
      expect(text).toContain('Showing the last known state, from *just now* (<!date^');
      expect(text).not.toContain('0 minutes');
      expect(text).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:\d\d/); // no raw ISO instant
      expect(text).toMatch(/As of <!date\^\d+\^\{date_short_pretty\} \{time\}\|[^>]+>/);
    });
  });

  describe('class 4: nothing silently vanishes', () => {
    it('a cut summary names every section and SIG with what is not shown, and how to see the rest', async () => {
      seedManyBlockers(gh, 300, { now: clock.now().toJSDate(), milestone: 'v1.40' });
      const text = await ask('v1.40');
      expect(text).toMatch(/:scissors: \*\d+ more items not shown\* \(Slack's message limits\)\./);
      expect(text).toContain('`/blockers sig &lt;name&gt;` shows one SIG in full.');
      // Every section and every SIG is named: shown above (with its count) or in the cut note.
      for (const sig of SEEDED_SIGS) expect(text).toContain(`sig/${sig}`);
      const notes = [...text.matchAll(/^• \*([^*]+)\*: (\d+) of (\d+) not shown:(.*)$/gm)];
      expect(notes.length).toBeGreaterThan(0);
      for (const [, , missing, , rest] of notes) {
        // The SIG counts of a section's line add up to what it left out, and it links the search.
        const perSig = [...rest!.matchAll(/sig\/[\w-]+ (\d+)/g)].reduce((n, m) => n + Number(m[1]), 0);
        expect(perSig).toBe(Number(missing));
        expect(rest).toMatch(/<https:\/\/github\.com\/search\?q=[^|]+\|all \d+ on GitHub>/);
      }
    });
  });

  describe('class 7: digests say what changed first', () => {
    it('the second digest leads with new, resolved and newly stale items and counts the unchanged rest', async () => {
      const digests = () =>
        h.slack.channelMessages(CHANNEL).filter((m) => allText(m.blocks).includes('Daily blocker digest'));
      await h.relbot.jobs.run('blockers-digest');
      await h.relbot.deps.outbound.drain();
      const first = allText(digests().at(-1)!.blocks);
      expect(first).toContain('First digest for this milestone: everything tracked is listed below.');
      expect(first).toContain('#133870>');

      clock.set('2026-07-06T18:00:00Z');
      gh.updateIssue('kubernetes', 'kubernetes', 134077, { state: 'closed' });
      clock.set('2026-07-07T07:00:00Z');
      await h.relbot.jobs.run('blockers-digest');
      await h.relbot.deps.outbound.drain();
      const second = allText(digests().at(-1)!.blocks);
      const changes = second.indexOf('*Since the previous digest*');
      expect(changes).toBeGreaterThan(0);
      expect(second).toMatch(/:white_check_mark: <[^|]+\|#134077> [^\n]* — closed/);
      // The unchanged rest is a count with where to see it, not the list again.
      expect(second).toMatch(
        /\*Unchanged:\* \d+ items, \d+ of them blocking: .*`\/blockers` lists them all\./,
      );
      expect(second).not.toContain('#133870>');
      expect(second).not.toContain('*Release blocking issues* (');
      // "Since the previous digest" names the previous digest's own "As of".
      const asOf = /As of (<!date\^\d+\^[^>]+>)/.exec(first)![1]!;
      expect(second).toContain(`*Since the previous digest* (data as of ${asOf})`);
    });
  });

  describe('class 8: placeholders escaped, user text never live', () => {
    it('usage and errors show <placeholders> as typed and echo nothing that could ping', async () => {
      const help = await ask('help');
      expect(help).toContain('`/blockers sig &lt;name&gt; [v1.XX]`');
      const bad = await ask('sig node <!here>');
      expect(bad).toContain('`&lt;!here&gt;` is not a milestone.');
      expect(bad).not.toContain('<!here>');
      expect(bad).toContain('A milestone looks like `v1.37`, for example `/blockers v1.37`.');
      const summary = await ask('v1.37');
      expect(summary).not.toMatch(/<(?![@#!]|https?:)[^>]*>/); // no bare <placeholder> Slack would turn into a link
    });
  });
});
