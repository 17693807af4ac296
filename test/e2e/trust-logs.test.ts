import { Writable } from 'node:stream';
import { ManualClock } from '../../src/clock';
import { createLogger } from '../../src/log';
import { GitHubEmulator } from '../../src/sandbox/github/server';
import { people } from '../../src/sandbox/seed';
import { seedBlockers, seedTestgrid } from '../../src/sandbox/seed-blockers';
import { type Harness, startHarness } from '../helpers/harness';

/**
 * Honest logs (issue 13, class 9): error level means someone should look. A blocker summary asked
 * twice is answered the second time from 304 Not Modified (ETag cache hits): no error lines.
 */
describe('logs say error only when someone should look', () => {
  const lines: Array<{ level: number; msg: string; status?: number }> = [];
  let h: Harness;
  let gh: GitHubEmulator;

  beforeAll(async () => {
    const clock = new ManualClock('2026-07-06T07:00:00Z');
    gh = new GitHubEmulator({ now: () => clock.now().toJSDate() });
    await gh.start();
    seedBlockers(gh, { now: clock.now().toJSDate() });
    const testgrid = seedTestgrid(gh);
    const destination = new Writable({
      write(chunk, _enc, done) {
        for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l));
        done();
      },
    });
    h = await startHarness({
      clock,
      github: gh,
      log: createLogger({ level: 'debug', destination }),
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

  it('answers a repeated summary from 304s and logs them as cache hits, not errors', async () => {
    for (let i = 0; i < 2; i++) {
      const answer = await h.driver.command(people.member.id, '/blockers');
      expect(JSON.stringify(answer.body)).toContain('v1.37');
    }
    const notModified = gh.calls.filter((c) => c.status === 304);
    expect(notModified.length).toBeGreaterThan(0);
    const cacheHits = lines.filter((l) => /- 304 with id/.test(l.msg));
    expect(cacheHits.length).toBe(notModified.length);
    expect(cacheHits.every((l) => l.level === 20)).toBe(true);
    expect(lines.filter((l) => l.level >= 50)).toEqual([]);
  });
});
