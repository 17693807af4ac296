import type { Relbot } from '../app';
import type { ManualClock } from '../clock';
import type { GitHubEmulator } from './github/server';
import { RELEASE_TEAM_GROUP } from './seed';
import { BLOCKERS_MILESTONE, seedBlockers, seedTestgrid } from './seed-blockers';
import { seedCherrypicks } from './seed-cherrypicks';
import { seedHistory } from './seed-history';
import { scheduleSourcesConfig, seedSchedule } from './seed-schedule';
import { PAST_ROSTER_VERSIONS, seedShadowRostersOnGitHub } from './seed-shadows';
import { seedWriteBackRepos, writeBackSandboxConfig } from './seed-write-back';
import type { SlackEmulator } from './slack/server';

export interface SeedContext {
  github: GitHubEmulator;
  slack: SlackEmulator;
  /** The sandbox relbot.yaml object; seeds add their feature's settings. */
  raw: Record<string, unknown>;
  clock: ManualClock;
}

/**
 * Seeds every feature's sandbox data from the real fixtures: the v1.37/1.36/1.34 cycle pages and
 * the patch schedule served through the emulated GitHub contents API, realistic cherry-pick PRs,
 * v1.37 milestone blockers with testgrid summaries, and the past rosters. `afterStart` runs the
 * first schedule sync once relbot is up, as production's daily job would have.
 */
export async function prepareFeatures(
  ctx: SeedContext,
): Promise<{ afterStart?: (relbot: Relbot) => Promise<void> }> {
  const { github, raw, clock } = ctx;
  seedSchedule(github);
  raw.schedule = { ...(raw.schedule as object), sources: scheduleSourcesConfig() };
  seedCherrypicks(github, { start: clock.now().minus({ days: 4 }).toISO()! });
  seedBlockers(github, { now: clock.now().toJSDate() });
  const testgrid = seedTestgrid(github, { blocking: 'PASSING', informing: 'FLAKY' });
  raw.blockers = {
    ...(raw.blockers as object),
    milestone: BLOCKERS_MILESTONE,
    testgrid: { ...testgrid, baseUrl: github.url },
  };
  seedShadowRostersOnGitHub(github);
  raw.shadows = {
    ...(raw.shadows as object),
    pastRosters: PAST_ROSTER_VERSIONS.map((version) => ({ version })),
    releaseTeamUsergroup: RELEASE_TEAM_GROUP,
  };
  seedWriteBackRepos(github);
  writeBackSandboxConfig(raw);
  return {
    async afterStart(relbot) {
      await relbot.jobs.run('schedule-sync');
      seedHistory(relbot.deps);
      await relbot.jobs.run('cherrypick-discovery');
    },
  };
}
