import { createServer, type Server } from 'node:http';
import { App, type CustomRoute, LogLevel } from '@slack/bolt';
import type { WebClientOptions } from '@slack/web-api';
import { type Clock, systemClock } from './clock';
import type { Config, Env } from './config';
import type { Db } from './db';
import type { Deps } from './deps';
import type { Feature } from './feature';
import { features as defaultFeatures } from './features';
import { createGitHub, type GitHubOptions } from './github';
import { sendJson, sendText } from './http';
import { JobRunner } from './jobs/runner';
import { boltLogger, createLogger, type Logger } from './log';
import { createMetrics, type Metrics } from './metrics';
import { AnswerCache, stampFrom } from './slack/answers';
import { Directory } from './slack/directory';
import { SlackFiles } from './slack/files';
import { type InteractionRegistry, recordingApp, unhandledInteractionGuard } from './slack/guard';
import { type OutboundOptions, OutboundQueue } from './slack/outbound';
import { Outbox } from './slack/outbox';
import { createResponseUrlPoster } from './slack/post';
import { createReceiver, routeHandler } from './slack/receiver';
import { WorkQueue } from './slack/work';

export interface RelbotOptions {
  env: Env;
  config: Config;
  db: Db;
  clock?: Clock;
  log?: Logger;
  metrics?: Metrics;
  features?: Feature[];
  /** Extra Web API client options (tests shorten retries). */
  slackClientOptions?: Partial<WebClientOptions>;
  github?: Partial<Omit<GitHubOptions, 'log' | 'metrics'>>;
  outbound?: OutboundOptions;
  /** Post-ack command work: how many run at once and how many may wait. */
  work?: { concurrency?: number; maxWaiting?: number };
  /** Extra HTTP routes (the local sandbox page). */
  routes?: CustomRoute[];
  /** How long Bolt waits for an ack of a payload it cannot route (HTTP mode). */
  unhandledRequestTimeoutMillis?: number;
  /** Start the node-cron triggers (off in tests, which call jobs.runAll() after moving the clock). */
  cron?: boolean;
}

export interface Relbot {
  app: App;
  deps: Deps;
  jobs: JobRunner;
  mode: 'http' | 'socket';
  /** Starts listening; returns the HTTP port (for Socket Mode, the port of /healthz and /metrics). */
  start(port?: number, host?: string): Promise<number>;
  /** Stops cron, stops receiving, waits for in-flight work and queued messages, closes the database. */
  stop(): Promise<void>;
}

export function createRelbot(opts: RelbotOptions): Relbot {
  const { env, config, db } = opts;
  const clock = opts.clock ?? systemClock;
  const log = opts.log ?? createLogger();
  const metrics = opts.metrics ?? createMetrics();
  const features = opts.features ?? defaultFeatures;
  if (!env.slackBotToken) throw new Error('SLACK_BOT_TOKEN is required');
  const mode: Relbot['mode'] = env.slackAppToken ? 'socket' : 'http';
  if (mode === 'http' && !env.slackSigningSecret)
    throw new Error('SLACK_SIGNING_SECRET is required in HTTP mode');

  // Counted fetch: every Slack Web API call and response_url post shows in /metrics. Answers to a
  // response_url (Bolt's respond()) go through the lighter node:http poster.
  const responseUrls = createResponseUrlPoster(fetch);
  const countedFetch: typeof fetch = async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const method = url.startsWith(env.slackApiUrl)
      ? url.slice(env.slackApiUrl.length).split('?')[0] || 'unknown'
      : 'response_url';
    try {
      const res =
        method === 'response_url' && typeof input === 'string' && init
          ? await responseUrls.post(input, init)
          : await fetch(input, init);
      metrics.slackCalls.inc({ method, outcome: res.status === 200 ? 'ok' : String(res.status) });
      return res;
    } catch (err) {
      metrics.slackCalls.inc({ method, outcome: 'network_error' });
      throw err;
    }
  };
  const clientOptions: WebClientOptions = {
    slackApiUrl: env.slackApiUrl,
    retryConfig: { retries: 3, factor: 2, minTimeout: 500, maxTimeout: 5000 },
    rejectRateLimitedCalls: true,
    timeout: 10_000,
    fetch: countedFetch,
    ...opts.slackClientOptions,
  };

  const deps = {} as Deps;
  const routes: CustomRoute[] = [
    {
      path: '/healthz',
      method: ['GET'],
      handler: (_req, res) => {
        try {
          db.prepare('SELECT 1').get();
          sendJson(res, 200, { ok: true, mode, now: clock.now().toISO() });
        } catch (err) {
          sendJson(res, 503, { ok: false, error: `database: ${(err as Error).message}` });
        }
      },
    },
    {
      path: '/metrics',
      method: ['GET'],
      handler: (_req, res) => {
        metrics.registry
          .metrics()
          .then((text) => sendText(res, 200, text, metrics.registry.contentType))
          .catch((err) => sendText(res, 500, String(err)));
      },
    },
    ...features.flatMap((f) => f.routes?.(deps) ?? []),
    ...(opts.routes ?? []),
  ];

  const logger = boltLogger(log);
  const { receiver, socket: socketReceiver } = createReceiver({
    mode,
    env,
    log,
    logger,
    clientOptions,
    routes,
    unhandledRequestTimeoutMillis: opts.unhandledRequestTimeoutMillis,
  });

  const app = new App({
    token: env.slackBotToken,
    receiver,
    logger,
    logLevel: LogLevel.INFO,
    clientOptions,
    // The bot's identity comes from auth.test at start; retries keep start-up robust.
    deferInitialization: false,
    extendedErrorHandler: true,
    // relbot keeps its state in SQLite and never reads Bolt's conversation context; the default
    // in-memory store ran on every request (about 4% of relbot's CPU under `npm run bench`).
    convoStore: false,
  });

  const outbound = new OutboundQueue(app.client, log, metrics, opts.outbound);
  Object.assign(deps, {
    config,
    env,
    db,
    clock,
    log,
    metrics,
    slack: app.client,
    outbound,
    outbox: new Outbox(db, outbound, app.client, clock, log),
    files: new SlackFiles({ db, clock, log, token: env.slackBotToken ?? '', apiUrl: env.slackApiUrl }),
    work: new WorkQueue(opts.work?.concurrency, opts.work?.maxWaiting),
    directory: new Directory(app.client, clock, config.people),
    answers: new AnswerCache(stampFrom(db, clock)),
    github: createGitHub({
      baseUrl: env.githubApiUrl,
      token: env.githubToken,
      app: env.githubApp,
      log,
      metrics,
      ...opts.github,
    }),
    dryRun: env.dryRun || config.github.dryRun,
  } satisfies Deps);

  // In-flight work: every listener runs inside this middleware, so shutdown can wait for it.
  const inflight = new Set<Promise<void>>();
  app.use(async ({ next }) => {
    const p = next();
    inflight.add(p);
    try {
      await p;
    } finally {
      inflight.delete(p);
    }
  });
  app.error(async (e) => {
    const { error, body } = e as unknown as { error?: Error; body?: { type?: string } };
    log.error({ err: error ?? e, type: body?.type }, 'unhandled error in a Slack listener');
  });

  // Answer interactions no feature listens for at once instead of after Bolt's 3 s timeout.
  const registry: InteractionRegistry = { actions: [], views: [] };
  app.use(unhandledInteractionGuard(registry, log));
  const recording = recordingApp(app, registry);
  for (const f of features) f.register(recording, deps);
  const jobs = new JobRunner(
    deps,
    features.flatMap((f) => f.jobs?.(deps) ?? []),
  );

  let started = false;
  let routeServer: Server | undefined;
  return {
    app,
    deps,
    jobs,
    mode,
    async start(port = env.port, host?: string) {
      let actualPort = port;
      if (mode === 'socket') {
        await app.start();
        // Socket Mode has no inbound Slack traffic; /healthz, /metrics and feature routes get their own server.
        routeServer = createServer(routeHandler(routes));
        await new Promise<void>((r) => routeServer!.listen(port, host, r));
        const addr = routeServer.address();
        actualPort = addr && typeof addr === 'object' ? addr.port : port;
      } else {
        // Bolt's HTTP receiver takes node's listen options in place of a port.
        const server = (await (host ? app.start({ port, host }) : app.start(port))) as Server;
        const addr = server.address();
        actualPort = addr && typeof addr === 'object' ? addr.port : port;
      }
      started = true;
      if (opts.cron ?? true) jobs.start();
      log.info({ mode, port: actualPort }, 'relbot started');
      return actualPort;
    },
    async stop() {
      await jobs.stop();
      if (started) {
        if (socketReceiver) await socketReceiver.client.disconnect().catch(() => {});
        await app.stop().catch((err) => log.warn({ err }, 'error while stopping the receiver'));
        if (routeServer) {
          routeServer.closeAllConnections();
          await new Promise((r) => routeServer!.close(r));
        }
      }
      const deadline = Date.now() + 10_000;
      while (inflight.size > 0 && Date.now() < deadline)
        await Promise.race([...inflight, new Promise((r) => setTimeout(r, 100))]);
      await deps.work.onIdle();
      await outbound.drain();
      responseUrls.close();
      metrics.stop();
      if (db.open) db.close();
      log.info('relbot stopped');
    },
  };
}
