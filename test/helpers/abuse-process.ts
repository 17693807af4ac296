import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { stringify } from 'yaml';
import type { GitHubEmulator } from '../../src/sandbox/github/server';
import { SlackDriver } from '../../src/sandbox/slack/driver';
import type { SlackEmulator } from '../../src/sandbox/slack/server';
import { type RelbotProcess, spawnRelbot } from './process';

export const CHILD_SECRET = 'abuse-child-signing-secret';

/**
 * The real entrypoint (`src/main.ts`) in a child process against emulators running in the test
 * process, on one SQLite file that survives the child: for SIGKILL tests. The child's clock is
 * pinned with the test-only `RELBOT_TEST_NOW`; `RELBOT_TEST_RUN_JOBS` runs jobs once after start.
 */
export class ChildRelbot {
  readonly dir = mkdtempSync(join(tmpdir(), 'relbot-abuse-'));
  readonly dbPath = join(this.dir, 'relbot.db');
  proc?: RelbotProcess;
  driver?: SlackDriver;

  constructor(
    private readonly slack: SlackEmulator,
    private readonly github: GitHubEmulator,
    config: Record<string, unknown>,
  ) {
    writeFileSync(join(this.dir, 'relbot.yaml'), stringify(config));
  }

  /** Starts a child with its clock at `now`; resolves once it listens (and ran `jobs`, if any). */
  async start(now: string, jobs: string[] = []): Promise<RelbotProcess> {
    const p = spawnRelbot({
      SLACK_BOT_TOKEN: 'xoxb-abuse-child',
      SLACK_SIGNING_SECRET: CHILD_SECRET,
      SLACK_API_URL: this.slack.apiUrl,
      GITHUB_API_URL: this.github.url,
      GITHUB_TOKEN: 'ghp_abuse_child',
      RELBOT_DB: this.dbPath,
      RELBOT_CONFIG: join(this.dir, 'relbot.yaml'),
      PORT: '0',
      RELBOT_TEST_NOW: now,
      ...(jobs.length ? { RELBOT_TEST_RUN_JOBS: jobs.join(',') } : {}),
    });
    this.proc = p;
    const started = p.waitForLog((l) => l.msg === 'relbot started', 30000);
    const done = jobs.length ? p.waitForLog((l) => l.msg === 'test jobs done', 60000) : undefined;
    const line = await started;
    this.driver = new SlackDriver({
      relbotUrl: `http://127.0.0.1:${line.port}`,
      signingSecret: CHILD_SECRET,
      slack: this.slack,
    });
    if (done) await done;
    return p;
  }

  /** SIGKILL: no shutdown hook, no drain, nothing flushed. */
  async kill(): Promise<void> {
    const p = this.proc;
    if (!p) return;
    p.child.kill('SIGKILL');
    const { signal } = await p.exited;
    if (signal !== 'SIGKILL') throw new Error(`expected the child to die of SIGKILL, got ${signal}`);
    this.proc = undefined;
  }

  /** SIGTERM: the normal shutdown (drains, closes the DB). */
  async stop(): Promise<void> {
    const p = this.proc;
    if (!p) return;
    p.child.kill('SIGTERM');
    await p.exited;
    this.proc = undefined;
  }

  /** A read of the child's database (a separate connection, closed again). */
  query<T>(sql: string, ...args: unknown[]): T[] {
    const db = new Database(this.dbPath, { readonly: true, fileMustExist: true });
    try {
      return db.prepare(sql).all(...args) as T[];
    } finally {
      db.close();
    }
  }

  async dispose(): Promise<void> {
    if (this.proc) {
      this.proc.child.kill('SIGKILL');
      await this.proc.exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Polls `check` every 10 ms until it returns a truthy value (for state outside the Slack emulator). */
export async function until<T>(check: () => T | undefined | false | null, timeoutMs = 10000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
