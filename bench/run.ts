import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { people } from '../src/sandbox/seed';
import {
  approveClickBody,
  commandBody,
  type EmulatorsReady,
  FLOOD_COMMAND,
  type MemoryReport,
  type ServerReady,
  sign,
} from './common';
import { type GithubCostRow, measureGithubCost } from './github-cost';
import { type LoadResult, runLoad } from './load';
import { CARD_TS, type SeedReport, seedBenchDb } from './seed-db';
import { measureTimeliness, type TimelinessResult } from './timeliness';

/**
 * `npm run bench` (`-- --quick` for 2 s runs while developing). Every timed figure is a ratio
 * against a bare Bolt app measured in the same run on the same machine. Prints a table and writes
 * bench/results.json. See bench/README.md for what each figure means.
 */

const ROOT = resolve(__dirname, '..');
/** The measured servers run as compiled JavaScript (as `npm run start:prod` does), not through tsx. */
const BUILD = join(ROOT, 'bench', '.build');
const quick = process.argv.includes('--quick');
const SECONDS = quick ? 2 : 10;
const WARMUP_SECONDS = quick ? 1 : 3;
const CONNECTIONS = [1, 10, 50];
const FLOOD_CONNECTIONS = 50;
const TARGETS = {
  command: { p50: 1.1, p99: 1.25 },
  click: { p50: 1.25, p99: 1.25 },
  idleRss: 1.3,
};

type Server = 'bare' | 'relbot';
interface Child {
  proc: ChildProcess;
  ready: Record<string, unknown>;
  stderr: string[];
}

const children: ChildProcess[] = [];

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

/** Starts `bench/servers/<name>.ts` (compiled) with --expose-gc; resolves with its first stdout line. */
function startChild(name: string, env: Record<string, string> = {}): Promise<Child> {
  const script = join(BUILD, 'bench', 'servers', `${name}.js`);
  // BENCH_CPU_PROF=<dir>: relbot and bare write V8 CPU profiles to <dir>/<name> when the run ends.
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
      if (done) return; // later output (if any) is drained and dropped
      done = true;
      try {
        resolveReady({ proc, ready: JSON.parse(line) as Record<string, unknown>, stderr });
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
    if (process.env.BENCH_CPU_PROF && c.exitCode === null && c.pid) {
      c.kill('SIGTERM'); // the relbot bench server exits cleanly on SIGTERM so the profile is written
      continue;
    }
    if (c.exitCode !== null || c.signalCode !== null || !c.pid) continue;
    try {
      process.kill(c.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

async function memory(url: string, q: string): Promise<MemoryReport> {
  const res = await fetch(`${url}/bench/memory?${q}`);
  return (await res.json()) as MemoryReport;
}

/** Commands relbot answered "busy" so far (relbot_commands_total{outcome="busy"}, all commands). */
async function busyAnswers(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return text
    .split('\n')
    .filter((l) => l.startsWith('relbot_commands_total{') && l.includes('outcome="busy"'))
    .reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0);
}

async function metric(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mb = (b: number) => b / 1024 / 1024;
const r2 = (x: number) => Math.round(x * 100) / 100;
const r3 = (x: number) => Math.round(x * 1000) / 1000;

function floodMB(f: { maxRss: number; firstHalfMaxRss: number; secondHalfMaxRss: number; rssAfter: number }) {
  return {
    ...f,
    maxRssMB: r2(mb(f.maxRss)),
    firstHalfMaxRssMB: r2(mb(f.firstHalfMaxRss)),
    secondHalfMaxRssMB: r2(mb(f.secondHalfMaxRss)),
    rssAfterMB: r2(mb(f.rssAfter)),
  };
}

/** One signed request, for the sanity check of each scenario before it is measured. */
async function probe(url: string, body: string): Promise<{ status: number; text: string }> {
  const res = await fetch(`${url}/slack/events`, { method: 'POST', headers: sign(body), body });
  return { status: res.status, text: await res.text() };
}

interface Scenario {
  name: string;
  kind: 'command' | 'click';
  body: (responseUrl: string) => string;
  /** What relbot's answer must contain (proves it did the real work, not an error). */
  expect: RegExp;
}

const SCENARIOS: Scenario[] = [
  {
    name: '/schedule',
    kind: 'command',
    body: (u) => commandBody(people.member, '/schedule', '', u),
    expect: /v1\.37/,
  },
  {
    name: '/cherrypick list',
    kind: 'command',
    body: (u) => commandBody(people.member, '/cherrypick', 'list', u),
    expect: /48 cherry-picks waiting for approval/,
  },
  {
    name: 'Approve click (already approved)',
    kind: 'click',
    body: (u) => approveClickBody(CARD_TS, u),
    expect: /already approved/,
  },
];

interface LoadRow {
  scenario: string;
  kind: Scenario['kind'];
  connections: number;
  bare: LoadResult;
  relbot: LoadResult;
  ratio: { p50: number; p99: number; rps: number; cpuPerRequest: number };
  /** Server CPU per answered request, microseconds. */
  cpuMicrosPerRequest: Record<Server, number>;
  /** Commands relbot acked but then answered "busy" (its bounded work queue was full). */
  busyAnswers: number;
  target: { p50: number; p99: number };
  pass: boolean;
}

/** The first message relbot posted to a response_url of the emulated Slack (waits up to 10 s). */
async function answeredAt(url: string): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const got = (await (await fetch(url)).json()) as { bodies: unknown[] };
    if (got.bodies.length) return JSON.stringify(got.bodies[0]);
    await sleep(100);
  }
  return '';
}

async function main(): Promise<void> {
  const started = new Date();
  const dir = mkdtempSync(join(tmpdir(), 'relbot-bench-'));
  const log = (s: string) => process.stderr.write(`${s}\n`);
  try {
    log(
      `relbot bench${quick ? ' (--quick)' : ''}: ${SECONDS} s per point, connections ${CONNECTIONS.join('/')}`,
    );
    log('compiling (the servers run as plain JavaScript)…');
    compile();
    const emu = (await startChild('emulators')).ready as unknown as EmulatorsReady;
    let urlIndex = 0;
    const responseUrl = () => emu.responseUrls[urlIndex++ % emu.responseUrls.length]!;

    log('seeding the database (5 cycles, 10,000 cherry-picks, 500 shadow applications)…');
    const dbPath = join(dir, 'relbot.db');
    const seed: SeedReport = await seedBenchDb(dbPath, emu);
    log(
      `  cycles ${seed.cycles.join(', ')} (${seed.milestones} milestones); ${seed.cherrypicks} cherry-picks (${seed.pending} pending, ${seed.audit} audit rows); ${seed.applications} applications; ${r2(mb(seed.dbBytes))} MB`,
    );

    const env = { SLACK_API_URL: emu.slackApiUrl, GITHUB_API_URL: emu.githubUrl, RELBOT_DB: dbPath };
    const servers = {} as Record<Server, { url: string; pid: number }>;
    for (const name of ['bare', 'relbot'] as const) {
      const c = await startChild(name, env);
      const ready = c.ready as unknown as ServerReady;
      servers[name] = { url: `http://127.0.0.1:${ready.port}`, pid: ready.pid };
    }
    // A second relbot with its answer cache off: commands as they run when not asked in the same
    // minute before (rendered after the ack, answered through response_url).
    const rendering = (await startChild('relbot', { ...env, BENCH_ANSWER_CACHE: 'off' }).then(
      (c) => c.ready,
    )) as unknown as ServerReady;
    const renderUrl = `http://127.0.0.1:${rendering.port}`;

    // Sanity: every scenario answers 200 on both, and relbot's answer is the real one.
    for (const s of SCENARIOS) {
      for (const name of ['bare', 'relbot'] as const) {
        const url = responseUrl();
        const res = await probe(servers[name].url, s.body(url));
        if (res.status !== 200) throw new Error(`${s.name} on ${name}: HTTP ${res.status} ${res.text}`);
        if (name === 'relbot') {
          // relbot acks first and answers through response_url: read the answer back from the emulator.
          const answer = res.text || (await answeredAt(url));
          if (!s.expect.test(answer))
            throw new Error(`${s.name} on relbot did not answer as expected: ${answer.slice(0, 300)}`);
        }
      }
    }

    for (const s of SCENARIOS.filter((x) => x.kind === 'command')) {
      const url = responseUrl();
      const res = await probe(renderUrl, s.body(url));
      if (res.status !== 200 || res.text || !s.expect.test(await answeredAt(url)))
        throw new Error(`${s.name} on relbot (cache off) did not answer after its ack as expected`);
    }

    await sleep(500);
    const fresh = {} as Record<Server, MemoryReport>;
    for (const name of ['bare', 'relbot'] as const) fresh[name] = await memory(servers[name].url, 'gc=1');

    // BENCH_ONLY=<regex>: measure only the matching requests, then stop (no results.json); for
    // iterating on one path while developing.
    const only = process.env.BENCH_ONLY ? new RegExp(process.env.BENCH_ONLY) : undefined;
    const scenarios = SCENARIOS.filter((x) => !only || only.test(x.name));
    log('warming up…');
    for (const s of scenarios)
      for (const name of ['bare', 'relbot'] as const)
        await runLoad({
          url: servers[name].url,
          body: s.body(responseUrl()),
          connections: 10,
          seconds: WARMUP_SECONDS,
        });
    for (const s of scenarios.filter((x) => x.kind === 'command'))
      await runLoad({
        url: renderUrl,
        body: s.body(responseUrl()),
        connections: 10,
        seconds: WARMUP_SECONDS,
      });
    await sleep(1000);
    const idle = {} as Record<Server, MemoryReport>;
    for (const name of ['bare', 'relbot'] as const) idle[name] = await memory(servers[name].url, 'gc=1');
    if (process.env.BENCH_HEAP_DIR)
      for (const name of ['bare', 'relbot'] as const) await memory(servers[name].url, 'snapshot=1');

    const load: LoadRow[] = [];
    for (const s of scenarios) {
      // Commands are measured twice: relbot as it runs (a question asked again within the minute is
      // answered in the ack, from its answer cache) and relbot with the cache off (every answer
      // rendered after the ack), each against its own bare run.
      const variants = [
        { name: s.name, url: servers.relbot.url },
        ...(s.kind === 'command' ? [{ name: `${s.name}, every answer rendered`, url: renderUrl }] : []),
      ];
      for (const variant of variants) {
        for (const [i, connections] of CONNECTIONS.entries()) {
          // Alternate who goes first so drift on the machine does not favour one side.
          const order: Server[] = i % 2 === 0 ? ['bare', 'relbot'] : ['relbot', 'bare'];
          const res = {} as Record<Server, LoadResult>;
          const cpu = {} as Record<Server, number>;
          let busy = 0;
          for (const name of order) {
            const url = name === 'bare' ? servers.bare.url : variant.url;
            const cpuBefore = (await memory(url, '')).cpuMicros;
            const busyBefore = name === 'relbot' ? await busyAnswers(url) : 0;
            res[name] = await runLoad({ url, body: s.body(responseUrl()), connections, seconds: SECONDS });
            // Server CPU per answered request (µs); includes relbot's work after the ack.
            cpu[name] = ((await memory(url, '')).cpuMicros - cpuBefore) / Math.max(1, res[name].ok);
            if (name === 'relbot') busy = (await busyAnswers(url)) - busyBefore;
            await sleep(300);
          }
          const ratio = {
            p50: res.relbot.p50 / res.bare.p50,
            p99: res.relbot.p99 / res.bare.p99,
            rps: res.relbot.rps / res.bare.rps,
            cpuPerRequest: cpu.relbot / cpu.bare,
          };
          const target = TARGETS[s.kind];
          const clean = [res.bare, res.relbot].every(
            (r) => r.non2xx === 0 && r.errors === 0 && r.timeouts === 0,
          );
          load.push({
            scenario: variant.name,
            kind: s.kind,
            connections,
            bare: res.bare,
            relbot: res.relbot,
            ratio,
            cpuMicrosPerRequest: { bare: r2(cpu.bare), relbot: r2(cpu.relbot) },
            busyAnswers: busy,
            target,
            pass: clean && ratio.p50 <= target.p50 && ratio.p99 <= target.p99,
          });
          log(
            `  ${variant.name} c=${connections}: p50 ${r3(res.bare.p50)}→${r3(res.relbot.p50)} ms (${r2(ratio.p50)}×), p99 ${r3(res.bare.p99)}→${r3(res.relbot.p99)} ms (${r2(ratio.p99)}×), ${Math.round(res.bare.rps)}→${Math.round(res.relbot.rps)} req/s, CPU/request ${Math.round(cpu.bare)}→${Math.round(cpu.relbot)} µs${busy ? `, ${busy} answered busy (work queue full)` : ''}`,
          );
        }
      }
    }

    if (only) {
      log(
        `memory at start ${r2(mb(fresh.bare.rss))} / ${r2(mb(fresh.relbot.rss))} MB, idle after warm-up ${r2(mb(idle.bare.rss))} / ${r2(mb(idle.relbot.rss))} MB (bare / relbot); heap used ${r2(mb(idle.bare.heapUsed))} / ${r2(mb(idle.relbot.heapUsed))} MB`,
      );
      return;
    }
    // Memory under a flood of commands whose work posts a message.
    log('flood…');
    const flood = {} as Record<
      Server,
      {
        maxRss: number;
        firstHalfMaxRss: number;
        secondHalfMaxRss: number;
        rssAfter: number;
        samples: number;
        acked: number;
        rps: number;
        refused?: number;
        non2xx: number;
      }
    >;
    for (const name of ['bare', 'relbot'] as const) {
      const url = servers[name].url;
      await memory(url, 'gc=1&reset=1');
      const refusedBefore = name === 'relbot' ? await metric(url, 'relbot_outbound_rejected_total') : 0;
      const r = await runLoad({
        url,
        body: commandBody(people.member, FLOOD_COMMAND, '', responseUrl()),
        connections: FLOOD_CONNECTIONS,
        seconds: SECONDS,
      });
      const during = await memory(url, '');
      await sleep(1000);
      const after = await memory(url, 'gc=1');
      const half = Math.floor(during.series.length / 2);
      flood[name] = {
        maxRss: during.maxRss,
        firstHalfMaxRss: Math.max(...during.series.slice(0, half)),
        secondHalfMaxRss: Math.max(...during.series.slice(half)),
        rssAfter: after.rss,
        samples: during.samples,
        acked: r.ok,
        rps: r.rps,
        non2xx: r.non2xx + r.errors + r.timeouts,
        ...(name === 'relbot'
          ? { refused: (await metric(url, 'relbot_outbound_rejected_total')) - refusedBefore }
          : {}),
      };
      log(
        `  ${name}: ${r.ok} commands acked, max RSS ${r2(mb(during.maxRss))} MB (${during.samples} samples)${name === 'relbot' ? `, ${flood.relbot.refused} refused by the outbound queue` : ''}`,
      );
    }
    killChildren();

    log('GitHub cost per blocker digest…');
    const github: GithubCostRow[] = await measureGithubCost([10, 250, 1000]);
    log(`timeliness over a simulated ${quick ? 3 : 15}-week cycle…`);
    const timeliness: TimelinessResult = await measureTimeliness({ weeks: quick ? 3 : 15 });

    const results = {
      date: started.toISOString(),
      command: quick ? 'npm run bench -- --quick' : 'npm run bench',
      machine: {
        cpus: cpus().length,
        model: cpus()[0]?.model ?? 'unknown',
        memoryGB: r2(totalmem() / 1024 ** 3),
        node: process.version,
        platform: `${process.platform} ${process.arch}`,
      },
      secondsPerPoint: SECONDS,
      seed,
      load,
      memory: {
        freshRss: {
          bareMB: r2(mb(fresh.bare.rss)),
          relbotMB: r2(mb(fresh.relbot.rss)),
          ratio: r2(fresh.relbot.rss / fresh.bare.rss),
          pass: fresh.relbot.rss / fresh.bare.rss <= TARGETS.idleRss,
        },
        idleRss: {
          bareMB: r2(mb(idle.bare.rss)),
          relbotMB: r2(mb(idle.relbot.rss)),
          ratio: r2(idle.relbot.rss / idle.bare.rss),
          target: TARGETS.idleRss,
          pass: idle.relbot.rss / idle.bare.rss <= TARGETS.idleRss,
          gc: idle.relbot.gc && idle.bare.gc,
          heapUsedMB: { bare: r2(mb(idle.bare.heapUsed)), relbot: r2(mb(idle.relbot.heapUsed)) },
        },
        flood: {
          seconds: SECONDS,
          connections: FLOOD_CONNECTIONS,
          bare: { ...flood.bare, ...floodMB(flood.bare) },
          relbot: { ...flood.relbot, ...floodMB(flood.relbot) },
          maxRssRatio: r2(flood.relbot.maxRss / flood.bare.maxRss),
          relbotGrowthOverIdleMB: r2(mb(flood.relbot.maxRss - idle.relbot.rss)),
        },
      },
      github,
      timeliness,
    };
    const out = join(ROOT, 'bench', 'results.json');
    writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
    // Keep the committed file as `biome check` wants it (best effort).
    spawnSync(process.execPath, [require.resolve('@biomejs/biome/bin/biome'), 'format', '--write', out], {
      cwd: ROOT,
    });
    process.stdout.write(`${report(results)}\n`);
  } finally {
    killChildren();
    rmSync(dir, { recursive: true, force: true });
    rmSync(BUILD, { recursive: true, force: true });
  }
}

type FloodMB = {
  maxRssMB: number;
  firstHalfMaxRssMB: number;
  secondHalfMaxRssMB: number;
  rssAfterMB: number;
};
type Results = {
  date: string;
  command: string;
  machine: { cpus: number; model: string; node: string };
  secondsPerPoint: number;
  load: LoadRow[];
  memory: {
    freshRss: { bareMB: number; relbotMB: number; ratio: number; pass: boolean };
    idleRss: { bareMB: number; relbotMB: number; ratio: number; target: number; pass: boolean };
    flood: {
      connections: number;
      seconds: number;
      bare: FloodMB & { acked: number };
      relbot: FloodMB & { acked: number; refused?: number };
      relbotGrowthOverIdleMB: number;
    };
  };
  github: GithubCostRow[];
  timeliness: TimelinessResult;
};

/** The markdown table printed at the end (also what docs/performance.md shows). */
export function report(r: Results): string {
  const pf = (ok: boolean) => (ok ? 'pass' : '**fail**');
  const x = (v: number) => `${r2(v).toFixed(2)}×`;
  const ms = (v: number) => v.toFixed(3);
  const out: string[] = [];
  out.push(
    `relbot bench — ${r.date.slice(0, 10)}, ${r.machine.cpus} cores (${r.machine.model}), Node ${r.machine.node}, \`${r.command}\`, ${r.secondsPerPoint} s per point`,
    '',
    '### Ack latency and throughput (relbot ÷ bare Bolt, same run)',
    '',
    '| request | conns | p50 bare / relbot (ms) | p50 × | p99 bare / relbot (ms) | p99 × | req/s bare / relbot | req/s × | server CPU µs/request bare / relbot | CPU × | target p50 / p99 | result |',
    '|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|',
  );
  for (const l of r.load)
    out.push(
      `| ${l.scenario} | ${l.connections} | ${ms(l.bare.p50)} / ${ms(l.relbot.p50)} | ${x(l.ratio.p50)} | ${ms(l.bare.p99)} / ${ms(l.relbot.p99)} | ${x(l.ratio.p99)} | ${Math.round(l.bare.rps)} / ${Math.round(l.relbot.rps)} | ${x(l.ratio.rps)} | ${Math.round(l.cpuMicrosPerRequest.bare)} / ${Math.round(l.cpuMicrosPerRequest.relbot)} | ${x(l.ratio.cpuPerRequest)}${l.busyAnswers ? ` (${l.busyAnswers} answered busy)` : ''} | ≤ ${l.target.p50} / ≤ ${l.target.p99} | ${pf(l.pass)} |`,
    );
  const m = r.memory;
  out.push(
    '',
    '### Memory',
    '',
    '| figure | bare Bolt | relbot | ratio / note | result |',
    '|---|--:|--:|--:|---|',
    `| idle RSS at start (after GC, before any request) | ${m.freshRss.bareMB} MB | ${m.freshRss.relbotMB} MB | ${x(m.freshRss.ratio)} (target ≤ ${m.idleRss.target}) | ${pf(m.freshRss.pass)} |`,
    `| idle RSS after warm-up and GC | ${m.idleRss.bareMB} MB | ${m.idleRss.relbotMB} MB | ${x(m.idleRss.ratio)} (target ≤ ${m.idleRss.target}) | ${pf(m.idleRss.pass)} |`,
    `| max RSS during a ${m.flood.seconds} s flood of posting commands (${m.flood.connections} conns) | ${m.flood.bare.maxRssMB} MB | ${m.flood.relbot.maxRssMB} MB | relbot +${m.flood.relbotGrowthOverIdleMB} MB over idle | |`,
    `| max RSS in the flood's first / second half | ${m.flood.bare.firstHalfMaxRssMB} / ${m.flood.bare.secondHalfMaxRssMB} MB | ${m.flood.relbot.firstHalfMaxRssMB} / ${m.flood.relbot.secondHalfMaxRssMB} MB | bounded if the second half does not keep climbing | |`,
    `| RSS after the flood (after GC) | ${m.flood.bare.rssAfterMB} MB | ${m.flood.relbot.rssAfterMB} MB | | |`,
    `| commands acked during the flood | ${m.flood.bare.acked} | ${m.flood.relbot.acked} | relbot refused ${m.flood.relbot.refused ?? 0} posts (queue full, \`relbot_outbound_rejected_total\`) | |`,
    '',
    '### GitHub requests per blocker digest',
    '',
    '| matching items | run | requests | 200 | 304 | seen by emulated GitHub | target (2 queries × (1 + N/100)) | result |',
    '|--:|---|--:|--:|--:|--:|--:|---|',
  );
  for (const g of r.github)
    out.push(
      `| ${g.items} | ${g.run} | ${g.requests} | ${g.fresh} | ${g.notModified} | ${g.emulatorRequests} | ≤ ${g.bound} | ${pf(g.pass)} |`,
    );
  const t = r.timeliness;
  out.push(
    '',
    `### Reminder timeliness (${t.window.from.slice(0, 10)} → ${t.window.to.slice(0, 10)}, job wakes every ${t.wakeEveryMinutes} min, ${t.jobRuns} job runs)`,
    '',
    '| reminders due | posted | missed | duplicates | max lateness | mean lateness | result |',
    '|--:|--:|--:|--:|--:|--:|---|',
    `| ${t.expected} | ${t.posted} | ${t.missed} | ${t.duplicates} | ${r2(t.lateMaxMinutes)} min | ${r2(t.lateMeanMinutes)} min | ${pf(t.duplicates === 0 && t.missed === 0)} |`,
  );
  return out.join('\n');
}

process.on('SIGINT', () => {
  killChildren();
  process.exit(130);
});

if (require.main === module)
  main().catch((err) => {
    killChildren();
    process.stderr.write(`bench failed: ${(err as Error).stack ?? err}\n`);
    process.exit(1);
  });
