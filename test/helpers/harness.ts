import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { createRelbot, type Relbot } from '../../src/app';
import { ManualClock } from '../../src/clock';
import { type Config, type Env, loadEnv, parseConfig } from '../../src/config';
import { type Db, openDb } from '../../src/db';
import type { Feature } from '../../src/feature';
import { createLogger, type Logger } from '../../src/log';
import { GitHubEmulator } from '../../src/sandbox/github/server';
import { seedConfig, seedSlack } from '../../src/sandbox/seed';
import { SlackDriver } from '../../src/sandbox/slack/driver';
import { SlackEmulator } from '../../src/sandbox/slack/server';

export const SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';

export interface Harness {
  slack: SlackEmulator;
  github: GitHubEmulator;
  relbot: Relbot;
  driver: SlackDriver;
  clock: ManualClock;
  config: Config;
  db: Db;
  dbPath: string;
  dir: string;
  url: string;
  port: number;
  /** Stops relbot (closing its database) but keeps the emulators and the SQLite file: for restart tests. */
  stopRelbot(): Promise<void>;
  /** Starts a fresh relbot on the same database file and emulators. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export interface HarnessOptions {
  /** Changes to the seeded relbot.yaml object before it is parsed. */
  config?: (raw: Record<string, unknown>) => void;
  clock?: ManualClock;
  /** 'socket' runs Socket Mode against the emulator's WebSocket. */
  mode?: 'http' | 'socket';
  env?: Partial<Env>;
  features?: Feature[];
  /** Per-request GitHub timeout (default 3000 ms); fault tests shorten it. */
  githubTimeoutMs?: number;
  /** How long Bolt waits for an ack before answering itself (default 300 ms; above the 2 s inline
   * budget of slash commands when a test makes commands slow on purpose). */
  unhandledRequestTimeoutMillis?: number;
  /** relbot's logger (default: silent, or RELBOT_TEST_LOG's level); tests that read the logs pass one. */
  log?: Logger;
  /** Reuse emulators (restart tests). */
  slack?: SlackEmulator;
  github?: GitHubEmulator;
}

/** Starts emulated Slack and GitHub on 127.0.0.1 and a real relbot against them, on a temp SQLite file. */
export async function startHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const clock = opts.clock ?? new ManualClock('2026-07-01T09:00:00Z');
  const slack = opts.slack ?? new SlackEmulator(() => clock.now().toMillis());
  if (!opts.slack) {
    await slack.start();
    seedSlack(slack);
  }
  const github = opts.github ?? new GitHubEmulator({ now: () => clock.now().toJSDate() });
  if (!opts.github) await github.start();
  const dir = mkdtempSync(join(tmpdir(), 'relbot-test-'));
  const dbPath = join(dir, 'relbot.db');
  const raw = seedConfig();
  opts.config?.(raw);
  const config = parseConfig(stringify(raw), 'test relbot.yaml');
  const env: Env = {
    ...loadEnv({}),
    slackBotToken: 'xoxb-test-token',
    slackSigningSecret: SIGNING_SECRET,
    slackApiUrl: slack.apiUrl,
    githubApiUrl: github.url,
    githubToken: 'ghp_test',
    port: 0,
    dbPath,
    ...(opts.mode === 'socket' ? { slackAppToken: 'xapp-test-token' } : {}),
    ...opts.env,
  };
  const log = opts.log ?? createLogger({ level: process.env.RELBOT_TEST_LOG ?? 'silent' });

  const h = {
    slack,
    github,
    clock,
    config,
    dbPath,
    dir,
  } as Harness;

  const boot = async () => {
    const authCalls = slack.callsTo('auth.test').length;
    const db = openDb(dbPath);
    const relbot = createRelbot({
      env,
      config,
      db,
      clock,
      log,
      features: opts.features,
      slackClientOptions: { retryConfig: { retries: 0 } },
      github: { retries: 2, retryAfterBaseMs: 5, timeoutMs: opts.githubTimeoutMs ?? 3000 },
      outbound: { intervalMs: 1, sleep: async () => {} },
      cron: false,
      unhandledRequestTimeoutMillis: opts.unhandledRequestTimeoutMillis,
    });
    const port = await relbot.start(0);
    // Bolt verifies its token with auth.test in the background; wait for it so a test that stops
    // right after a (re)start does not leave that call to fail after the emulator is gone.
    await slack.waitFor(() => slack.callsTo('auth.test').length > authCalls);
    h.relbot = relbot;
    h.db = db;
    h.port = port;
    h.url = `http://127.0.0.1:${port}`;
    h.driver = new SlackDriver({ relbotUrl: h.url, signingSecret: SIGNING_SECRET, slack });
  };
  await boot();
  let relbotStopped = false;
  h.stopRelbot = async () => {
    if (!relbotStopped) await h.relbot.stop();
    relbotStopped = true;
  };
  h.restart = async () => {
    await h.stopRelbot();
    await boot();
    relbotStopped = false;
  };
  h.stop = async () => {
    await h.stopRelbot();
    // Every e2e test doubles as a Block Kit check: nothing relbot sent may break Slack's limits.
    const violations = opts.slack ? [] : [...slack.violations];
    if (!opts.slack) await slack.stop();
    if (!opts.github) await github.stop();
    rmSync(dir, { recursive: true, force: true });
    if (violations.length)
      throw new Error(`Block Kit violations: ${JSON.stringify(violations).slice(0, 2000)}`);
  };
  return h;
}

/** The text of an ack or response body (text plus all block text), for assertions. */
export function textOf(body: unknown): string {
  if (!body || typeof body !== 'object') return String(body ?? '');
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (typeof v === 'string') return;
    if (Array.isArray(v)) return v.forEach(walk);
    if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (typeof o.text === 'string') out.push(o.text);
      for (const [k, x] of Object.entries(o)) if (k !== 'text' || typeof x !== 'string') walk(x);
    }
  };
  walk(body);
  return out.join('\n');
}
