import type { Server } from 'node:http';
import { App, HTTPReceiver, LogLevel } from '@slack/bolt';
import { APPROVE_ACTION, BENCH_CHANNEL, BOT_TOKEN, FLOOD_COMMAND, SIGNING_SECRET } from '../constants';
import { announce, memoryRoutes } from './instrument';

/**
 * The baseline: a bare Bolt app (the same @slack/bolt, HTTPReceiver at /slack/events) whose
 * listeners only ack: `/schedule`, `/cherrypick` and the Approve button. `/bench-flood` acks and
 * then posts a message the way a plain Bolt app does (straight to chat.postMessage, unbounded),
 * for the memory flood. Env: SLACK_API_URL.
 */
async function main(): Promise<void> {
  const receiver = new HTTPReceiver({
    signingSecret: SIGNING_SECRET,
    endpoints: '/slack/events',
    customRoutes: memoryRoutes(),
    processBeforeResponse: false,
  });
  const app = new App({
    token: BOT_TOKEN,
    receiver,
    logLevel: LogLevel.ERROR,
    clientOptions: { slackApiUrl: process.env.SLACK_API_URL, retryConfig: { retries: 0 } },
  });
  app.command('/schedule', async ({ ack }) => {
    await ack();
  });
  app.command('/cherrypick', async ({ ack }) => {
    await ack();
  });
  app.action(APPROVE_ACTION, async ({ ack }) => {
    await ack();
  });
  app.command(FLOOD_COMMAND, async ({ ack, client, command }) => {
    await ack();
    await client.chat
      .postMessage({ channel: BENCH_CHANNEL, text: `flood from <@${command.user_id}>: ${command.text}` })
      .catch(() => {});
  });
  const server = (await app.start(0)) as Server;
  const addr = server.address();
  announce(addr && typeof addr === 'object' ? addr.port : 0);
  // A clean exit writes the --cpu-prof profile when the parent ran with BENCH_CPU_PROF.
  process.on('SIGTERM', () => process.exit(0));
}

main().catch((err) => {
  process.stderr.write(`bare: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
