// The Slack emulator's workspace: users, channels, user groups, messages, views, triggers, response_urls and the recorded calls.
import { randomBytes } from 'node:crypto';

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

export interface OpenView {
  id: string;
  user: string;
  view: Record<string, unknown>;
  hash: string;
  triggerId: string;
}

export interface ResponseUrl {
  id: string;
  channel: string;
  user: string;
  /** The message a button was clicked on, for replace_original. */
  messageTs?: string;
  uses: number;
  /** What relbot posted to it, in order. */
  bodies: unknown[];
}

/** What a slash command's ack may carry back (its text and blocks are shown to the user). */
export interface AckBody {
  text?: string;
  blocks?: unknown[];
  response_type?: string;
}

/** Whether an answer's JSON body is an AckBody (an object whose text, blocks and response_type, when set, have those types). */
export function isAckBody(body: unknown): body is AckBody {
  if (typeof body !== 'object' || body === null) return false;
  const b: { text?: unknown; blocks?: unknown; response_type?: unknown } = body;
  return (
    (b.text === undefined || typeof b.text === 'string') &&
    (b.blocks === undefined || Array.isArray(b.blocks)) &&
    (b.response_type === undefined || typeof b.response_type === 'string')
  );
}

export const BOT_USER = 'UBOTRELBOT';
/** Slack's own bot, which answers e.g. an unknown slash command. */
export const SLACKBOT = 'USLACKBOT';
export const BOT_ID = 'BRELBOT';
export const TEAM = 'TSIGREL';

/** A Web API error answer: `{ ok: false, error: code, ...extra }`. */
export class SlackApiError extends Error {
  constructor(
    readonly code: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(code);
  }
}

/**
 * Everything the emulated workspace holds, and what tests read and wait on. The HTTP server
 * (SlackEmulator) extends it; the Web API methods and response_urls act on it.
 */
export class SlackWorkspace {
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
  /** http://127.0.0.1:PORT once started. */
  url = '';
  private tsCounter = 0;
  private listeners = new Set<() => void>();

  constructor(protected readonly now: () => number = Date.now) {
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

  /**
   * Shows a slash command's ack body the way Slack does: as an ephemeral message to the user, or
   * in the channel for `response_type: in_channel`. (The sandbox page calls this; Slack does it itself.)
   */
  recordAck(channel: string, user: string, body: AckBody): void {
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

  /** An ephemeral answer from Slack itself (Slackbot), as for a slash command no app registered. */
  recordSlackbot(channel: string, user: string, text: string): void {
    this.messages.push({ channel, ts: this.nextTs(), text, user: SLACKBOT, edits: 0, ephemeralTo: user });
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

  // ---------------------------------------------------------------- for the emulator's handlers

  /** The next message ts: the clock's second and a counter. */
  nextTs(): string {
    this.tsCounter += 1;
    const ms = this.now();
    const sec = Math.floor(ms / 1000);
    return `${sec}.${String(this.tsCounter).padStart(6, '0')}`;
  }

  /** Records a call (and wakes waitFor). */
  record(method: string, args: Record<string, unknown>, ok: boolean, status: number, error?: string): void {
    this.calls.push({ method, args, at: Date.now(), ok, status, error });
    this.changed();
  }

  private changed() {
    for (const l of [...this.listeners]) l();
  }
}
