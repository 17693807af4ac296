import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import { createRelbot, type Relbot } from '../app';
import { ManualClock } from '../clock';
import { loadEnv, parseConfig } from '../config';
import { openDb } from '../db';
import { FIXTURES_DIR } from '../fixtures';
import type { Logger } from '../log';
import { openCycle } from '../shadows/cycle';
import { GitHubEmulator } from './github/server';
import { type SandboxContext, sandboxRoutes } from './routes';
import { CHANNEL, people, seedConfig, seedSlack } from './seed';
import { prepareFeatures } from './seed-all';
import { CP } from './seed-cherrypicks';
import { SlackDriver } from './slack/driver';
import { SlackEmulator } from './slack/server';
import { passTime } from './time';

/** Where the sandbox clock starts: inside the v1.37 cycle, so the real schedule has things ahead. */
export const SANDBOX_START = '2026-06-01T09:00:00Z';

/** Who one can be on the page, and what each of them can do there (the page's "Try" list). */
export const PERSONAS: SandboxContext['personas'] = [
  {
    id: people.member.id,
    name: people.member.name,
    role: 'member',
    try: [
      '`/schedule` (in your time zone), `/schedule patches`, `/schedule 1.37 all`',
      '`/shadow apply`: the v1.38 shadow applications are open; then `/shadow status`, `/shadow withdraw`',
      '`/cherrypick list`: Approve on a card is refused (only release managers approve)',
      '`/blockers`, `/blockers sig node`',
      '`/cherrypick help`, `/shadow help`',
      '`/schedule remind code-freeze 2d`, then Apps → relbot · Home: your reminders; +1 week brings the DM',
    ],
  },
  {
    id: people.approver.id,
    name: people.approver.name,
    role: 'release manager (approver)',
    try: [
      '`/cherrypick list`, then Approve (a confirmation first) or Reject… a card',
      `\`/cherrypick list release-1.36\`, \`/cherrypick audit kubernetes/kubernetes#${CP.green136}\``,
      '`/schedule patches`: the cherry-pick deadlines',
      '`/blockers`',
      'Apps → relbot · Home: the picks waiting for you, with Approve and Reject…',
    ],
  },
  {
    id: people.docsLead.id,
    name: people.docsLead.name,
    role: 'Docs role lead',
    try: [
      '`/shadow review Docs`: accept or decline the Docs applicants (apply as a member first)',
      '`/shadow roster`',
      '`/schedule`, `/blockers`',
      'Apps → relbot · Home: your review queue with the seats left',
    ],
  },
  {
    id: people.lead.id,
    name: people.lead.name,
    role: 'Release Team Lead (admin)',
    try: [
      '`/shadow review Docs` (any role), `/shadow roster csv`',
      '`/shadow close`, then `/shadow publish`: each applicant gets a DM with the outcome',
      '`/schedule sync`: re-read the cycle pages',
      '`/cherrypick list`, `/blockers`',
    ],
  },
  {
    id: people.admin.id,
    name: people.admin.name,
    role: 'admin',
    try: [
      '`/shadow close`, then `/shadow open 1.39 closes 2026-09-30`, `/shadow announce`',
      '`/shadow import`: past rosters from GitHub',
      '`/schedule sync`, `/cherrypick list`, `/blockers`',
    ],
  },
  {
    id: people.member2.id,
    name: people.member2.name,
    role: 'member (UTC+14)',
    try: [
      '`/schedule`: the same deadlines, a day ahead in Kiritimati',
      '`/shadow apply`',
      '+1 day: reminders show their times in your zone',
    ],
  },
];

/** The shadow application round open from the start: v1.38, closing three weeks after the sandbox clock. */
export const SANDBOX_SHADOW_VERSION = '1.38';

/**
 * The sandbox's `jobs:` wake-ups. Moving the clock runs every job at each wake-up on the way
 * (src/sandbox/time.ts), so these are coarser than production's five minutes to keep "+1 week"
 * to a few seconds: due posts still come in order, at most a quarter of an hour after their time.
 * Cherry-pick discovery wakes daily: the emulated GitHub only changes when someone acts on it.
 */
export const SANDBOX_JOBS = {
  'schedule-sync': '17 * * * *',
  'schedule-reminders': '*/15 * * * *',
  'cherrypick-discovery': '3 6 * * *',
  'blockers-digest': '*/15 * * * *',
  'shadows-close': '*/15 * * * *',
  'schedule-personal-reminders': '*/15 * * * *',
  'home-refresh': '*/15 * * * *',
};

export interface Sandbox {
  url: string;
  ctx: SandboxContext;
  relbot: Relbot;
  stop(): Promise<void>;
}

/**
 * The local sandbox: emulated Slack and GitHub in-process, seeded from the real SIG Release
 * fixtures, a SQLite file under ./data/, and relbot itself, unchanged, in HTTP mode against them,
 * with a web page at / to use it.
 */
export async function startSandbox(opts: {
  port?: number;
  /**
   * The interface the page and relbot listen on: 127.0.0.1 unless told otherwise. Anyone who can
   * reach the sandbox can act as any persona, admins included, so it stays on this machine.
   */
  host?: string;
  dbPath?: string;
  log: Logger;
  start?: string;
}): Promise<Sandbox> {
  const clock = new ManualClock(opts.start ?? SANDBOX_START);
  const slack = new SlackEmulator(() => clock.now().toMillis());
  await slack.start();
  seedSlack(slack);
  const github = new GitHubEmulator({ now: () => clock.now().toJSDate() });
  await github.start();
  const raw = seedConfig();
  raw.jobs = { ...SANDBOX_JOBS, ...(raw.jobs as object | undefined) };
  const features = await prepareFeatures({ github, slack, raw, clock });
  const config = parseConfig(stringify(raw), 'sandbox relbot.yaml');
  const dbPath = opts.dbPath ?? resolve('data', 'sandbox.db');
  if (dbPath !== ':memory:') {
    // The emulators start empty each time, so the sandbox's database does too.
    mkdirSync(resolve(dbPath, '..'), { recursive: true });
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${dbPath}${suffix}`, { force: true });
  }
  const db = openDb(dbPath);
  const secret = 'sandbox-signing-secret';
  const ctx: SandboxContext = {
    slack,
    github,
    clock,
    channel: CHANNEL,
    commands: manifestCommands(),
    passTime: (target) =>
      passTime({ clock, jobs: relbot.jobs.jobs, run: (name) => relbot.jobs.run(name) }, target),
    personas: PERSONAS,
  };
  const relbot = createRelbot({
    env: {
      ...loadEnv({}),
      slackBotToken: 'xoxb-sandbox',
      slackSigningSecret: secret,
      slackApiUrl: slack.apiUrl,
      githubApiUrl: github.url,
      githubToken: 'sandbox',
      dbPath,
    },
    config,
    db,
    clock,
    log: opts.log,
    routes: sandboxRoutes(ctx),
    cron: false,
    github: { retries: 1, retryAfterBaseMs: 10 },
    outbound: { intervalMs: 50 },
  });
  const host = opts.host || SANDBOX_HOST;
  // Bolt's HTTPReceiver.start takes Node's ListenOptions as well as a port, and relbot.start hands
  // its argument on unchanged: this is how the sandbox binds one interface instead of all of them.
  const port = await relbot.start(opts.port ?? 3000, host);
  const url = `http://${urlHost(host)}:${port}`;
  ctx.driver = new SlackDriver({ relbotUrl: url, signingSecret: secret, slack });
  await features.afterStart?.(relbot);
  // Out of the box, shadow applications are open (as the Release Team Lead would have opened them).
  const closes = clock.now().plus({ weeks: 3 }).toISODate()!;
  await openCycle(relbot.deps, people.lead.id, [SANDBOX_SHADOW_VERSION, 'closes', closes]);
  return {
    url,
    ctx,
    relbot,
    async stop() {
      await relbot.stop();
      await slack.stop();
      await github.stop();
    },
  };
}

/** The slash commands in relbot's Slack app manifest (the four, should the file not be found). */
export function manifestCommands(): string[] {
  const path = join(FIXTURES_DIR, '..', '..', 'manifest.yml');
  if (!existsSync(path)) return ['/schedule', '/cherrypick', '/blockers', '/shadow'];
  const manifest = parse(readFileSync(path, 'utf8')) as {
    features?: { slash_commands?: Array<{ command?: string }> };
  };
  return (manifest.features?.slash_commands ?? []).map((c) => String(c.command));
}

/** The sandbox's default interface: only this machine can reach it. */
export const SANDBOX_HOST = '127.0.0.1';

/** A host as it goes in a URL (wildcards become the loopback address one can open). */
function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

/** `npm start` without Slack credentials. `host` comes from `HOST` (default 127.0.0.1). */
export async function runSandbox(log: Logger, host?: string): Promise<void> {
  const env = loadEnv();
  // Keep the terminal to the one line with the URL unless LOG_LEVEL asks for more.
  const quiet = process.env.LOG_LEVEL ? log : log.child({ mode: 'sandbox' }, { level: 'warn' });
  const sandbox = await startSandbox({
    port: env.port,
    host,
    log: quiet,
    dbPath: process.env.RELBOT_DB ? resolve(process.env.RELBOT_DB) : undefined,
  });
  process.stdout.write(`relbot sandbox (no Slack credentials set): open ${sandbox.url}/\n`);
  if (host && host !== SANDBOX_HOST && host !== 'localhost')
    process.stdout.write(
      `relbot sandbox: listening on ${host}: anyone who reaches it can act as any persona, admins included\n`,
    );
  const stop = () => {
    sandbox.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
