import { LABELS } from './askers';
import type { GithubCostRow, GithubHourRow } from './github-cost';
import type { GrowthResult } from './growth-run';
import type { Figures } from './open-loop';
import type { SeedReport } from './seed-db';
import type { TimelinessResult } from './timeliness';

/**
 * The markdown `npm run bench` prints (and docs/performance.md shows): the issue's target table
 * (relbot ÷ the same-I/O baseline, min / median / max over the rounds; a row passes when its
 * median meets the target), then per command, per load point, memory, cost growth, GitHub and
 * timeliness.
 */

export type Server = 'bare' | 'relbot';

export interface Run {
  figures: Record<string, Figures>;
  cpuMicrosPerAnswer: number;
  senderLagP99: number;
  seconds: number;
  cachedByMetrics?: number;
}

export interface Point {
  name: string;
  rounds: Array<Record<Server, Run>>;
}

type Mem = { rssMB: number; heapUsedMB: number };

export interface Results {
  date: string;
  command: string;
  wallSeconds: number;
  machine: {
    cpus: number;
    model: string;
    memoryGB: number;
    node: string;
    platform: string;
    loadavg: number[];
  };
  settings: {
    rounds: number;
    secondsPerPoint: number;
    rates: number[];
    saturating: number;
    closedConcurrency: number;
    askers: number;
    zones: number;
  };
  seed: SeedReport;
  answerBytes: Record<string, number>;
  coldStartMs: Record<Server, number[]>;
  memory: { afterWarmup: Record<Server, Mem>; afterLoad: Array<Record<Server, Mem>> };
  points: Point[];
  ackOnly: Array<{ bare: Run; relbotAckP50: number; relbotAckP99: number }>;
  newcomer: Array<Record<Server, number[]>>;
  /** `/blockers` time to answer (ms), asked alone one every few seconds. */
  blockers: Record<Server, number[]>;
  flood: Record<
    Server,
    {
      maxRssMB: number;
      firstHalfMaxRssMB: number;
      secondHalfMaxRssMB: number;
      acked: number;
      refused?: number;
    }
  >;
  growth: GrowthResult;
  github: GithubCostRow[];
  githubPerHour: GithubHourRow[];
  timeliness: TimelinessResult;
}

export const TARGETS = {
  ackP50: 1.1,
  ackP99: 1.25,
  answerP50: 1.25,
  answerP99: 1.5,
  newcomerP50: 2.0,
  cpu: 1.5,
  rssAfterLoad: 1.5,
  coldStart: 2.0,
  cpuGrowth: 1.2,
};

const median = (xs: number[]) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!s.length) return Number.NaN;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** min / median / max of a figure over the rounds. */
export function spread(xs: number[]): { min: number; median: number; max: number } {
  const s = xs.filter((x) => Number.isFinite(x));
  return { min: Math.min(...s), median: median(s), max: Math.max(...s) };
}

const f2 = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : '–');
const f1 = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '–');
const sp = (xs: number[]) => {
  const s = spread(xs);
  return `${f2(s.min)} / **${f2(s.median)}** / ${f2(s.max)}`;
};
const pf = (xs: number[], target: number) => (median(xs) <= target ? 'pass' : '**fail**');

type Key = 'ackP50' | 'ackP99' | 'answerP50' | 'answerP99';
const ratios = (p: Point, label: string, key: Key) =>
  p.rounds.map((r) => r.relbot.figures[label]![key] / r.bare.figures[label]![key]);
const abs = (p: Point, label: string, key: Key, who: Server) =>
  median(p.rounds.map((r) => r[who].figures[label]![key]));
const cpuRatios = (p: Point) => p.rounds.map((r) => r.relbot.cpuMicrosPerAnswer / r.bare.cpuMicrosPerAnswer);

export function report(r: Results): string {
  const out: string[] = [];
  const at50 = r.points[0]!;
  const nc = r.newcomer.map((n) => median(n.relbot) / median(n.bare));
  const rss = r.memory.afterLoad.map((m) => m.relbot.rssMB / m.bare.rssMB);
  const coldPairs = r.coldStartMs.relbot.map((x, i) => x / r.coldStartMs.bare[i]!);
  const hits = (p: Point) =>
    p.rounds.map((x) => x.relbot.figures.overall!.inAck / x.relbot.figures.overall!.requests);
  out.push(
    `relbot bench — ${r.date.slice(0, 16).replace('T', ' ')} UTC, ${r.machine.cpus} cores (${r.machine.model}, load average ${r.machine.loadavg.map((x) => x.toFixed(1)).join(' ')}), Node ${r.machine.node}, \`${r.command}\`, ${r.wallSeconds} s`,
    '',
    `${r.settings.rounds} rounds (relbot and the baseline alternate who goes first), ${r.settings.secondsPerPoint} s per point; ${r.settings.askers} askers in ${r.settings.zones} IANA zones; each cell is min / **median** / max of relbot ÷ baseline over the rounds; a row passes when its median meets the target.`,
    '',
    '### Targets (relbot ÷ same-I/O bare Bolt, same run; open loop 50 req/s)',
    '',
    '| figure | target | relbot ÷ baseline (min / median / max) | baseline / relbot, median | result |',
    '|---|--:|--:|--:|---|',
    `| ack p50 | ≤ ${TARGETS.ackP50} | ${sp(ratios(at50, 'overall', 'ackP50'))} | ${f2(abs(at50, 'overall', 'ackP50', 'bare'))} / ${f2(abs(at50, 'overall', 'ackP50', 'relbot'))} ms | ${pf(ratios(at50, 'overall', 'ackP50'), TARGETS.ackP50)} |`,
    `| ack p99 | ≤ ${TARGETS.ackP99} | ${sp(ratios(at50, 'overall', 'ackP99'))} | ${f2(abs(at50, 'overall', 'ackP99', 'bare'))} / ${f2(abs(at50, 'overall', 'ackP99', 'relbot'))} ms | ${pf(ratios(at50, 'overall', 'ackP99'), TARGETS.ackP99)} |`,
    `| time to answer p50 | ≤ ${TARGETS.answerP50} | ${sp(ratios(at50, 'overall', 'answerP50'))} | ${f2(abs(at50, 'overall', 'answerP50', 'bare'))} / ${f2(abs(at50, 'overall', 'answerP50', 'relbot'))} ms | ${pf(ratios(at50, 'overall', 'answerP50'), TARGETS.answerP50)} |`,
    `| time to answer p99 | ≤ ${TARGETS.answerP99} | ${sp(ratios(at50, 'overall', 'answerP99'))} | ${f2(abs(at50, 'overall', 'answerP99', 'bare'))} / ${f2(abs(at50, 'overall', 'answerP99', 'relbot'))} ms | ${pf(ratios(at50, 'overall', 'answerP99'), TARGETS.answerP99)} |`,
    `| first answer to a person not seen before (\`/schedule 1.37\`) p50 | ≤ ${TARGETS.newcomerP50} | ${sp(nc)} | ${f2(median(r.newcomer.flatMap((n) => n.bare)))} / ${f2(median(r.newcomer.flatMap((n) => n.relbot)))} ms | ${pf(nc, TARGETS.newcomerP50)} |`,
    `| server CPU per answered request | ≤ ${TARGETS.cpu} | ${sp(cpuRatios(at50))} | ${Math.round(median(at50.rounds.map((x) => x.bare.cpuMicrosPerAnswer)))} / ${Math.round(median(at50.rounds.map((x) => x.relbot.cpuMicrosPerAnswer)))} µs | ${pf(cpuRatios(at50), TARGETS.cpu)} |`,
    `| RSS after load (after GC) | ≤ ${TARGETS.rssAfterLoad} | ${sp(rss)} | ${f1(median(r.memory.afterLoad.map((m) => m.bare.rssMB)))} / ${f1(median(r.memory.afterLoad.map((m) => m.relbot.rssMB)))} MB | ${pf(rss, TARGETS.rssAfterLoad)} |`,
    `| cold start (spawn compiled → /healthz 200) | ≤ ${TARGETS.coldStart} | ${sp(coldPairs)} | ${Math.round(median(r.coldStartMs.bare))} / ${Math.round(median(r.coldStartMs.relbot))} ms | ${pf(coldPairs, TARGETS.coldStart)} |`,
    `| CPU per answer, largest ÷ smallest history (cost growth) | ≤ ${TARGETS.cpuGrowth} | ${f2(r.growth.cpuGrowth)} | ${Math.round(r.growth.rows[0]!.cpuMicrosPerAnswer)} / ${Math.round(r.growth.rows.at(-1)!.cpuMicrosPerAnswer)} µs | ${r.growth.cpuGrowth <= TARGETS.cpuGrowth ? 'pass' : '**fail**'} |`,
    '',
    `Answer cache hit rate (answered in the ack) at 50 req/s: ${sp(hits(at50).map((x) => x * 100))} % (by /metrics: ${at50.rounds.map((x) => x.relbot.cachedByMetrics).join(', ')} cached of ${at50.rounds.map((x) => x.relbot.figures.overall!.requests).join(', ')}). RSS after warm-up: bare ${r.memory.afterWarmup.bare.rssMB} MB (heap used ${r.memory.afterWarmup.bare.heapUsedMB}), relbot ${r.memory.afterWarmup.relbot.rssMB} MB (heap used ${r.memory.afterWarmup.relbot.heapUsedMB}); after load, heap used bare / relbot ${f1(median(r.memory.afterLoad.map((m) => m.bare.heapUsedMB)))} / ${f1(median(r.memory.afterLoad.map((m) => m.relbot.heapUsedMB)))} MB. Ack against the ack-only baseline (a bare app that answers nothing): p50 ${sp(r.ackOnly.map((a) => a.relbotAckP50 / a.bare.figures.overall!.ackP50))}, p99 ${sp(r.ackOnly.map((a) => a.relbotAckP99 / a.bare.figures.overall!.ackP99))}.`,
    '',
    '### Per command (open loop 50 req/s; relbot ÷ baseline, min / median / max)',
    '',
    '| command | answer bytes | ack p50 | ack p99 | answer p50 | answer p99 | answer p50 bare / relbot (ms) | answered in the ack |',
    '|---|--:|--:|--:|--:|--:|--:|--:|',
  );
  for (const l of ['overall', ...LABELS]) {
    const inAck = at50.rounds.map(
      (x) => x.relbot.figures[l]!.inAck / Math.max(1, x.relbot.figures[l]!.requests),
    );
    out.push(
      `| ${l} | ${r.answerBytes[l] ?? ''} | ${sp(ratios(at50, l, 'ackP50'))} | ${sp(ratios(at50, l, 'ackP99'))} | ${sp(ratios(at50, l, 'answerP50'))} | ${sp(ratios(at50, l, 'answerP99'))} | ${f2(abs(at50, l, 'answerP50', 'bare'))} / ${f2(abs(at50, l, 'answerP50', 'relbot'))} | ${Math.round(median(inAck) * 100)} % |`,
    );
  }
  out.push(
    `| /blockers (asked alone, one every 4 s: GitHub searches) | ${r.answerBytes['/blockers'] ?? ''} | | | ${sp(r.blockers.relbot.map((x, i) => x / r.blockers.bare[i]!))} | | ${f2(median(r.blockers.bare))} / ${f2(median(r.blockers.relbot))} | |`,
  );
  out.push(
    '',
    '### Per load point (overall; relbot ÷ baseline, min / median / max)',
    '',
    '| load | answers/s bare / relbot | ack p50 | ack p99 | answer p50 | answer p99 | CPU / answer | relbot busy / failed | sender lag p99 |',
    '|---|--:|--:|--:|--:|--:|--:|--:|--:|',
  );
  for (const p of r.points) {
    const rate = (w: Server) => median(p.rounds.map((x) => x[w].figures.overall!.answered / x[w].seconds));
    out.push(
      `| ${p.name} | ${Math.round(rate('bare'))} / ${Math.round(rate('relbot'))} | ${sp(ratios(p, 'overall', 'ackP50'))} | ${sp(ratios(p, 'overall', 'ackP99'))} | ${sp(ratios(p, 'overall', 'answerP50'))} | ${sp(ratios(p, 'overall', 'answerP99'))} | ${sp(cpuRatios(p))} | ${p.rounds.map((x) => `${x.relbot.figures.overall!.busy}/${x.relbot.figures.overall!.failed}`).join(', ')} | ${f1(Math.max(...p.rounds.map((x) => Math.max(x.bare.senderLagP99, x.relbot.senderLagP99))))} ms |`,
    );
  }
  const fl = r.flood;
  out.push(
    '',
    '### Memory under a flood of posting commands (50 connections)',
    '',
    '| | max RSS | first / second half max | commands acked | posts refused (queue full) |',
    '|---|--:|--:|--:|--:|',
    `| bare | ${fl.bare.maxRssMB} MB | ${fl.bare.firstHalfMaxRssMB} / ${fl.bare.secondHalfMaxRssMB} MB | ${fl.bare.acked} | |`,
    `| relbot | ${fl.relbot.maxRssMB} MB | ${fl.relbot.firstHalfMaxRssMB} / ${fl.relbot.secondHalfMaxRssMB} MB | ${fl.relbot.acked} | ${fl.relbot.refused ?? 0} |`,
    '',
    '### How cost grows (answer cache off: every answer rendered from the database)',
    '',
    '| cherry-picks | cycles | audit rows | SQLite file | CPU / answer | top statement (mean µs) |',
    '|--:|--:|--:|--:|--:|---|',
  );
  for (const g of r.growth.rows)
    out.push(
      `| ${g.picks} | ${g.cycles} | ${g.audit} | ${g.dbMB} MB | ${Math.round(g.cpuMicrosPerAnswer)} µs | \`${(g.topSql[0]?.sql ?? '').slice(0, 70)}…\` (${f1(g.topSql[0]?.meanMicros ?? Number.NaN)}) |`,
    );
  const s = r.growth.slowest;
  out.push(
    '',
    `${Math.round(r.growth.bytesPerPick)} bytes per cherry-pick record with its audit rows. Slowest hot statement at the largest size (mean ${f1(s.meanMicros)} µs, max ${f1(s.maxMicros)} µs, ${s.count} calls): \`${s.sql.slice(0, 300)}\`; plan: ${s.plan.map((p) => `\`${p.trim()}\``).join(' → ')}`,
    '',
    '### GitHub requests per hour at the example config (steady state: nothing changed)',
    '',
    '| watched repos | discovery | digest | schedule sync | roster import | per hour | answered 304 | longest search query |',
    '|--:|--:|--:|--:|--:|--:|--:|--:|',
  );
  for (const g of r.githubPerHour) {
    const j = (name: string) => g.jobs.find((x) => x.job === name)!;
    const cell = (name: string) =>
      `${f2(j(name).perHour)} (${j(name).unchanged.requests}/run, cold ${j(name).cold.requests})`;
    out.push(
      `| ${g.repos} | ${cell('cherrypick-discovery')} | ${cell('blockers digest')} | ${cell('schedule-sync')} | ${cell('past-roster import')} | ${f1(g.perHour)} | ${Math.round(g.notModifiedShare * 100)} % | ${g.longestSearchQuery} chars |`,
    );
  }
  out.push(
    '',
    '### GitHub requests per blocker digest',
    '',
    '| matching items | run | requests | 200 | 304 | seen by emulated GitHub | target (2 × (1 + N/100)) | result |',
    '|--:|---|--:|--:|--:|--:|--:|---|',
  );
  for (const g of r.github)
    out.push(
      `| ${g.items} | ${g.run} | ${g.requests} | ${g.fresh} | ${g.notModified} | ${g.emulatorRequests} | ≤ ${g.bound} | ${g.pass ? 'pass' : '**fail**'} |`,
    );
  const t = r.timeliness;
  out.push(
    '',
    `### Reminder timeliness (${t.window.from.slice(0, 10)} → ${t.window.to.slice(0, 10)}, job wakes every ${t.wakeEveryMinutes} min, ${t.jobRuns} job runs)`,
    '',
    '| reminders due | posted | missed | duplicates | max lateness | mean lateness | result |',
    '|--:|--:|--:|--:|--:|--:|---|',
    `| ${t.expected} | ${t.posted} | ${t.missed} | ${t.duplicates} | ${f2(t.lateMaxMinutes)} min | ${f2(t.lateMeanMinutes)} min | ${t.duplicates === 0 && t.missed === 0 ? 'pass' : '**fail**'} |`,
  );
  return out.join('\n');
}
