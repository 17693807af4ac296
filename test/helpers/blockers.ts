import { ManualClock } from '../../src/clock';
import { GitHubEmulator } from '../../src/sandbox/github/server';
import { seedBlockers, seedTestgrid } from '../../src/sandbox/seed-blockers';
import { type Harness, startHarness } from './harness';

/**
 * relbot against an emulated GitHub seeded with the v1.37 blockers and testgrid boards, the
 * milestone set to v1.37 and the digest due weekdays at 09:00 Berlin: the setup the blocker
 * trust tests and the golden catalogue share. `stop()` stops relbot and the GitHub emulator.
 */
export async function startBlockersHarness(at: string): Promise<{
  h: Harness;
  gh: GitHubEmulator;
  clock: ManualClock;
  stop(): Promise<void>;
}> {
  const clock = new ManualClock(at);
  const gh = new GitHubEmulator({ now: () => clock.now().toJSDate() });
  await gh.start();
  seedBlockers(gh, { now: clock.now().toJSDate() });
  const testgrid = seedTestgrid(gh);
  const h = await startHarness({
    clock,
    github: gh,
    config: (raw) => {
      raw.blockers = {
        milestone: 'v1.37',
        testgrid: { baseUrl: testgrid.baseUrl, dashboards: testgrid.dashboards },
        digest: { schedule: '0 9 * * 1-5', timezone: 'Europe/Berlin' },
      };
    },
  });
  return {
    h,
    gh,
    clock,
    async stop() {
      await h.stop();
      await gh.stop();
    },
  };
}
