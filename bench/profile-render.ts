import { createHash } from 'node:crypto';
import { DateTime } from 'luxon';
import { stringify } from 'yaml';
import { parseConfig } from '../src/config';
import { fixture } from '../src/fixtures';
import type { CycleDoc, StoredSchedule } from '../src/schedule/model';
import { parseEol, parsePatchSchedule } from '../src/schedule/patches';
import { parseCycleReadme } from '../src/schedule/readme';
import { allMilestones } from '../src/schedule/store';
import { cycleView, nextView, patchesView, type ViewContext } from '../src/schedule/views';
import { BENCH_NOW, benchRawConfig, derivedCycleFiles } from './common';

/**
 * Profiling driver (issue 15, not part of `npm run bench`): renders the /schedule views in-process
 * for many viewers' zones and clock minutes, and prints CPU µs per render and a hash of every text
 * rendered (two checkouts must print the same hash). `tsx bench/profile-render.ts [rounds]`.
 * With PROFILE_COLD=1 each render is for a zone not rendered before in the process (first zones).
 */

const config = parseConfig(stringify(benchRawConfig()), 'profile relbot.yaml');
const cycles: CycleDoc[] = [
  parseCycleReadme(fixture('release-1.37-README.md'), { version: '1.37' }),
  parseCycleReadme(fixture('release-1.36-README.md'), { version: '1.36' }),
  parseCycleReadme(fixture('release-1.34-README.md'), { version: '1.34' }),
  ...derivedCycleFiles().map((f) =>
    parseCycleReadme(f.text, { version: /release-(\d+\.\d+)/.exec(f.path)![1] }),
  ),
];
const stored: StoredSchedule = {
  cycles,
  patches: parsePatchSchedule(fixture('schedule.yaml')),
  eol: parseEol(fixture('eol.yaml')),
  lastSyncAt: '2026-06-01T06:00:00Z',
  sources: [
    { key: 'x', label: 'kubernetes/website/data/releases/schedule.yaml', syncedAt: '2026-06-01T06:00:00Z' },
  ],
};
const milestones = allMilestones(stored, config);
const zones = Intl.supportedValuesOf('timeZone');
const c137 = cycles[0]!;
const views: Array<[string, (ctx: ViewContext) => { text: string; blocks?: unknown[] }]> = [
  ['/schedule', (ctx) => nextView(ctx)],
  ['/schedule 1.37', (ctx) => cycleView(ctx, c137)],
  ['/schedule 1.37 all', (ctx) => cycleView(ctx, c137, true)],
  ['/schedule patches', (ctx) => patchesView(ctx)],
];
const base = DateTime.fromISO(BENCH_NOW, { zone: 'utc' });
const ctxFor = (i: number): ViewContext => ({
  stored,
  milestones,
  now: base.plus({ minutes: i * 37 }),
  tz: zones[i % zones.length]!,
  allDayZone: config.schedule.allDayZone,
  cutoff: config.schedule.cherryPickCutoff,
});

const rounds = Number(process.argv[2] ?? 2000);
const cold = process.env.PROFILE_COLD === '1';
const hash = createHash('sha256');
for (const [name, render] of views) {
  const n = cold ? Math.min(rounds, zones.length) : rounds;
  // warm the code (not the zones in cold mode: those come from the far end of the list)
  for (let i = 0; i < 50; i++) render(ctxFor(cold ? zones.length - 1 - (i % 5) : i));
  let longest = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const s = performance.now();
    const m = render(ctxFor(i));
    const d = performance.now() - s;
    if (d > longest) longest = d;
    hash.update(m.text);
    hash.update(JSON.stringify(m.blocks));
  }
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  console.log(
    `${name.padEnd(20)} ${n} renders: ${((cpu.user + cpu.system) / n).toFixed(1)} µs CPU/render, ${((wall * 1000) / n).toFixed(1)} µs wall/render, longest ${longest.toFixed(2)} ms`,
  );
}
console.log(
  `texts sha256 ${hash.digest('hex').slice(0, 16)} rss ${(process.memoryUsage.rss() / 1e6).toFixed(1)} MB`,
);
