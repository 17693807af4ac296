// How Slack traffic reaches relbot: the Socket Mode or HTTP receiver, the malformed-body guard in front of Bolt, and Socket Mode's route server.
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  type Logger as BoltLogger,
  type CustomRoute,
  HTTPReceiver,
  isValidSlackRequest,
  type Receiver,
  SocketModeReceiver,
} from '@slack/bolt';
import type { WebClientOptions } from '@slack/web-api';
import type { Env } from '../config';
import { BodyTooLarge, readBodyBuffer, sendText } from '../http';
import type { Logger } from '../log';

export interface ReceiverOptions {
  mode: 'http' | 'socket';
  env: Pick<Env, 'slackAppToken' | 'slackSigningSecret'>;
  log: Logger;
  /** Bolt's logger over `log`. */
  logger: BoltLogger;
  /** The Web API client options (Socket Mode opens its connection with them, fewer retries). */
  clientOptions: WebClientOptions;
  /** /healthz, /metrics and feature routes (HTTP mode serves them; Socket Mode has routeHandler). */
  routes: CustomRoute[];
  /** How long Bolt waits for an ack of a payload it cannot route (HTTP mode). */
  unhandledRequestTimeoutMillis?: number;
}

export interface Receivers {
  receiver: Receiver;
  /** Set in HTTP mode. */
  http?: HTTPReceiver;
  /** Set in Socket Mode. */
  socket?: SocketModeReceiver;
}

/** The largest Slack request body relbot reads (413 above it). */
const MAX_SLACK_BODY = 4 * 1024 * 1024;

export function createReceiver(opts: ReceiverOptions): Receivers {
  const { env, log, logger } = opts;
  if (opts.mode === 'socket') {
    const socket = new SocketModeReceiver({
      appToken: env.slackAppToken!,
      logger,
      installerOptions: {
        clientOptions: { ...opts.clientOptions, retryConfig: { retries: 2, factor: 1.5 } },
      },
    });
    return { receiver: socket, socket };
  }
  const http = new HTTPReceiver({
    signingSecret: env.slackSigningSecret!,
    endpoints: '/slack/events',
    logger,
    customRoutes: opts.routes,
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
        malformed ? 400 : (error as { code?: string }).code === 'slack_bolt_authorization_error' ? 401 : 500,
      );
      response.end();
      return true;
    },
  });
  guardMalformedBodies(http, env.slackSigningSecret!, log);
  return { receiver: http, http };
}

/** A minimal router over Bolt-style custom routes, for Socket Mode. */
/**
 * Matches a request path against a route path, Bolt-style: `:name` segments match one segment and
 * become `params.name`. Undefined when it does not match.
 */
export function matchRoute(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    const g = got[i]!;
    if (w.startsWith(':') && g !== '') {
      try {
        params[w.slice(1)] = decodeURIComponent(g);
      } catch {
        return undefined;
      }
    } else if (w !== g) return undefined;
  }
  return params;
}

export function routeHandler(routes: CustomRoute[]) {
  return (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const method = (req.method ?? 'GET').toUpperCase();
    for (const r of routes) {
      if (!(Array.isArray(r.method) ? r.method : [r.method]).map((m) => m.toUpperCase()).includes(method))
        continue;
      const params = matchRoute(r.path, path);
      if (!params) continue;
      Promise.resolve(r.handler(Object.assign(req, { params }), res)).catch((err) =>
        sendText(res, 500, String(err)),
      );
      return;
    }
    sendText(res, 404, 'not found');
  };
}

/** Interactive payload types Bolt routes (bolt-js helpers.ts getTypeAndConversation). */
export const INTERACTION_TYPES = new Set([
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

/**
 * Bolt's HTTP receiver dereferences the parsed body before any hook can run, so a body that is
 * JSON `null` (or a `payload=` that is not an object) throws outside every handler and leaves the
 * request hanging. relbot buffers the body first (Bolt reuses `req.rawBody`) and answers such
 * bodies 400 itself (413 when too large, 401 when unsigned). Signature checks stay Bolt's.
 */
export function guardMalformedBodies(receiver: HTTPReceiver, signingSecret: string, log: Logger): void {
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
      raw = await readBodyBuffer(req, MAX_SLACK_BODY);
    } catch (err) {
      if (!(err instanceof BodyTooLarge)) return sendText(res, 400, 'unreadable body');
      sendText(res, 413, 'request body too large');
      req.destroy();
      return;
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
