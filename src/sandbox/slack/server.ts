import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { readBody, readBodyBuffer } from '../../http';
import { type SlackFault, SlackFaults } from './faults';
import { receiveUpload, serveFile } from './files';
import { callMethod } from './methods';
import { postToResponseUrl } from './response-url';
import { type EnvelopeType, SocketMode } from './socket';
import { SlackApiError, SlackWorkspace } from './store';

export type { SlackFault } from './faults';
export type { AckBody, OpenView, SlackCall, SlackMessage, SlackUser } from './store';
export { isAckBody } from './store';

/**
 * An emulated Slack Web API on 127.0.0.1: enough of the real wire contract (form or JSON bodies,
 * `ok`/`error` answers, 429 with Retry-After, Socket Mode over a WebSocket) to run relbot against.
 * It records every call, keeps channels, users, user groups, views and response_url answers, and
 * checks every message and view against Block Kit's published limits.
 *
 * This file is the HTTP server; the workspace it keeps is store.ts (SlackWorkspace, which this
 * class extends, so tests read `slack.messages` etc.), the Web API methods methods.ts,
 * response_urls response-url.ts, Socket Mode socket.ts and fault injection faults.ts.
 */

/** Request bodies are read whole, of any size (Slack's own limits are checked as Block Kit limits). */
const MAX_BODY = Number.POSITIVE_INFINITY;

export class SlackEmulator extends SlackWorkspace {
  private readonly faults = new SlackFaults();
  private server?: Server;
  private socketMode?: SocketMode;
  private sockets = new Set<Socket>();
  private timers = new Set<NodeJS.Timeout>();

  injectFault(f: SlackFault): void {
    this.faults.inject(f);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  async start(port = 0): Promise<string> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err) => {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ ok: false, error: 'internal_error', detail: String(err) }));
      });
    });
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    this.socketMode = new SocketMode(this.server);
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    const addr = this.server.address();
    if (!addr || typeof addr === 'string') throw new Error('no address');
    this.url = `http://127.0.0.1:${addr.port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.socketMode?.close();
    for (const s of this.sockets) s.destroy();
    if (this.server) await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server = undefined;
  }

  // ---------------------------------------------------------------- Socket Mode

  get socketClients(): number {
    return this.socketMode?.clients ?? 0;
  }

  /** Sends a Socket Mode envelope to a connected app and resolves with the payload it acked with. */
  sendEnvelope(type: EnvelopeType, payload: unknown, timeoutMs = 10000): Promise<unknown> {
    if (!this.socketMode) return Promise.reject(new Error('no Socket Mode client connected'));
    return this.socketMode.sendEnvelope(type, payload, timeoutMs);
  }

  // ---------------------------------------------------------------- HTTP

  private parseArgs(raw: string, contentType: string): Record<string, unknown> {
    if (contentType.includes('application/json'))
      return raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    const args: Record<string, unknown> = {};
    for (const [k, v] of new URLSearchParams(raw)) {
      if (
        (v.startsWith('{') || v.startsWith('[')) &&
        ['blocks', 'metadata', 'view', 'attachments'].includes(k)
      ) {
        try {
          args[k] = JSON.parse(v);
          continue;
        } catch {
          /* keep string */
        }
      }
      args[k] = v;
    }
    return args;
  }

  private send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname.startsWith('/upload/') || url.pathname.startsWith('/files/'))
      return this.handleFile(req, res, url);
    const raw = await readBody(req, MAX_BODY);
    if (url.pathname.startsWith('/response/')) {
      const id = url.pathname.slice('/response/'.length);
      // GET shows what was posted to a response_url (for tools in another process, e.g. the benchmark).
      if (req.method === 'GET')
        return this.send(res, 200, { bodies: this.responseUrls.get(id)?.bodies ?? [] });
      return postToResponseUrl(this, id, raw, res);
    }
    if (!url.pathname.startsWith('/api/')) return this.send(res, 404, { ok: false, error: 'unknown_path' });
    const method = url.pathname.slice('/api/'.length);
    let args: Record<string, unknown>;
    try {
      args = {
        ...Object.fromEntries(url.searchParams),
        ...this.parseArgs(raw, String(req.headers['content-type'] ?? '')),
      };
    } catch {
      return this.send(res, 200, { ok: false, error: 'invalid_json' });
    }
    const fault = this.faults.take(method);
    if (fault) {
      if (fault.delayMs) await this.delay(fault.delayMs);
      if (fault.status || fault.error) {
        const status = fault.status ?? 200;
        this.record(method, args, false, status, fault.error ?? `http_${status}`);
        if (status === 429)
          return this.send(
            res,
            429,
            { ok: false, error: 'ratelimited' },
            { 'retry-after': String(fault.retryAfter ?? 1) },
          );
        if (status !== 200) {
          res.writeHead(status, { 'content-type': 'text/plain' });
          return res.end('upstream error');
        }
        return this.send(res, 200, { ok: false, error: fault.error });
      }
    }
    const auth = String(req.headers.authorization ?? '');
    const token = auth.startsWith('Bearer ') ? auth.slice(7) : String(args.token ?? '');
    const needsApp = method === 'apps.connections.open';
    if (!token || (needsApp ? !token.startsWith('xapp-') : !token.startsWith('xox'))) {
      this.record(method, args, false, 200, 'not_authed');
      return this.send(res, 200, { ok: false, error: token ? 'invalid_auth' : 'not_authed' });
    }
    let result: Record<string, unknown>;
    try {
      result = callMethod(this, method, args);
    } catch (err) {
      result = {
        ok: false,
        error: err instanceof SlackApiError ? err.code : 'internal_error',
        ...(err instanceof SlackApiError ? err.extra : {}),
      };
    }
    this.record(method, args, result.ok === true, 200, result.ok ? undefined : String(result.error));
    if (fault?.holdResponseMs) await this.delay(fault.holdResponseMs);
    if (res.destroyed || res.writableEnded) return;
    if (fault?.lostAnswerStatus) {
      res.writeHead(fault.lostAnswerStatus, { 'content-type': 'text/plain' });
      return res.end('upstream error');
    }
    this.send(res, 200, result);
  }

  /** A file's upload_url (POST, bytes; fault method 'upload_url') and its bytes (GET /files/<id>). */
  private async handleFile(req: IncomingMessage, res: ServerResponse, url: URL) {
    if (req.method === 'GET' && url.pathname.startsWith('/files/'))
      return serveFile(this, url.pathname.slice('/files/'.length), res);
    if (req.method !== 'POST' || !url.pathname.startsWith('/upload/'))
      return this.send(res, 405, { ok: false });
    const body = await readBodyBuffer(req, 1024 * 1024 * 1024);
    const fault = this.faults.take('upload_url');
    if (fault?.delayMs) await this.delay(fault.delayMs);
    if (fault?.status) {
      this.record('upload_url', {}, false, fault.status, `http_${fault.status}`);
      res.writeHead(fault.status, {
        'content-type': 'text/plain',
        'retry-after': String(fault.retryAfter ?? 1),
      });
      return res.end('upstream error');
    }
    receiveUpload(this, url.pathname.slice('/upload/'.length), body, res);
  }

  private delay(ms: number) {
    return new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        this.timers.delete(t);
        resolve();
      }, ms);
      this.timers.add(t);
    });
  }
}
