import Database from 'better-sqlite3';
import { GitHubEmulator } from '../src/sandbox/github/server';
import { seedSchedule } from '../src/sandbox/seed-schedule';
import { derivedCycleFiles } from './common';
import { type SeedReport, seedBenchDb } from './seed-db';

/**
 * How cost grows with the history relbot keeps: databases with 1k, 10k and 100k cherry-pick
 * records (with their audit rows) and 5 and 20 release cycles, each seeded like the main bench
 * database (bench/seed-db.ts, the cycles imported by relbot's own schedule-sync job from an
 * emulated GitHub holding the derived pages). The parent measures each with a relbot server (answer
 * cache off, every statement timed) and asks the same mix; this file seeds and explains queries.
 */

export interface GrowthPoint {
  picks: number;
  cycles: number;
}

export async function seedGrowthDb(
  path: string,
  point: GrowthPoint,
  slackApiUrl: string,
): Promise<SeedReport & { seconds: number }> {
  const started = Date.now();
  const github = new GitHubEmulator();
  await github.start();
  try {
    seedSchedule(github);
    for (const f of derivedCycleFiles(point.cycles)) {
      const [owner, repo] = f.repo.split('/') as [string, string];
      github.setFile(owner, repo, f.path, f.text, f.ref);
    }
    const before = process.env.BENCH_CYCLES;
    process.env.BENCH_CYCLES = String(point.cycles);
    try {
      const report = await seedBenchDb(path, { slackApiUrl, githubUrl: github.url }, { picks: point.picks });
      return { ...report, seconds: (Date.now() - started) / 1000 };
    } finally {
      if (before === undefined) delete process.env.BENCH_CYCLES;
      else process.env.BENCH_CYCLES = before;
    }
  } finally {
    await github.stop();
  }
}

/** EXPLAIN QUERY PLAN of `sql` on the database at `path` (every parameter bound to NULL). */
export function explain(path: string, sql: string): string[] {
  const db = new Database(path, { readonly: true });
  try {
    const stmt = db.prepare(`EXPLAIN QUERY PLAN ${sql}`);
    const named = [...new Set([...sql.matchAll(/[@:$]([A-Za-z_]\w*)/g)].map((m) => m[1]!))];
    const positional = (sql.match(/\?/g) ?? []).length;
    const args: unknown[] = named.length ? [Object.fromEntries(named.map((n) => [n, null]))] : [];
    for (let i = 0; i < positional; i++) args.push(null);
    const rows = stmt.all(...args) as Array<{ id: number; parent: number; detail: string }>;
    const depth = new Map<number, number>([[0, -1]]);
    return rows.map((r) => {
      const d = (depth.get(r.parent) ?? -1) + 1;
      depth.set(r.id, d);
      return `${'  '.repeat(d)}${r.detail}`;
    });
  } catch (err) {
    return [`(could not explain: ${(err as Error).message})`];
  } finally {
    db.close();
  }
}
