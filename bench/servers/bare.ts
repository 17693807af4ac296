import { Agent, request, type Server } from 'node:http';
import { App, HTTPReceiver, LogLevel } from '@slack/bolt';
import {
  APPROVE_ACTION,
  BENCH_CHANNEL,
  BOT_TOKEN,
  FLOOD_COMMAND,
  labelOf,
  SIGNING_SECRET,
} from '../constants';
import { announce, memoryRoutes } from './instrument';

/**
 * The baseline: a bare Bolt app (the same @slack/bolt, HTTPReceiver at /slack/events) doing the
 * same I/O as relbot and nothing else. Each of relbot's commands (/schedule, /cherrypick,
 * /blockers, /shadow) is acked empty, then a fixed answer of relbot's mean answer size for that
 * request (its label, bench/constants.ts labelOf) is POSTed to response_url over a kept-alive
 * connection (http.Agent keepAlive). The sizes are set by the parent with
 * POST /bench/answer-sizes {"<label>": bytes}; with no size set (or 0) the app only acks: the
 * ack-only baseline. `/bench-flood` acks and posts a message straight to chat.postMessage (for the
 * memory flood), the Approve button only acks. GET /healthz answers 200 (cold start).
 * Env: SLACK_API_URL, PORT (default: any free port).
 */
const agent = new Agent({ keepAlive: true, maxSockets: 64 });
let sizes: Record<string, number> = {};
const bodies = new Map<number, string>();

/** `{"response_type":"ephemeral","replace_original":false,"text":"xxx…"}` of exactly `bytes` bytes. */
function answerOf(bytes: number): string {
  let b = bodies.get(bytes);
  if (!b) {
    const shell = JSON.stringify({ response_type: 'ephemeral', replace_original: false, text: '' });
    b = shell.replace('"text":""', `"text":"${'x'.repeat(Math.max(0, bytes - shell.length))}"`);
    bodies.set(bytes, b);
  }
  return b;
}

function post(url: string, body: string): Promise<void> {
  return new Promise((resolve) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) },
        timeout: 10_000,
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve());
      },
    );
    req.on('error', () => resolve());
    req.on('timeout', () => req.destroy());
    req.end(body);
  });
}

async function main(): Promise<void> {
  const receiver = new HTTPReceiver({
    signingSecret: SIGNING_SECRET,
    endpoints: '/slack/events',
    customRoutes: [
      ...memoryRoutes(),
      {
        path: '/healthz',
        method: ['GET'],
        handler: (_req, res) => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end('{"ok":true}');
        },
      },
      {
        path: '/bench/answer-sizes',
        method: ['POST'],
        handler: (req, res) => {
          const chunks: Buffer[] = [];
          req.on('data', (c: Buffer) => chunks.push(c));
          req.on('end', () => {
            sizes = JSON.parse(Buffer.concat(chunks).toString() || '{}') as Record<string, number>;
            res.writeHead(200, { 'content-type': 'application/json' });
            res.end(JSON.stringify(sizes));
          });
        },
      },
    ],
    processBeforeResponse: false,
  });
  const app = new App({
    token: BOT_TOKEN,
    receiver,
    logLevel: LogLevel.ERROR,
    clientOptions: { slackApiUrl: process.env.SLACK_API_URL, retryConfig: { retries: 0 } },
  });
  for (const name of ['/schedule', '/cherrypick', '/blockers', '/shadow'])
    app.command(name, async ({ ack, command }) => {
      await ack();
      const bytes = sizes[labelOf(command.command, command.text ?? '')] ?? 0;
      if (bytes > 0) await post(command.response_url, answerOf(bytes));
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
  const server = (await app.start(Number(process.env.PORT ?? 0))) as Server;
  const addr = server.address();
  announce(addr && typeof addr === 'object' ? addr.port : 0);
  // A clean exit writes the --cpu-prof profile when the parent ran with BENCH_CPU_PROF.
  process.on('SIGTERM', () => process.exit(0));
}

main().catch((err) => {
  process.stderr.write(`bare: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
