import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { type Asker, askers, nextAsk, reseed } from './askers';
import type { EmulatorsReady, MemoryReport } from './common';
import { explain, type GrowthPoint, seedGrowthDb } from './growth';
import { type AnswerReceiver, ask, type Sample } from './open-loop';
import type { SqlStat } from './servers/sql-profile';

/**
 * The cost-growth figures: one relbot server per database size (answer cache off, so every answer
 * is rendered from the database; every statement timed), all alive at once, and the same mix asked
 * of each in interleaved batches so drift on the machine spreads evenly. CPU per answer per size,
 * the file size, and the slowest statements with their query plans.
 */

export interface GrowthRow extends GrowthPoint {
  dbMB: number;
  audit: number;
  seedSeconds: number;
  answers: number;
  cpuMicrosPerAnswer: number;
  /** Top statements by total time at this size. */
  topSql: Array<{ sql: string; count: number; meanMicros: number; maxMicros: number }>;
}

export interface GrowthResult {
  rows: GrowthRow[];
  /** CPU per answer, largest ÷ smallest point. */
  cpuGrowth: number;
  /** Bytes per cherry-pick record with its audit rows (slope between the smallest and largest at 5 cycles). */
  bytesPerPick: number;
  slowest: { sql: string; meanMicros: number; maxMicros: number; count: number; plan: string[] };
}

export async function measureGrowth(o: {
  dir: string;
  emu: EmulatorsReady;
  receiver: AnswerReceiver;
  quick: boolean;
  startChild: (
    name: string,
    env: Record<string, string>,
  ) => Promise<{ proc: ChildProcess; ready: Record<string, unknown> }>;
  memory: (url: string, q?: string) => Promise<MemoryReport>;
  build: string;
}): Promise<GrowthResult> {
  const grid: GrowthPoint[] = o.quick
    ? [
        { picks: 1000, cycles: 5 },
        { picks: 10_000, cycles: 20 },
      ]
    : [
        { picks: 1000, cycles: 5 },
        { picks: 10_000, cycles: 5 },
        { picks: 100_000, cycles: 5 },
        { picks: 1000, cycles: 20 },
        { picks: 100_000, cycles: 20 },
      ];
  const who: Asker[] = askers().slice(0, 200);
  const servers: Array<{
    point: GrowthPoint;
    url: string;
    proc: ChildProcess;
    path: string;
    seed: Awaited<ReturnType<typeof seedGrowthDb>>;
  }> = [];
  for (const point of grid) {
    const path = join(o.dir, `growth-${point.picks}-${point.cycles}.db`);
    const seed = await seedGrowthDb(path, point, o.emu.slackApiUrl);
    const c = await o.startChild('relbot', {
      SLACK_API_URL: o.emu.slackApiUrl,
      GITHUB_API_URL: o.emu.githubUrl,
      RELBOT_DB: path,
      BENCH_CYCLES: String(point.cycles),
      BENCH_ANSWER_CACHE: 'off',
      BENCH_SQL_PROFILE: '1',
    });
    servers.push({
      point,
      url: `http://127.0.0.1:${(c.ready as { port: number }).port}`,
      proc: c.proc,
      path,
      seed,
    });
  }
  const batch = async (url: string, n: number): Promise<Sample[]> => {
    const out: Sample[] = [];
    let i = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (i++ < n) out.push(await ask(url, o.receiver, nextAsk(who)));
      }),
    );
    return out;
  };
  // Warm-up: every server sees every asker's zone and every view once.
  for (const s of servers) {
    reseed(5);
    await batch(s.url, 60);
    await fetch(`${s.url}/bench/sql?reset=1`);
  }
  const rounds = o.quick ? 2 : 4;
  const perBatch = o.quick ? 60 : 120;
  const cpu = servers.map(() => ({ micros: 0, answers: 0 }));
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 ? [...servers.keys()].reverse() : [...servers.keys()];
    for (const k of order) {
      const s = servers[k]!;
      reseed(100 + r);
      const before = (await o.memory(s.url)).cpuMicros;
      const samples = await batch(s.url, perBatch);
      cpu[k]!.micros += (await o.memory(s.url)).cpuMicros - before;
      cpu[k]!.answers += samples.filter((x) => !Number.isNaN(x.answer) && !x.busy).length;
    }
  }
  const rows: GrowthRow[] = [];
  for (const [k, s] of servers.entries()) {
    const stats = (await (await fetch(`${s.url}/bench/sql`)).json()) as SqlStat[];
    rows.push({
      ...s.point,
      dbMB: Math.round((s.seed.dbBytes / 1024 / 1024) * 10) / 10,
      audit: s.seed.audit,
      seedSeconds: s.seed.seconds,
      answers: cpu[k]!.answers,
      cpuMicrosPerAnswer: cpu[k]!.micros / Math.max(1, cpu[k]!.answers),
      topSql: stats.slice(0, 5).map((x) => ({
        sql: x.sql.replace(/\s+/g, ' ').trim(),
        count: x.count,
        meanMicros: x.totalMicros / x.count,
        maxMicros: x.maxMicros,
      })),
    });
    s.proc.kill('SIGKILL');
  }
  const largest = servers.at(-1)!;
  const largestRow = rows.at(-1)!;
  const bySlowMean = [...largestRow.topSql].sort((a, b) => b.meanMicros - a.meanMicros)[0]!;
  const five = rows.filter((r) => r.cycles === 5);
  const lo = five[0]!;
  const hi = five.at(-1)!;
  const loSeed = servers.find(
    (s) => s.point === grid.find((g) => g.picks === lo.picks && g.cycles === 5),
  )!.seed;
  const hiSeed = servers.find(
    (s) => s.point === grid.find((g) => g.picks === hi.picks && g.cycles === 5),
  )!.seed;
  return {
    rows,
    cpuGrowth: largestRow.cpuMicrosPerAnswer / rows[0]!.cpuMicrosPerAnswer,
    bytesPerPick:
      hi.picks > lo.picks
        ? (hiSeed.dbBytes - loSeed.dbBytes) / (hi.picks - lo.picks)
        : hiSeed.dbBytes / hi.picks,
    slowest: { ...bySlowMean, plan: explain(largest.path, bySlowMean.sql) },
  };
}
