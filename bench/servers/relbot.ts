import { stringify } from 'yaml';
import { createRelbot } from '../../src/app';
import { loadEnv, parseConfig } from '../../src/config';
import { openDb } from '../../src/db';
import type { Feature } from '../../src/feature';
import { features } from '../../src/features';
import { createLogger } from '../../src/log';
import { CHANNEL } from '../../src/sandbox/seed';
import { AnswerCache, stampFrom } from '../../src/slack/answers';
import { registerCommand } from '../../src/slack/command';
import { BOT_TOKEN, benchClock, benchRawConfig, FLOOD_COMMAND, SIGNING_SECRET } from '../common';
import { announce, memoryRoutes } from './instrument';
import { profileStatements, sqlRoute } from './sql-profile';

/**
 * relbot as production runs it (createRelbot, HTTP mode, every feature, production outbound queue
 * and Web API client settings), on the bench database, against the emulators; cron is off so no
 * job runs during a measurement, and the logger is silent (BENCH_LOG_LEVEL to change) so logging
 * is not what is measured. One bench-only addition: `/bench-flood`, a command declared like every
 * other, whose work posts a message through `deps.outbound` (for the memory flood).
 * BENCH_SQL_PROFILE=1 times every statement (bench/servers/sql-profile.ts; GET /bench/sql).
 * Env: RELBOT_DB, SLACK_API_URL, GITHUB_API_URL.
 */

export const floodFeature: Feature = {
  name: 'bench-flood',
  register(app, deps) {
    registerCommand(app, deps, {
      command: FLOOD_COMMAND,
      summary: 'bench only: post a message through the outbound queue',
      subcommands: [
        {
          name: '',
          usage: '',
          summary: 'post one message to the channel',
          async run({ user }) {
            return {
              text: '',
              afterAck: async () => {
                await deps.outbound.send('chat.postMessage', {
                  channel: CHANNEL,
                  text: `flood from <@${user}>`,
                });
                return undefined;
              },
            };
          },
        },
      ],
    });
  },
};

async function main(): Promise<void> {
  const env = {
    ...loadEnv({}),
    slackBotToken: BOT_TOKEN,
    slackSigningSecret: SIGNING_SECRET,
    slackApiUrl: process.env.SLACK_API_URL!,
    githubApiUrl: process.env.GITHUB_API_URL!,
    githubToken: 'ghp_bench',
    dbPath: process.env.RELBOT_DB!,
    port: 0,
  };
  const config = parseConfig(stringify(benchRawConfig()), 'bench relbot.yaml');
  const relbot = createRelbot({
    env,
    config,
    db: process.env.BENCH_SQL_PROFILE === '1' ? profileStatements(openDb(env.dbPath)) : openDb(env.dbPath),
    clock: benchClock(),
    log: createLogger({ level: process.env.BENCH_LOG_LEVEL ?? 'silent' }),
    features: [...features, floodFeature],
    routes: [...memoryRoutes(), sqlRoute()],
    cron: false,
  });
  // BENCH_ANSWER_CACHE=off: no answer is kept, so every command is rendered after its ack (the
  // path of a question not asked in the same minute before).
  if (process.env.BENCH_ANSWER_CACHE === 'off')
    relbot.deps.answers = new AnswerCache(stampFrom(relbot.deps.db, relbot.deps.clock), 0);
  announce(await relbot.start(0));
  // A clean exit writes the --cpu-prof profile when the parent ran with BENCH_CPU_PROF.
  process.on('SIGTERM', () => process.exit(0));
}

main().catch((err) => {
  process.stderr.write(`relbot: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
