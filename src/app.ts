import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import {
  App,
  type CustomRoute,
  HTTPReceiver,
  isValidSlackRequest,
  LogLevel,
  type Receiver,
  SocketModeReceiver,
} from '@slack/bolt';
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
import { type InteractionRegistry, recordingApp, unhandledInteractionGuard } from './slack/guard';
import { type OutboundOptions, OutboundQueue } from './slack/outbound';
import { Outbox } from './slack/outbox';
import { createResponseUrlPoster } from './slack/post';
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
  start(port?: number): Promise<number>;
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
  let receiver: Receiver;
  let httpReceiver: HTTPReceiver | undefined;
  let socketReceiver: SocketModeReceiver | undefined;
  if (mode === 'socket') {
    socketReceiver = new SocketModeReceiver({
      appToken: env.slackAppToken!,
      logger,
      installerOptions: { clientOptions: { ...clientOptions, retryConfig: { retries: 2, factor: 1.5 } } },
    });
    receiver = socketReceiver;
  } else {
    httpReceiver = new HTTPReceiver({
      signingSecret: env.slackSigningSecret!,
      endpoints: '/slack/events',
      logger,
      customRoutes: routes,
      processBeforeResponse: false,
      unhandledRequestTimeoutMillis: opts.unhandledRequestTimeoutMillis ?? 3001,
      // Bolt reads fields of the payload before any listener runs; a signed but malformed payload
      // (which Slack never sends) makes it throw a TypeError. That is the caller's fault: 400, not 500.
      processEventErrorHandler: async ({ error, response }) => {
        if (response.headersSent) return false;
        const malformed =
          error instanceof TypeError || (error as { original?: unknown }).original instanceof TypeError;
        log.warn({ err: error, malformed }, 'could not process a Slack request');
        response.writeHead(
          malformed
            ? 400
            : (error as { code?: string }).code === 'slack_bolt_authorization_error'
              ? 401
              : 500,
        );
        response.end();
        return true;
      },
    });
    receiver = httpReceiver;
    guardMalformedBodies(httpReceiver, env.slackSigningSecret!, log);
  }

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
    async start(port = env.port) {
      let actualPort = port;
      if (mode === 'socket') {
        await app.start();
        // Socket Mode has no inbound Slack traffic; /healthz, /metrics and feature routes get their own server.
        routeServer = createServer(routeHandler(routes));
        await new Promise<void>((r) => routeServer!.listen(port, r));
        const addr = routeServer.address();
        actualPort = addr && typeof addr === 'object' ? addr.port : port;
      } else {
        const server = (await app.start(port)) as Server;
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
      if (db.open) db.close();
      log.info('relbot stopped');
    },
  };
}

/** A minimal router over Bolt-style custom routes, for Socket Mode. */
function routeHandler(routes: CustomRoute[]) {
  return (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const method = (req.method ?? 'GET').toUpperCase();
    const route = routes.find(
      (r) =>
        r.path === path &&
        (Array.isArray(r.method) ? r.method : [r.method]).map((m) => m.toUpperCase()).includes(method),
    );
    if (!route) return sendText(res, 404, 'not found');
    Promise.resolve(route.handler(Object.assign(req, { params: {} }), res)).catch((err) =>
      sendText(res, 500, String(err)),
    );
  };
}

/**
 * Bolt's HTTP receiver dereferences the parsed body before any hook can run, so a body that is
 * JSON `null` (or a `payload=` that is not an object) throws outside every handler and leaves the
 * request hanging. relbot buffers the body first (Bolt reuses `req.rawBody`) and answers such
 * bodies 400 itself. Signature checks stay Bolt's.
 */
/** Interactive payload types Bolt routes (bolt-js helpers.ts getTypeAndConversation). */
const INTERACTION_TYPES = new Set([
  'block_actions',
  'block_suggestion',
  'view_submission',
  'view_closed',
  'shortcut',
  'message_action',
  'interactive_message',
  'dialog_submission',
  'dialog_cancellation',
  'dialog_suggestion',
  'workflow_step_edit',
]);

function guardMalformedBodies(receiver: HTTPReceiver, signingSecret: string, log: Logger): void {
  const original = receiver.requestListener;
  const isObject = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);
  // Synchronous for everything else: Bolt's server catches what its listener throws (e.g. 404s).
  receiver.requestListener = (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'POST' || !req.url?.startsWith('/slack/events')) return original(req, res);
    checked(req, res).catch((err) => {
      log.error({ err }, 'error while screening a Slack request');
      if (!res.headersSent) sendText(res, 500, '');
    });
  };
  const checked = async (req: IncomingMessage, res: ServerResponse) => {
    let raw: Buffer;
    try {
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const c of req) {
        size += (c as Buffer).length;
        if (size > 4 * 1024 * 1024) return sendText(res, 413, 'request body too large');
        chunks.push(c as Buffer);
      }
      raw = Buffer.concat(chunks);
    } catch {
      return sendText(res, 400, 'unreadable body');
    }
    (req as IncomingMessage & { rawBody?: Buffer }).rawBody = raw;
    const text = raw.toString('utf8');
    let ok = true;
    if (req.headers['content-type'] === 'application/x-www-form-urlencoded') {
      const form = new URLSearchParams(text);
      const payload = form.get('payload');
      if (payload !== null) {
        // Interactivity: an object with a type Bolt can route; anything else would wait out Bolt's 3 s timer.
        try {
          const p = JSON.parse(payload) as { type?: unknown };
          ok = isObject(p) && typeof p.type === 'string' && INTERACTION_TYPES.has(p.type);
        } catch {
          ok = false;
        }
      } else {
        ok = form.has('command') || form.get('ssl_check') === '1';
      }
    } else {
      try {
        const body = JSON.parse(text) as { type?: unknown };
        ok = isObject(body) && typeof body.type === 'string';
      } catch {
        ok = false;
      }
    }
    if (!ok) {
      // Unsigned or forged garbage is still a 401, as for any other body.
      const signed = isValidSlackRequest({
        signingSecret,
        body: text,
        headers: {
          'x-slack-signature': String(req.headers['x-slack-signature'] ?? ''),
          'x-slack-request-timestamp': Number(req.headers['x-slack-request-timestamp'] ?? 0),
        },
      });
      if (!signed) return sendText(res, 401, '');
      log.warn({ url: req.url }, 'malformed Slack request body; answered 400');
      return sendText(res, 400, 'malformed body');
    }
    return original(req, res);
  };
}
