import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { stringify } from 'yaml';
import { people } from '../src/sandbox/seed';
import { type Asker, askers, blockersAsk, LABELS, newcomers, nextAsk, reseed } from './askers';
import { coldStart } from './cold-start';
import {
  BOT_TOKEN,
  benchRawConfig,
  commandBody,
  type EmulatorsReady,
  FLOOD_COMMAND,
  type MemoryReport,
  SIGNING_SECRET,
} from './common';
import { measureGithubCost, measureGithubPerHour } from './github-cost';
import { measureGrowth } from './growth-run';
import { runLoad } from './load';
import { AnswerReceiver, ask, byLabel, closedLoop, openLoop, type Sample } from './open-loop';
import { type Point, type Results, type Run, report, type Server } from './report';
import { type SeedReport, seedBenchDb } from './seed-db';
import { measureTimeliness } from './timeliness';

/**
 * `npm run bench` (`-- --quick` while developing). Every timed figure is relbot ÷ a bare Bolt app
 * doing the same I/O (ack empty, then POST an answer of relbot's mean size to response_url),
 * measured in the same run, over several rounds in which the two alternate who goes first; each
 * figure is shown as min / median / max over the rounds and passes when its median meets the
 * target. Prints the table and writes bench/results.json. See bench/README.md.
 */

const ROOT = resolve(__dirname, '..');
/** The measured servers run as compiled JavaScript (as `npm run start:prod` does), not through tsx. */
const BUILD = join(ROOT, 'bench', '.build');
const quick = process.argv.includes('--quick');
const SECONDS = quick ? 3 : 10;
const ROUNDS = quick ? 2 : 3;
const WARMUP_SECONDS = quick ? 2 : 5;
const RATES = [50, 100];
const CLOSED_CONCURRENCY = 16;
const NEWCOMERS_PER_ROUND = quick ? 5 : 10;
const COLD_STARTS = quick ? 2 : 5;
const FLOOD_SECONDS = quick ? 2 : 5;
const BLOCKERS_ASKS = quick ? 2 : 4;
/** Two searches per /blockers, and Octokit spaces searches 2 s apart. */
const BLOCKERS_GAP_MS = 4200;

const children: ChildProcess[] = [];
const log = (s: string) => process.stderr.write(`${s}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mb = (b: number) => Math.round((b / 1024 / 1024) * 100) / 100;

function compile(): void {
  rmSync(BUILD, { recursive: true, force: true });
  const tsc = require.resolve('typescript/bin/tsc');
  const res = spawnSync(
    process.execPath,
    [tsc, '-p', 'tsconfig.json', '--noEmit', 'false', '--outDir', BUILD, '--sourceMap', 'false'],
    { cwd: ROOT, encoding: 'utf8' },
  );
  if (res.status !== 0) throw new Error(`tsc failed:\n${res.stdout}${res.stderr}`);
}

/** Starts `bench/servers/<name>.js` (compiled) with --expose-gc; resolves with its first stdout line. */
export function startChild(
  name: string,
  env: Record<string, string> = {},
): Promise<{ proc: ChildProcess; ready: Record<string, unknown> }> {
  const script = join(BUILD, 'bench', 'servers', `${name}.js`);
  const prof =
    (name === 'relbot' || name === 'bare') && process.env.BENCH_CPU_PROF
      ? ['--cpu-prof', `--cpu-prof-dir=${join(process.env.BENCH_CPU_PROF, name)}`]
      : [];
  const proc = spawn(process.execPath, ['--expose-gc', ...prof, script], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(proc);
  const stderr: string[] = [];
  proc.stderr!.on('data', (d: Buffer) => {
    stderr.push(d.toString());
    if (stderr.length > 50) stderr.shift();
  });
  return new Promise((resolveReady, reject) => {
    const lines = createInterface({ input: proc.stdout! });
    let done = false;
    lines.on('line', (line) => {
      if (done) return;
      done = true;
      try {
        resolveReady({ proc, ready: JSON.parse(line) as Record<string, unknown> });
      } catch {
        reject(new Error(`${script}: unexpected first line ${line}`));
      }
    });
    proc.on('exit', (code) => {
      if (!done) reject(new Error(`${script} exited with ${code}: ${stderr.join('')}`));
    });
  });
}

function killChildren(): void {
  for (const c of children) {
    if (c.exitCode !== null || c.signalCode !== null || !c.pid) continue;
    c.kill(process.env.BENCH_CPU_PROF ? 'SIGTERM' : 'SIGKILL');
  }
}

export async function memory(url: string, q = ''): Promise<MemoryReport> {
  return (await (await fetch(`${url}/bench/memory?${q}`)).json()) as MemoryReport;
}

async function metricSum(url: string, name: string, filter = ''): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return text
    .split('\n')
    .filter((l) => (l.startsWith(`${name}{`) || l.startsWith(`${name} `)) && l.includes(filter))
    .reduce((s, l) => s + Number(l.split(' ').at(-1)), 0);
}

async function measure(
  url: string,
  load: (
    url: string,
    next: () => ReturnType<typeof nextAsk>,
  ) => Promise<{ samples: Sample[]; senderLagP99: number; seconds: number }>,
  seed: number,
  who: Asker[],
  isRelbot: boolean,
): Promise<Run> {
  reseed(seed);
  const cpu0 = (await memory(url)).cpuMicros;
  const cached0 = isRelbot ? await metricSum(url, 'relbot_commands_total', 'outcome="cached"') : 0;
  const r = await load(url, () => nextAsk(who));
  const cpu1 = (await memory(url)).cpuMicros;
  const figures = byLabel(r.samples, LABELS);
  const run: Run = {
    figures,
    cpuMicrosPerAnswer: (cpu1 - cpu0) / Math.max(1, figures.overall!.answered),
    senderLagP99: r.senderLagP99,
    seconds: r.seconds,
  };
  if (isRelbot)
    run.cachedByMetrics = (await metricSum(url, 'relbot_commands_total', 'outcome="cached"')) - cached0;
  await sleep(300);
  return run;
}

async function main(): Promise<void> {
  const started = new Date();
  const dir = mkdtempSync(join(tmpdir(), 'relbot-bench-'));
  const t0 = Date.now();
  const phase = (s: string) => log(`[${Math.round((Date.now() - t0) / 1000)} s] ${s}`);
  try {
    log(
      `relbot bench${quick ? ' (--quick)' : ''}: ${ROUNDS} rounds, ${SECONDS} s per point, open loop ${RATES.join(' and ')} req/s + saturating, closed loop ${CLOSED_CONCURRENCY} askers`,
    );
    phase('compiling (the servers run as plain JavaScript)…');
    compile();
    const emu = (await startChild('emulators')).ready as unknown as EmulatorsReady;
    const receiver = new AnswerReceiver();
    await receiver.start();

    phase('seeding the database (5 cycles, 10,000 cherry-picks, 500 shadow applications)…');
    const dbPath = join(dir, 'relbot.db');
    const seed: SeedReport = await seedBenchDb(dbPath, emu);
    const env = { SLACK_API_URL: emu.slackApiUrl, GITHUB_API_URL: emu.githubUrl, RELBOT_DB: dbPath };

    phase(`cold start (${COLD_STARTS} alternating spawns each)…`);
    const configPath = join(dir, 'relbot.yaml');
    writeFileSync(configPath, stringify(benchRawConfig()));
    const mainEnv = {
      ...env,
      RELBOT_CONFIG: configPath,
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      GITHUB_TOKEN: 'ghp_bench',
      LOG_LEVEL: 'warn',
    };
    const cold: Record<Server, number[]> = { bare: [], relbot: [] };
    for (let i = 0; i < COLD_STARTS; i++)
      for (const name of (i % 2 ? ['relbot', 'bare'] : ['bare', 'relbot']) as Server[])
        cold[name].push(
          await coldStart(
            join(BUILD, name === 'relbot' ? 'src/main.js' : 'bench/servers/bare.js'),
            name === 'relbot' ? mainEnv : env,
            ROOT,
          ),
        );

    const servers = {} as Record<Server, string>;
    const procs: ChildProcess[] = [];
    for (const name of ['bare', 'relbot'] as const) {
      const c = await startChild(name, env);
      procs.push(c.proc);
      servers[name] = `http://127.0.0.1:${(c.ready as { port: number }).port}`;
    }
    const regulars = askers();
    const fresh = newcomers();

    // Sanity, and relbot's mean answer size per label (the baseline answers with it).
    phase('probing every request kind on relbot; setting the baseline answer sizes…');
    reseed(7);
    const probe: Sample[] = [];
    for (let i = 0; i < (quick ? 100 : 200); i++)
      probe.push(await ask(servers.relbot, receiver, nextAsk(regulars)));
    const probeFigures = byLabel(probe, LABELS);
    for (const l of LABELS) {
      const f = probeFigures[l]!;
      if (!f.requests || f.answered < f.requests || f.meanBytes < 200)
        throw new Error(
          `relbot did not answer ${l} (${f.answered}/${f.requests} answered, mean ${f.meanBytes} bytes)`,
        );
    }
    const blockersProbe = await ask(servers.relbot, receiver, blockersAsk(regulars));
    if (!(blockersProbe.bytes > 200)) throw new Error('relbot did not answer /blockers');
    const sizes: Record<string, number> = {
      ...Object.fromEntries(LABELS.map((l) => [l, Math.round(probeFigures[l]!.meanBytes)])),
      '/blockers': blockersProbe.bytes,
    };
    const setSizes = (s: Record<string, number>) =>
      fetch(`${servers.bare}/bench/answer-sizes`, { method: 'POST', body: JSON.stringify(s) });
    await setSizes(sizes);

    phase('warming up (open loop 50 req/s on each)…');
    for (const name of ['bare', 'relbot'] as const) {
      reseed(11);
      await openLoop({
        url: servers[name],
        receiver,
        rate: 50,
        seconds: WARMUP_SECONDS,
        next: () => nextAsk(regulars),
      });
    }
    await sleep(1000);
    const warm = {} as Record<Server, MemoryReport>;
    for (const name of ['bare', 'relbot'] as const) warm[name] = await memory(servers[name], 'gc=1');
    if (process.env.BENCH_HEAP_DIR)
      for (const name of ['bare', 'relbot'] as const) await memory(servers[name], 'snapshot=1');

    // Rounds: the two servers alternate who goes first; every point of a round is one run each.
    const points: Point[] = [
      ...RATES.map((r) => ({ name: `open ${r}/s`, rounds: [] })),
      { name: 'open saturating', rounds: [] },
      { name: `closed ${CLOSED_CONCURRENCY}`, rounds: [] },
    ];
    const ackOnly: Array<{ bare: Run; relbotAckP50: number; relbotAckP99: number }> = [];
    const newcomer: Array<Record<Server, number[]>> = [];
    const afterLoad: Array<Record<Server, MemoryReport>> = [];
    let saturating = 0;
    let nextNewcomer = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const order: Server[] = round % 2 ? ['relbot', 'bare'] : ['bare', 'relbot'];
      phase(`round ${round + 1}/${ROUNDS} (${order.join(' first, then ')})…`);
      const closedPoint = points.at(-1)!;
      const runPoint = async (p: Point, load: Parameters<typeof measure>[1], seed: number) => {
        const res = {} as Record<Server, Run>;
        for (const name of order)
          res[name] = await measure(servers[name], load, seed, regulars, name === 'relbot');
        p.rounds.push(res);
        const o = (n: Server) => res[n].figures.overall!;
        log(
          `  ${p.name}: ack p50 ${o('bare').ackP50.toFixed(2)}→${o('relbot').ackP50.toFixed(2)} ms, answer p50 ${o('bare').answerP50.toFixed(2)}→${o('relbot').answerP50.toFixed(2)} p99 ${o('bare').answerP99.toFixed(2)}→${o('relbot').answerP99.toFixed(2)} ms, CPU ${Math.round(res.bare.cpuMicrosPerAnswer)}→${Math.round(res.relbot.cpuMicrosPerAnswer)} µs/answer, cache hits ${o('relbot').inAck}/${o('relbot').requests}, busy ${o('relbot').busy}, failed ${o('bare').failed}/${o('relbot').failed}`,
        );
        return res;
      };
      await runPoint(
        closedPoint,
        (url, next) => closedLoop({ url, receiver, concurrency: CLOSED_CONCURRENCY, seconds: SECONDS, next }),
        round * 1000 + 1,
      );
      if (round === 0) {
        const answered = closedPoint.rounds[0]!.relbot.figures.overall!.answered / SECONDS;
        saturating = Math.max(150, Math.round((answered * 1.25) / 10) * 10);
        points[RATES.length]!.name = `open ${saturating}/s (saturating)`;
      }
      for (const [i, rate] of [...RATES, saturating].entries())
        await runPoint(
          points[i]!,
          (url, next) => openLoop({ url, receiver, rate, seconds: SECONDS, next }),
          round * 1000 + 10 + i,
        );
      // The ack-only baseline (for the ack figure only): the same bare app answering nothing.
      await setSizes({});
      const p50 = points[0]!.rounds[round]!;
      const bareAckOnly = await measure(
        servers.bare,
        (url, next) => openLoop({ url, receiver, rate: RATES[0]!, seconds: SECONDS, next }),
        round * 1000 + 10,
        regulars,
        false,
      );
      await setSizes(sizes);
      ackOnly.push({
        bare: bareAckOnly,
        relbotAckP50: p50.relbot.figures.overall!.ackP50,
        relbotAckP99: p50.relbot.figures.overall!.ackP99,
      });
      // First answer to people not seen before: `/schedule 1.37`, one at a time, alternating.
      const nc: Record<Server, number[]> = { bare: [], relbot: [] };
      for (let i = 0; i < NEWCOMERS_PER_ROUND; i++) {
        const who = fresh[nextNewcomer++ % fresh.length]!;
        for (const name of order) {
          const s = await ask(servers[name], receiver, {
            label: '/schedule 1.XX',
            body: (u) => commandBody(who, '/schedule', '1.37', u),
          });
          nc[name].push(s.answer);
          await sleep(50);
        }
      }
      newcomer.push(nc);
      await sleep(500);
      const mem = {} as Record<Server, MemoryReport>;
      for (const name of ['bare', 'relbot'] as const) mem[name] = await memory(servers[name], 'gc=1');
      afterLoad.push(mem);
    }
    // The timeliness simulation runs alongside the rest: it counts (simulated minutes, duplicates,
    // misses) and times nothing; what follows is GitHub-bound (/blockers), RSS (the flood), server
    // CPU per answer (growth) or counts (GitHub), none of it the latency rounds above.
    phase(`timeliness over a simulated ${quick ? 3 : 15}-week cycle, alongside what follows…`);
    const timelinessRun = measureTimeliness({ weeks: quick ? 3 : 15 }).then(
      (ok) => ({ ok }),
      (err: unknown) => ({ err }),
    );
    // `/blockers` alone, at a pace GitHub's search limit allows (bench/askers.ts MIX).
    phase(`/blockers alone, one every ${BLOCKERS_GAP_MS / 1000} s…`);
    const blockers: Record<Server, number[]> = { bare: [], relbot: [] };
    for (let i = 0; i < BLOCKERS_ASKS; i++)
      for (const name of (i % 2 ? ['relbot', 'bare'] : ['bare', 'relbot']) as Server[]) {
        blockers[name].push((await ask(servers[name], receiver, blockersAsk(regulars), 15_000)).answer);
        await sleep(name === 'relbot' ? BLOCKERS_GAP_MS : 100);
      }
    phase('flood (memory under a flood of posting commands)…');
    const flood = {} as Record<
      Server,
      {
        maxRssMB: number;
        firstHalfMaxRssMB: number;
        secondHalfMaxRssMB: number;
        acked: number;
        refused?: number;
      }
    >;
    for (const name of ['bare', 'relbot'] as const) {
      const url = servers[name];
      await memory(url, 'gc=1&reset=1');
      const refused0 = name === 'relbot' ? await metricSum(url, 'relbot_outbound_rejected_total') : 0;
      const r = await runLoad({
        url,
        body: commandBody(people.member, FLOOD_COMMAND, '', 'http://127.0.0.1:9/none'),
        connections: 50,
        seconds: FLOOD_SECONDS,
      });
      const during = await memory(url);
      const half = Math.floor(during.series.length / 2);
      flood[name] = {
        maxRssMB: mb(during.maxRss),
        firstHalfMaxRssMB: mb(Math.max(...during.series.slice(0, half))),
        secondHalfMaxRssMB: mb(Math.max(...during.series.slice(half))),
        acked: r.ok,
        ...(name === 'relbot'
          ? { refused: (await metricSum(url, 'relbot_outbound_rejected_total')) - refused0 }
          : {}),
      };
    }
    for (const p of procs) p.kill(process.env.BENCH_CPU_PROF ? 'SIGTERM' : 'SIGKILL');

    phase('cost growth (1k/10k/100k cherry-picks, 5/20 cycles)…');
    const growth = await measureGrowth({ dir, emu, receiver, quick, startChild, memory, build: BUILD });
    phase('GitHub cost per blocker digest, and per hour at the example config…');
    const github = await measureGithubCost([10, 250, 1000]);
    const githubPerHour = await measureGithubPerHour([1, 10, 50]);
    phase('waiting for the timeliness simulation…');
    const t = await timelinessRun;
    if ('err' in t) throw t.err;
    const timeliness = t.ok;
    phase('done');

    const results: Results = {
      date: started.toISOString(),
      command: quick ? 'npm run bench -- --quick' : 'npm run bench',
      wallSeconds: Math.round((Date.now() - t0) / 1000),
      machine: {
        cpus: cpus().length,
        model: cpus()[0]?.model ?? 'unknown',
        memoryGB: Math.round((totalmem() / 1024 ** 3) * 100) / 100,
        node: process.version,
        platform: `${process.platform} ${process.arch}`,
        loadavg: loadavg(),
      },
      settings: {
        rounds: ROUNDS,
        secondsPerPoint: SECONDS,
        rates: RATES,
        saturating,
        closedConcurrency: CLOSED_CONCURRENCY,
        askers: regulars.length,
        zones: new Set(regulars.map((u) => u.tz)).size,
      },
      seed,
      answerBytes: sizes,
      coldStartMs: cold,
      memory: {
        afterWarmup: { bare: memOf(warm.bare), relbot: memOf(warm.relbot) },
        afterLoad: afterLoad.map((m) => ({ bare: memOf(m.bare), relbot: memOf(m.relbot) })),
      },
      points,
      ackOnly,
      newcomer,
      blockers,
      flood,
      growth,
      github,
      githubPerHour,
      timeliness,
    };
    const out = join(ROOT, 'bench', 'results.json');
    writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
    spawnSync(process.execPath, [require.resolve('@biomejs/biome/bin/biome'), 'format', '--write', out], {
      cwd: ROOT,
    });
    process.stdout.write(`${report(results)}\n`);
  } finally {
    killChildren();
    await sleep(200);
    rmSync(dir, { recursive: true, force: true });
    rmSync(BUILD, { recursive: true, force: true });
  }
}

function memOf(m: MemoryReport) {
  return { rssMB: mb(m.rss), heapUsedMB: mb(m.heapUsed) };
}

process.on('SIGINT', () => {
  killChildren();
  process.exit(130);
});

if (require.main === module)
  main().then(
    // The report is written and the children are gone; an in-process phase leaves a handle open
    // (the process idled after "done" instead of exiting), so the CLI ends itself.
    () => process.exit(0),
    (err) => {
      killChildren();
      process.stderr.write(`bench failed: ${(err as Error).stack ?? err}\n`);
      process.exit(1);
    },
  );
