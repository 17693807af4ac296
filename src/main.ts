import { resolve } from 'node:path';
import { createRelbot } from './app';
import { ManualClock } from './clock';
import { ConfigError, loadConfigFile, loadEnv, missingSlackCredentials } from './config';
import { openDb } from './db';
import { createLogger } from './log';

/** Entrypoint: env + relbot.yaml -> store -> app -> jobs. SIGTERM drains and closes. */
async function main(): Promise<void> {
  const log = createLogger();
  let env: ReturnType<typeof loadEnv>;
  try {
    env = loadEnv();
  } catch (err) {
    return fail(log, err);
  }
  const missing = missingSlackCredentials(env);
  if (missing.length) {
    if (!env.requireCredentials) {
      // A developer's machine without a Slack workspace: the local sandbox, on 127.0.0.1 unless
      // HOST says otherwise (whoever reaches it can act as an admin).
      const { runSandbox } = await import('./sandbox/run.js');
      return runSandbox(log, process.env.HOST || undefined);
    }
    log.fatal({ missing }, `missing Slack credentials: ${missing.join(', ')}`);
    process.stderr.write(`relbot: missing Slack credentials: ${missing.join(', ')}\n`);
    process.exit(1);
  }
  let relbot: ReturnType<typeof createRelbot>;
  try {
    const config = loadConfigFile(resolve(env.configPath));
    if ((process.env.RELBOT_TEST_NOW || process.env.RELBOT_TEST_RUN_JOBS) && env.requireCredentials) {
      throw new ConfigError(
        'RELBOT_TEST_NOW / RELBOT_TEST_RUN_JOBS are test-only and refused where credentials are required',
      );
    }
    const db = openDb(resolve(env.dbPath));
    // Test-only hooks for the crash tests, which run this entrypoint in a child process and kill it:
    // RELBOT_TEST_NOW pins the clock to that instant (and turns cron off); RELBOT_TEST_RUN_JOBS runs
    // those jobs (comma-separated, in order) once after start-up, then logs "test jobs done".
    const testNow = process.env.RELBOT_TEST_NOW;
    const clock = testNow ? new ManualClock(testNow) : undefined;
    if (testNow)
      log.warn({ now: testNow }, 'RELBOT_TEST_NOW is set: the clock is pinned and cron is off (tests only)');
    relbot = createRelbot({ env, config, db, log, ...(clock ? { clock, cron: false } : {}) });
    await relbot.start();
    const testJobs = (process.env.RELBOT_TEST_RUN_JOBS ?? '').split(',').filter(Boolean);
    for (const name of testJobs) await relbot.jobs.run(name);
    if (testJobs.length) log.info({ jobs: testJobs }, 'test jobs done');
  } catch (err) {
    return fail(log, err);
  }
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    relbot
      .stop()
      .then(() => process.exit(0))
      .catch((err) => {
        log.error({ err }, 'error during shutdown');
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

function fail(log: ReturnType<typeof createLogger>, err: unknown): never {
  const msg = err instanceof ConfigError ? err.message : String((err as Error)?.stack ?? err);
  log.fatal({ err }, 'relbot cannot start');
  process.stderr.write(`relbot: ${msg}\n`);
  process.exit(1);
}

void main();
