import type { CustomRoute } from '@slack/bolt';
import { DateTime, Duration } from 'luxon';
import type { ManualClock } from '../clock';
import { readBody, sendJson, sendText } from '../http';
import { emojiRoutes } from './emoji';
import type { GitHubEmulator } from './github/server';
import { FAVICON_SVG, sandboxPage } from './page';
import type { SlackDriver } from './slack/driver';
import { uploadedFiles } from './slack/files';
import { isAckBody, type SlackEmulator } from './slack/server';
import { SLACKBOT } from './slack/store';
import { homeTab } from './slack/views';

/**
 * The local sandbox's web page and its small JSON API. Every action the page takes becomes a
 * correctly signed Slack request to relbot's own /slack/events (through SlackDriver), and relbot's
 * answers come back through the emulated Web API and response_url: the same path as production.
 */
export interface SandboxContext {
  slack: SlackEmulator;
  github: GitHubEmulator;
  clock: ManualClock;
  /** Set once relbot listens (the driver needs its URL). */
  driver?: SlackDriver;
  channel: string;
  /** The slash commands relbot's manifest registers; Slack answers any other itself. */
  commands: string[];
  /** Moves the clock to `target`, running every job at each of its wake-ups on the way. */
  passTime(target: DateTime): Promise<number>;
  /** Who one can be on the page, and what each can try (the page's "Try" list). */
  personas: Array<{ id: string; name: string; role: string; try: string[] }>;
}

export function sandboxRoutes(ctx: SandboxContext): CustomRoute[] {
  const closedViews = new Set<string>();
  let clockQueue: Promise<void> = Promise.resolve();
  const json = (handler: (body: Record<string, unknown>) => Promise<unknown>): CustomRoute['handler'] => {
    return (req, res) => {
      readBody(req, 200_000)
        .then((raw) => handler(raw ? (JSON.parse(raw) as Record<string, unknown>) : {}))
        .then((out) => sendJson(res, 200, out))
        .catch((err) => sendJson(res, 400, { error: String((err as Error).message ?? err) }));
    };
  };
  const driver = () => {
    if (!ctx.driver) throw new Error('relbot is still starting');
    return ctx.driver;
  };
  const person = (id: unknown) => {
    const p = ctx.personas.find((x) => x.id === id);
    if (!p) throw new Error('pick who you are first');
    return p.id;
  };

  return [
    {
      path: '/',
      method: ['GET'],
      handler: (_req, res) => sendText(res, 200, sandboxPage(), 'text/html; charset=utf-8'),
    },
    {
      path: '/favicon.ico',
      method: ['GET'],
      handler: (_req, res) => sendText(res, 200, FAVICON_SVG, 'image/svg+xml'),
    },
    ...emojiRoutes(),
    {
      // A file relbot shared (files.completeUploadExternal), as the page's feed shows it.
      path: '/sandbox/file',
      method: ['GET'],
      handler: (req, res) => {
        const id = new URL(req.url ?? '/', 'http://x').searchParams.get('id') ?? '';
        const file = uploadedFiles(ctx.slack).find((f) => f.id === id && f.bytes);
        if (!file?.bytes) return sendText(res, 404, 'no such file');
        res.writeHead(200, {
          'content-type': file.mimetype ?? 'application/octet-stream',
          'cache-control': 'max-age=3600',
        });
        res.end(file.bytes);
      },
    },
    {
      path: '/sandbox/api/state',
      method: ['GET'],
      handler: (req, res) => {
        const user = new URL(req.url ?? '/', 'http://x').searchParams.get('user') ?? '';
        const names: Record<string, string> = Object.fromEntries(
          [...ctx.slack.users.values()].map((u) => [u.id, u.name]),
        );
        names[SLACKBOT] = 'Slackbot';
        const messages = ctx.slack.messages
          .filter((m) => m.channel === ctx.channel || m.channel === `D${user.slice(1)}`)
          .filter((m) => !m.ephemeralTo || m.ephemeralTo === user)
          .map((m) => ({ ...m, dm: m.channel.startsWith('D') }));
        const views = [...ctx.slack.views.values()].filter((v) => v.user === user && !closedViews.has(v.id));
        const github = ctx.github.calls
          .filter((c) => c.method !== 'GET')
          .map((c) => ({
            method: c.method,
            path: decodeURIComponent(c.path),
            status: c.status,
            body: c.body,
            at: c.at,
          }));
        sendJson(res, 200, {
          now: ctx.clock.now().toISO(),
          personas: ctx.personas,
          tz: ctx.slack.users.get(user)?.tz ?? 'UTC',
          names,
          groups: Object.fromEntries([...ctx.slack.usergroups].map(([id, g]) => [id, g.handle])),
          channels: Object.fromEntries([...ctx.slack.channels].map(([id, c]) => [id, c.name])),
          channel: ctx.channel,
          messages,
          view: views.at(-1) ?? null,
          home: homeTab(ctx.slack, user) ?? null,
          github,
          githubReads: ctx.github.calls.length - github.length,
        });
      },
    },
    {
      path: '/sandbox/api/command',
      method: ['POST'],
      handler: json(async (b) => {
        const user = person(b.user);
        const text = String(b.text ?? '').trim();
        const m = /^(\/\w+)\s*([\s\S]*)$/.exec(text);
        if (!m) throw new Error('type a slash command, e.g. /schedule');
        const command = m[1]!;
        if (!ctx.commands.includes(command)) {
          // Slack answers a command no app registered itself, at once; relbot never hears of it.
          ctx.slack.recordSlackbot(
            b.channel === `D${user.slice(1)}` ? String(b.channel) : ctx.channel,
            user,
            `${command} is not a valid command. In Slack, all messages that start with the "/" character are interpreted as commands.`,
          );
          return { status: 200, body: '' };
        }
        // The channel, or the person's DM with relbot when they type there.
        const channel = b.channel === `D${user.slice(1)}` ? String(b.channel) : ctx.channel;
        const res = await driver().command(user, command, m[2]!, channel);
        // Slack shows the ack's own body; what relbot posts to the response_url afterwards the
        // emulator already shows (res.body may be that post: showing it again would double it).
        if (res.ack.status === 200 && isAckBody(res.ack.body))
          ctx.slack.recordAck(channel, user, res.ack.body);
        return { status: res.status, body: res.body };
      }),
    },
    {
      path: '/sandbox/api/click',
      method: ['POST'],
      handler: json(async (b) => {
        const user = person(b.user);
        const msg = ctx.slack.messages.find((x) => x.ts === b.ts && x.channel === b.channel);
        if (!msg) throw new Error('that message is gone');
        const res = await driver().click(
          user,
          msg,
          String(b.actionId),
          b.value === undefined ? undefined : String(b.value),
        );
        return { status: res.status, body: res.body };
      }),
    },
    {
      path: '/sandbox/api/submit',
      method: ['POST'],
      handler: json(async (b) => {
        const user = person(b.user);
        const view = ctx.slack.views.get(String(b.viewId));
        if (!view) throw new Error('that modal is closed');
        const res = await driver().submitView(
          user,
          view,
          (b.values ?? {}) as Record<string, string | string[]>,
        );
        const body = (res.body || undefined) as
          | { response_action?: string; view?: Record<string, unknown> }
          | undefined;
        if (res.status === 200 && body?.response_action === 'update' && body.view) view.view = body.view;
        else if (res.status === 200 && body?.response_action !== 'errors') closedViews.add(view.id);
        return { status: res.status, body: res.body };
      }),
    },
    {
      path: '/sandbox/api/home-open',
      method: ['POST'],
      handler: json(async (b) => {
        const user = person(b.user);
        // Bolt acks the event before relbot publishes; the page's next poll shows the Home tab.
        const res = await driver().openHome(user);
        return { status: res.status };
      }),
    },
    {
      path: '/sandbox/api/home-click',
      method: ['POST'],
      handler: json(async (b) => {
        const user = person(b.user);
        const res = await driver().clickHome(
          user,
          String(b.actionId),
          b.value === undefined ? undefined : String(b.value),
        );
        return { status: res.status, body: res.body };
      }),
    },
    {
      path: '/sandbox/api/close-view',
      method: ['POST'],
      handler: json(async (b) => {
        closedViews.add(String(b.viewId));
        return { ok: true };
      }),
    },
    {
      path: '/sandbox/api/clock',
      method: ['POST'],
      handler: json(async (b) => {
        // One clock move at a time: a second click waits for the first walk to finish.
        const prev = clockQueue;
        let release = () => {};
        clockQueue = new Promise<void>((r) => {
          release = r;
        });
        await prev;
        try {
          return await moveClock(b);
        } finally {
          release();
        }
      }),
    },
  ];

  async function moveClock(b: Record<string, unknown>) {
    let target: DateTime;
    if (typeof b.to === 'string') {
      target = DateTime.fromISO(b.to, { zone: 'utc' });
      if (!target.isValid) throw new Error('to must be an ISO time such as 2026-06-08T09:00:00Z');
    } else {
      const d = Duration.fromISO(String(b.advance ?? ''));
      if (!d.isValid || d.toMillis() <= 0)
        throw new Error('advance must be an ISO duration such as PT1H or P1D');
      target = ctx.clock.now().plus(d);
    }
    const runs = await ctx.passTime(target);
    return { now: ctx.clock.now().toISO(), runs };
  }
}
