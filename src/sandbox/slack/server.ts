import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { validateMessage, validateView } from './blockkit';

/**
 * An emulated Slack Web API on 127.0.0.1: enough of the real wire contract (form or JSON bodies,
 * `ok`/`error` answers, 429 with Retry-After, Socket Mode over a WebSocket) to run relbot against.
 * It records every call, keeps channels, users, user groups, views and response_url answers, and
 * checks every message and view against Block Kit's published limits.
 */

export interface SlackUser {
  id: string;
  name: string;
  real_name?: string;
  tz?: string;
  tz_offset?: number;
  is_admin?: boolean;
  is_bot?: boolean;
}

export interface SlackMessage {
  channel: string;
  ts: string;
  text?: string;
  blocks?: unknown[];
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
  thread_ts?: string;
  user: string;
  /** How many times chat.update changed it. */
  edits: number;
  /** The user an ephemeral message was shown to; unset for channel messages. */
  ephemeralTo?: string;
  /** Came through a response_url. */
  viaResponseUrl?: boolean;
}

export interface SlackCall {
  method: string;
  args: Record<string, unknown>;
  at: number;
  ok: boolean;
  error?: string;
  status: number;
}

export interface SlackFault {
  /** Web API method (e.g. 'chat.postMessage') or '*' for all. */
  method: string;
  /** HTTP status to answer (429 sends Retry-After). Omit to answer 200 with ok:false and `error`. */
  status?: number;
  error?: string;
  retryAfter?: number;
  times?: number;
  delayMs?: number;
  /**
   * Apply the call normally (the message is stored) but hold the HTTP answer this long: the state a
   * client killed while waiting for Slack's answer leaves behind (crash tests).
   */
  holdResponseMs?: number;
}

export interface OpenView {
  id: string;
  user: string;
  view: Record<string, unknown>;
  hash: string;
  triggerId: string;
}

interface ResponseUrl {
  id: string;
  channel: string;
  user: string;
  /** The message a button was clicked on, for replace_original. */
  messageTs?: string;
  uses: number;
  /** What relbot posted to it, in order. */
  bodies: unknown[];
}

const BOT_USER = 'UBOTRELBOT';
const BOT_ID = 'BRELBOT';
const TEAM = 'TSIGREL';

export class SlackEmulator {
  readonly calls: SlackCall[] = [];
  /** Block Kit problems found in anything relbot sent. Tests assert this stays empty. */
  readonly violations: { method: string; errors: string[] }[] = [];
  readonly messages: SlackMessage[] = [];
  readonly users = new Map<string, SlackUser>();
  readonly usergroups = new Map<string, { handle: string; users: string[] }>();
  readonly channels = new Map<string, { id: string; name: string }>();
  readonly views = new Map<string, OpenView>();
  readonly responseUrls = new Map<string, ResponseUrl>();
  readonly triggers = new Map<string, { user: string; used: boolean }>();
  private faults: SlackFault[] = [];
  private server?: Server;
  private wss?: WebSocketServer;
  private sockets = new Set<Socket>();
  private pendingAcks = new Map<string, (payload: unknown) => void>();
  private tsCounter = 0;
  private listeners = new Set<() => void>();
  private timers = new Set<NodeJS.Timeout>();
  url = '';

  constructor(private readonly now: () => number = Date.now) {
    this.addUser({ id: BOT_USER, name: 'relbot', is_bot: true });
  }

  get apiUrl(): string {
    return `${this.url}/api/`;
  }

  get botUserId(): string {
    return BOT_USER;
  }

  addUser(u: SlackUser): SlackUser {
    const user = { real_name: u.name, tz: 'UTC', tz_offset: 0, ...u };
    this.users.set(user.id, user);
    return user;
  }

  addUsergroup(id: string, handle: string, users: string[]): void {
    this.usergroups.set(id, { handle, users: [...users] });
  }

  addChannel(id: string, name: string): void {
    this.channels.set(id, { id, name });
  }

  injectFault(f: SlackFault): void {
    this.faults.push({ times: 1, ...f });
  }

  clearFaults(): void {
    this.faults = [];
  }

  /**
   * Shows a slash command's ack body the way Slack does: as an ephemeral message to the user, or
   * in the channel for `response_type: in_channel`. (The sandbox page calls this; Slack does it itself.)
   */
  recordAck(
    channel: string,
    user: string,
    body: { text?: string; blocks?: unknown[]; response_type?: string },
  ): void {
    if (!body || (body.text === undefined && body.blocks === undefined)) return;
    this.messages.push({
      channel,
      ts: this.nextTs(),
      text: body.text,
      blocks: body.blocks,
      user: BOT_USER,
      edits: 0,
      ephemeralTo: body.response_type === 'in_channel' ? undefined : user,
      viaResponseUrl: true,
    });
    this.changed();
  }

  /** Channel messages (not ephemeral), optionally of one channel. */
  channelMessages(channel?: string): SlackMessage[] {
    return this.messages.filter((m) => !m.ephemeralTo && (!channel || m.channel === channel));
  }

  ephemeralsFor(user: string): SlackMessage[] {
    return this.messages.filter((m) => m.ephemeralTo === user);
  }

  callsTo(method: string): SlackCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Resolves when `check` returns a truthy value after any recorded change, or rejects after `timeoutMs`. */
  waitFor<T>(check: () => T | undefined | false | null, timeoutMs = 10000): Promise<T> {
    return new Promise((resolve, reject) => {
      const first = check();
      if (first) return resolve(first);
      const listener = () => {
        const v = check();
        if (v) {
          cleanup();
          resolve(v);
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`SlackEmulator.waitFor: condition not met within ${timeoutMs} ms`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.listeners.delete(listener);
      };
      this.listeners.add(listener);
    });
  }

  private changed() {
    for (const l of [...this.listeners]) l();
  }

  /** A fresh trigger_id for a user action (slash command, button click), as Slack issues them. */
  issueTrigger(user: string): string {
    const id = `${Date.now()}.${randomBytes(6).toString('hex')}`;
    this.triggers.set(id, { user, used: false });
    return id;
  }

  /** A fresh response_url for a command or interaction. */
  issueResponseUrl(channel: string, user: string, messageTs?: string): string {
    const id = randomBytes(8).toString('hex');
    this.responseUrls.set(id, { id, channel, user, messageTs, uses: 0, bodies: [] });
    return `${this.url}/response/${id}`;
  }

  private nextTs(): string {
    this.tsCounter += 1;
    const ms = this.now();
    const sec = Math.floor(ms / 1000);
    return `${sec}.${String(this.tsCounter).padStart(6, '0')}`;
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
    this.wss = new WebSocketServer({ noServer: true });
    this.server.on('upgrade', (req, socket, head) => {
      if (!req.url?.startsWith('/socket')) return socket.destroy();
      this.wss!.handleUpgrade(req, socket, head, (ws) => this.onSocket(ws));
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    const addr = this.server.address();
    if (!addr || typeof addr === 'string') throw new Error('no address');
    this.url = `http://127.0.0.1:${addr.port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    for (const ws of this.wss?.clients ?? []) ws.terminate();
    this.wss?.close();
    for (const s of this.sockets) s.destroy();
    if (this.server) await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server = undefined;
  }

  // ---------------------------------------------------------------- Socket Mode

  private onSocket(ws: WebSocket) {
    ws.send(JSON.stringify({ type: 'hello', num_connections: 1, connection_info: { app_id: 'ARELBOT' } }));
    ws.on('message', (data) => {
      try {
        const msg = JSON.parse(String(data)) as { envelope_id?: string; payload?: unknown };
        if (msg.envelope_id) {
          const resolve = this.pendingAcks.get(msg.envelope_id);
          this.pendingAcks.delete(msg.envelope_id);
          resolve?.(msg.payload ?? null);
        }
      } catch {
        /* ignore */
      }
    });
  }

  get socketClients(): number {
    return this.wss?.clients.size ?? 0;
  }

  /** Sends a Socket Mode envelope to a connected app and resolves with the payload it acked with. */
  sendEnvelope(
    type: 'slash_commands' | 'interactive' | 'events_api',
    payload: unknown,
    timeoutMs = 10000,
  ): Promise<unknown> {
    const ws = [...(this.wss?.clients ?? [])].find((c) => c.readyState === WebSocket.OPEN);
    if (!ws) return Promise.reject(new Error('no Socket Mode client connected'));
    const envelope_id = randomBytes(8).toString('hex');
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pendingAcks.delete(envelope_id);
        reject(new Error('envelope not acked in time'));
      }, timeoutMs);
      this.pendingAcks.set(envelope_id, (p) => {
        clearTimeout(timer);
        resolve(p);
      });
      ws.send(
        JSON.stringify({
          envelope_id,
          type,
          payload,
          accepts_response_payload: type !== 'events_api',
          retry_attempt: 0,
          retry_reason: '',
        }),
      );
    });
  }

  // ---------------------------------------------------------------- HTTP

  private async readBody(req: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }

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
    const raw = await this.readBody(req);
    if (url.pathname.startsWith('/response/')) {
      const id = url.pathname.slice('/response/'.length);
      // GET shows what was posted to a response_url (for tools in another process, e.g. the benchmark).
      if (req.method === 'GET')
        return this.send(res, 200, { bodies: this.responseUrls.get(id)?.bodies ?? [] });
      return this.handleResponseUrl(id, raw, res);
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
    const fault = this.faults.find((f) => (f.method === '*' || f.method === method) && (f.times ?? 1) > 0);
    if (fault) {
      fault.times = (fault.times ?? 1) - 1;
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
      result = this.dispatch(method, args);
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
    this.send(res, 200, result);
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

  private record(method: string, args: Record<string, unknown>, ok: boolean, status: number, error?: string) {
    this.calls.push({ method, args, at: Date.now(), ok, status, error });
    this.changed();
  }

  private checkMessage(method: string, args: { text?: unknown; blocks?: unknown }) {
    const errors = validateMessage(args);
    if (errors.length) {
      this.violations.push({ method, errors });
      throw new SlackApiError('invalid_blocks', { response_metadata: { messages: errors } });
    }
  }

  private checkView(method: string, view: unknown) {
    const errors = validateView(view);
    if (errors.length) {
      this.violations.push({ method, errors });
      throw new SlackApiError('invalid_arguments', { response_metadata: { messages: errors } });
    }
  }

  private resolveChannel(channel: unknown): string {
    if (typeof channel !== 'string' || !channel) throw new SlackApiError('channel_not_found');
    if (/^[UW]/.test(channel)) {
      if (!this.users.has(channel)) throw new SlackApiError('channel_not_found');
      return `D${channel.slice(1)}`;
    }
    if (/^[CGD]/.test(channel)) {
      if (channel.startsWith('D') || this.channels.has(channel)) return channel;
    }
    throw new SlackApiError('channel_not_found');
  }

  private dispatch(method: string, a: Record<string, unknown>): Record<string, unknown> {
    switch (method) {
      case 'api.test':
        return { ok: true };
      case 'auth.test':
        return {
          ok: true,
          url: 'https://sig-release.slack.example/',
          team: 'SIG Release',
          user: 'relbot',
          team_id: TEAM,
          user_id: BOT_USER,
          bot_id: BOT_ID,
        };
      case 'apps.connections.open': {
        return {
          ok: true,
          url: `${this.url.replace('http', 'ws')}/socket?ticket=${randomBytes(4).toString('hex')}`,
        };
      }
      case 'chat.postMessage': {
        const channel = this.resolveChannel(a.channel);
        this.checkMessage(method, a);
        const msg: SlackMessage = {
          channel,
          ts: this.nextTs(),
          text: a.text as string | undefined,
          blocks: a.blocks as unknown[] | undefined,
          metadata: a.metadata as SlackMessage['metadata'],
          thread_ts: a.thread_ts as string | undefined,
          user: BOT_USER,
          edits: 0,
        };
        this.messages.push(msg);
        return { ok: true, channel, ts: msg.ts, message: { ...msg, bot_id: BOT_ID, type: 'message' } };
      }
      case 'chat.update': {
        const channel = this.resolveChannel(a.channel);
        const msg = this.messages.find((m) => m.channel === channel && m.ts === a.ts && !m.ephemeralTo);
        if (!msg) throw new SlackApiError('message_not_found');
        this.checkMessage(method, a);
        if (a.text !== undefined) msg.text = a.text as string;
        if (a.blocks !== undefined) msg.blocks = a.blocks as unknown[];
        if (a.metadata !== undefined) msg.metadata = a.metadata as SlackMessage['metadata'];
        msg.edits += 1;
        return { ok: true, channel, ts: msg.ts, text: msg.text };
      }
      case 'chat.postEphemeral': {
        const channel = this.resolveChannel(a.channel);
        if (typeof a.user !== 'string' || !this.users.has(a.user)) throw new SlackApiError('user_not_found');
        this.checkMessage(method, a);
        const ts = this.nextTs();
        this.messages.push({
          channel,
          ts,
          text: a.text as string,
          blocks: a.blocks as unknown[] | undefined,
          user: BOT_USER,
          edits: 0,
          ephemeralTo: a.user,
        });
        return { ok: true, message_ts: ts };
      }
      case 'chat.delete': {
        const channel = this.resolveChannel(a.channel);
        const i = this.messages.findIndex((m) => m.channel === channel && m.ts === a.ts);
        if (i < 0) throw new SlackApiError('message_not_found');
        this.messages.splice(i, 1);
        return { ok: true, channel, ts: a.ts };
      }
      case 'conversations.open': {
        const users = String(a.users ?? '')
          .split(',')
          .filter(Boolean);
        if (users.length !== 1 || !this.users.has(users[0]!)) throw new SlackApiError('user_not_found');
        return { ok: true, channel: { id: `D${users[0]!.slice(1)}` } };
      }
      case 'conversations.info': {
        const ch = this.channels.get(String(a.channel));
        if (!ch) throw new SlackApiError('channel_not_found');
        return { ok: true, channel: { id: ch.id, name: ch.name, is_channel: true, is_member: true } };
      }
      case 'conversations.history': {
        const channel = this.resolveChannel(a.channel);
        const oldest = a.oldest ? Number(a.oldest) : 0;
        const latest = a.latest ? Number(a.latest) : Number.POSITIVE_INFINITY;
        const limit = Math.min(Number(a.limit ?? 100) || 100, 1000);
        const offset = a.cursor ? Number(Buffer.from(String(a.cursor), 'base64').toString()) : 0;
        const all = this.messages
          .filter(
            (m) =>
              m.channel === channel && !m.ephemeralTo && Number(m.ts) >= oldest && Number(m.ts) <= latest,
          )
          .sort((x, y) => Number(y.ts) - Number(x.ts));
        const page = all.slice(offset, offset + limit);
        const more = offset + limit < all.length;
        const withMeta = a.include_all_metadata === true || a.include_all_metadata === 'true';
        return {
          ok: true,
          messages: page.map((m) => ({
            type: 'message',
            ts: m.ts,
            text: m.text,
            blocks: m.blocks,
            user: m.user,
            bot_id: BOT_ID,
            ...(withMeta && m.metadata ? { metadata: m.metadata } : {}),
          })),
          has_more: more,
          response_metadata: {
            next_cursor: more ? Buffer.from(String(offset + limit)).toString('base64') : '',
          },
        };
      }
      case 'users.info': {
        const u = this.users.get(String(a.user));
        if (!u) throw new SlackApiError('user_not_found');
        return { ok: true, user: { ...u, profile: { real_name: u.real_name, display_name: u.name } } };
      }
      case 'usergroups.users.list': {
        const g = this.usergroups.get(String(a.usergroup));
        if (!g) throw new SlackApiError('no_such_subteam');
        return { ok: true, users: [...g.users] };
      }
      case 'usergroups.users.update': {
        const g = this.usergroups.get(String(a.usergroup));
        if (!g) throw new SlackApiError('no_such_subteam');
        const users = String(a.users ?? '')
          .split(',')
          .filter(Boolean);
        if (users.length === 0) throw new SlackApiError('no_users_provided');
        g.users = users;
        return { ok: true, usergroup: { id: a.usergroup, handle: g.handle, users } };
      }
      case 'views.open':
      case 'views.push': {
        const trigger = this.triggers.get(String(a.trigger_id));
        if (!trigger) throw new SlackApiError('invalid_trigger_id');
        if (trigger.used) throw new SlackApiError('trigger_exchanged');
        this.checkView(method, a.view);
        trigger.used = true;
        const id = `V${randomBytes(5).toString('hex').toUpperCase()}`;
        const v: OpenView = {
          id,
          user: trigger.user,
          view: a.view as Record<string, unknown>,
          hash: randomBytes(4).toString('hex'),
          triggerId: String(a.trigger_id),
        };
        this.views.set(id, v);
        return { ok: true, view: { id, hash: v.hash, ...v.view } };
      }
      case 'views.update': {
        const v = this.views.get(String(a.view_id));
        if (!v) throw new SlackApiError('not_found');
        if (a.hash && a.hash !== v.hash) throw new SlackApiError('hash_conflict');
        this.checkView(method, a.view);
        v.view = a.view as Record<string, unknown>;
        v.hash = randomBytes(4).toString('hex');
        return { ok: true, view: { id: v.id, hash: v.hash, ...v.view } };
      }
      default:
        throw new SlackApiError('unknown_method');
    }
  }

  private handleResponseUrl(id: string, raw: string, res: ServerResponse) {
    const r = this.responseUrls.get(id);
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      res.writeHead(400);
      return res.end('invalid_payload');
    }
    const record = (ok: boolean, error?: string) =>
      this.record('response_url', body, ok, ok ? 200 : 404, error);
    if (!r) {
      record(false, 'expired_url');
      res.writeHead(404);
      return res.end('expired_url');
    }
    if (r.uses >= 5) {
      record(false, 'used_url');
      res.writeHead(404);
      return res.end('used_url');
    }
    const errors = body.delete_original ? [] : validateMessage(body as { text?: unknown; blocks?: unknown });
    if (errors.length) {
      this.violations.push({ method: 'response_url', errors });
      record(false, 'invalid_blocks');
      res.writeHead(400);
      return res.end('invalid_blocks');
    }
    r.uses += 1;
    r.bodies.push(body);
    const original = r.messageTs
      ? this.messages.find((m) => m.channel === r.channel && m.ts === r.messageTs)
      : undefined;
    if (body.delete_original && original) {
      this.messages.splice(this.messages.indexOf(original), 1);
    } else if (body.replace_original && original) {
      original.text = body.text as string | undefined;
      original.blocks = body.blocks as unknown[] | undefined;
      original.edits += 1;
    } else {
      const inChannel = body.response_type === 'in_channel';
      this.messages.push({
        channel: r.channel,
        ts: this.nextTs(),
        text: body.text as string | undefined,
        blocks: body.blocks as unknown[] | undefined,
        user: BOT_USER,
        edits: 0,
        ephemeralTo: inChannel ? undefined : r.user,
        viaResponseUrl: true,
      });
    }
    record(true);
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('ok');
  }
}

class SlackApiError extends Error {
  constructor(
    readonly code: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(code);
  }
}
