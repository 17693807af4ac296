import { monitorEventLoopDelay } from 'node:perf_hooks';
import { spec as blockersSpec } from '../commands/blockers';
import { spec as cherrypickSpec } from '../commands/cherrypick';
import { spec as scheduleSpec } from '../commands/schedule';
import { spec as shadowSpec } from '../commands/shadow';
import { ManualClock } from '../src/clock';
import { GitHubEmulator } from '../src/sandbox/github/server';
import { seedManyBlockers } from '../src/sandbox/seed-blockers';
import { seedSchedule } from '../src/sandbox/seed-schedule';
import { seedShadowApplications } from '../src/sandbox/seed-shadows';
import { AnswerCache, stampFrom } from '../src/slack/answers';
import { findSubcommand } from '../src/slack/command';
import { startHarness } from '../test/helpers/harness';
import { BENCH_NOW, benchRawConfig, derivedCycleFiles } from './common';
import { insertCherrypickHistory } from './seed-db';

/**
 * Profiling driver (issue 15, not part of `npm run bench`): the heaviest answers, each rendered
 * (answer cache off) over real HTTP against the emulated Slack and GitHub, in one process. For
 * each command: CPU per answer (relbot and the emulators together) and the longest the event
 * loop was held (monitorEventLoopDelay, 1 ms resolution: the largest delay a timer saw).
 * Data: 5 cycles, 10,000 cherry-picks (48 pending), 300 blocker items, 500 shadow applications.
 * `tsx bench/profile-answers.ts [runs]`
 */
async function main(): Promise<void> {
  const runs = Number(process.argv[2] ?? 30);
  const clock = new ManualClock(BENCH_NOW);
  const gh = new GitHubEmulator({ now: () => clock.now().toJSDate() });
  await gh.start();
  seedSchedule(gh);
  for (const f of derivedCycleFiles()) {
    const [owner, repo] = f.repo.split('/') as [string, string];
    gh.setFile(owner, repo, f.path, f.text, f.ref);
  }
  seedManyBlockers(gh, 300, { now: clock.now().toJSDate(), milestone: 'v1.37' });
  const bench = benchRawConfig();
  const h = await startHarness({
    clock,
    github: gh,
    config: (raw) => {
      raw.schedule = bench.schedule;
      raw.blockers = { milestone: 'v1.37' };
    },
  });
  await h.relbot.jobs.run('schedule-sync');
  insertCherrypickHistory(h.db, clock.now());
  seedShadowApplications(h.relbot.deps, { count: 500 });
  h.relbot.deps.answers = new AnswerCache(stampFrom(h.db, clock), 0);
  const zones = Intl.supportedValuesOf('timeZone');
  const users = Array.from({ length: 400 }, (_, i) => {
    const id = `UPROF${String(i).padStart(4, '0')}`;
    h.slack.addUser({ id, name: `asker-${i}`, tz: zones[(i * 7) % zones.length]! });
    return id;
  });
  const only = process.env.PROFILE_ONLY;
  const commands: Array<[string, string]> = [
    ['/schedule', ''],
    ['/schedule', '1.37'],
    ['/schedule', '1.37 all'],
    ['/schedule', 'patches'],
    ['/cherrypick', 'list'],
    ['/blockers', ''],
    ['/shadow', 'status'],
  ].filter(([c, t]) => !only || `${c} ${t}`.trim() === only) as Array<[string, string]>;
  // warm-up: every command once, and each asker's zone looked up
  for (const [c, t] of commands) await h.driver.command(users[0]!, c, t);
  for (const u of users) await h.relbot.deps.directory.timeZone(u);
  const loop = monitorEventLoopDelay({ resolution: 1 });
  let k = 0;
  for (const [c, t] of commands) {
    loop.reset();
    loop.enable();
    const cpu0 = process.cpuUsage();
    let chars = 0;
    for (let i = 0; i < runs; i++) {
      const res = await h.driver.command(users[k++ % users.length]!, c, t);
      chars += res.text?.length ?? 0;
    }
    const cpu = process.cpuUsage(cpu0);
    loop.disable();
    console.log(
      `${`${c} ${t}`.padEnd(20)} ${runs} answers, ${Math.round(chars / runs)} chars: ${Math.round((cpu.user + cpu.system) / runs)} µs CPU/answer, event loop held at most ${(loop.max / 1e6).toFixed(1)} ms (p99 delay ${(loop.percentile(99) / 1e6).toFixed(1)} ms)`,
    );
  }
  // The handlers themselves, called directly (no HTTP, no emulator work in between): each is one
  // synchronous stretch after a cached zone lookup, so its CPU is how long it holds the loop.
  const specs = {
    '/schedule': scheduleSpec,
    '/cherrypick': cherrypickSpec,
    '/blockers': blockersSpec,
    '/shadow': shadowSpec,
  };
  for (const [c, t] of commands) {
    const spec = specs[c as keyof typeof specs];
    const { sub, word, rest } = findSubcommand(spec, t);
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const user = users[k++ % users.length]!;
      const matched = sub!.name === '' || (sub!.matches && sub!.name !== word.toLowerCase());
      const args = (matched ? t : rest).split(/\s+/).filter(Boolean);
      const ctx = {
        user,
        channel: 'C0RELEASE',
        args,
        rest: matched ? t : rest,
        triggerId: 'x',
        command: {} as never,
        deps: h.relbot.deps,
        log: h.relbot.deps.log,
      };
      const cpu0 = process.cpuUsage();
      const reply = await sub!.run(ctx);
      if (reply) JSON.stringify(reply);
      const cpu = process.cpuUsage(cpu0);
      times.push(cpu.user + cpu.system);
    }
    times.sort((a, b) => a - b);
    console.log(
      `handler ${`${c} ${t}`.padEnd(20)} ${runs} runs: CPU µs per run (with JSON) min ${times[0]} / median ${times[Math.floor(runs / 2)]} / max ${times.at(-1)}`,
    );
  }
  // Probe: acks of a command answered in the ack (`/schedule help`) sent every 10 ms while the
  // heavy answers arrive at 25/s: how long a person's ack waits behind other people's answers.
  for (const [c, t] of commands) {
    const acks: number[] = [];
    const heavy: Promise<unknown>[] = [];
    const until = performance.now() + 3000;
    let n = 0;
    const heavyTimer = setInterval(() => {
      heavy.push(h.driver.command(users[k++ % users.length]!, c, t));
    }, 40);
    while (performance.now() < until) {
      const s0 = performance.now();
      await h.driver.sendSigned(h.driver.commandBody(users[n++ % users.length]!, '/schedule', 'help'));
      acks.push(performance.now() - s0);
      await new Promise((r) => setTimeout(r, 10));
    }
    clearInterval(heavyTimer);
    await Promise.all(heavy);
    acks.sort((a, b) => a - b);
    const q = (p: number) => acks[Math.min(acks.length - 1, Math.floor(p * acks.length))]!.toFixed(2);
    console.log(
      `probe ack during ${`${c} ${t}`.padEnd(18)} ${acks.length} acks: p50 ${q(0.5)} ms, p99 ${q(0.99)} ms, max ${q(1)} ms (${heavy.length} answers meanwhile)`,
    );
  }
  await h.stop();
  await gh.stop();
}
void main();
