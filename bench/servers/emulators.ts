import { DateTime } from 'luxon';
import { GitHubEmulator } from '../../src/sandbox/github/server';
import { seedSlack } from '../../src/sandbox/seed';
import { seedBlockers } from '../../src/sandbox/seed-blockers';
import { seedSchedule } from '../../src/sandbox/seed-schedule';
import { seedShadowRostersOnGitHub } from '../../src/sandbox/seed-shadows';
import { SlackEmulator } from '../../src/sandbox/slack/server';
import { askers, newcomers } from '../askers';
import { BENCH_NOW, derivedCycleFiles, type EmulatorsReady } from '../common';

/**
 * The emulated Slack and GitHub of the ack/memory benchmarks, in their own process so that neither
 * the load generator nor the measured servers share an event loop (or an RSS) with them. Seeded
 * with the workspace and the bench's askers (bench/askers.ts), the five cycle pages, the patch
 * schedule, the past rosters and the demo release blockers. Prints one
 * JSON line (EmulatorsReady) and runs until killed.
 */
async function main(): Promise<void> {
  const offset = DateTime.fromISO(BENCH_NOW).toMillis() - Date.now();
  const now = () => Date.now() + offset;
  const slack = new SlackEmulator(now);
  await slack.start();
  seedSlack(slack);
  // The askers of the load (every IANA zone) and the people who have not asked yet.
  for (const u of [...askers(), ...newcomers()])
    slack.addUser({ ...u, tz_offset: DateTime.now().setZone(u.tz).offset * 60 });
  const github = new GitHubEmulator({ now: () => new Date(now()) });
  await github.start();
  seedSchedule(github);
  for (const f of derivedCycleFiles()) {
    const [owner, repo] = f.repo.split('/') as [string, string];
    github.setFile(owner, repo, f.path, f.text, f.ref);
  }
  seedShadowRostersOnGitHub(github);
  seedBlockers(github, { now: new Date(now()) });
  // The emulators keep every call in memory; a long flood must not make them the bottleneck.
  setInterval(() => {
    slack.calls.length = 0;
    slack.messages.length = 0;
    github.clearCalls();
  }, 2000).unref();
  const ready: EmulatorsReady = {
    slackApiUrl: slack.apiUrl,
    githubUrl: github.url,
    responseUrls: Array.from({ length: 200 }, () => slack.issueResponseUrl('CJH2GBF7Y', 'U8DFY4TTK')),
    pid: process.pid,
  };
  process.stdout.write(`${JSON.stringify(ready)}\n`);
}

main().catch((err) => {
  process.stderr.write(`emulators: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
