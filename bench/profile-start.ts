import { type ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { stringify } from 'yaml';
import { people } from '../src/sandbox/seed';
import { BOT_TOKEN, benchRawConfig, commandBody, type EmulatorsReady, SIGNING_SECRET, sign } from './common';
import { seedBenchDb } from './seed-db';

/**
 * Profiling driver (issue 15, not part of `npm run bench`): cold start and memory of compiled
 * relbot builds, alternating between them in one run. Each start: `node <build>/src/main.js` on a
 * copy of the bench database (seeded once) against the emulators; spawn → first /healthz 200; RSS
 * and heap after a full GC idle, then again after one of each heavy answer. Builds come from
 * `npx tsc -p tsconfig.build.json --outDir <dir>` (with node_modules and fixtures linked in).
 * `tsx bench/profile-start.ts <runs> <build dir>...`
 */
const ROOT = resolve(__dirname, '..');
const [runsArg, ...builds] = process.argv.slice(2);
const runs = Number(runsArg ?? 5);

const PRELOAD = `process.on('SIGUSR2', () => { global.gc(); global.gc(); const m = process.memoryUsage();
  require('fs').writeFileSync(process.env.PERF_MEM_OUT, JSON.stringify({ rss: m.rss, heapUsed: m.heapUsed })); });`;

function startEmulators(): Promise<{ proc: ChildProcess; ready: EmulatorsReady }> {
  const proc = spawn(
    process.execPath,
    [require.resolve('tsx/cli'), join(ROOT, 'bench/servers/emulators.ts')],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  return new Promise((ok) => {
    createInterface({ input: proc.stdout! }).once('line', (l) => ok({ proc, ready: JSON.parse(l) }));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function memory(proc: ChildProcess, out: string): Promise<{ rss: number; heapUsed: number }> {
  rmSync(out, { force: true });
  proc.kill('SIGUSR2');
  for (let i = 0; i < 400; i++) {
    await sleep(10);
    try {
      return JSON.parse(readFileSync(out, 'utf8'));
    } catch {}
  }
  throw new Error('no memory report');
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'relbot-start-'));
  const emu = await startEmulators();
  const seeded = join(dir, 'seed.db');
  await seedBenchDb(seeded, emu.ready);
  writeFileSync(join(dir, 'relbot.yaml'), stringify(benchRawConfig()));
  writeFileSync(join(dir, 'preload.js'), PRELOAD);
  const results = new Map<string, Array<{ start: number; idle: number; heap: number; after: number }>>();
  let port = 39_100;
  let url = 0;
  for (let r = 0; r < runs; r++)
    for (const build of builds) {
      const db = join(dir, `run-${r}.db`);
      copyFileSync(seeded, db);
      const memOut = join(dir, 'mem.json');
      const p = port++;
      const t0 = performance.now();
      const proc = spawn(
        process.execPath,
        ['--expose-gc', '-r', join(dir, 'preload.js'), join(build, 'src/main.js')],
        {
          env: {
            PATH: process.env.PATH,
            SLACK_BOT_TOKEN: BOT_TOKEN,
            SLACK_SIGNING_SECRET: SIGNING_SECRET,
            SLACK_API_URL: emu.ready.slackApiUrl,
            GITHUB_API_URL: emu.ready.githubUrl,
            GITHUB_TOKEN: 'ghp_bench',
            RELBOT_DB: db,
            RELBOT_CONFIG: join(dir, 'relbot.yaml'),
            PORT: String(p),
            LOG_LEVEL: 'silent',
            PERF_MEM_OUT: memOut,
          },
          stdio: ['ignore', 'ignore', 'inherit'],
        },
      );
      let started = 0;
      for (let i = 0; i < 3000 && !started; i++) {
        const ok = await fetch(`http://127.0.0.1:${p}/healthz`).then(
          (res) => res.status === 200,
          () => false,
        );
        if (ok) started = performance.now() - t0;
        else await sleep(5);
      }
      await sleep(500);
      const idle = await memory(proc, memOut);
      for (const text of ['', '1.37 all', 'patches'])
        await post(p, commandBody(people.lead, '/schedule', text, emu.ready.responseUrls[url++ % 200]!));
      await post(p, commandBody(people.lead, '/cherrypick', 'list', emu.ready.responseUrls[url++ % 200]!));
      await post(p, commandBody(people.lead, '/shadow', 'status', emu.ready.responseUrls[url++ % 200]!));
      await sleep(1500);
      const after = await memory(proc, memOut);
      proc.kill('SIGTERM');
      await new Promise((r) => proc.once('exit', r));
      rmSync(db, { force: true });
      const list = results.get(build) ?? [];
      list.push({ start: started, idle: idle.rss, heap: idle.heapUsed, after: after.rss });
      results.set(build, list);
    }
  emu.proc.kill();
  rmSync(dir, { recursive: true, force: true });
  const mb = (b: number) => (b / 1e6).toFixed(1);
  const mmm = (xs: number[], f: (x: number) => string) => {
    const s = [...xs].sort((a, b) => a - b);
    return `${f(s[0]!)} / ${f(s[Math.floor(s.length / 2)]!)} / ${f(s.at(-1)!)}`;
  };
  for (const [build, list] of results)
    console.log(
      `${build}: ${list.length} starts (min / median / max): cold start ${mmm(
        list.map((x) => x.start),
        (x) => `${x.toFixed(0)} ms`,
      )}; RSS idle after GC ${mmm(
        list.map((x) => x.idle),
        mb,
      )} MB; heap used idle ${mmm(
        list.map((x) => x.heap),
        mb,
      )} MB; RSS after answers and GC ${mmm(
        list.map((x) => x.after),
        mb,
      )} MB`,
    );
}

async function post(port: number, body: string): Promise<void> {
  await fetch(`http://127.0.0.1:${port}/slack/events`, { method: 'POST', headers: sign(body), body });
}

void main();
